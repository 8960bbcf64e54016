//! iRPROP−.

use super::Optimizer;
use crate::simd::multiversion;
use crate::{Params, Scalar};

/// iRPROP− (Igel and Hüsken, 2000), FANN's default trainer: each parameter
/// has its own step size Δ, grown by η+ while its gradient keeps its sign and
/// shrunk by η− when the sign flips (the gradient is then taken as 0 for one
/// step). Only the sign of the gradient is used, so it needs full-batch
/// gradients; learning rates do not apply.
///
/// same sign: Δ ← min(η+·Δ, Δmax);  flipped: Δ ← max(η−·Δ, Δmin), g ← 0;
/// p ← p − sign(g)·Δ;  remember g.
#[derive(Clone, Debug)]
pub struct Rprop<N: Params> {
    /// Growth factor η+ (FANN: 1.2).
    pub increase: N::Scalar,
    /// Shrink factor η− (FANN: 0.5).
    pub decrease: N::Scalar,
    /// Smallest step Δmin (FANN: 0).
    pub delta_min: N::Scalar,
    /// Largest step Δmax (FANN: 50).
    pub delta_max: N::Scalar,
    delta: N,
    previous: N,
}

impl<N: Params> Rprop<N> {
    /// iRPROP− with FANN's defaults: η+ = 1.2, η− = 0.5, Δ0 = 0.1, Δ in [0, 50].
    #[must_use]
    pub fn new() -> Self {
        Self::with_initial_step(N::Scalar::from_f64(0.1))
    }
    /// iRPROP− with initial step size Δ0.
    #[must_use]
    pub fn with_initial_step(delta0: N::Scalar) -> Self {
        let mut delta = N::zeroed();
        delta.params_mut().fill(delta0);
        Rprop {
            increase: N::Scalar::from_f64(1.2),
            decrease: N::Scalar::from_f64(0.5),
            delta_min: N::Scalar::ZERO,
            delta_max: N::Scalar::from_f64(50.0),
            delta,
            previous: N::zeroed(),
        }
    }
}

impl<N: Params> Default for Rprop<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<N: Params> Optimizer<N> for Rprop<N> {
    fn step(&mut self, net: &mut N, grad: &N) {
        let k = [self.increase, self.decrease, self.delta_min, self.delta_max];
        for r in N::trainable() {
            // `get`, not indexing: no panic path (see `Sgd::step`).
            let (Some(p), Some(g), Some(delta), Some(prev)) = (
                net.params_mut().get_mut(r.clone()),
                grad.params().get(r.clone()),
                self.delta.params_mut().get_mut(r.clone()),
                self.previous.params_mut().get_mut(r),
            ) else {
                continue;
            };
            rprop_update(p, g, delta, prev, k);
        }
    }
}

multiversion! {
    /// The iRPROP− update of one range, with `[η+, η−, Δmin, Δmax]`.
    fn rprop_update[T: Scalar](p: &mut [T], g: &[T], delta: &mut [T], prev: &mut [T], k: [T; 4]) => rprop_kernel;
}

/// Every case computed and one chosen, so the loop has no branch on the
/// data (random signs made the branches miss: 7.5 ns per parameter
/// before, see BENCHMARKS.md).
#[inline(always)]
fn rprop_kernel<T: Scalar>(
    p: &mut [T],
    g: &[T],
    delta: &mut [T],
    prev: &mut [T],
    [increase, decrease, delta_min, delta_max]: [T; 4],
) {
    let zero = T::ZERO;
    let state = delta.iter_mut().zip(prev);
    for ((p, &g), (delta, prev)) in p.iter_mut().zip(g).zip(state) {
        let trend = g * *prev;
        let grown = (*delta * increase).min(delta_max);
        let shrunk = (*delta * decrease).max(delta_min);
        let step = select(trend > zero, grown, select(trend < zero, shrunk, *delta));
        let g = select(trend < zero, zero, g);
        *p = select(g > zero, *p - step, select(g < zero, *p + step, *p));
        *delta = step;
        *prev = g;
    }
}

/// `if c { a } else { b }` on values: both are already computed, so this
/// compiles to a blend rather than a jump.
#[inline(always)]
fn select<T: Scalar>(c: bool, a: T, b: T) -> T {
    if c {
        a
    } else {
        b
    }
}
