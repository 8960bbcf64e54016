//! Adam and AdamW.

use super::Optimizer;
use crate::scalar::Flush;
use crate::simd::multiversion;
use crate::{Params, Scalar};

/// Adam (Kingma and Ba, 2015), and AdamW (Loshchilov and Hutter, 2019)
/// when `weight_decay` is set: the decay is decoupled from the gradient,
/// p ← p − η·λ·p, before the Adam update
///
/// m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
/// p ← p − η·m̂ / (√v̂ + ε),  m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t).
///
/// m and v are never subnormal (see [Subnormals](super#subnormals)): a moment
/// that would be is stored as 0, and a gradient too small for
/// (1 − β2)·g² to be normal adds nothing to v.
#[derive(Clone, Debug)]
pub struct Adam<N: Params> {
    /// Learning rate η.
    pub lr: N::Scalar,
    /// Decay of the first moment, β1.
    pub beta1: N::Scalar,
    /// Decay of the second moment, β2.
    pub beta2: N::Scalar,
    /// ε in the denominator.
    pub eps: N::Scalar,
    /// Decoupled weight decay λ (AdamW); 0 for plain Adam.
    pub weight_decay: N::Scalar,
    m: N,
    v: N,
    // β1^t and β2^t, updated each step (no `powi` needed in no_std).
    beta1_t: N::Scalar,
    beta2_t: N::Scalar,
}

impl<N: Params> Adam<N> {
    /// Adam with learning rate `lr` and the usual β1 = 0.9, β2 = 0.999, ε = 1e-8.
    #[must_use]
    pub fn new(lr: N::Scalar) -> Self {
        Adam {
            lr,
            beta1: N::Scalar::from_f64(0.9),
            beta2: N::Scalar::from_f64(0.999),
            eps: N::Scalar::from_f64(1e-8),
            weight_decay: N::Scalar::ZERO,
            m: N::zeroed(),
            v: N::zeroed(),
            beta1_t: N::Scalar::ONE,
            beta2_t: N::Scalar::ONE,
        }
    }
    /// AdamW: Adam with decoupled weight decay λ.
    #[must_use]
    pub fn adamw(lr: N::Scalar, weight_decay: N::Scalar) -> Self {
        Adam {
            weight_decay,
            ..Self::new(lr)
        }
    }
    /// With other moment decays.
    #[must_use]
    pub fn betas(mut self, beta1: N::Scalar, beta2: N::Scalar) -> Self {
        self.beta1 = beta1;
        self.beta2 = beta2;
        self
    }
}

impl<N: Params> Optimizer<N> for Adam<N> {
    fn learning_rate(&self) -> Option<N::Scalar> {
        Some(self.lr)
    }
    fn set_learning_rate(&mut self, lr: N::Scalar) {
        self.lr = lr;
    }
    fn step(&mut self, net: &mut N, grad: &N) {
        let one = N::Scalar::ONE;
        let (b1, b2) = (self.beta1, self.beta2);
        self.beta1_t *= b1;
        self.beta2_t *= b2;
        let (c1, c2) = (one - self.beta1_t, one - self.beta2_t);
        let (eps, decay) = (self.eps, self.lr * self.weight_decay);
        // The bias corrections as per-step factors, so the loop has one
        // division and one square root per parameter (both vectorised).
        let (step, inv_c2) = (self.lr / c1, one / c2);
        // Below this |g|, (1 − β2)·g² is subnormal (β2 = 1: infinite, and
        // (1 − β2)·g² is 0 anyway).
        let g_floor = (N::Scalar::MIN_POSITIVE / (one - b2)).sqrt();
        let k = AdamStep {
            b1,
            b2,
            eps,
            decay,
            step,
            inv_c2,
            g_floor,
        };
        for r in N::trainable() {
            // `get`, not indexing: no panic path (see `Sgd::step`).
            let (Some(p), Some(g), Some(m), Some(v)) = (
                net.params_mut().get_mut(r.clone()),
                grad.params().get(r.clone()),
                self.m.params_mut().get_mut(r.clone()),
                self.v.params_mut().get_mut(r),
            ) else {
                continue;
            };
            adam_update(p, g, m, v, k);
        }
    }
}

/// One Adam step's constants.
#[derive(Clone, Copy)]
struct AdamStep<T> {
    b1: T,
    b2: T,
    eps: T,
    /// η·λ (AdamW), or 0.
    decay: T,
    /// η / (1 − β1^t).
    step: T,
    /// 1 / (1 − β2^t).
    inv_c2: T,
    /// √(MIN_POSITIVE / (1 − β2)): smaller gradients add nothing to v.
    g_floor: T,
}

multiversion! {
    /// The Adam update of one range of parameters.
    fn adam_update[T: Scalar](p: &mut [T], g: &[T], m: &mut [T], v: &mut [T], k: AdamStep<T>) => adam_kernel;
}

#[inline(always)]
fn adam_kernel<T: Scalar>(p: &mut [T], g: &[T], m: &mut [T], v: &mut [T], k: AdamStep<T>) {
    let one = T::ONE;
    for ((p, &g), (m, v)) in p.iter_mut().zip(g).zip(m.iter_mut().zip(v)) {
        *p -= k.decay * *p;
        *m = (k.b1 * *m + (one - k.b1) * g).flushed();
        let g = if g.abs() < k.g_floor { T::ZERO } else { g };
        *v = (k.b2 * *v + (one - k.b2) * g * g).flushed();
        *p -= k.step * *m / ((*v * k.inv_c2).sqrt() + k.eps);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moments decaying from the smallest normals (g = 0), and a gradient
    /// whose (1 − β2)·g² is subnormal: m and v reach 0 without passing
    /// through a subnormal, and the weight moves as it would without the
    /// flush (the dropped terms are far below its ulp).
    #[test]
    fn moments_are_never_subnormal() {
        let (b2, eps) = (0.999f32, 1e-8);
        let k = AdamStep {
            b1: 0.9,
            b2,
            eps,
            decay: 0.0,
            step: 1e-3,
            inv_c2: 1.0,
            g_floor: (f32::MIN_POSITIVE / (1.0 - b2)).sqrt(),
        };
        let (mut p, mut m, mut v) = ([0.5f32, 0.5], [4e-38f32, 0.0], [4e-38f32, 4e-38]);
        let g = [0.0f32, 1e-20];
        for _ in 0..10_000 {
            adam_update(&mut p, &g, &mut m, &mut v, k);
            assert!(!m.iter().chain(&v).any(|s| s.is_subnormal()), "{m:?} {v:?}");
        }
        assert_eq!((m[0], v[0], v[1]), (0.0, 0.0, 0.0));
        assert!(m[1] > 0.0, "a gradient of 1e-20 still moves m");
        assert_eq!(p, [0.5, 0.5]);
    }
}
