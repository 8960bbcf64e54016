//! Optimisers. Each keeps its state in values of the network's own type (a
//! velocity, moment estimates, step sizes), so a step allocates nothing and
//! works for any generated network through [`Params`].
//!
//! `step(net, grad)` applies one update from `grad`, the gradient of the
//! loss to minimise (for a mini-batch, the mean over its samples, as
//! `train::batch_gradient` computes it). Steps touch only the
//! parameters [`Params::trainable`] yields: the layers of a declaration
//! marked `frozen` stay bit for bit as they are, weight decay included.
//!
//! # Subnormals
//!
//! An optimiser's state decays geometrically wherever the gradient is 0 (a
//! converged loop, a dead relu unit), and within a few thousand steps it is
//! subnormal, which x86 cores compute in microcode: a converged 4-64-64-2
//! policy's Adam step took 71 µs instead of 2.2 (BENCHMARKS.md, "Subnormal
//! numbers"). So a momentum velocity or an Adam moment that would be
//! subnormal (|s| < `MIN_POSITIVE`, 1.2e-38 in f32) is stored as 0, and a
//! gradient too small for (1 − β2)·g² to be normal adds nothing to Adam's
//! v. Nothing else changes. A flushed m changes a weight's update by less
//! than η/(1 − β1^t)·`MIN_POSITIVE`/ε (at most 1.2e-32 at η = 1e-3), a
//! flushed velocity by less than η·`MIN_POSITIVE`; the v dropped moves
//! Adam's denominator √v̂ + ε by less than 1e-8 of itself. All are below
//! half an ulp of any weight larger than about 1e-24 in magnitude.

mod adam;
mod rprop;
mod schedule;
mod sgd;

pub use adam::Adam;
pub use rprop::Rprop;
pub use schedule::Schedule;
pub(crate) use sgd::sgd_update;
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
