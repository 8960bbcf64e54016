//! [`super::super::dense`] for `f32` in AVX-512 registers, in the same order:
//! a register holds four rows' four partial sums, and each 16-element
//! block of a row is multiplied at once and its four chunks added in
//! order after a 4x4 transpose of 128-bit lanes.

use super::super::{dot, PARTS};
use super::finish_rows;
#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

/// Sixteen values.
#[inline]
#[target_feature(enable = "avx512f")]
fn load16(c: &[f32; 16]) -> __m512 {
    // SAFETY: `c` is 16 readable f32s; `loadu` needs no alignment.
    unsafe { _mm512_loadu_ps(c.as_ptr()) }
}

/// `4 G` rows' partial sums: register g holds rows 4g..4g + 4, row
/// r's partial sum l in lane 4 (r mod 4) + l.
#[inline]
#[target_feature(enable = "avx512f")]
fn partial_rows<const I: usize, const G: usize>(rows: &[[f32; I]], x: &[f32; I]) -> [__m512; G] {
    let x_blocks = x.as_chunks::<16>().0;
    let mut acc = [_mm512_setzero_ps(); G];
    for (k, xk) in x_blocks.iter().enumerate() {
        let xv = load16(xk);
        for (g, a) in acc.iter_mut().enumerate() {
            let p: [__m512; 4] = core::array::from_fn(|r| {
                _mm512_mul_ps(load16(&rows[4 * g + r].as_chunks::<16>().0[k]), xv)
            });
            // t0 = [p0 chunk 0, p0 chunk 1, p1 chunk 0, p1 chunk 1], ...
            let t0 = _mm512_shuffle_f32x4::<0b01_00_01_00>(p[0], p[1]);
            let t1 = _mm512_shuffle_f32x4::<0b11_10_11_10>(p[0], p[1]);
            let t2 = _mm512_shuffle_f32x4::<0b01_00_01_00>(p[2], p[3]);
            let t3 = _mm512_shuffle_f32x4::<0b11_10_11_10>(p[2], p[3]);
            // q_c = chunk c of the block for rows 0..4.
            let q0 = _mm512_shuffle_f32x4::<0b10_00_10_00>(t0, t2);
            let q1 = _mm512_shuffle_f32x4::<0b11_01_11_01>(t0, t2);
            let q2 = _mm512_shuffle_f32x4::<0b10_00_10_00>(t1, t3);
            let q3 = _mm512_shuffle_f32x4::<0b11_01_11_01>(t1, t3);
            // Each partial sum starts from its first product.
            let first = if k == 0 { q0 } else { _mm512_add_ps(*a, q0) };
            *a = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(first, q1), q2), q3);
        }
    }
    // Chunks of four after the last block of sixteen.
    for c in 16 * x_blocks.len() / PARTS..I / PARTS {
        for (g, a) in acc.iter_mut().enumerate() {
            let prod: [f32; 16] = core::array::from_fn(|lane| {
                let (r, l) = (4 * g + lane / 4, 4 * c + lane % 4);
                rows[r][l] * x[l]
            });
            *a = _mm512_add_ps(*a, load16(&prod));
        }
    }
    acc
}

/// Rows `4 G` at a time into `h` (bias in, unit values out), each
/// finished as `dot` finishes: the combine, the tail, the bias.
#[inline]
#[target_feature(enable = "avx512f")]
fn rows_into<const I: usize, const G: usize>(rows: &[[f32; I]], x: &[f32; I], h: &mut [f32]) {
    let acc: [__m512; G] = partial_rows(rows, x);
    for (g, a) in acc.iter().enumerate() {
        let mut lanes = [0.0f32; 16];
        // SAFETY: `lanes` is 16 writable f32s; `storeu` needs no
        // alignment.
        unsafe { _mm512_storeu_ps(lanes.as_mut_ptr(), *a) };
        finish_rows(&lanes, &rows[4 * g..4 * g + 4], x, &mut h[4 * g..4 * g + 4]);
    }
}

/// Eight rows per pass, then four, then one `dot` per row.
#[inline]
#[target_feature(enable = "avx512f")]
pub fn dense_f32<const I: usize, const O: usize>(
    w: &[[f32; I]; O],
    b: &[f32; O],
    x: &[f32; I],
) -> [f32; O] {
    let mut h = *b;
    let (w8, w_rest) = w.as_chunks::<8>();
    let (h8, h_rest) = h.as_chunks_mut::<8>();
    for (hb, wb) in h8.iter_mut().zip(w8) {
        rows_into::<I, 2>(wb, x, hb);
    }
    let (w4, w_last) = w_rest.as_chunks::<4>();
    let (h4, h_last) = h_rest.as_chunks_mut::<4>();
    for (hb, wb) in h4.iter_mut().zip(w4) {
        rows_into::<I, 1>(wb, x, hb);
    }
    for (h_i, w_i) in h_last.iter_mut().zip(w_last) {
        *h_i += dot(w_i, x);
    }
    h
}
