//! Mini-batch gradients, metrics, checked steps and the training loop.
//!
//! Over a batch the loss is the mean of the per-sample losses, so the batch
//! gradient is the mean of the per-sample gradients: a batch of identical
//! samples has exactly the single-sample gradient.

mod check;
mod chunks;
mod data;
mod fit;
mod metrics;
#[cfg(feature = "std")]
mod rendezvous;
mod step;
#[cfg(feature = "std")]
mod team;

pub use check::SampleError;
pub(crate) use chunks::shuffle;
pub use chunks::CHUNK;
pub use data::{check_data, Data, DataError};
pub use fit::{Control, Epoch, Fit, Metric, Summary, TrainError};
pub use metrics::{accuracy, mean_loss, mean_squared_error};
pub use step::{batch_gradient, checked_step, StepError};
