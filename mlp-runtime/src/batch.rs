//! Building blocks of `forward_batch`: a fixed batch of `B` samples is held
//! feature-major (`[[T; B]; N]`, one row per unit), so every operation is a
//! loop over the batch that the compiler vectorises, whatever the layer's
//! width. For layers at or under the unrolling threshold each unit's sum is
//! added in the same order as `forward` does, so results are identical to
//! `forward`'s sample by sample; wide layers differ by rounding only.

use crate::Scalar;

/// `[[T; N]; B]` (sample-major, as users hold data) to `[[T; B]; N]`.
#[inline(always)]
pub fn transpose<T: Scalar, const R: usize, const C: usize>(m: &[[T; C]; R]) -> [[T; R]; C] {
    let mut t = [[T::ZERO; R]; C];
    for (r, row) in m.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            t[c][r] = v;
        }
    }
    t
}

/// `h[i][b] = (Σ_j w[i][j] · x[j][b]) + bias[i]`, the sum in index order.
#[inline(always)]
pub fn dense<T: Scalar, const I: usize, const O: usize, const B: usize>(
    w: &[[T; I]; O],
    bias: &[T; O],
    x: &[[T; B]; I],
) -> [[T; B]; O] {
    let mut h = [[T::ZERO; B]; O];
    for ((row, w_row), &b_i) in h.iter_mut().zip(w).zip(bias) {
        for (&w_ij, x_j) in w_row.iter().zip(x) {
            for (acc, &xv) in row.iter_mut().zip(x_j) {
                *acc += w_ij * xv;
            }
        }
        for acc in row.iter_mut() {
            *acc += b_i;
        }
    }
    h
}
