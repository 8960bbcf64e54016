//! `Fit`: the training loop (epochs, shuffling, mini-batches, schedules,
//! early stopping, optional threads).

use super::chunks::{shuffle, Chunks, CHUNK};
use super::data::{check_data, Data, DataError};
use super::metrics::{accuracy, mean_loss, mean_squared_error};
use crate::optim::{clip_grad_norm, Optimizer, Schedule};
use crate::{Scalar, Trainable};
use alloc::vec::Vec;
use core::fmt;
use rand::Rng;

/// Why training stopped with an error. The network is left as it was
/// before the failing step (rejected data: untouched; divergence: the
/// weights at the start of the epoch, the last known finite ones).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TrainError {
    /// A sample failed validation; nothing was trained.
    Data(DataError),
    /// The loss became NaN or infinite (learning rate too high?).
    Diverged {
        /// The epoch (from 1) in which it happened.
        epoch: usize,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::Data(e) => write!(f, "invalid data: {e}"),
            TrainError::Diverged { epoch } => write!(
                f,
                "the loss became non-finite in epoch {epoch}; restored the weights from the start of that epoch (try a lower learning rate)"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for TrainError {}

/// What the training loop measures after each epoch.
#[derive(Clone, Copy, Debug)]
pub enum Metric {
    /// [`accuracy`].
    Accuracy,
    /// [`mean_squared_error`].
    MeanSquaredError,
}

/// One epoch's figures, passed to the callback.
#[derive(Clone, Copy, Debug)]
pub struct Epoch {
    /// From 1.
    pub epoch: usize,
    /// Mean of the batch losses seen during the epoch.
    pub train_loss: f64,
    /// Mean loss on the validation set, if one was given.
    pub val_loss: Option<f64>,
    /// The metric on the validation set if given, else on the training set.
    pub metric: Option<f64>,
    /// Seconds since training started (with the `std` feature).
    pub elapsed: Option<f64>,
    /// The learning rate of the epoch, for optimisers that have one.
    pub learning_rate: Option<f64>,
}

/// What the callback returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    Continue,
    /// Stop after this epoch.
    Stop,
}

/// How training ended.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    /// Epochs run.
    pub epochs: usize,
    /// The epoch whose weights the network holds (the best on validation
    /// with early stopping, else the last).
    pub best_epoch: usize,
    /// Validation loss at `best_epoch`, if there is a validation set.
    pub best_val_loss: Option<f64>,
    /// True if early stopping (or the callback) ended training.
    pub stopped_early: bool,
}

/// The training loop: epochs of shuffled mini-batches, one optimiser step
/// per batch, optional validation and early stopping.
///
/// ```
/// use mlp::network;
/// use mlp::optim::Adam;
/// use mlp::rand::{rngs::SmallRng, SeedableRng};
/// use mlp::train::{Control, Data, Fit};
///
/// network! { struct Xor<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>; }
///
/// let (xs, ds) = ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [[0.0], [1.0], [1.0], [0.0]]);
/// let mut rng = SmallRng::seed_from_u64(7);
/// let mut net = Xor::new(&mut rng);
/// let summary = Fit::new(Data::new(&xs, &ds))
///     .epochs(300)
///     .batch_size(4)
///     .validation(Data::new(&xs, &ds))
///     .early_stopping(20)
///     .run(&mut net, &mut Adam::new(0.05), &mut rng, |_| Control::Continue)?;
/// assert!(summary.epochs <= 300);
/// # Ok::<(), mlp::train::TrainError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Fit<'a, T, const IN: usize, const OUT: usize> {
    pub(super) train: Data<'a, T, IN, OUT>,
    pub(super) validation: Option<Data<'a, T, IN, OUT>>,
    pub(super) epochs: usize,
    pub(super) batch_size: usize,
    pub(super) patience: Option<usize>,
    pub(super) shuffle: bool,
    pub(super) metric: Option<Metric>,
    pub(super) schedule: Option<Schedule>,
    pub(super) clip: Option<T>,
    /// Threads for each batch's gradient (set with `std` only).
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    pub(super) threads: usize,
}

impl<'a, T: Scalar, const IN: usize, const OUT: usize> Fit<'a, T, IN, OUT> {
    /// Training on `train`: 100 epochs, batches of 32, shuffled, no metric.
    #[must_use]
    pub fn new(train: Data<'a, T, IN, OUT>) -> Self {
        Fit {
            train,
            validation: None,
            epochs: 100,
            batch_size: 32,
            patience: None,
            shuffle: true,
            metric: None,
            schedule: None,
            clip: None,
            threads: 1,
        }
    }
    /// Number of epochs (at most).
    #[must_use]
    pub fn epochs(mut self, epochs: usize) -> Self {
        self.epochs = epochs;
        self
    }
    /// Samples per optimiser step (the last batch of an epoch may be
    /// smaller). Use [`Fit::full_batch`] for one step per epoch.
    ///
    /// # Panics
    /// If `batch_size` is 0: a batch of no samples has no gradient.
    #[must_use]
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        assert!(
            batch_size > 0,
            "Fit::batch_size: a batch needs at least 1 sample (use `full_batch()` for one step per epoch)"
        );
        self.batch_size = batch_size;
        self
    }
    /// Full-batch training (for RPROP): one step per epoch.
    #[must_use]
    pub fn full_batch(mut self) -> Self {
        self.batch_size = usize::MAX;
        self
    }
    /// A validation set, evaluated after every epoch.
    #[must_use]
    pub fn validation(mut self, validation: Data<'a, T, IN, OUT>) -> Self {
        self.validation = Some(validation);
        self
    }
    /// Stop when the validation loss has not improved for `patience`
    /// epochs, and restore the weights of the best epoch. Needs a
    /// validation set (ignored without one).
    #[must_use]
    pub fn early_stopping(mut self, patience: usize) -> Self {
        self.patience = Some(patience);
        self
    }
    /// Whether to shuffle the samples each epoch (default true).
    #[must_use]
    pub fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }
    /// A learning-rate schedule: before each epoch the optimiser's rate is
    /// set to `schedule.rate(base, epoch)`, `base` being its rate when
    /// `run` starts (epochs count from 0 here). Optimisers without a
    /// learning rate (Rprop) ignore it. The optimiser keeps the last
    /// epoch's rate afterwards.
    #[must_use]
    pub fn schedule(mut self, schedule: Schedule) -> Self {
        self.schedule = Some(schedule);
        self
    }
    /// Clips each batch's gradient to a global L2 norm of at most
    /// `max_norm` before the optimiser step ([`clip_grad_norm`]).
    #[must_use]
    pub fn clip_grad_norm(mut self, max_norm: T) -> Self {
        self.clip = Some(max_norm);
        self
    }
    /// Computes each batch's gradient on `n` threads. A batch is cut into
    /// fixed chunks of [`CHUNK`] samples, each chunk's gradient is summed
    /// on its own, and the chunks are added in order, so the trained
    /// weights are bit-identical for every `n`. The `n - 1` extra threads
    /// are scoped threads spawned once when [`Fit::run`] starts (at most
    /// one per chunk of a batch) and joined when it returns; each step hands
    /// them its batch through a barrier (which polls briefly before it
    /// sleeps), without allocating. Worth it for
    /// wide networks and large batches (see BENCHMARKS.md); with the `std`
    /// feature only.
    ///
    /// # Panics
    /// If `n` is 0. [`Fit::run`] panics if the system refuses to start a
    /// thread.
    #[cfg(feature = "std")]
    #[must_use]
    pub fn threads(mut self, n: usize) -> Self {
        assert!(n > 0, "Fit::threads: at least 1 thread");
        self.threads = n;
        self
    }
    /// Also report this metric each epoch.
    #[must_use]
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metric = Some(metric);
        self
    }

    /// Trains `net` with `optimizer`, shuffling with `rng`, calling
    /// `on_epoch` after each epoch. Allocates when it starts (the sample
    /// order, gradient buffers, and with several threads their buffers and
    /// the threads themselves), never per step.
    ///
    /// # Errors
    /// [`TrainError::Data`] before any training if a sample is invalid for
    /// the network's loss (the network is untouched); [`TrainError::Diverged`]
    /// if the loss becomes non-finite (the network is restored to the start
    /// of that epoch).
    pub fn run<N, O, R>(
        &self,
        net: &mut N,
        optimizer: &mut O,
        rng: &mut R,
        on_epoch: impl FnMut(&Epoch) -> Control,
    ) -> Result<Summary, TrainError>
    where
        N: Trainable<IN, OUT, Scalar = T>,
        O: Optimizer<N>,
        R: Rng + ?Sized,
    {
        check_data::<N, IN, OUT>(self.train, "training").map_err(TrainError::Data)?;
        if let Some(val) = self.validation {
            check_data::<N, IN, OUT>(val, "validation").map_err(TrainError::Data)?;
        }
        let batch = self.batch_size.min(self.train.len().max(1));
        let n_chunks = batch.div_ceil(CHUNK);
        #[cfg(feature = "std")]
        if self.threads > 1 && n_chunks > 1 {
            let threads = self.threads.min(n_chunks);
            let team = super::team::Team::<N, IN, OUT>::new(self.train, batch, threads);
            return team.run(|team| {
                self.train_loop(net, optimizer, rng, on_epoch, |net, indices, grad| {
                    team.gradient(net, indices, grad)
                })
            });
        }
        let mut chunks = Chunks::<N, IN, OUT>::new(n_chunks);
        self.train_loop(net, optimizer, rng, on_epoch, |net, indices, grad| {
            chunks.gradient(net, self.train, indices, grad)
        })
    }

    /// The epochs of [`Fit::run`], with `gradient(net, indices, grad)`
    /// filling `grad` with the mean gradient of a batch and returning its
    /// mean loss.
    fn train_loop<N, O, R>(
        &self,
        net: &mut N,
        optimizer: &mut O,
        rng: &mut R,
        mut on_epoch: impl FnMut(&Epoch) -> Control,
        mut gradient: impl FnMut(&N, &[usize], &mut N) -> T,
    ) -> Result<Summary, TrainError>
    where
        N: Trainable<IN, OUT, Scalar = T>,
        O: Optimizer<N>,
        R: Rng + ?Sized,
    {
        #[cfg(feature = "std")]
        let start = std::time::Instant::now();
        let mut order: Vec<usize> = (0..self.train.len()).collect();
        // The gradient buffer and the two saved copies live on the heap: a
        // 784-128-10 network is 400 KB, three of them would crowd a 2 MB
        // thread stack. Allocated once per run, never per step.
        let mut grad = crate::boxed::zeroed::<N>();
        let mut epoch_start = crate::boxed::zeroed::<N>();
        epoch_start.params_mut().copy_from_slice(net.params());
        let mut best_net = crate::boxed::zeroed::<N>();
        best_net.params_mut().copy_from_slice(net.params());
        let mut best = (0usize, f64::INFINITY);
        let mut summary = Summary {
            epochs: 0,
            best_epoch: 0,
            best_val_loss: None,
            stopped_early: false,
        };
        let batch = self.batch_size.min(order.len().max(1));
        let base_rate = optimizer.learning_rate();
        for epoch in 1..=self.epochs {
            if let (Some(schedule), Some(base)) = (self.schedule, base_rate) {
                let rate = schedule.rate(base.to_f64(), epoch - 1);
                optimizer.set_learning_rate(T::from_f64(rate));
            }
            epoch_start.params_mut().copy_from_slice(net.params());
            if self.shuffle {
                shuffle(&mut order, rng);
            }
            let mut total = 0.0;
            for indices in order.chunks(batch) {
                let loss = gradient(net, indices, &mut grad);
                if !loss.is_finite() {
                    net.params_mut().copy_from_slice(epoch_start.params());
                    return Err(TrainError::Diverged { epoch });
                }
                total += loss.to_f64() * indices.len() as f64;
                if let Some(max_norm) = self.clip {
                    clip_grad_norm(&mut *grad, max_norm);
                }
                optimizer.step(net, &grad);
            }
            if net.params().iter().any(|p| !p.is_finite()) {
                net.params_mut().copy_from_slice(epoch_start.params());
                return Err(TrainError::Diverged { epoch });
            }
            let val_loss = self.validation.map(|v| mean_loss(net, v));
            let measured = self.validation.unwrap_or(self.train);
            let report = Epoch {
                epoch,
                train_loss: total / order.len().max(1) as f64,
                val_loss,
                metric: self.metric.map(|m| match m {
                    Metric::Accuracy => accuracy(net, measured),
                    Metric::MeanSquaredError => mean_squared_error(net, measured),
                }),
                #[cfg(feature = "std")]
                elapsed: Some(start.elapsed().as_secs_f64()),
                #[cfg(not(feature = "std"))]
                elapsed: None,
                learning_rate: optimizer.learning_rate().map(Scalar::to_f64),
            };
            summary.epochs = epoch;
            summary.best_epoch = epoch;
            let mut stop = on_epoch(&report) == Control::Stop;
            if let (Some(patience), Some(v)) = (self.patience, val_loss) {
                if v < best.1 {
                    best_net.params_mut().copy_from_slice(net.params());
                    best = (epoch, v);
                } else if epoch - best.0 >= patience {
                    stop = true;
                }
                summary.best_epoch = best.0;
                summary.best_val_loss = Some(best.1);
            } else {
                summary.best_val_loss = val_loss;
            }
            if stop {
                summary.stopped_early = epoch < self.epochs;
                break;
            }
        }
        if self.patience.is_some() && best.0 > 0 {
            net.params_mut().copy_from_slice(best_net.params());
        }
        Ok(summary)
    }
}
