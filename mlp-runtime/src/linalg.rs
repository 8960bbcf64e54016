//! The kernels generated code delegates its wide layers to: a dense layer
//! `W x + b`, the back-propagated sum `Wᵀ δ`, and a dot product, each in a
//! summation order the compiler can vectorise and keep in registers.
//!
//! A single running sum fixes the order of every addition, and without
//! fast-math the compiler must keep it: one scalar add per element, each
//! waiting for the last. The kernels here keep `PARTS` independent partial
//! sums per row (element j goes to sum j mod `PARTS`) and combine them at
//! the end as a tree of fresh values (`tree`): written as in-place pairwise
//! halving of one array, the same combine makes LLVM keep the array in
//! memory; as values, it stays in vector registers. `dense` computes several
//! rows per pass over x (register blocking), so each load of x serves all of
//! them. The results differ from the running sum only by rounding (all are
//! sums of the same products, rounded in another order);
//! `tests/perf_accuracy.rs` bounds the difference.
//!
//! The weights keep the contract's layout (row i = unit i); only the
//! traversal changes.

use crate::Scalar;

/// Independent partial sums per row: one AVX-512 register of f32, two AVX2
/// or four SSE registers.
const PARTS: usize = 16;

/// Rows of W computed together by [`dense`], each with `PARTS` accumulators:
/// two rows (eight SSE registers) on the baseline x86-64 target, four with
/// AVX2 or AVX-512. Chosen by measurement (BENCHMARKS.md), per target feature.
const ROWS: usize = if cfg!(any(target_feature = "avx2", target_feature = "avx512f")) {
    4
} else {
    2
};

/// Rows whose partial sums [`dense`] keeps before combining them: combining
/// in a separate loop over a small buffer keeps LLVM from vectorising the
/// accumulation across rows (strided loads) instead of along them.
const GROUP: usize = 16;
const _: () = assert!(GROUP.is_multiple_of(ROWS));

/// Whether the target has vector registers the blocking is for (x86 and
/// AArch64); elsewhere (Cortex-M, RV32) `dense` is one `dot` per unit.
const VECTOR_UNIT: bool = cfg!(any(
    target_arch = "x86",
    target_arch = "x86_64",
    target_arch = "aarch64"
));

/// Σ of 16 partial sums as a tree of fresh values: 8 + 4 + 2 + 1 additions,
/// each level one vector add of the two halves of the last.
#[inline(always)]
fn tree<T: Scalar>(a: &[T; PARTS]) -> T {
    let a: [T; 8] = core::array::from_fn(|l| a[l] + a[l + 8]);
    let a: [T; 4] = core::array::from_fn(|l| a[l] + a[l + 4]);
    let a: [T; 2] = core::array::from_fn(|l| a[l] + a[l + 2]);
    a[0] + a[1]
}

/// Σ_j a_j·b_j with `PARTS` partial sums combined as a tree, then the tail
/// (the last `N mod PARTS` products, as a running sum).
#[inline(always)]
pub fn dot<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N]) -> T {
    let a_chunks = a.as_chunks::<PARTS>().0;
    let b_chunks = b.as_chunks::<PARTS>().0;
    let mut acc = [T::ZERO; PARTS];
    for (ca, cb) in a_chunks.iter().zip(b_chunks) {
        for l in 0..PARTS {
            acc[l] += ca[l] * cb[l];
        }
    }
    tree(&acc) + tail(a, b)
}

/// `R` rows' partial sums against one x, sharing each chunk of x loaded.
#[inline(always)]
fn partial_rows<T: Scalar, const N: usize, const R: usize>(
    w: &[[T; N]; R],
    x: &[T; N],
) -> [[T; PARTS]; R] {
    let x_chunks = x.as_chunks::<PARTS>().0;
    let w_chunks: [&[[T; PARTS]]; R] = core::array::from_fn(|r| w[r].as_chunks::<PARTS>().0);
    let mut acc = [[T::ZERO; PARTS]; R];
    for (c, xc) in x_chunks.iter().enumerate() {
        for r in 0..R {
            let wc = &w_chunks[r][c];
            for l in 0..PARTS {
                acc[r][l] += wc[l] * xc[l];
            }
        }
    }
    acc
}

/// The tail of unit i's sum: the last `N mod PARTS` products, a running sum.
#[inline(always)]
fn tail<T: Scalar, const N: usize>(w: &[T; N], x: &[T; N]) -> T {
    let done = N - N % PARTS;
    let mut tail = T::ZERO;
    for (&w_j, &x_j) in w[done..].iter().zip(&x[done..]) {
        tail += w_j * x_j;
    }
    tail
}

/// One level of [`tree`] for two vectors at once: `a` and `b` each hold
/// `PARTS / m` rows of `m` partial sums; the result holds all of those rows
/// with `m / 2` sums each (row r's sum p is its sums p and p + m/2 added,
/// as in `tree`). In vector terms: two shuffles and one add.
#[inline(always)]
fn fold<T: Scalar>(a: &[T; PARTS], b: &[T; PARTS], m: usize) -> [T; PARTS] {
    let rows = PARTS / m;
    core::array::from_fn(|lane| {
        let (row, p) = (lane / (m / 2), lane % (m / 2));
        let src = if row < rows { a } else { b };
        let at = (row % rows) * m + p;
        src[at] + src[at + m / 2]
    })
}

/// [`tree`] of each of `GROUP` rows, all rows at once (a transposing
/// reduction: 15 folds for 16 rows instead of 16 separate trees). Each
/// row's additions are exactly `tree`'s, in the same order.
#[inline(always)]
fn tree_rows<T: Scalar>(part: &[[T; PARTS]; GROUP]) -> [T; GROUP] {
    let v: [[T; PARTS]; 8] = core::array::from_fn(|i| fold(&part[2 * i], &part[2 * i + 1], 16));
    let v: [[T; PARTS]; 4] = core::array::from_fn(|i| fold(&v[2 * i], &v[2 * i + 1], 8));
    let v: [[T; PARTS]; 2] = core::array::from_fn(|i| fold(&v[2 * i], &v[2 * i + 1], 4));
    fold(&v[0], &v[1], 2)
}

/// Whether [`dense`] combines a group's partial sums with [`tree_rows`]:
/// measured faster on SSE (16-64 and 64-64 layers 1.3-1.9x); with AVX-512
/// LLVM turns it into gathers and scatters, so there each row is combined
/// on its own.
const TRANSPOSING_REDUCTION: bool = !cfg!(target_feature = "avx512f");

/// `W x + b` for a row-major W (`w[i]` = unit i's weights): `ROWS` rows per
/// pass over x, partial sums kept for `GROUP` rows and then combined. Each
/// unit's value is exactly `dot(&w[i], x) + b[i]`.
#[inline(always)]
pub fn dense<T: Scalar, const I: usize, const O: usize>(
    w: &[[T; I]; O],
    b: &[T; O],
    x: &[T; I],
) -> [T; O] {
    let mut h = *b;
    if !VECTOR_UNIT {
        // Microcontrollers: no vectors to fill, so no group buffer on the
        // stack (1 KB in f32); the same sums, in the same order.
        for (h_i, w_i) in h.iter_mut().zip(w) {
            *h_i = dot(w_i, x) + *h_i;
        }
        return h;
    }
    let (w_groups, w_rest) = w.as_chunks::<GROUP>();
    let (h_groups, h_rest) = h.as_chunks_mut::<GROUP>();
    for (hg, wg) in h_groups.iter_mut().zip(w_groups) {
        let mut part = [[T::ZERO; PARTS]; GROUP];
        let (p_blocks, _) = part.as_chunks_mut::<ROWS>();
        let (w_blocks, _) = wg.as_chunks::<ROWS>();
        for (pb, wb) in p_blocks.iter_mut().zip(w_blocks) {
            *pb = partial_rows(wb, x);
        }
        if TRANSPOSING_REDUCTION {
            let sums = tree_rows(&part);
            for ((h_i, s), w_i) in hg.iter_mut().zip(sums).zip(wg) {
                *h_i = s + tail(w_i, x) + *h_i;
            }
        } else {
            for ((h_i, p), w_i) in hg.iter_mut().zip(&part).zip(wg) {
                *h_i = tree(p) + tail(w_i, x) + *h_i;
            }
        }
    }
    for (h_i, w_i) in h_rest.iter_mut().zip(w_rest) {
        *h_i = dot(w_i, x) + *h_i;
    }
    h
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
    use super::{back, dense, dot};

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

    /// Each unit of `dense` is `dot(w_i, x) + b_i` bit for bit, whatever the
    /// combine (per-row tree or the transposing one) and the block.
    fn dense_is_dot<const I: usize, const O: usize>() {
        let mut state = 0x9e37_79b9_u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as f32 / u32::MAX as f32 - 0.5
        };
        let w: [[f32; I]; O] = core::array::from_fn(|_| core::array::from_fn(|_| next()));
        let x: [f32; I] = core::array::from_fn(|_| next());
        let b: [f32; O] = core::array::from_fn(|_| next());
        let h = dense(&w, &b, &x);
        for i in 0..O {
            assert_eq!(
                h[i].to_bits(),
                (dot(&w[i], &x) + b[i]).to_bits(),
                "unit {i} of {O}x{I}"
            );
        }
    }

    #[test]
    fn dense_equals_dot_per_unit() {
        dense_is_dot::<16, 64>();
        dense_is_dot::<64, 37>();
        dense_is_dot::<100, 33>();
        dense_is_dot::<3, 17>();
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
