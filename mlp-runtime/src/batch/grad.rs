//! The backward half of the batch kernels: `Wᵀ Δ` ([`back`]), a hidden
//! layer's δ ([`hidden_delta`]) and a layer's gradient summed over the
//! batch, `Δ Yᵀ` ([`accumulate`]), each compiled per instruction set.

use super::{transpose_kernel, Aligned};
use crate::activation::Elementwise;
use crate::simd::{multiversion, Level};
use crate::Scalar;

multiversion! {
    /// `(Wᵀ δ)[i][b] = Σ_k w[k][i] δ[k][b]`, then times `f′(h[i][b])`: a hidden
    /// layer's δ for a batch ([`back`], then f′).
    ///
    /// (Compiled per instruction set: lanes are samples, so every level
    /// gives the same bits.)
    pub fn hidden_delta[A: Elementwise, T: Scalar, const I: usize, const O: usize, const B: usize](
        act: A,
        w: &[[T; I]; O],
        delta: &[[T; B]; O],
        h: &[[T; B]; I],
        y: &[[T; B]; I],
    ) -> Aligned<[[T; B]; I]> => hidden_delta_kernel;
}

multiversion! {
    /// `(Wᵀ δ)[i][b] = Σ_k w[k][i] δ[k][b]` for a batch held feature-major:
    /// four rows of W per pass over the result, each sum still added in k
    /// order (so exactly the running sum's value, and `linalg::back`'s).
    ///
    /// (Compiled per instruction set: lanes are samples, so every level
    /// gives the same bits.)
    pub fn back[T: Scalar, const I: usize, const O: usize, const B: usize](
        w: &[[T; I]; O],
        delta: &[[T; B]; O],
    ) -> Aligned<[[T; B]; I]> => back_kernel;
}

#[inline(always)]
fn back_kernel<T: Scalar, const I: usize, const O: usize, const B: usize>(
    w: &[[T; I]; O],
    delta: &[[T; B]; O],
) -> Aligned<[[T; B]; I]> {
    let mut back = Aligned([[T::ZERO; B]; I]);
    let (w_blocks, w_rest) = w.as_chunks::<4>();
    let (d_blocks, d_rest) = delta.as_chunks::<4>();
    for (rows, d) in w_blocks.iter().zip(d_blocks) {
        for (i, acc) in back.iter_mut().enumerate() {
            let wk = [rows[0][i], rows[1][i], rows[2][i], rows[3][i]];
            for (b, a) in acc.iter_mut().enumerate() {
                *a = *a + wk[0] * d[0][b] + wk[1] * d[1][b] + wk[2] * d[2][b] + wk[3] * d[3][b];
            }
        }
    }
    for (w_row, d_row) in w_rest.iter().zip(d_rest) {
        for (acc, &w_ki) in back.iter_mut().zip(w_row) {
            for (a, &d) in acc.iter_mut().zip(d_row) {
                *a += w_ki * d;
            }
        }
    }
    back
}

#[inline(always)]
fn hidden_delta_kernel<
    A: Elementwise,
    T: Scalar,
    const I: usize,
    const O: usize,
    const B: usize,
>(
    act: A,
    w: &[[T; I]; O],
    delta: &[[T; B]; O],
    h: &[[T; B]; I],
    y: &[[T; B]; I],
) -> Aligned<[[T; B]; I]> {
    let mut back = back_kernel(w, delta);
    for ((acc, h_row), y_row) in back.iter_mut().zip(h).zip(y) {
        for ((a, &hv), &yv) in acc.iter_mut().zip(h_row).zip(y_row) {
            *a *= act.df(hv, yv);
        }
    }
    back
}

/// Units per tile of [`accumulate`]: wider tiles lose, as LLVM vectorises
/// them across units with gathers. Measured: BENCHMARKS.md, "Batch tiles".
const TILE_UNITS: usize = 2;

multiversion! {
    /// `grad_w[i][j] += scale · Σ_b δ[i][b] y[b][j]` and `grad_b[i] += scale ·
    /// Σ_b δ[i][b]`: a layer's gradient summed over the batch (δ Yᵀ), each sum
    /// over the samples in sample order. The layer's input `y` comes
    /// sample-major (`y[b]` = sample b's inputs, as `xs` is), so a tile of
    /// 2 units × 16 inputs (`TILE_UNITS` × four SSE registers; × 32 with
    /// AVX2, × 64 with AVX-512, the inputs past the last whole tile then
    /// in tiles of 16) keeps its sums in registers for the whole batch and
    /// reads and writes each gradient once. Measured: BENCHMARKS.md,
    /// "Batch tiles".
    ///
    /// (Compiled per instruction set: each sum runs over the samples in
    /// order whatever the width, so every level gives the same bits.)
    pub fn accumulate[T: Scalar, const I: usize, const O: usize, const B: usize](
        grad_w: &mut [[T; I]; O],
        grad_b: &mut [T; O],
        delta: &[[T; B]; O],
        y: &[[T; I]; B],
        scale: T,
    ) => |level| accumulate_kernel;
}

#[inline(always)]
fn accumulate_kernel<T: Scalar, const I: usize, const O: usize, const B: usize>(
    level: Level,
    grad_w: &mut [[T; I]; O],
    grad_b: &mut [T; O],
    delta: &[[T; B]; O],
    y: &[[T; I]; B],
    scale: T,
) {
    match level {
        Level::Avx512 => accumulate_tiles::<T, I, O, B, 64>(grad_w, grad_b, delta, y, scale),
        Level::Avx2 => accumulate_tiles::<T, I, O, B, 32>(grad_w, grad_b, delta, y, scale),
        Level::Sse2 => accumulate_tiles::<T, I, O, B, 16>(grad_w, grad_b, delta, y, scale),
    }
}

/// [`accumulate`] in tiles of `TILE_UNITS` × `TILE_INPUTS` (a multiple of 16).
#[inline(always)]
fn accumulate_tiles<
    T: Scalar,
    const I: usize,
    const O: usize,
    const B: usize,
    const TILE_INPUTS: usize,
>(
    grad_w: &mut [[T; I]; O],
    grad_b: &mut [T; O],
    delta: &[[T; B]; O],
    y: &[[T; I]; B],
    scale: T,
) {
    let d = transpose_kernel(delta);
    // Whole tiles of TILE_INPUTS, then of 16 inputs (the same with SSE).
    let wide = I / TILE_INPUTS * TILE_INPUTS;
    let tiled_inputs = wide + (I - wide) / 16 * 16;
    let (g_tiles, g_rest) = grad_w.as_chunks_mut::<TILE_UNITS>();
    let tiled_units = O - g_rest.len();
    for (u, g_tile) in g_tiles.iter_mut().enumerate() {
        tile_columns::<T, I, O, B, TILE_INPUTS>(g_tile, u, &d, y, 0..wide, scale);
        tile_columns::<T, I, O, B, 16>(g_tile, u, &d, y, wide..tiled_inputs, scale);
    }
    // The inputs past the last whole tile, and the units past the last
    // whole block of units: the same sums, one at a time.
    // (Each sum still runs over the samples in order; held in an array,
    // not indexed by a skipped counter, so no bounds check is left to
    // panic: `nopanic/`.)
    for (i, (g_row, d_row)) in grad_w.iter_mut().zip(delta).enumerate() {
        let from = if i < tiled_units { tiled_inputs } else { 0 };
        if from == I {
            continue; // the tiles covered the whole row
        }
        let mut sums = [T::ZERO; I];
        for (&dv, y_b) in d_row.iter().zip(y) {
            for (s, &yv) in sums.iter_mut().zip(y_b).skip(from) {
                *s += dv * yv;
            }
        }
        for (g, &s) in g_row.iter_mut().zip(&sums).skip(from) {
            *g += scale * s;
        }
    }
    for (gb, d_row) in grad_b.iter_mut().zip(delta) {
        let mut s = T::ZERO;
        for &dv in d_row {
            s += dv;
        }
        *gb += scale * s;
    }
}

/// The gradient of one tile of `TILE_UNITS` units (unit block `u`) for the
/// inputs `cols`, in whole blocks of `C`: each block's sums over the batch
/// kept in registers, then scaled into the gradient.
#[inline(always)]
fn tile_columns<T: Scalar, const I: usize, const O: usize, const B: usize, const C: usize>(
    g_tile: &mut [[T; I]; TILE_UNITS],
    u: usize,
    d: &[[T; O]; B],
    y: &[[T; I]; B],
    cols: core::ops::Range<usize>,
    scale: T,
) {
    // Chunks through `get` and `first_chunk`, not indexing: the bounds are
    // the caller's, and the batch methods must have no panic path the
    // optimiser cannot remove (`nopanic/`).
    for c in 0..cols.len() / C {
        let at = cols.start + c * C;
        let mut acc = [[T::ZERO; C]; TILE_UNITS];
        for (d_b, y_b) in d.iter().zip(y) {
            let dv = d_b
                .get(TILE_UNITS * u..)
                .and_then(<[T]>::first_chunk::<TILE_UNITS>);
            let yv = y_b.get(at..).and_then(<[T]>::first_chunk::<C>);
            let (Some(dv), Some(yv)) = (dv, yv) else {
                continue;
            };
            for r in 0..TILE_UNITS {
                for l in 0..C {
                    acc[r][l] += dv[r] * yv[l];
                }
            }
        }
        for (g_row, a) in g_tile.iter_mut().zip(&acc) {
            let Some(g) = g_row.get_mut(at..).and_then(<[T]>::first_chunk_mut::<C>) else {
                continue;
            };
            for l in 0..C {
                g[l] += scale * a[l];
            }
        }
    }
}
