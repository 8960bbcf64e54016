//! Optimisers. Each keeps its state in values of the network's own type (a
//! velocity, moment estimates, step sizes), so a step allocates nothing and
//! works for any generated network through [`Params`].
//!
//! `step(net, grad)` applies one update from `grad`, the gradient of the
//! loss to minimise (for a mini-batch, the mean over its samples, as
//! [`crate::train::batch_gradient`] computes it). Steps touch only the
//! parameters [`Params::trainable`] yields: the layers of a declaration
//! marked `frozen` stay bit for bit as they are, weight decay included.

mod adam;
mod rprop;
mod schedule;
mod sgd;

pub use adam::Adam;
pub use rprop::Rprop;
pub use schedule::Schedule;
pub use sgd::Sgd;

use crate::{Params, Scalar};

/// One update rule.
pub trait Optimizer<N: Params> {
    /// Updates `net` from the gradient `grad`.
    fn step(&mut self, net: &mut N, grad: &N);

    /// The learning rate, for optimisers that have one (`None` for Rprop).
    fn learning_rate(&self) -> Option<N::Scalar> {
        None
    }

    /// Sets the learning rate (a [`Schedule`] does, each epoch); ignored by
    /// optimisers without one.
    fn set_learning_rate(&mut self, lr: N::Scalar) {
        let _ = lr;
    }
}

/// Scales `grad` so that its global L2 norm (over every parameter) is at
/// most `max_norm`, as PyTorch's `clip_grad_norm_`; returns the norm before
/// clipping. A gradient within the bound is left bit-identical.
pub fn clip_grad_norm<N: Params>(grad: &mut N, max_norm: N::Scalar) -> N::Scalar {
    let mut sum = N::Scalar::ZERO;
    for &g in grad.params() {
        sum += g * g;
    }
    let norm = sum.sqrt();
    if norm > max_norm {
        let scale = max_norm / norm;
        for g in grad.params_mut() {
            *g *= scale;
        }
    }
    norm
}
