//! Softmax over a layer (and over each column of a batch), and the
//! helpers the activations share.

use super::{Activation, OutputKind};
use crate::simd::Aligned;
use crate::Scalar;

/// softmax: y_i = e^(h_i) / Σ_j e^(h_j), over a whole layer (outputs only),
/// computed with the max subtracted first so that no exponential overflows.
/// Its derivative is a Jacobian, not element-wise: the macro emits the
/// closed forms of its loss pairs instead (`rules.rs`).
#[derive(Clone, Copy, Debug)]
pub struct Softmax;
impl Activation for Softmax {
    const OUTPUT_KIND: OutputKind = OutputKind::Distribution;

    #[inline(always)]
    fn layer<T: Scalar, const N: usize>(self, h: &[T; N]) -> [T; N] {
        // One sample is a batch of one: the same code, the same rounding.
        softmax_columns(&h.map(|v| [v])).0.map(|[v]| v)
    }

    #[inline(always)]
    fn batch<T: Scalar, const N: usize, const B: usize>(
        self,
        h: &[[T; B]; N],
    ) -> Aligned<[[T; B]; N]> {
        softmax_columns(h)
    }
}

/// softmax over the units of each sample (each column `b` of `h[i][b]`),
/// as loops across the batch that vectorise.
#[inline(always)]
fn softmax_columns<T: Scalar, const N: usize, const B: usize>(
    h: &[[T; B]; N],
) -> Aligned<[[T; B]; N]> {
    let mut m = h[0];
    for row in &h[1..] {
        for (mb, &v) in m.iter_mut().zip(row) {
            *mb = mb.max(v);
        }
    }
    let mut y = Aligned([[T::ZERO; B]; N]);
    let mut sum = [T::ZERO; B];
    for (y_row, h_row) in y.iter_mut().zip(h) {
        for ((yv, &hv), (s, &mb)) in y_row.iter_mut().zip(h_row).zip(sum.iter_mut().zip(&m)) {
            *yv = (hv - mb).exp();
            *s += *yv;
        }
    }
    let inv = map(&sum, |s| T::ONE / s);
    for y_row in y.iter_mut() {
        for (yv, &i) in y_row.iter_mut().zip(&inv) {
            *yv *= i;
        }
    }
    y
}

/// `f` applied to every element, as one loop.
#[inline(always)]
pub(crate) fn map<T: Scalar, const N: usize>(h: &[T; N], f: impl Fn(T) -> T) -> [T; N] {
    let mut y = [T::ZERO; N];
    for (yi, &hi) in y.iter_mut().zip(h) {
        *yi = f(hi);
    }
    y
}

/// (m, ln Σ_j e^(h_j − m)) with m = max h: log-sum-exp, its two parts kept
/// apart so that callers can cancel m against an h_k exactly first.
#[inline(always)]
pub(crate) fn max_and_log_sum<T: Scalar, const N: usize>(h: &[T; N]) -> (T, T) {
    let mut m = h[0];
    for &v in &h[1..] {
        m = m.max(v);
    }
    let mut sum = T::ZERO;
    for &hi in h {
        sum += (hi - m).exp();
    }
    (m, sum.ln())
}
