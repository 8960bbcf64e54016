//! The x86 kernels of [`super::dense`], one file per instruction set:
//! SSE/SSE2 (the x86-64 baseline, `sse.rs`), AVX (`avx2.rs`), chosen at
//! run time where the CPU has AVX2 ([`crate::simd`]), and AVX-512
//! (`avx512.rs`) in builds that enable it. Each computes [`super::dot`]'s
//! order, so all give the same bits.
//!
//! Why AVX-512 only when the build enables it: on the Intel Xeon of
//! 2026-12-05 the AVX-512 kernel (eight lane shuffles per 64 products)
//! ran 784×128 in 6.7 µs against the AVX2 kernel's 5.7 µs and SSE's
//! 6.2 µs (`cargo bench --bench perf -- quick layout`, `MLP_SIMD` set per
//! run); it was tuned on an AMD Zen 5, where it won. So run-time dispatch
//! stops at AVX2 for `dense`, and `-C target-cpu=native` keeps the old
//! choice.

mod avx2;
#[cfg(target_feature = "avx512f")]
mod avx512;
mod sse;

use super::PARTS;
use crate::simd::{level, Level};
use sse::{dense_f32_sse, dense_f64_sse2};

/// [`super::dense`] for `f32`.
#[inline(always)]
pub fn dense_f32<const I: usize, const O: usize>(
    w: &[[f32; I]; O],
    b: &[f32; O],
    x: &[f32; I],
) -> [f32; O] {
    #[cfg(target_feature = "avx512f")]
    if I >= 16 {
        // SAFETY: `avx512::dense_f32` requires AVX-512F, which this
        // line is compiled only with (`target_feature = "avx512f"`
        // enabled for the whole build, e.g. `-C target-cpu=native`).
        return unsafe { avx512::dense_f32(w, b, x) };
    }
    if I >= 8 && level() >= Level::Avx2 {
        // SAFETY: `avx2::dense_f32` requires AVX, which every CPU with
        // AVX2 has, and `level()` reports AVX2 or above only where the
        // CPU has it.
        return unsafe { avx2::dense_f32(w, b, x) };
    }
    // SAFETY: `dense_f32_sse` is safe code that only requires SSE, and
    // this module is compiled only where `target_feature = "sse2"` (and
    // so SSE) is enabled for the whole build: the x86-64 baseline.
    unsafe { dense_f32_sse(w, b, x) }
}

/// [`super::dense`] for `f64`.
#[inline(always)]
pub fn dense_f64<const I: usize, const O: usize>(
    w: &[[f64; I]; O],
    b: &[f64; O],
    x: &[f64; I],
) -> [f64; O] {
    // SAFETY: as in `dense_f32`: SSE2 is enabled for the whole build.
    unsafe { dense_f64_sse2(w, b, x) }
}

/// Rows finished from their stored partial sums (row r's four in lanes
/// `4r..4r + 4`) as `dot` finishes them: `(p0 + p2) + (p1 + p3)`, the
/// tail products one by one, then added to the bias already in `h`. For
/// the AVX and AVX-512 kernels.
#[inline(always)]
fn finish_rows<const I: usize>(lanes: &[f32], rows: &[[f32; I]], x: &[f32; I], h: &mut [f32]) {
    for (r, (row, h)) in rows.iter().zip(h).enumerate() {
        let p = &lanes[4 * r..4 * r + 4];
        let mut s = (p[0] + p[2]) + (p[1] + p[3]);
        for j in I - I % PARTS..I {
            s += row[j] * x[j];
        }
        *h += s;
    }
}
