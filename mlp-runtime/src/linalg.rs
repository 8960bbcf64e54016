//! The one reduction generated code delegates: a dot product whose
//! summation order lets the compiler vectorise it.
//!
//! A single running sum fixes the order of every addition, and without
//! fast-math the compiler must keep it: one scalar add per element, each
//! waiting for the last. `dot` keeps `LANES` independent partial sums
//! (element j goes to sum j mod LANES) and adds them pairwise at the end, so
//! the loop body is a few vector multiply-adds. The result differs from the
//! running sum only by rounding (both are exact sums of the same products
//! rounded differently); `tests/perf_accuracy.rs` bounds the difference.

use crate::Scalar;

/// Number of independent partial sums: two AVX2 registers of f32, four of f64.
const LANES: usize = 16;

/// Σ_j a_j·b_j with `LANES` partial sums, combined pairwise.
#[inline(always)]
pub fn dot<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N]) -> T {
    let (a_chunks, a_rest) = a.as_chunks::<LANES>();
    let (b_chunks, b_rest) = b.as_chunks::<LANES>();
    let mut acc = [T::ZERO; LANES];
    for (ca, cb) in a_chunks.iter().zip(b_chunks) {
        for l in 0..LANES {
            acc[l] += ca[l] * cb[l];
        }
    }
    let mut tail = T::ZERO;
    for (&x, &y) in a_rest.iter().zip(b_rest) {
        tail += x * y;
    }
    let mut width = LANES / 2;
    while width > 0 {
        for l in 0..width {
            acc[l] += acc[l + width];
        }
        width /= 2;
    }
    acc[0] + tail
}

#[cfg(test)]
mod tests {
    use super::dot;

    #[test]
    fn equals_the_exact_sum_on_integers() {
        // Small integers: every order of summation is exact.
        let a: [f64; 37] = core::array::from_fn(|i| i as f64);
        let b: [f64; 37] = core::array::from_fn(|i| (i % 5) as f64 - 2.0);
        let exact: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert_eq!(dot(&a, &b), exact);
        assert_eq!(dot(&[2.0f32], &[3.0]), 6.0);
        let a16 = [1.0f32; 16];
        assert_eq!(dot(&a16, &a16), 16.0);
    }
}
