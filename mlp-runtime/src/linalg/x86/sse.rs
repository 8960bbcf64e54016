//! SSE (f32) and SSE2 (f64) kernels: [`super::super::dense`]'s sums eight rows
//! per pass (f32) or four (f64), each load of x serving every row.

use super::super::{dense_by_dot, dot, PARTS};
#[cfg(target_arch = "x86")]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

/// Rows of W per pass in [`dense_f32`]: eight accumulators (one per
/// row), the x chunk and the products fit x86-64's 16 vector registers.
const ROWS_F32: usize = 8;
/// Rows per pass in [`dense_f64`]: two accumulators per row.
const ROWS_F64: usize = 4;

/// Four lanes from a chunk (one unaligned load once compiled).
#[inline]
#[target_feature(enable = "sse")]
fn load4(c: &[f32; 4]) -> __m128 {
    _mm_set_ps(c[3], c[2], c[1], c[0])
}

/// Two lanes from a chunk.
#[inline]
#[target_feature(enable = "sse2")]
fn load2(c: &[f64]) -> __m128d {
    _mm_set_pd(c[1], c[0])
}

/// Four rows' partial sums in, their four unit values out: row r's
/// `(p0 + p2) + (p1 + p3)` (a 4x4 transpose folded into the adds), then
/// its tail products one by one and its bias, as `dot` and
/// `dense_by_dot` add them.
#[inline]
#[target_feature(enable = "sse")]
fn finish4<const I: usize>(acc: &[__m128; 4], rows: &[[f32; I]], x: &[f32; I], h: &mut [f32]) {
    let s01 = _mm_add_ps(
        _mm_unpacklo_ps(acc[0], acc[1]),
        _mm_unpackhi_ps(acc[0], acc[1]),
    );
    let s23 = _mm_add_ps(
        _mm_unpacklo_ps(acc[2], acc[3]),
        _mm_unpackhi_ps(acc[2], acc[3]),
    );
    // Lanes r: (p0 + p2) of row r, and (p1 + p3) of row r.
    let mut s = _mm_add_ps(_mm_movelh_ps(s01, s23), _mm_movehl_ps(s23, s01));
    for j in I - I % PARTS..I {
        let t: [f32; 4] = core::array::from_fn(|r| rows[r][j] * x[j]);
        s = _mm_add_ps(s, load4(&t));
    }
    let bias: &[f32; 4] = h[..4].try_into().expect("four units");
    let v = _mm_add_ps(s, load4(bias));
    h[0] = _mm_cvtss_f32(v);
    h[1] = _mm_cvtss_f32(_mm_shuffle_ps::<0b01>(v, v));
    h[2] = _mm_cvtss_f32(_mm_shuffle_ps::<0b10>(v, v));
    h[3] = _mm_cvtss_f32(_mm_shuffle_ps::<0b11>(v, v));
}

/// `R` rows' four partial sums each, every chunk of x loaded once for
/// all of them.
#[inline]
#[target_feature(enable = "sse")]
fn partial_rows<const I: usize, const R: usize>(rows: &[[f32; I]; R], x: &[f32; I]) -> [__m128; R] {
    let x_chunks = x.as_chunks::<4>().0;
    let chunk = |r: usize, c: usize| load4(&rows[r].as_chunks::<4>().0[c]);
    let x0 = load4(&x_chunks[0]);
    let mut acc: [__m128; R] = core::array::from_fn(|r| _mm_mul_ps(chunk(r, 0), x0));
    for (c, xc) in x_chunks.iter().enumerate().skip(1) {
        let xv = load4(xc);
        for (r, a) in acc.iter_mut().enumerate() {
            *a = _mm_add_ps(*a, _mm_mul_ps(chunk(r, c), xv));
        }
    }
    acc
}

#[inline]
#[target_feature(enable = "sse")]
pub(super) fn dense_f32_sse<const I: usize, const O: usize>(
    w: &[[f32; I]; O],
    b: &[f32; O],
    x: &[f32; I],
) -> [f32; O] {
    if I < PARTS {
        // No chunk to vectorise: running sums.
        return dense_by_dot(w, b, x);
    }
    let mut h = *b;
    let (w_blocks, w_rest) = w.as_chunks::<ROWS_F32>();
    let (h_blocks, h_rest) = h.as_chunks_mut::<ROWS_F32>();
    for (hb, wb) in h_blocks.iter_mut().zip(w_blocks) {
        let acc = partial_rows(wb, x);
        for q in 0..ROWS_F32 / 4 {
            let quad: &[__m128; 4] = acc[4 * q..4 * q + 4].try_into().expect("four rows");
            finish4(quad, &wb[4 * q..4 * q + 4], x, &mut hb[4 * q..4 * q + 4]);
        }
    }
    let (w_quads, w_last) = w_rest.as_chunks::<4>();
    let (h_quads, h_last) = h_rest.as_chunks_mut::<4>();
    for (hq, wq) in h_quads.iter_mut().zip(w_quads) {
        finish4(&partial_rows(wq, x), wq, x, hq);
    }
    for (h_i, w_i) in h_last.iter_mut().zip(w_last) {
        *h_i += dot(w_i, x);
    }
    h
}

#[inline]
#[target_feature(enable = "sse2")]
pub(super) fn dense_f64_sse2<const I: usize, const O: usize>(
    w: &[[f64; I]; O],
    b: &[f64; O],
    x: &[f64; I],
) -> [f64; O] {
    if I < PARTS {
        return dense_by_dot(w, b, x);
    }
    let mut h = *b;
    let x_chunks = x.as_chunks::<4>().0;
    let (w_blocks, w_rest) = w.as_chunks::<ROWS_F64>();
    let (h_blocks, h_rest) = h.as_chunks_mut::<ROWS_F64>();
    for (hb, wb) in h_blocks.iter_mut().zip(w_blocks) {
        // Row r's partial sums 0 and 1 in lo[r], 2 and 3 in hi[r],
        // starting from the first chunk's products.
        let first = |r: usize, half: usize| {
            let wc = &wb[r].as_chunks::<4>().0[0];
            _mm_mul_pd(load2(&wc[2 * half..]), load2(&x_chunks[0][2 * half..]))
        };
        let mut lo: [__m128d; ROWS_F64] = core::array::from_fn(|r| first(r, 0));
        let mut hi: [__m128d; ROWS_F64] = core::array::from_fn(|r| first(r, 1));
        for (c, xc) in x_chunks.iter().enumerate().skip(1) {
            let (x_lo, x_hi) = (load2(&xc[..2]), load2(&xc[2..]));
            for r in 0..ROWS_F64 {
                let wc = &wb[r].as_chunks::<4>().0[c];
                lo[r] = _mm_add_pd(lo[r], _mm_mul_pd(load2(&wc[..2]), x_lo));
                hi[r] = _mm_add_pd(hi[r], _mm_mul_pd(load2(&wc[2..]), x_hi));
            }
        }
        for pair in 0..ROWS_F64 / 2 {
            let (r0, r1) = (2 * pair, 2 * pair + 1);
            // [p0 + p2, p1 + p3] for each row, then the two rows' halves.
            let v0 = _mm_add_pd(lo[r0], hi[r0]);
            let v1 = _mm_add_pd(lo[r1], hi[r1]);
            let mut s = _mm_add_pd(_mm_unpacklo_pd(v0, v1), _mm_unpackhi_pd(v0, v1));
            for j in I - I % PARTS..I {
                s = _mm_add_pd(s, _mm_set_pd(wb[r1][j] * x[j], wb[r0][j] * x[j]));
            }
            let v = _mm_add_pd(s, load2(&hb[r0..]));
            hb[r0] = _mm_cvtsd_f64(v);
            hb[r1] = _mm_cvtsd_f64(_mm_unpackhi_pd(v, v));
        }
    }
    for (h_i, w_i) in h_rest.iter_mut().zip(w_rest) {
        *h_i += dot(w_i, x);
    }
    h
}
