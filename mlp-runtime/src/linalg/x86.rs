//! The x86 kernels of [`super::dense`], one file per instruction set:
//! SSE/SSE2 (the x86-64 baseline, `sse.rs`) and AVX-512 (`avx512.rs`,
//! where the build enables it). Each computes [`super::dot`]'s order.

#[cfg(target_feature = "avx512f")]
mod avx512;
mod sse;

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
