//! How a dense layer stores and walks its weights: the `Variant` trait,
//! with `RowMajor` for the layouts that keep the contract's rows, and the
//! five layouts the module doc describes.

#![allow(clippy::needless_range_loop)] // index loops are the point here

/// How a dense layer stores and walks its weights.
pub trait Variant {
    /// Printed beside the figure it won.
    const NAME: &'static str;
    /// Weights of a layer with `I` inputs and `O` outputs.
    type W<const I: usize, const O: usize>: Clone;
    /// From the contract's layout, row i = unit i.
    fn from_rows<const I: usize, const O: usize>(w: &[[f32; I]; O]) -> Self::W<I, O>;
    /// W x + b.
    fn layer<const I: usize, const O: usize>(
        w: &Self::W<I, O>,
        b: &[f32; O],
        x: &[f32; I],
    ) -> [f32; O];
    /// Wᵀ δ.
    fn back<const I: usize, const O: usize>(w: &Self::W<I, O>, d: &[f32; O]) -> [f32; I];
    /// W −= lr δ xᵀ, b −= lr δ.
    fn sgd<const I: usize, const O: usize>(
        w: &mut Self::W<I, O>,
        b: &mut [f32; O],
        d: &[f32; O],
        x: &[f32; I],
        lr: f32,
    );
}

/// A layout that keeps the contract's rows (`w[i]` = unit i's weights):
/// only the dot products and Wᵀδ differ; copying the weights and the SGD
/// update are the `Variant` defaults below.
pub trait RowMajor {
    /// Printed beside the figure it won.
    const NAME: &'static str;
    /// W x + b.
    fn layer<const I: usize, const O: usize>(
        w: &[[f32; I]; O],
        b: &[f32; O],
        x: &[f32; I],
    ) -> [f32; O];
    /// Wᵀ δ.
    fn back<const I: usize, const O: usize>(w: &[[f32; I]; O], d: &[f32; O]) -> [f32; I];
}

impl<R: RowMajor> Variant for R {
    const NAME: &'static str = R::NAME;
    type W<const I: usize, const O: usize> = [[f32; I]; O];
    fn from_rows<const I: usize, const O: usize>(w: &[[f32; I]; O]) -> Self::W<I, O> {
        *w
    }
    #[inline(always)]
    fn layer<const I: usize, const O: usize>(
        w: &[[f32; I]; O],
        b: &[f32; O],
        x: &[f32; I],
    ) -> [f32; O] {
        R::layer(w, b, x)
    }
    #[inline(always)]
    fn back<const I: usize, const O: usize>(w: &[[f32; I]; O], d: &[f32; O]) -> [f32; I] {
        R::back(w, d)
    }
    /// Row by row, `lr·δ_i` hoisted out of the row.
    #[inline(always)]
    fn sgd<const I: usize, const O: usize>(
        w: &mut [[f32; I]; O],
        b: &mut [f32; O],
        d: &[f32; O],
        x: &[f32; I],
        lr: f32,
    ) {
        for i in 0..O {
            let g = lr * d[i];
            for j in 0..I {
                w[i][j] -= g * x[j];
            }
            b[i] -= g;
        }
    }
}

/// Σ w_j x_j with one running sum.
#[inline(always)]
fn dot_naive<const I: usize>(w: &[f32; I], x: &[f32; I]) -> f32 {
    let mut s = 0.0;
    for j in 0..I {
        s += w[j] * x[j];
    }
    s
}

/// Σ w_j x_j with 16 partial sums (a running sum below 32 terms), added
/// one after another at the end.
#[inline(always)]
fn dot16<const I: usize>(w: &[f32; I], x: &[f32; I]) -> f32 {
    if I < 32 {
        return dot_naive(w, x);
    }
    let mut acc = [0.0f32; 16];
    let (wc, wr) = w.as_chunks::<16>();
    let (xc, xr) = x.as_chunks::<16>();
    for (a, b) in wc.iter().zip(xc) {
        for l in 0..16 {
            acc[l] += a[l] * b[l];
        }
    }
    let mut s = 0.0;
    for (a, b) in wr.iter().zip(xr) {
        s += a * b;
    }
    s + acc.iter().sum::<f32>()
}

/// Row-major, running sums, Wᵀδ one column at a time.
pub struct Naive;

impl RowMajor for Naive {
    const NAME: &'static str = "naive";
    #[inline(always)]
    fn layer<const I: usize, const O: usize>(
        w: &[[f32; I]; O],
        b: &[f32; O],
        x: &[f32; I],
    ) -> [f32; O] {
        core::array::from_fn(|i| dot_naive(&w[i], x) + b[i])
    }
    #[inline(always)]
    fn back<const I: usize, const O: usize>(w: &[[f32; I]; O], d: &[f32; O]) -> [f32; I] {
        core::array::from_fn(|i| {
            let mut s = 0.0;
            for k in 0..O {
                s += w[k][i] * d[k];
            }
            s
        })
    }
}

/// Row-major, 16 partial sums per row, Wᵀδ accumulated row by row.
pub struct RowDot;

impl RowMajor for RowDot {
    const NAME: &'static str = "row dot";
    #[inline(always)]
    fn layer<const I: usize, const O: usize>(
        w: &[[f32; I]; O],
        b: &[f32; O],
        x: &[f32; I],
    ) -> [f32; O] {
        core::array::from_fn(|i| dot16(&w[i], x) + b[i])
    }
    #[inline(always)]
    fn back<const I: usize, const O: usize>(w: &[[f32; I]; O], d: &[f32; O]) -> [f32; I] {
        let mut s = [0.0; I];
        for k in 0..O {
            for i in 0..I {
                s[i] += w[k][i] * d[k];
            }
        }
        s
    }
}

/// Column-major: `wt[j]` holds input j's weight to every unit.
pub struct ColMajor;

impl Variant for ColMajor {
    const NAME: &'static str = "column-major";
    type W<const I: usize, const O: usize> = [[f32; O]; I];
    fn from_rows<const I: usize, const O: usize>(w: &[[f32; I]; O]) -> Self::W<I, O> {
        core::array::from_fn(|j| core::array::from_fn(|i| w[i][j]))
    }
    #[inline(always)]
    fn layer<const I: usize, const O: usize>(
        wt: &[[f32; O]; I],
        b: &[f32; O],
        x: &[f32; I],
    ) -> [f32; O] {
        let mut h = *b;
        for j in 0..I {
            let xj = x[j];
            for i in 0..O {
                h[i] += wt[j][i] * xj;
            }
        }
        h
    }
    #[inline(always)]
    fn back<const I: usize, const O: usize>(wt: &[[f32; O]; I], d: &[f32; O]) -> [f32; I] {
        core::array::from_fn(|j| dot16(&wt[j], d))
    }
    #[inline(always)]
    fn sgd<const I: usize, const O: usize>(
        wt: &mut [[f32; O]; I],
        b: &mut [f32; O],
        d: &[f32; O],
        x: &[f32; I],
        lr: f32,
    ) {
        let g: [f32; O] = core::array::from_fn(|i| lr * d[i]);
        for j in 0..I {
            let xj = x[j];
            for i in 0..O {
                wt[j][i] -= g[i] * xj;
            }
        }
        for i in 0..O {
            b[i] -= g[i];
        }
    }
}

/// Row-major, `ROWS` rows per pass with `PARTS` partial sums each: four
/// rows of eight (`Blocked`) or eight rows of four (`Blocked8x4`, the
/// shape of the generated SSE kernel, in plain Rust).
pub struct BlockedBy<const ROWS: usize, const PARTS: usize>;

/// Four rows per pass, eight partial sums per row.
pub type Blocked = BlockedBy<4, 8>;
/// Eight rows per pass, four partial sums per row.
pub type Blocked8x4 = BlockedBy<8, 4>;
/// Four rows per pass, sixteen partial sums per row (one AVX-512 register
/// per row); timed only in the one-layer table.
pub type Blocked4x16 = BlockedBy<4, 16>;

/// `ROWS` dot products against one x, sharing each load of x.
#[inline(always)]
fn dot_rows<const I: usize, const ROWS: usize, const PARTS: usize>(
    w: &[[f32; I]],
    x: &[f32; I],
) -> [f32; ROWS] {
    let mut acc = [[0.0f32; PARTS]; ROWS];
    let (xc, xr) = x.as_chunks::<PARTS>();
    for (c, xs) in xc.iter().enumerate() {
        for r in 0..ROWS {
            let ws = &w[r][c * PARTS..][..PARTS];
            for l in 0..PARTS {
                acc[r][l] += ws[l] * xs[l];
            }
        }
    }
    let start = xc.len() * PARTS;
    core::array::from_fn(|r| {
        let mut s = 0.0;
        for (j, xj) in xr.iter().enumerate() {
            s += w[r][start + j] * xj;
        }
        s + acc[r].iter().sum::<f32>()
    })
}

impl<const ROWS: usize, const PARTS: usize> RowMajor for BlockedBy<ROWS, PARTS> {
    const NAME: &'static str = match (ROWS, PARTS) {
        (4, 8) => "blocked",
        (8, 4) => "blocked 8x4",
        (4, 16) => "blocked 4x16",
        _ => "blocked (other)",
    };
    #[inline(always)]
    fn layer<const I: usize, const O: usize>(
        w: &[[f32; I]; O],
        b: &[f32; O],
        x: &[f32; I],
    ) -> [f32; O] {
        let mut h = *b;
        let (blocks, rest) = w.as_chunks::<ROWS>();
        for (k, rows) in blocks.iter().enumerate() {
            let s = dot_rows::<I, ROWS, PARTS>(rows, x);
            for r in 0..ROWS {
                h[k * ROWS + r] += s[r];
            }
        }
        let done = blocks.len() * ROWS;
        for (r, row) in rest.iter().enumerate() {
            h[done + r] += dot16(row, x);
        }
        h
    }
    #[inline(always)]
    fn back<const I: usize, const O: usize>(w: &[[f32; I]; O], d: &[f32; O]) -> [f32; I] {
        let mut s = [0.0; I];
        let (blocks, rest) = w.as_chunks::<ROWS>();
        for (k, rows) in blocks.iter().enumerate() {
            let dk = &d[k * ROWS..][..ROWS];
            for i in 0..I {
                let mut t = s[i];
                for r in 0..ROWS {
                    t += rows[r][i] * dk[r];
                }
                s[i] = t;
            }
        }
        let done = blocks.len() * ROWS;
        for (r, row) in rest.iter().enumerate() {
            for i in 0..I {
                s[i] += row[i] * d[done + r];
            }
        }
        s
    }
}
