//! Building blocks of `forward_batch` and `backward_batch`: a fixed batch
//! of `B` samples is held feature-major (`[[T; B]; N]`, one row per unit),
//! so every operation is a loop over the batch that the compiler
//! vectorises, whatever the layer's width. Each unit's sum runs over its
//! inputs in index order (a running sum): below four inputs that is
//! `forward`'s order, so those layers' values are identical to `forward`'s
//! sample by sample; wider layers differ by rounding only. The backward
//! kernels (Wᵀ Δ, hidden δs, δ Yᵀ) are in `grad.rs`.

mod grad;

pub use grad::{accumulate, back, hidden_delta};

use crate::activation::Elementwise;
pub use crate::simd::Aligned;

use crate::simd::{multiversion, Level};
use crate::Scalar;

/// A copy of the caller's batch on a cache line ([`Aligned`]), for the
/// kernels that read it row by row (the first layer's gradient).
#[inline(always)]
pub fn aligned<T: Scalar, const N: usize, const B: usize>(
    xs: &[[T; N]; B],
) -> Aligned<[[T; N]; B]> {
    Aligned(*xs)
}

multiversion! {
    /// `[[T; C]; R]` to `[[T; R]; C]`: a batch held sample-major (as users
    /// hold data) to feature-major, and back.
    ///
    /// Pure data movement, so every level gives the same array; compiled
    /// per instruction set because the shuffles are the cost. 4 × 4 tiles,
    /// one block of four columns at a time, so each row of the result is
    /// written whole while the rows it reads stay in L1. The plain double
    /// loop wrote one element into every row of the result per row read:
    /// for a 32 × 784 batch of inputs that touches 784 cache lines per row,
    /// more than L1 holds, and took 47 µs against 9.6-11.2 µs tiled
    /// (`cargo bench --bench perf -- batch`; BENCHMARKS.md, "Batch
    /// transposes").
    pub fn transpose[T: Scalar, const R: usize, const C: usize](
        m: &[[T; C]; R],
    ) -> Aligned<[[T; R]; C]> => transpose_kernel;
}

/// [`transpose`] at the level it is compiled for.
#[inline(always)]
pub(crate) fn transpose_kernel<T: Scalar, const R: usize, const C: usize>(
    m: &[[T; C]; R],
) -> Aligned<[[T; R]; C]> {
    let mut t = Aligned([[T::ZERO; R]; C]);
    let (m_blocks, m_rest) = m.as_chunks::<4>();
    let full_rows = R - m_rest.len();
    let (t_blocks, t_rest) = t.as_chunks_mut::<4>();
    for (cb, t4) in t_blocks.iter_mut().enumerate() {
        for (rb, m4) in m_blocks.iter().enumerate() {
            // (The chunk indices are below C / 4 and R / 4 by the loops'
            // bounds; `nopanic/` checks that no bounds check is left.)
            let tile: [[T; 4]; 4] = core::array::from_fn(|i| m4[i].as_chunks::<4>().0[cb]);
            for (j, t_row) in t4.iter_mut().enumerate() {
                t_row.as_chunks_mut::<4>().0[rb] = core::array::from_fn(|i| tile[i][j]);
            }
        }
        // The rows of `m` past its last block of four.
        for (j, t_row) in t4.iter_mut().enumerate() {
            for (tv, row) in t_row.iter_mut().skip(full_rows).zip(m_rest) {
                *tv = row[4 * cb + j];
            }
        }
    }
    // The columns of `m` past its last block of four.
    let full_cols = C - t_rest.len();
    for (r, row) in m.iter().enumerate() {
        for (t_row, &v) in t_rest.iter_mut().zip(row.iter().skip(full_cols)) {
            t_row[r] = v;
        }
    }
    t
}

multiversion! {
    /// `h[i][b] = (Σ_j w[i][j] · x[j][b]) + bias[i]`, the sum in index order
    /// (a running sum: for fan-ins below four the same order as
    /// `linalg::dot`, otherwise the same sums rounded in another
    /// order), one unit at a time, two with AVX-512 (each x row loaded once
    /// for them: a unit's 32 sums fill eight SSE registers, four AVX-512
    /// ones; measured in BENCHMARKS.md, "Batch tiles").
    ///
    /// (Compiled per instruction set: the lanes are samples, each summed
    /// in j order, so every level gives the same bits.)
    pub fn dense[T: Scalar, const I: usize, const O: usize, const B: usize](
        w: &[[T; I]; O],
        bias: &[T; O],
        x: &[[T; B]; I],
    ) -> Aligned<[[T; B]; O]> => |level| dense_kernel;
}

#[inline(always)]
fn dense_kernel<T: Scalar, const I: usize, const O: usize, const B: usize>(
    level: Level,
    w: &[[T; I]; O],
    bias: &[T; O],
    x: &[[T; B]; I],
) -> Aligned<[[T; B]; O]> {
    if level == Level::Avx512 {
        dense_units::<T, I, O, B, 2>(w, bias, x)
    } else {
        dense_units::<T, I, O, B, 1>(w, bias, x)
    }
}

/// [`dense`] in tiles of `U` units.
#[inline(always)]
fn dense_units<T: Scalar, const I: usize, const O: usize, const B: usize, const U: usize>(
    w: &[[T; I]; O],
    bias: &[T; O],
    x: &[[T; B]; I],
) -> Aligned<[[T; B]; O]> {
    let mut h = Aligned([[T::ZERO; B]; O]);
    let (h_tiles, h_rest) = h.as_chunks_mut::<U>();
    let (w_tiles, w_rest) = w.as_chunks::<U>();
    for (ht, wt) in h_tiles.iter_mut().zip(w_tiles) {
        dense_tile(ht, wt, x);
    }
    for (h_row, w_row) in h_rest.iter_mut().zip(w_rest) {
        dense_tile(
            core::array::from_mut(h_row),
            core::array::from_ref(w_row),
            x,
        );
    }
    for (row, &b_i) in h.iter_mut().zip(bias) {
        for acc in row.iter_mut() {
            *acc += b_i;
        }
    }
    h
}

/// [`dense`] for the first layer, whose input comes sample-major (`xs[b]`
/// = sample b, as callers hold it); the result feature-major.
///
/// The same kernel at every instruction set, so the batch methods give the
/// same bits on every CPU. (Until 2026-12 a first layer of 128+ inputs went
/// one sample at a time through `linalg::dense` without AVX-512, 5-10%
/// faster with SSE2 only, but then the bits depended on the CPU once the
/// level was chosen at run time; BENCHMARKS.md, "Batch tiles".)
#[inline(always)]
pub fn dense_input<T: Scalar, const I: usize, const O: usize, const B: usize>(
    w: &[[T; I]; O],
    bias: &[T; O],
    xs: &[[T; I]; B],
) -> Aligned<[[T; B]; O]> {
    dense(w, bias, &transpose(xs))
}

/// `R` units' sums over the batch, added into `h` in j order.
#[inline(always)]
fn dense_tile<T: Scalar, const I: usize, const R: usize, const B: usize>(
    h: &mut [[T; B]; R],
    w: &[[T; I]; R],
    x: &[[T; B]; I],
) {
    for (j, x_j) in x.iter().enumerate() {
        for (row, w_row) in h.iter_mut().zip(w) {
            let w_ij = w_row[j];
            for (acc, &xv) in row.iter_mut().zip(x_j) {
                *acc += w_ij * xv;
            }
        }
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
) -> Aligned<[[T; B]; K]> {
    let mut out = Aligned([[T::ZERO; B]; K]);
    for ((o_row, y_row), d_row) in out.iter_mut().zip(y).zip(d) {
        for ((o, &yv), &dv) in o_row.iter_mut().zip(y_row).zip(d_row) {
            *o = f(yv, dv);
        }
    }
    out
}

/// δ = g ⊙ f′(h) with g = ∂L/∂y = `grad_y(y, d)` (c(y − d) for a squared
/// loss, clamped for huber): the output δ on an element-wise activation.
#[inline(always)]
pub fn chain<A: Elementwise, T: Scalar, const K: usize, const B: usize>(
    act: A,
    grad_y: impl Fn(T, T) -> T,
    h: &[[T; B]; K],
    y: &[[T; B]; K],
    d: &[[T; B]; K],
) -> Aligned<[[T; B]; K]> {
    let mut out = zip_map(y, d, grad_y);
    for ((o_row, h_row), y_row) in out.iter_mut().zip(h).zip(y) {
        for ((o, &hv), &yv) in o_row.iter_mut().zip(h_row).zip(y_row) {
            *o *= act.df(hv, yv);
        }
    }
    out
}

/// δ_i = y_i (g_i − Σ_j g_j y_j) with g = ∂L/∂y = `grad_y(y, d)`, per
/// sample: a squared or huber loss through the softmax Jacobian.
#[inline(always)]
pub fn softmax_jacobian<T: Scalar, const K: usize, const B: usize>(
    grad_y: impl Fn(T, T) -> T,
    y: &[[T; B]; K],
    d: &[[T; B]; K],
) -> Aligned<[[T; B]; K]> {
    let g = zip_map(y, d, grad_y);
    let mut gy = [T::ZERO; B];
    for (g_row, y_row) in g.iter().zip(y) {
        for ((s, &gv), &yv) in gy.iter_mut().zip(g_row).zip(y_row) {
            *s += gv * yv;
        }
    }
    let mut out = Aligned([[T::ZERO; B]; K]);
    for ((o_row, g_row), y_row) in out.iter_mut().zip(g.iter()).zip(y) {
        for (((o, &gv), &yv), &s) in o_row.iter_mut().zip(g_row).zip(y_row).zip(&gy) {
            *o = yv * (gv - s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{accumulate, dense, dense_input, hidden_delta, transpose};
    use crate::activation::Linear;

    /// Integer-valued data make every order of summation exact, so the
    /// tiled kernels must equal the plain loops exactly, for shapes with
    /// whole tiles, remainder units and remainder inputs.
    fn kernels<const I: usize, const O: usize, const B: usize>() {
        let w: [[f64; I]; O] =
            core::array::from_fn(|i| core::array::from_fn(|j| ((i * 7 + j * 3) % 11) as f64 - 5.0));
        let y: [[f64; I]; B] =
            core::array::from_fn(|b| core::array::from_fn(|j| ((b + 2 * j) % 5) as f64 - 2.0));
        let d: [[f64; B]; O] =
            core::array::from_fn(|i| core::array::from_fn(|b| ((i + 3 * b) % 4) as f64 - 1.5));
        let mut gw = w; // starting from non-zero sums: the kernel adds
        let mut gb: [f64; O] = core::array::from_fn(|i| i as f64);
        accumulate(&mut gw, &mut gb, &d, &y, 0.5);
        for i in 0..O {
            for j in 0..I {
                let s: f64 = (0..B).map(|b| d[i][b] * y[b][j]).sum();
                assert_eq!(
                    gw[i][j],
                    w[i][j] + 0.5 * s,
                    "weight ({i}, {j}) of {O}x{I}, B = {B}"
                );
            }
            let s: f64 = d[i].iter().sum();
            assert_eq!(gb[i], i as f64 + 0.5 * s, "bias {i}");
        }
        // Wᵀδ for a layer below with I units (the linear activation's f′ is 1).
        let yt: [[f64; B]; I] = transpose(&y).0;
        // W y + bias, from the batch sample-major and feature-major.
        let bias: [f64; O] = core::array::from_fn(|i| i as f64 - 3.0);
        let (h_in, h) = (dense_input(&w, &bias, &y), dense(&w, &bias, &yt));
        for i in 0..O {
            for b in 0..B {
                let s: f64 = (0..I).map(|j| w[i][j] * y[b][j]).sum::<f64>() + bias[i];
                assert_eq!(
                    (h_in[i][b], h[i][b]),
                    (s, s),
                    "h ({i}, {b}) of {O}x{I}, B = {B}"
                );
            }
        }
        let back = hidden_delta(Linear, &w, &d, &yt, &yt);
        for j in 0..I {
            for b in 0..B {
                let s: f64 = (0..O).map(|k| w[k][j] * d[k][b]).sum();
                assert_eq!(back[j][b], s, "δ ({j}, {b}) of {O}x{I}, B = {B}");
            }
        }
    }

    /// `transpose` against the plain double loop, at every level, for
    /// shapes with whole 4 × 4 tiles, rows left over, columns left over,
    /// both, and fewer than four of either.
    #[test]
    fn transpose_equals_the_plain_loop_at_every_level() {
        fn check<const R: usize, const C: usize>() {
            let m: [[f32; C]; R] =
                core::array::from_fn(|r| core::array::from_fn(|c| (r * C + c) as f32));
            let t = transpose(&m);
            for r in 0..R {
                for c in 0..C {
                    assert_eq!(t[c][r], m[r][c], "({r}, {c}) of {R}x{C}");
                }
            }
        }
        crate::simd::at_every_level(|| {
            if !cfg!(miri) {
                // The shapes of 784-128-10's batch (Miri: the small ones).
                check::<32, 784>();
                check::<128, 32>();
            }
            check::<7, 13>();
            check::<9, 4>();
            check::<4, 10>();
            check::<3, 2>();
            check::<1, 1>();
            check::<0, 5>();
        });
    }

    #[test]
    fn tiled_kernels_equal_the_plain_loops() {
        kernels::<1, 1, 1>();
        kernels::<16, 2, 3>();
        kernels::<37, 33, 7>();
        kernels::<64, 64, 32>();
        kernels::<5, 9, 32>();
        kernels::<100, 5, 9>(); // with AVX-512: a tile of 64, two of 16, 4 alone
        kernels::<130, 9, 4>(); // dense_input one sample at a time without AVX-512
    }
}
