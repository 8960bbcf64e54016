//! Weight initialisation, chosen per layer from its activation.
//!
//! - [`he_uniform`] for relu-like activations (relu, softplus):
//!   U(−√(6/fan_in), √(6/fan_in)), variance 2/fan_in (He et al., 2015).
//! - [`glorot_uniform`] for the rest (sigmoid, tanh, softsign, linear, ...):
//!   U(−√(6/(fan_in+fan_out)), +...), variance 2/(fan_in + fan_out)
//!   (Glorot and Bengio, 2010).
//!
//! Biases start at zero.

use crate::Scalar;
use rand::{Rng, RngExt};

/// Fills `w` (one row per unit, `I` inputs each) from U(−a, a) with
/// a = √(6 / I), the He initialisation.
pub fn he_uniform<T: Scalar, R: Rng + ?Sized, const I: usize, const O: usize>(
    w: &mut [[T; I]; O],
    rng: &mut R,
) {
    let a = (6.0 / I as f64).sqrt_f64();
    fill_uniform(w, a, rng);
}

/// Fills `w` (one row per unit, `I` inputs each) from U(−a, a) with
/// a = √(6 / (I + O)), the Glorot (Xavier) initialisation.
pub fn glorot_uniform<T: Scalar, R: Rng + ?Sized, const I: usize, const O: usize>(
    w: &mut [[T; I]; O],
    rng: &mut R,
) {
    let a = (6.0 / (I + O) as f64).sqrt_f64();
    fill_uniform(w, a, rng);
}

fn fill_uniform<T: Scalar, R: Rng + ?Sized, const I: usize, const O: usize>(
    w: &mut [[T; I]; O],
    a: f64,
    rng: &mut R,
) {
    for row in w.iter_mut() {
        for v in row.iter_mut() {
            let u: f64 = rng.random();
            *v = T::from_f64(a * (2.0 * u - 1.0));
        }
    }
}

/// `f64::sqrt` without `std`.
trait SqrtF64 {
    fn sqrt_f64(self) -> f64;
}
impl SqrtF64 for f64 {
    #[cfg(not(miri))]
    fn sqrt_f64(self) -> f64 {
        libm::sqrt(self)
    }
    // libm's x86 sqrt is inline assembly, which Miri cannot run; the unsafe
    // code checked under Miri (mlp::boxed) calls `init`. Newton's method from
    // above converges to the correctly rounded root for these positive,
    // moderate arguments.
    #[cfg(miri)]
    fn sqrt_f64(self) -> f64 {
        let mut r = self.max(1.0);
        for _ in 0..64 {
            let next = 0.5 * (r + self / r);
            if next >= r {
                break;
            }
            r = next;
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn samples_stay_in_range_and_vary() {
        let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
        let mut w = [[0.0f64; 8]; 4];
        glorot_uniform(&mut w, &mut rng);
        let a = (6.0f64 / 12.0).sqrt();
        assert!(w.iter().flatten().all(|v| v.abs() <= a));
        assert!(w.iter().flatten().any(|v| v.abs() > a / 2.0));
        let mut h = [[0.0f32; 2]; 3];
        he_uniform(&mut h, &mut rng);
        assert!(h.iter().flatten().all(|v| v.abs() <= 3f32.sqrt()));
        assert!(h[0][0] != h[0][1]);
    }
}
