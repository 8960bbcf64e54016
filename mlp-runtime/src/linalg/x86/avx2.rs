//! [`super::super::dense`] for `f32` in AVX registers (eight lanes), in the
//! same order: a register holds two rows' four partial sums, and each
//! 8-input block of a row is multiplied at once, its two chunks of four
//! regrouped by row pair (a swap of 128-bit halves) and added in order.
//! Only AVX instructions, and no fused multiply-add, which would round
//! once where `dot` rounds twice.

use super::super::{dot, PARTS};
use super::finish_rows;
#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

/// Eight values.
#[inline]
#[target_feature(enable = "avx")]
fn load8(c: &[f32; 8]) -> __m256 {
    // SAFETY: `c` is 8 readable f32s; `loadu` needs no alignment.
    unsafe { _mm256_loadu_ps(c.as_ptr()) }
}

/// `2 G` rows' partial sums: register g holds rows 2g and 2g + 1, row
/// r's partial sum l in lane 4 (r mod 2) + l. Needs `I ≥ 8`, so that
/// every partial sum starts from its first product.
#[inline]
#[target_feature(enable = "avx")]
fn partial_rows<const I: usize, const G: usize>(rows: &[[f32; I]], x: &[f32; I]) -> [__m256; G] {
    let x_blocks = x.as_chunks::<8>().0;
    let mut acc = [_mm256_setzero_ps(); G];
    for (k, xk) in x_blocks.iter().enumerate() {
        let xv = load8(xk);
        for (g, a) in acc.iter_mut().enumerate() {
            let p0 = _mm256_mul_ps(load8(&rows[2 * g].as_chunks::<8>().0[k]), xv);
            let p1 = _mm256_mul_ps(load8(&rows[2 * g + 1].as_chunks::<8>().0[k]), xv);
            // Chunk 2k of both rows, then chunk 2k + 1 of both.
            let q0 = _mm256_permute2f128_ps::<0x20>(p0, p1);
            let q1 = _mm256_permute2f128_ps::<0x31>(p0, p1);
            let first = if k == 0 { q0 } else { _mm256_add_ps(*a, q0) };
            *a = _mm256_add_ps(first, q1);
        }
    }
    // A last chunk of four after the blocks of eight.
    for c in 8 * x_blocks.len() / PARTS..I / PARTS {
        for (g, a) in acc.iter_mut().enumerate() {
            let prod: [f32; 8] = core::array::from_fn(|lane| {
                let (r, l) = (2 * g + lane / 4, 4 * c + lane % 4);
                rows[r][l] * x[l]
            });
            *a = _mm256_add_ps(*a, load8(&prod));
        }
    }
    acc
}

/// Rows `2 G` at a time into `h` (bias in, unit values out), each
/// finished as `dot` finishes: the combine, the tail, the bias.
#[inline]
#[target_feature(enable = "avx")]
fn rows_into<const I: usize, const G: usize>(rows: &[[f32; I]], x: &[f32; I], h: &mut [f32]) {
    let acc: [__m256; G] = partial_rows(rows, x);
    for (g, a) in acc.iter().enumerate() {
        let mut lanes = [0.0f32; 8];
        // SAFETY: `lanes` is 8 writable f32s; `storeu` needs no alignment.
        unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), *a) };
        finish_rows(&lanes, &rows[2 * g..2 * g + 2], x, &mut h[2 * g..2 * g + 2]);
    }
}

/// Eight rows per pass, then two, then one `dot` for a last odd row.
/// Needs `I ≥ 8`.
#[inline]
#[target_feature(enable = "avx")]
pub fn dense_f32<const I: usize, const O: usize>(
    w: &[[f32; I]; O],
    b: &[f32; O],
    x: &[f32; I],
) -> [f32; O] {
    let mut h = *b;
    let (w8, w_rest) = w.as_chunks::<8>();
    let (h8, h_rest) = h.as_chunks_mut::<8>();
    for (hb, wb) in h8.iter_mut().zip(w8) {
        rows_into::<I, 4>(wb, x, hb);
    }
    let (w2, w_last) = w_rest.as_chunks::<2>();
    let (h2, h_last) = h_rest.as_chunks_mut::<2>();
    for (hb, wb) in h2.iter_mut().zip(w2) {
        rows_into::<I, 1>(wb, x, hb);
    }
    for (h_i, w_i) in h_last.iter_mut().zip(w_last) {
        *h_i += dot(w_i, x);
    }
    h
}
