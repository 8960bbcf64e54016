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
//! `tests/it/perf_accuracy.rs` bounds the difference.
//!
//! The weights keep the contract's layout (row i = unit i); only the
//! traversal changes.

#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
pub(crate) mod x86;

use crate::simd::multiversion;
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

multiversion! {
    /// `(Wᵀ δ)_i = Σ_k w_ki δ_k`, in k order for every i (the running sum's
    /// order, so exactly equal to it), four rows of W per pass so each
    /// partial vector of the result is loaded and stored once per four
    /// rows. Vectorised across i, so every instruction set gives the same
    /// bits.
    pub fn back[T: Scalar, const I: usize, const O: usize](w: &[[T; I]; O], delta: &[T; O]) -> [T; I] => back_kernel, up to avx2;
}

#[inline(always)]
fn back_kernel<T: Scalar, const I: usize, const O: usize>(
    w: &[[T; I]; O],
    delta: &[T; O],
) -> [T; I] {
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

multiversion! {
    /// `w += δ xᵀ` and `b += δ`: one sample's gradient of a wide layer
    /// added into a gradient buffer (`backward`, `backward_from`), each
    /// element `w_ij + δ_i·x_j`, as the unrolled code writes it.
    pub fn add_outer[T: Scalar, const I: usize, const O: usize](
        w: &mut [[T; I]; O],
        b: &mut [T; O],
        delta: &[T; O],
        x: &[T; I],
    ) => add_outer_kernel, up to avx2;
}

#[inline(always)]
fn add_outer_kernel<T: Scalar, const I: usize, const O: usize>(
    w: &mut [[T; I]; O],
    b: &mut [T; O],
    delta: &[T; O],
    x: &[T; I],
) {
    for ((row, b), &d) in w.iter_mut().zip(b.iter_mut()).zip(delta) {
        for (w, &x) in row.iter_mut().zip(x) {
            *w += d * x;
        }
        *b += d;
    }
}

multiversion! {
    /// `add_outer` and `back` in one pass over the rows (`backward_from`'s
    /// first layer): `g += δ xᵀ`, `gb += δ`, and returns `Wᵀ δ`, each
    /// element as those two compute it (the same bits), reading each row
    /// of `W` and of `g` in the same four-row pass.
    pub fn add_outer_back[T: Scalar, const I: usize, const O: usize](
        g: &mut [[T; I]; O],
        gb: &mut [T; O],
        w: &[[T; I]; O],
        delta: &[T; O],
        x: &[T; I],
    ) -> [T; I] => add_outer_back_kernel, up to avx2;
}

#[inline(always)]
fn add_outer_back_kernel<T: Scalar, const I: usize, const O: usize>(
    g: &mut [[T; I]; O],
    gb: &mut [T; O],
    w: &[[T; I]; O],
    delta: &[T; O],
    x: &[T; I],
) -> [T; I] {
    let mut s = [T::ZERO; I];
    let (blocks, rest) = w.as_chunks::<4>();
    let (g_blocks, g_rest) = g.as_chunks_mut::<4>();
    let (d_blocks, d_rest) = delta.as_chunks::<4>();
    for ((rows, gs), d) in blocks.iter().zip(g_blocks).zip(d_blocks) {
        for i in 0..I {
            let xi = x[i];
            gs[0][i] += d[0] * xi;
            gs[1][i] += d[1] * xi;
            gs[2][i] += d[2] * xi;
            gs[3][i] += d[3] * xi;
            s[i] = s[i]
                + rows[0][i] * d[0]
                + rows[1][i] * d[1]
                + rows[2][i] * d[2]
                + rows[3][i] * d[3];
        }
    }
    for ((row, gr), &d) in rest.iter().zip(g_rest).zip(d_rest) {
        for i in 0..I {
            gr[i] += d * x[i];
            s[i] += row[i] * d;
        }
    }
    for (b, &d) in gb.iter_mut().zip(delta) {
        *b += d;
    }
    s
}

multiversion! {
    /// `w −= (lr·δ) xᵀ` and `b −= lr·δ`: `train_step`'s SGD update of a
    /// wide layer, each element `w_ij − (lr·δ_i)·x_j`, as the unrolled
    /// code writes it.
    pub fn sgd_outer[T: Scalar, const I: usize, const O: usize](
        w: &mut [[T; I]; O],
        b: &mut [T; O],
        delta: &[T; O],
        x: &[T; I],
        lr: T,
    ) => sgd_outer_kernel, up to avx2;
}

#[inline(always)]
fn sgd_outer_kernel<T: Scalar, const I: usize, const O: usize>(
    w: &mut [[T; I]; O],
    b: &mut [T; O],
    delta: &[T; O],
    x: &[T; I],
    lr: T,
) {
    for ((row, b), &d) in w.iter_mut().zip(b.iter_mut()).zip(delta) {
        let g = lr * d;
        for (w, &x) in row.iter_mut().zip(x) {
            *w -= g * x;
        }
        *b -= g;
    }
}

#[cfg(test)]
mod tests {
    use super::{add_outer, add_outer_back, back, dense, dense_by_dot, dot};
    use crate::simd::at_every_level;
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

    /// Values in [-0.5, 0.5) from a xorshift stream seeded with `seed`.
    fn values<T: Scalar>(mut state: u32) -> impl FnMut() -> T {
        move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            T::from_f64(f64::from(state) / f64::from(u32::MAX) - 0.5)
        }
    }

    /// Each unit of `dense` is `dot(w_i, x) + b_i` bit for bit (the
    /// target's kernel against the definition), for shapes with full
    /// 8-row blocks, a 4-row block, single rows left over, and fan-ins that
    /// leave a tail.
    fn dense_is_dot<T: Scalar, const I: usize, const O: usize>() {
        let mut next = values::<T>(0x9e37_79b9);
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

    /// `add_outer_back` is `add_outer` and `back`, bit for bit: shapes with
    /// full four-row blocks, remainder rows and odd widths.
    fn fused_is_separate<T: Scalar, const I: usize, const O: usize>() {
        let mut next = values::<T>(0x2545_f491);
        let w: [[T; I]; O] = core::array::from_fn(|_| core::array::from_fn(|_| next()));
        let g0: [[T; I]; O] = core::array::from_fn(|_| core::array::from_fn(|_| next()));
        let gb0: [T; O] = core::array::from_fn(|_| next());
        let d: [T; O] = core::array::from_fn(|_| next());
        let x: [T; I] = core::array::from_fn(|_| next());
        let (mut g1, mut gb1) = (g0, gb0);
        add_outer(&mut g1, &mut gb1, &d, &x);
        let s1 = back(&w, &d);
        let (mut g2, mut gb2) = (g0, gb0);
        let s2 = add_outer_back(&mut g2, &mut gb2, &w, &d, &x);
        let bits = |v: &[T]| {
            v.iter()
                .map(|t| t.to_f64().to_bits())
                .collect::<std::vec::Vec<_>>()
        };
        assert_eq!(bits(&s1), bits(&s2), "dx of {O}x{I} {}", T::NAME);
        assert_eq!(
            bits(g1.as_flattened()),
            bits(g2.as_flattened()),
            "gradient of {O}x{I}"
        );
        assert_eq!(bits(&gb1), bits(&gb2), "bias gradient of {O}x{I}");
    }

    #[test]
    fn add_outer_back_equals_add_outer_then_back_at_every_level() {
        at_every_level(|| {
            fused_is_separate::<f32, 1, 1>();
            fused_is_separate::<f32, 3, 5>();
            fused_is_separate::<f32, 16, 64>();
            fused_is_separate::<f32, 37, 9>();
            fused_is_separate::<f32, 784, 10>();
            fused_is_separate::<f64, 16, 64>();
            fused_is_separate::<f64, 37, 7>();
        });
    }

    /// Every kernel level this CPU runs, forced through the dispatch,
    /// against the definition, bit for bit: shapes for each kernel's
    /// blocks (8 rows, 4 or 2, single rows) and fan-ins below, at and
    /// above each width (4, 8, 16) with tails.
    #[test]
    fn every_level_equals_dot_per_unit() {
        at_every_level(|| {
            dense_is_dot::<f32, 8, 11>();
            dense_is_dot::<f32, 12, 9>();
            dense_is_dot::<f32, 15, 3>();
            dense_is_dot::<f32, 16, 64>();
            dense_is_dot::<f32, 20, 13>();
            dense_is_dot::<f32, 64, 37>();
            dense_is_dot::<f32, 100, 33>();
            dense_is_dot::<f32, 101, 15>();
            dense_is_dot::<f32, 784, 10>();
            dense_is_dot::<f64, 16, 64>();
            dense_is_dot::<f64, 37, 7>();
        });
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
