//! SGD, with momentum (classical or Nesterov) and weight decay.

use super::Optimizer;
use crate::scalar::Flush;
use crate::simd::multiversion;
use crate::{Params, Scalar};

/// Stochastic gradient descent, with optional momentum (classical or
/// Nesterov) and L2 weight decay, as PyTorch's `SGD` defines them:
///
/// g ← ∇ + λ·p;  v ← μ·v + g;  p ← p − η·(g + μ·v) (Nesterov) or p − η·v.
/// Without momentum (μ = 0) this is p ← p − η·g.
#[derive(Clone, Debug)]
pub struct Sgd<N: Params> {
    /// Learning rate η.
    pub lr: N::Scalar,
    /// Momentum μ (0 for none).
    pub momentum: N::Scalar,
    /// Nesterov momentum instead of classical.
    pub nesterov: bool,
    /// L2 weight decay λ, added to the gradient (0 for none).
    pub weight_decay: N::Scalar,
    velocity: N,
}

impl<N: Params> Sgd<N> {
    /// Plain SGD with learning rate `lr`.
    #[must_use]
    pub fn new(lr: N::Scalar) -> Self {
        Sgd {
            lr,
            momentum: N::Scalar::ZERO,
            nesterov: false,
            weight_decay: N::Scalar::ZERO,
            velocity: N::zeroed(),
        }
    }
    /// With classical momentum μ.
    #[must_use]
    pub fn momentum(mut self, momentum: N::Scalar) -> Self {
        self.momentum = momentum;
        self
    }
    /// With Nesterov momentum μ.
    #[must_use]
    pub fn nesterov(mut self, momentum: N::Scalar) -> Self {
        self.momentum = momentum;
        self.nesterov = true;
        self
    }
    /// With L2 weight decay λ (added to the gradient, so also seen by momentum).
    #[must_use]
    pub fn weight_decay(mut self, weight_decay: N::Scalar) -> Self {
        self.weight_decay = weight_decay;
        self
    }
}

impl<N: Params> Optimizer<N> for Sgd<N> {
    fn learning_rate(&self) -> Option<N::Scalar> {
        Some(self.lr)
    }
    fn set_learning_rate(&mut self, lr: N::Scalar) {
        self.lr = lr;
    }
    fn step(&mut self, net: &mut N, grad: &N) {
        let (lr, mu, wd) = (self.lr, self.momentum, self.weight_decay);
        // One loop per variant, with nothing decided inside it, so each
        // vectorises (a branch on `mu` or `nesterov` per parameter kept
        // SGD with momentum scalar: 0.45 ns per parameter, see
        // BENCHMARKS.md).
        for r in N::trainable() {
            // `get`, not indexing: the ranges are the type's own, but a
            // step must have no panic path the optimiser cannot remove
            // (`nopanic/` proves it at link time).
            let (Some(p), Some(g), Some(v)) = (
                net.params_mut().get_mut(r.clone()),
                grad.params().get(r.clone()),
                self.velocity.params_mut().get_mut(r),
            ) else {
                continue;
            };
            if mu == N::Scalar::ZERO {
                sgd_update(p, g, lr, wd);
            } else if self.nesterov {
                nesterov_update(p, g, v, [lr, mu, wd]);
            } else {
                momentum_update(p, g, v, [lr, mu, wd]);
            }
        }
    }
}

multiversion! {
    /// p ← p − η·(g + λ·p).
    pub(crate) fn sgd_update[T: Scalar](p: &mut [T], g: &[T], lr: T, wd: T) => sgd_kernel;
}

#[inline(always)]
fn sgd_kernel<T: Scalar>(p: &mut [T], g: &[T], lr: T, wd: T) {
    for (p, &g) in p.iter_mut().zip(g) {
        let g = g + wd * *p;
        *p -= lr * g;
    }
}

multiversion! {
    /// g ← ∇ + λ·p;  v ← μ·v + g (subnormal v stored as 0);  p ← p − η·v, with `[η, μ, λ]`.
    fn momentum_update[T: Scalar](p: &mut [T], g: &[T], v: &mut [T], k: [T; 3]) => momentum_kernel;
}

#[inline(always)]
fn momentum_kernel<T: Scalar>(p: &mut [T], g: &[T], v: &mut [T], [lr, mu, wd]: [T; 3]) {
    for ((p, &g), v) in p.iter_mut().zip(g).zip(v) {
        let g = g + wd * *p;
        *v = (mu * *v + g).flushed();
        *p -= lr * *v;
    }
}

multiversion! {
    /// g ← ∇ + λ·p;  v ← μ·v + g (subnormal v stored as 0);
    /// p ← p − η·(g + μ·v), with `[η, μ, λ]`.
    fn nesterov_update[T: Scalar](p: &mut [T], g: &[T], v: &mut [T], k: [T; 3]) => nesterov_kernel;
}

#[inline(always)]
fn nesterov_kernel<T: Scalar>(p: &mut [T], g: &[T], v: &mut [T], [lr, mu, wd]: [T; 3]) {
    for ((p, &g), v) in p.iter_mut().zip(g).zip(v) {
        let g = g + wd * *p;
        *v = (mu * *v + g).flushed();
        *p -= lr * (g + mu * *v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A velocity decaying from a small normal with g = 0 reaches 0 without
    /// passing through a subnormal, with momentum and with Nesterov.
    #[test]
    fn velocity_is_never_subnormal() {
        for nesterov in [false, true] {
            let (mut p, mut v) = ([0.5f32], [1e-30f32]);
            for _ in 0..2_000 {
                if nesterov {
                    nesterov_update(&mut p, &[0.0], &mut v, [0.1, 0.9, 0.0]);
                } else {
                    momentum_update(&mut p, &[0.0], &mut v, [0.1, 0.9, 0.0]);
                }
                assert!(!v[0].is_subnormal(), "{v:?}");
            }
            assert_eq!((p, v), ([0.5], [0.0]));
        }
    }
}
