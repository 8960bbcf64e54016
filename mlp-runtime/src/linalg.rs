//! The kernels generated code delegates its wide layers to: a dense layer
//! `W x + b`, the back-propagated sum `Wᵀ δ`, and a dot product, each in a
//! summation order the compiler can vectorise and keep in registers.
//!
//! A single running sum fixes the order of every addition, and without
//! fast-math the compiler must keep it: one scalar add per element, each
//! waiting for the last. [`dot`] keeps four independent partial sums
//! (element j goes to sum j mod 4, one SSE register of `f32`) and combines
//! them as `(p0 + p2) + (p1 + p3)`, then adds the last `N mod 4` products.
//! That order is the definition every target computes, bit for bit: on
//! x86 [`dense`] runs it eight rows per pass in SSE registers (so each load
//! of x serves eight rows) and combines four rows' partial sums at once with
//! a 4x4 transpose, or, where AVX-512 is enabled, four rows' partial sums
//! per register with a 128-bit-lane transpose of each 16-input block;
//! elsewhere (Cortex-M, RISC-V) it is one [`dot`] per unit. The macro's
//! unrolled layers write the same sums out.
//! Four partial sums rather than more keep the combine cheap on short rows
//! (fan-in 16 or 64), where it used to dominate; BENCHMARKS.md has the
//! measurements. The results differ from the running sum only by rounding
//! (all are sums of the same products, rounded in another order);
//! `tests/perf_accuracy.rs` bounds the difference.
//!
//! The weights keep the contract's layout (row i = unit i); only the
//! traversal changes.

use crate::Scalar;

/// Independent partial sums per dot product.
const PARTS: usize = 4;

/// `(p0 + p2) + (p1 + p3)`: the combine every kernel here uses.
#[inline(always)]
fn combine<T: Scalar>(p: [T; PARTS]) -> T {
    (p[0] + p[2]) + (p[1] + p[3])
}

/// Σ_j a_j·b_j in the order every kernel here (and the macro's unrolled
/// code) uses: partial sum l is the running sum of the products j ≡ l
/// (mod 4), starting from the first of them; the four are combined as
/// `(p0 + p2) + (p1 + p3)`; the last `N mod 4` products are then added one
/// after another. Below four terms it is the running sum `a0·b0 + a1·b1 +
/// ...`. No sum starts from a zero, so signed zeros come out as the terms
/// say.
#[inline(always)]
pub fn dot<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N]) -> T {
    let (a_chunks, a_rest) = a.as_chunks::<PARTS>();
    let (b_chunks, b_rest) = b.as_chunks::<PARTS>();
    let mut s = match (a_chunks.split_first(), b_chunks.split_first()) {
        (Some((a0, a_more)), Some((b0, b_more))) => {
            let mut p: [T; PARTS] = core::array::from_fn(|l| a0[l] * b0[l]);
            for (ca, cb) in a_more.iter().zip(b_more) {
                for l in 0..PARTS {
                    p[l] += ca[l] * cb[l];
                }
            }
            combine(p)
        }
        _ => match (a_rest.first(), b_rest.first()) {
            (Some(&a0), Some(&b0)) => a0 * b0,
            _ => return T::ZERO,
        },
    };
    let first = usize::from(a_chunks.is_empty());
    for (&a_j, &b_j) in a_rest.iter().zip(b_rest).skip(first) {
        s += a_j * b_j;
    }
    s
}

/// `W x + b` for a row-major W (`w[i]` = unit i's weights). Each unit's
/// value is exactly `dot(&w[i], x) + b[i]`, on every target; on x86 the
/// rows are computed eight at a time in vector registers.
#[inline(always)]
pub fn dense<T: Scalar, const I: usize, const O: usize>(
    w: &[[T; I]; O],
    b: &[T; O],
    x: &[T; I],
) -> [T; O] {
    T::dense(w, b, x)
}

/// [`dense`] as one [`dot`] per unit: the definition, and the kernel on
/// targets without one of their own.
#[inline(always)]
pub(crate) fn dense_by_dot<T: Scalar, const I: usize, const O: usize>(
    w: &[[T; I]; O],
    b: &[T; O],
    x: &[T; I],
) -> [T; O] {
    let mut h = *b;
    for (h_i, w_i) in h.iter_mut().zip(w) {
        *h_i = dot(w_i, x) + *h_i;
    }
    h
}

/// The x86 kernels: [`dense`]'s sums in SSE registers.
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
pub(crate) mod x86 {
    use super::{dense_by_dot, dot, PARTS};
    #[cfg(target_arch = "x86")]
    use core::arch::x86::*;
    #[cfg(target_arch = "x86_64")]
    use core::arch::x86_64::*;

    /// Rows of W per pass in [`dense_f32`]: eight accumulators (one per
    /// row), the x chunk and the products fit x86-64's 16 vector registers.
    const ROWS_F32: usize = 8;
    /// Rows per pass in [`dense_f64`]: two accumulators per row.
    const ROWS_F64: usize = 4;

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
    fn partial_rows<const I: usize, const R: usize>(
        rows: &[[f32; I]; R],
        x: &[f32; I],
    ) -> [__m128; R] {
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
    fn dense_f32_sse<const I: usize, const O: usize>(
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
    fn dense_f64_sse2<const I: usize, const O: usize>(
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

    /// [`super::dense`] for `f32` in AVX-512 registers, in the same order:
    /// a register holds four rows' four partial sums, and each 16-element
    /// block of a row is multiplied at once and its four chunks added in
    /// order after a 4x4 transpose of 128-bit lanes.
    #[cfg(target_feature = "avx512f")]
    mod avx512 {
        use super::super::{dot, PARTS};
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
        fn partial_rows<const I: usize, const G: usize>(
            rows: &[[f32; I]],
            x: &[f32; I],
        ) -> [__m512; G] {
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
        fn rows_into<const I: usize, const G: usize>(
            rows: &[[f32; I]],
            x: &[f32; I],
            h: &mut [f32],
        ) {
            let acc: [__m512; G] = partial_rows(rows, x);
            for (g, a) in acc.iter().enumerate() {
                let mut lanes = [0.0f32; 16];
                // SAFETY: `lanes` is 16 writable f32s; `storeu` needs no
                // alignment.
                unsafe { _mm512_storeu_ps(lanes.as_mut_ptr(), *a) };
                for r in 0..4 {
                    let (row, p) = (&rows[4 * g + r], &lanes[4 * r..4 * r + 4]);
                    let mut s = (p[0] + p[2]) + (p[1] + p[3]);
                    for j in I - I % PARTS..I {
                        s += row[j] * x[j];
                    }
                    h[4 * g + r] += s;
                }
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
    }
}

/// `(Wᵀ δ)_i = Σ_k w_ki δ_k`, in k order for every i (the running sum's
/// order, so exactly equal to it), four rows of W per pass so each partial
/// vector of the result is loaded and stored once per four rows.
#[inline(always)]
pub fn back<T: Scalar, const I: usize, const O: usize>(w: &[[T; I]; O], delta: &[T; O]) -> [T; I] {
    let mut s = [T::ZERO; I];
    let (blocks, rest) = w.as_chunks::<4>();
    let (d_blocks, d_rest) = delta.as_chunks::<4>();
    for (rows, d) in blocks.iter().zip(d_blocks) {
        for i in 0..I {
            s[i] = s[i]
                + rows[0][i] * d[0]
                + rows[1][i] * d[1]
                + rows[2][i] * d[2]
                + rows[3][i] * d[3];
        }
    }
    for (row, &d) in rest.iter().zip(d_rest) {
        for i in 0..I {
            s[i] += row[i] * d;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{back, dense, dense_by_dot, dot};
    use crate::Scalar;

    #[test]
    fn equals_the_exact_sum_on_integers() {
        // Small integers: every order of summation is exact.
        let a: [f64; 37] = core::array::from_fn(|i| i as f64);
        let b: [f64; 37] = core::array::from_fn(|i| (i % 5) as f64 - 2.0);
        let exact: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert_eq!(dot(&a, &b), exact);
        assert_eq!(dot(&[2.0f32], &[3.0]), 6.0);
        let a16 = [1.0f32; 16];
        assert_eq!(dot(&a16, &a16), 16.0);
    }

    /// Integer-valued weights make every order exact, so `dense` and `back`
    /// must equal the plain loops exactly, for shapes that exercise full
    /// blocks, remainder rows and remainder columns.
    fn dense_and_back<const I: usize, const O: usize>() {
        let w: [[f64; I]; O] =
            core::array::from_fn(|i| core::array::from_fn(|j| ((i * 7 + j * 3) % 11) as f64 - 5.0));
        let x: [f64; I] = core::array::from_fn(|j| (j % 4) as f64 - 1.5);
        let b: [f64; O] = core::array::from_fn(|i| i as f64);
        let d: [f64; O] = core::array::from_fn(|i| (i % 3) as f64 - 1.0);
        let h = dense(&w, &b, &x);
        for i in 0..O {
            let want: f64 = (0..I).map(|j| w[i][j] * x[j]).sum::<f64>() + b[i];
            assert_eq!(h[i], want, "dense row {i} of {O}x{I}");
        }
        let s = back(&w, &d);
        for j in 0..I {
            let want: f64 = (0..O).map(|k| w[k][j] * d[k]).sum();
            assert_eq!(s[j], want, "back column {j} of {O}x{I}");
        }
    }

    /// Each unit of `dense` is `dot(w_i, x) + b_i` bit for bit (the
    /// target's kernel against the definition), for shapes with full
    /// 8-row blocks, a 4-row block, single rows left over, and fan-ins that
    /// leave a tail.
    fn dense_is_dot<T: Scalar, const I: usize, const O: usize>() {
        let mut state = 0x9e37_79b9_u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            T::from_f64(f64::from(state) / f64::from(u32::MAX) - 0.5)
        };
        let w: [[T; I]; O] = core::array::from_fn(|_| core::array::from_fn(|_| next()));
        let x: [T; I] = core::array::from_fn(|_| next());
        let b: [T; O] = core::array::from_fn(|_| next());
        let h = dense(&w, &b, &x);
        let want = dense_by_dot(&w, &b, &x);
        for i in 0..O {
            assert_eq!(
                h[i].to_f64().to_bits(),
                want[i].to_f64().to_bits(),
                "unit {i} of {O}x{I} {}",
                T::NAME
            );
            assert_eq!(
                h[i].to_f64().to_bits(),
                (dot(&w[i], &x) + b[i]).to_f64().to_bits()
            );
        }
    }

    #[test]
    fn dense_equals_dot_per_unit() {
        dense_is_dot::<f32, 16, 64>();
        dense_is_dot::<f32, 64, 37>();
        dense_is_dot::<f32, 100, 33>();
        dense_is_dot::<f32, 101, 15>();
        dense_is_dot::<f32, 3, 17>();
        dense_is_dot::<f32, 1, 3>();
        dense_is_dot::<f64, 16, 64>();
        dense_is_dot::<f64, 37, 7>();
        dense_is_dot::<f64, 2, 5>();
    }

    /// The combine is the documented `(p0 + p2) + (p1 + p3)`, then the
    /// tail: values chosen so that any other order rounds differently.
    #[test]
    fn dot_adds_in_the_documented_order() {
        let big = 2f32.powi(24);
        // Partial sums p0 = 2^24, p1 = 1, p2 = -2^24, p3 = 1; tail 1.
        let a = [big, 1.0, -big, 1.0, 1.0];
        let b = [1.0f32; 5];
        // (2^24 + -2^24) + (1 + 1) = 2, + 1 = 3. Left to right it would be
        // ((2^24 + 1) - 2^24) + 1 + 1 = 2 (2^24 + 1 rounds to 2^24).
        assert_eq!(dot(&a, &b), 3.0);
        let w = [a; 9];
        assert_eq!(dense(&w, &[0.5; 9], &b), [3.5; 9]);
        // Sums start from the first product, not from +0.
        assert!(dot(&[-0.0f32], &[1.0]).is_sign_negative());
        assert!(dot(&[-0.0f64; 6], &[1.0; 6]).is_sign_negative());
        let h = dense(&[[-0.0f32; 8]; 12], &[-0.0; 12], &[1.0; 8]);
        assert!(h.iter().all(|v| v.is_sign_negative()));
        let h = dense(&[[-0.0f32; 36]; 13], &[-0.0; 13], &[1.0; 36]);
        assert!(h.iter().all(|v| v.is_sign_negative()));
    }

    #[test]
    fn dense_and_back_equal_the_plain_loops() {
        dense_and_back::<1, 1>();
        dense_and_back::<3, 5>();
        dense_and_back::<16, 64>();
        dense_and_back::<37, 9>();
        dense_and_back::<100, 13>();
    }
}
