//! Learning-rate schedules.

/// A learning-rate schedule: the rate for each epoch, from a base rate.
/// Epochs count from 0 (the first); `train::Fit::schedule` (feature `alloc`) applies
/// it before each epoch, and by hand it is
///
/// ```
/// use mlp::optim::{Optimizer, Schedule, Sgd};
/// # mlp::network! { struct Net<input 1, dense 1 linear, loss mse>; }
/// let mut sgd = Sgd::<Net>::new(0.1);
/// let schedule = Schedule::step(10, 0.5);
/// for epoch in 0..30 {
///     sgd.set_learning_rate(schedule.rate(0.1, epoch) as f32);
///     // ... the epoch's steps ...
/// }
/// assert_eq!(schedule.rate(0.1, 25), 0.025);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schedule {
    /// η = base.
    Constant,
    /// η = base · γ^⌊epoch / every⌋ (PyTorch's `StepLR`).
    Step {
        /// Epochs between decays.
        every: usize,
        /// Factor per decay.
        gamma: f64,
    },
    /// η = base · γ^epoch (PyTorch's `ExponentialLR`).
    Exponential {
        /// Factor per epoch.
        gamma: f64,
    },
    /// Linear warm-up over `warmup` epochs, η = base·(epoch + 1)/warmup,
    /// then cosine annealing from base to `min` over the remaining
    /// `epochs − warmup` epochs, η = min + (base − min)(1 + cos(π t/T))/2
    /// with t = epoch − warmup, T = epochs − warmup; `min` after that.
    Cosine {
        /// Epoch at which the rate reaches `min`, warm-up included.
        epochs: usize,
        /// The final rate.
        min: f64,
        /// Epochs of linear warm-up (0 for none).
        warmup: usize,
    },
}

impl Schedule {
    /// Decay by `gamma` every `every` epochs.
    #[must_use]
    pub fn step(every: usize, gamma: f64) -> Self {
        Schedule::Step { every, gamma }
    }
    /// Decay by `gamma` every epoch.
    #[must_use]
    pub fn exponential(gamma: f64) -> Self {
        Schedule::Exponential { gamma }
    }
    /// Cosine annealing to 0 at epoch `epochs`, no warm-up.
    #[must_use]
    pub fn cosine(epochs: usize) -> Self {
        Schedule::Cosine {
            epochs,
            min: 0.0,
            warmup: 0,
        }
    }
    /// The same schedule with a final rate of `min` (cosine only).
    #[must_use]
    pub fn min(self, min: f64) -> Self {
        match self {
            Schedule::Cosine { epochs, warmup, .. } => Schedule::Cosine {
                epochs,
                min,
                warmup,
            },
            other => other,
        }
    }
    /// The same schedule after `epochs` of linear warm-up (cosine only).
    #[must_use]
    pub fn warmup(self, epochs: usize) -> Self {
        match self {
            Schedule::Cosine {
                epochs: total, min, ..
            } => Schedule::Cosine {
                epochs: total,
                min,
                warmup: epochs,
            },
            other => other,
        }
    }

    /// The learning rate at `epoch` (from 0) for base rate `base`.
    #[must_use]
    pub fn rate(&self, base: f64, epoch: usize) -> f64 {
        match *self {
            Schedule::Constant => base,
            Schedule::Step { every, gamma } => base * powi(gamma, epoch / every.max(1)),
            Schedule::Exponential { gamma } => base * powi(gamma, epoch),
            Schedule::Cosine {
                epochs,
                min,
                warmup,
            } => {
                if epoch < warmup {
                    return base * (epoch + 1) as f64 / warmup as f64;
                }
                let span = epochs.saturating_sub(warmup).max(1) as f64;
                let t = (epoch - warmup) as f64;
                let t = if t > span { span } else { t };
                min + (base - min) * (1.0 + libm::cos(core::f64::consts::PI * t / span)) / 2.0
            }
        }
    }
}

/// x^n by squaring (`f64::powi` needs std).
fn powi(mut x: f64, mut n: usize) -> f64 {
    let mut r = 1.0;
    while n > 0 {
        if n & 1 == 1 {
            r *= x;
        }
        x *= x;
        n >>= 1;
    }
    r
}
