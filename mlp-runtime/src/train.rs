//! Mini-batch gradients, metrics, checked steps and the training loop.
//!
//! Over a batch the loss is the mean of the per-sample losses, so the batch
//! gradient is the mean of the per-sample gradients: a batch of identical
//! samples has exactly the single-sample gradient.

use crate::activation::OutputKind;
use crate::check::check_sample;
pub use crate::check::SampleError;
use crate::optim::{clip_grad_norm, Optimizer, Schedule};
use crate::{Network, Params, Scalar, Trainable};
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use rand::{Rng, RngExt};

/// Input/target pairs as two parallel slices of fixed-size arrays.
#[derive(Clone, Copy, Debug)]
pub struct Data<'a, T, const IN: usize, const OUT: usize> {
    /// One input per sample.
    pub inputs: &'a [[T; IN]],
    /// One target per sample, same order.
    pub targets: &'a [[T; OUT]],
}

impl<'a, T, const IN: usize, const OUT: usize> Data<'a, T, IN, OUT> {
    /// Pairs `inputs[i]` with `targets[i]`.
    ///
    /// # Panics
    /// If the slices differ in length (a programming error, not a data
    /// error: the two come from the same place in the caller's code).
    pub fn new(inputs: &'a [[T; IN]], targets: &'a [[T; OUT]]) -> Self {
        assert!(
            inputs.len() == targets.len(),
            "Data::new: {} inputs but {} targets; each sample needs one of each",
            inputs.len(),
            targets.len()
        );
        Data { inputs, targets }
    }
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.inputs.len()
    }
    /// True if there are no samples.
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// The mean of `f(x, d)` over the samples (0 for no samples).
    fn mean(&self, f: impl Fn(&[T; IN], &[T; OUT]) -> f64) -> f64 {
        let total: f64 = self
            .inputs
            .iter()
            .zip(self.targets)
            .map(|(x, d)| f(x, d))
            .sum();
        total / self.len().max(1) as f64
    }
}

/// Zeroes `grad`, then fills it with the mean gradient over the samples
/// `indices` of `data`, and returns their mean loss.
pub fn batch_gradient<N, const IN: usize, const OUT: usize>(
    net: &N,
    data: Data<'_, N::Scalar, IN, OUT>,
    indices: &[usize],
    grad: &mut N,
) -> N::Scalar
where
    N: Trainable<IN, OUT>,
{
    grad.set_zero();
    let loss = sum_backward(net, data, indices, grad);
    if indices.is_empty() {
        return loss;
    }
    let scale = N::Scalar::ONE / N::Scalar::from_f64(indices.len() as f64);
    for g in grad.params_mut() {
        *g *= scale;
    }
    loss * scale
}

/// Mean loss over `data`.
pub fn mean_loss<N: Trainable<IN, OUT>, const IN: usize, const OUT: usize>(
    net: &N,
    data: Data<'_, N::Scalar, IN, OUT>,
) -> f64 {
    data.mean(|x, d| net.loss(x, d).to_f64())
}

/// Fraction of samples classified correctly. Softmax outputs (and any
/// output layer of several units other than sigmoid) are read by argmax
/// against the target's argmax; sigmoid outputs, and any single output, by
/// thresholding each output and target at 0.5 (every output must match).
pub fn accuracy<N: Network<IN, OUT>, const IN: usize, const OUT: usize>(
    net: &N,
    data: Data<'_, N::Scalar, IN, OUT>,
) -> f64 {
    let by_argmax = OUT > 1 && N::OUTPUT_KIND != OutputKind::Probabilities;
    let half = N::Scalar::from_f64(0.5);
    data.mean(|x, d| {
        let y = net.forward(x);
        let correct = if by_argmax {
            argmax(&y) == argmax(&d[..])
        } else {
            y.iter()
                .zip(d.iter())
                .all(|(&y, &d)| (y >= half) == (d >= half))
        };
        f64::from(u8::from(correct))
    })
}

/// Mean over samples and outputs of (y − d)²: the mean of the samples'
/// `mse` ([`crate::loss::mse`]).
pub fn mean_squared_error<N: Network<IN, OUT>, const IN: usize, const OUT: usize>(
    net: &N,
    data: Data<'_, N::Scalar, IN, OUT>,
) -> f64 {
    data.mean(|x, d| crate::loss::mse(&net.forward(x), d).to_f64())
}

/// Index of the largest value (the first of equals).
fn argmax<T: Scalar>(v: &[T]) -> usize {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x > v[best] {
            best = i;
        }
    }
    best
}

/// A sample rejected before training, and where it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DataError {
    /// `"training"` or `"validation"`.
    pub set: &'static str,
    /// The sample's index in its set.
    pub index: usize,
    /// What is wrong with it.
    pub problem: SampleError,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} sample {}: {}", self.set, self.index, self.problem)
    }
}

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
#[cfg(feature = "std")]
impl std::error::Error for DataError {}
#[cfg(feature = "std")]
impl std::error::Error for SampleError {}

/// Checks every sample of `data` for a network of type `N`.
///
/// # Errors
/// The first invalid sample, with its index.
pub fn check_data<N: Trainable<IN, OUT>, const IN: usize, const OUT: usize>(
    data: Data<'_, N::Scalar, IN, OUT>,
    set: &'static str,
) -> Result<(), DataError> {
    let softmax = N::OUTPUT_KIND == OutputKind::Distribution;
    for (index, (x, d)) in data.inputs.iter().zip(data.targets).enumerate() {
        check_sample(x, d, N::LOSS, softmax).map_err(|problem| DataError {
            set,
            index,
            problem,
        })?;
    }
    Ok(())
}

/// Why [`checked_step`] did not step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StepError {
    /// The sample is invalid for the network's loss; nothing changed.
    Sample(SampleError),
    /// The step made the loss or a weight non-finite, and was undone.
    Diverged,
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepError::Sample(e) => write!(f, "invalid sample: {e}"),
            StepError::Diverged => write!(
                f,
                "the step made the loss or a weight non-finite and was undone (try a lower learning rate)"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for StepError {}

/// One SGD step that first checks the sample and afterwards the weights:
/// a rejected sample leaves `net` bit-identical, and a step that would make
/// any weight non-finite is undone.
///
/// # Errors
/// [`StepError::Sample`] with the sample's problem, or
/// [`StepError::Diverged`] if the step was undone.
pub fn checked_step<N: Trainable<IN, OUT>, const IN: usize, const OUT: usize>(
    net: &mut N,
    x: &[N::Scalar; IN],
    d: &[N::Scalar; OUT],
    lr: N::Scalar,
) -> Result<N::Scalar, StepError> {
    let softmax = N::OUTPUT_KIND == OutputKind::Distribution;
    check_sample(x, d, N::LOSS, softmax).map_err(StepError::Sample)?;
    let before = net.clone();
    let loss = net.train_step(x, d, lr);
    if !loss.is_finite() || net.params().iter().any(|p| !p.is_finite()) {
        *net = before;
        return Err(StepError::Diverged);
    }
    Ok(loss)
}

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
    train: Data<'a, T, IN, OUT>,
    validation: Option<Data<'a, T, IN, OUT>>,
    epochs: usize,
    batch_size: usize,
    patience: Option<usize>,
    shuffle: bool,
    metric: Option<Metric>,
    schedule: Option<Schedule>,
    clip: Option<T>,
    /// Threads for each batch's gradient (set with `std` only).
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    threads: usize,
}

impl<'a, T: Scalar, const IN: usize, const OUT: usize> Fit<'a, T, IN, OUT> {
    /// Training on `train`: 100 epochs, batches of 32, shuffled, no metric.
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
    /// them its batch through a barrier (which polls for up to 200 µs before
    /// it sleeps), without allocating. Worth it for
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
            let team = crate::team::Team::<N, IN, OUT>::new(self.train, batch, threads);
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

/// Samples per chunk of a batch in [`Fit`]: the unit whose gradient is
/// summed on its own (a whole chunk with `backward_batch::<CHUNK>`, the
/// rest of a batch sample by sample), so that the sum over a batch does not
/// depend on how many threads computed it. 32 because the batch kernels
/// gain little over per-sample `backward` on fewer samples (BENCHMARKS.md).
pub const CHUNK: usize = 32;
// `chunk_factor` turns `backward_batch`'s mean back into a sum by multiplying
// by CHUNK, exact for a power of two.
const _: () = assert!(CHUNK.is_power_of_two());

/// A chunk's samples gathered into arrays, as `backward_batch` takes them;
/// made once per run and thread.
pub(crate) struct Gather<T, const IN: usize, const OUT: usize> {
    xs: Box<[[T; IN]; CHUNK]>,
    ds: Box<[[T; OUT]; CHUNK]>,
}

impl<T: Scalar, const IN: usize, const OUT: usize> Gather<T, IN, OUT> {
    /// Zeroed arrays on the heap (a chunk of 784 inputs is 100 KB).
    pub(crate) fn new() -> Self {
        Gather {
            xs: on_heap(alloc::vec![[T::ZERO; IN]; CHUNK]),
            ds: on_heap(alloc::vec![[T::ZERO; OUT]; CHUNK]),
        }
    }
}

/// `CHUNK` rows built on the heap as one array, never on the stack.
fn on_heap<R>(rows: Vec<R>) -> Box<[R; CHUNK]> {
    match rows.into_boxed_slice().try_into() {
        Ok(array) => array,
        Err(_) => unreachable!("built with CHUNK rows"),
    }
}

/// The one-thread path's buffers, made once per run: one gradient buffer
/// and loss per chunk of a batch, and one place to gather a chunk.
struct Chunks<N: Trainable<IN, OUT>, const IN: usize, const OUT: usize> {
    bufs: Vec<Box<N>>,
    losses: Vec<N::Scalar>,
    gather: Gather<N::Scalar, IN, OUT>,
}

impl<N: Trainable<IN, OUT>, const IN: usize, const OUT: usize> Chunks<N, IN, OUT> {
    fn new(n_chunks: usize) -> Self {
        Chunks {
            bufs: (0..n_chunks).map(|_| crate::boxed::zeroed()).collect(),
            losses: alloc::vec![N::Scalar::ZERO; n_chunks],
            gather: Gather::new(),
        }
    }

    /// Like [`batch_gradient`], with the batch cut into chunks of
    /// [`CHUNK`] samples whose gradients and losses are summed separately
    /// and then added in chunk order: the arithmetic of every thread count
    /// (`team.rs` runs the same steps on several threads).
    fn gradient(
        &mut self,
        net: &N,
        data: Data<'_, N::Scalar, IN, OUT>,
        indices: &[usize],
        grad: &mut N,
    ) -> N::Scalar {
        let used = indices.len().div_ceil(CHUNK);
        let (bufs, losses) = (&mut self.bufs[..used], &mut self.losses[..used]);
        let parts = indices.chunks(CHUNK);
        for ((buf, loss), part) in bufs.iter_mut().zip(losses.iter_mut()).zip(parts) {
            *loss = chunk_sum(net, data, part, buf, &mut self.gather);
        }
        let scale = mean_scale::<N::Scalar>(indices.len());
        let factors = indices.chunks(CHUNK).map(|p| chunk_factor(p.len()));
        combine(grad.params_mut(), 0, bufs.iter().zip(factors), scale);
        losses.iter().fold(N::Scalar::ZERO, |a, &l| a + l) * scale
    }
}

/// 1 / the number of samples (1 for none): what turns a sum over a batch
/// into its mean.
pub(crate) fn mean_scale<T: Scalar>(samples: usize) -> T {
    T::ONE / T::from_f64(samples.max(1) as f64)
}

/// A chunk's gradient into `buf` (zeroed first) and its loss sum: a whole
/// chunk with `backward_batch` (gathered into `gather`), which leaves the
/// chunk's mean in `buf`, a shorter one (the end of a batch) with
/// per-sample `backward`, which leaves its sum. [`chunk_factor`] turns
/// either into the sum, and [`combine`] applies it as it reads.
pub(crate) fn chunk_sum<N, const IN: usize, const OUT: usize>(
    net: &N,
    data: Data<'_, N::Scalar, IN, OUT>,
    part: &[usize],
    buf: &mut N,
    gather: &mut Gather<N::Scalar, IN, OUT>,
) -> N::Scalar
where
    N: Trainable<IN, OUT>,
{
    buf.set_zero();
    if part.len() < CHUNK {
        return sum_backward(net, data, part, buf);
    }
    for ((x, d), &i) in gather.xs.iter_mut().zip(gather.ds.iter_mut()).zip(part) {
        *x = data.inputs[i];
        *d = data.targets[i];
    }
    let mean_loss = net.backward_batch(&gather.xs, &gather.ds, buf);
    mean_loss * chunk_factor::<N::Scalar>(part.len())
}

/// What turns the buffer [`chunk_sum`] left for a chunk of `len` samples
/// into the chunk's gradient sum: `CHUNK` for a whole chunk (whose buffer
/// holds the sums times 1/`CHUNK`, added into zeros; times `CHUNK`, a
/// power of two, gives them back exactly), 1 for a shorter one.
pub(crate) fn chunk_factor<T: Scalar>(len: usize) -> T {
    if len == CHUNK {
        T::from_f64(CHUNK as f64)
    } else {
        T::ONE
    }
}

/// Parameters `from..from + out.len()` of the mean gradient: each the
/// chunks' sums (a chunk's buffer times its factor, [`chunk_factor`])
/// added in chunk order, then times `scale`. Parameters are independent,
/// so threads may each take a share.
pub(crate) fn combine<N: Params, G: core::ops::Deref<Target = Box<N>>>(
    out: &mut [N::Scalar],
    from: usize,
    chunks: impl Iterator<Item = (G, N::Scalar)>,
    scale: N::Scalar,
) {
    out.fill(N::Scalar::ZERO);
    for (chunk, factor) in chunks {
        for (g, &c) in out.iter_mut().zip(&chunk.params()[from..]) {
            *g += c * factor;
        }
    }
    for g in out.iter_mut() {
        *g *= scale;
    }
}

/// Adds the gradients of the samples `indices` into `grad` with per-sample
/// `backward`, in index order, and returns their summed loss: all of
/// [`batch_gradient`] (any number of samples, no buffers), and the short
/// chunk at the end of a `Fit` batch.
fn sum_backward<N, const IN: usize, const OUT: usize>(
    net: &N,
    data: Data<'_, N::Scalar, IN, OUT>,
    indices: &[usize],
    grad: &mut N,
) -> N::Scalar
where
    N: Trainable<IN, OUT>,
{
    let mut loss = N::Scalar::ZERO;
    for &i in indices {
        loss += net.backward(&data.inputs[i], &data.targets[i], grad);
    }
    loss
}

/// Fisher–Yates shuffle with the caller's generator.
pub(crate) fn shuffle<R: Rng + ?Sized>(items: &mut [usize], rng: &mut R) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}
