//! Building blocks of `forward_batch` and `backward_batch`: a fixed batch of `B` samples is held
//! feature-major (`[[T; B]; N]`, one row per unit), so every operation is a
//! loop over the batch that the compiler vectorises, whatever the layer's
//! width. For layers at or under the unrolling threshold each unit's sum is
//! added in the same order as `forward` does, so results are identical to
//! `forward`'s sample by sample; wide layers differ by rounding only.

use crate::activation::Elementwise;
use crate::linalg::dot;
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

/// `(Wᵀ δ)[i][b] = Σ_k w[k][i] δ[k][b]`, then times `f′(h[i][b])`: a hidden
/// layer's δ for a batch. Row k of W is loaded once for all samples.
#[inline(always)]
pub fn hidden_delta<A: Elementwise, T: Scalar, const I: usize, const O: usize, const B: usize>(
    act: A,
    w: &[[T; I]; O],
    delta: &[[T; B]; O],
    h: &[[T; B]; I],
    y: &[[T; B]; I],
) -> [[T; B]; I] {
    let mut back = [[T::ZERO; B]; I];
    for (w_row, d_row) in w.iter().zip(delta) {
        for (acc, &w_ki) in back.iter_mut().zip(w_row) {
            for (a, &d) in acc.iter_mut().zip(d_row) {
                *a += w_ki * d;
            }
        }
    }
    for ((acc, h_row), y_row) in back.iter_mut().zip(h).zip(y) {
        for ((a, &hv), &yv) in acc.iter_mut().zip(h_row).zip(y_row) {
            *a *= act.df(hv, yv);
        }
    }
    back
}

/// `grad_w[i][j] += scale · Σ_b δ[i][b] y[j][b]` and `grad_b[i] += scale ·
/// Σ_b δ[i][b]`: a layer's gradient summed over the batch (δ Yᵀ), as dot
/// products over the batch with partial sums.
#[inline(always)]
pub fn accumulate<T: Scalar, const I: usize, const O: usize, const B: usize>(
    grad_w: &mut [[T; I]; O],
    grad_b: &mut [T; O],
    delta: &[[T; B]; O],
    y: &[[T; B]; I],
    scale: T,
) {
    for ((gw_row, gb), d_row) in grad_w.iter_mut().zip(grad_b.iter_mut()).zip(delta) {
        for (g, y_row) in gw_row.iter_mut().zip(y) {
            *g += scale * dot(d_row, y_row);
        }
        let mut s = T::ZERO;
        for &d in d_row {
            s += d;
        }
        *gb += scale * s;
    }
}

/// Σ_b loss(column b of `m`, column b of `d`): a per-sample loss summed
/// over a batch held feature-major.
#[inline(always)]
pub fn loss_sum<T: Scalar, const K: usize, const B: usize>(
    m: &[[T; B]; K],
    d: &[[T; B]; K],
    loss: impl Fn(&[T; K], &[T; K]) -> T,
) -> T {
    let mut total = T::ZERO;
    for b in 0..B {
        let mc: [T; K] = core::array::from_fn(|k| m[k][b]);
        let dc: [T; K] = core::array::from_fn(|k| d[k][b]);
        total += loss(&mc, &dc);
    }
    total
}

/// `f(y, d)` elementwise: the output δ of the fused pairs (y − d,
/// −d(1 − y)).
#[inline(always)]
pub fn zip_map<T: Scalar, const K: usize, const B: usize>(
    y: &[[T; B]; K],
    d: &[[T; B]; K],
    f: impl Fn(T, T) -> T,
) -> [[T; B]; K] {
    let mut out = [[T::ZERO; B]; K];
    for ((o_row, y_row), d_row) in out.iter_mut().zip(y).zip(d) {
        for ((o, &yv), &dv) in o_row.iter_mut().zip(y_row).zip(d_row) {
            *o = f(yv, dv);
        }
    }
    out
}

/// δ = c(y − d) ⊙ f′(h): the output δ of a squared loss on an element-wise
/// activation.
#[inline(always)]
pub fn chain<A: Elementwise, T: Scalar, const K: usize, const B: usize>(
    act: A,
    c: T,
    h: &[[T; B]; K],
    y: &[[T; B]; K],
    d: &[[T; B]; K],
) -> [[T; B]; K] {
    let mut out = zip_map(y, d, |yv, dv| c * (yv - dv));
    for ((o_row, h_row), y_row) in out.iter_mut().zip(h).zip(y) {
        for ((o, &hv), &yv) in o_row.iter_mut().zip(h_row).zip(y_row) {
            *o *= act.df(hv, yv);
        }
    }
    out
}

/// δ_i = y_i (g_i − Σ_j g_j y_j) with g = c(y − d), per sample: a squared
/// loss through the softmax Jacobian.
#[inline(always)]
pub fn softmax_jacobian<T: Scalar, const K: usize, const B: usize>(
    c: T,
    y: &[[T; B]; K],
    d: &[[T; B]; K],
) -> [[T; B]; K] {
    let g = zip_map(y, d, |yv, dv| c * (yv - dv));
    let mut gy = [T::ZERO; B];
    for (g_row, y_row) in g.iter().zip(y) {
        for ((s, &gv), &yv) in gy.iter_mut().zip(g_row).zip(y_row) {
            *s += gv * yv;
        }
    }
    let mut out = [[T::ZERO; B]; K];
    for ((o_row, g_row), y_row) in out.iter_mut().zip(&g).zip(y) {
        for (((o, &gv), &yv), &s) in o_row.iter_mut().zip(g_row).zip(y_row).zip(&gy) {
            *o = yv * (gv - s);
        }
    }
    out
}
