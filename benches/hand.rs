//! Hand-written baselines: what a careful person writes for each network
//! without the macro, in every variant a strong engineer would try, so the
//! baseline for each (workload, op) is the fastest of them in the same run.
//!
//! Every variant uses fixed arrays, const-bound loops, std's `exp`/`tanh`
//! and the fused output δ (y − d for sigmoid+bce and softmax+ce); they differ
//! only in how a dense layer walks its weights (`Variant`):
//!
//! - `Naive`: row-major W, one running sum per output, Wᵀδ column by column.
//! - `RowDot`: row-major W, 16 partial sums per dot product combined
//!   sequentially at the end (keeps them in registers), Wᵀδ row by row.
//! - `ColMajor`: the weights stored transposed (`wt[j][i]`), so the forward
//!   pass is an axpy per input over all outputs, and Wᵀδ a dot per input.
//! - `Blocked`: row-major W, four rows per pass, so each load of x serves
//!   four dot products; Wᵀδ four rows per pass; the update fused per row.
//! - `Blocked8x4`: the same with eight rows per pass and four partial sums
//!   per row (the generated kernel's shape, written plainly).
//!
//! Naive on layers of 16 or fewer units is also the fully unrolled form:
//! rustc unrolls const-bound loops that short completely. Nothing uses
//! intrinsics or fast-math.

#![allow(clippy::needless_range_loop)] // index loops are the point here

use super::*;

#[inline(always)]
fn sigmoid(h: f32) -> f32 {
    1.0 / (1.0 + (-h).exp())
}

fn softmax<const K: usize>(h: &[f32; K]) -> [f32; K] {
    let m = h.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut y = h.map(|v| (v - m).exp());
    let s: f32 = y.iter().sum();
    y.iter_mut().for_each(|v| *v /= s);
    y
}

fn log_sum_exp<const K: usize>(h: &[f32; K]) -> f32 {
    let m = h.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    m + h.iter().map(|h| (h - m).exp()).sum::<f32>().ln()
}

fn softplus(h: f32) -> f32 {
    h.max(0.0) + (-h.abs()).exp().ln_1p()
}

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

/// Row-major update, `lr·δ_i` hoisted out of the row.
#[inline(always)]
fn sgd_rows<const I: usize, const O: usize>(
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

impl Variant for Naive {
    const NAME: &'static str = "naive";
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
    #[inline(always)]
    fn sgd<const I: usize, const O: usize>(
        w: &mut [[f32; I]; O],
        b: &mut [f32; O],
        d: &[f32; O],
        x: &[f32; I],
        lr: f32,
    ) {
        sgd_rows(w, b, d, x, lr)
    }
}

/// Row-major, 16 partial sums per row, Wᵀδ accumulated row by row.
pub struct RowDot;

impl Variant for RowDot {
    const NAME: &'static str = "row dot";
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
    #[inline(always)]
    fn sgd<const I: usize, const O: usize>(
        w: &mut [[f32; I]; O],
        b: &mut [f32; O],
        d: &[f32; O],
        x: &[f32; I],
        lr: f32,
    ) {
        sgd_rows(w, b, d, x, lr)
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

impl<const ROWS: usize, const PARTS: usize> Variant for BlockedBy<ROWS, PARTS> {
    const NAME: &'static str = match (ROWS, PARTS) {
        (4, 8) => "blocked",
        (8, 4) => "blocked 8x4",
        (4, 16) => "blocked 4x16",
        _ => "blocked (other)",
    };
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
    #[inline(always)]
    fn sgd<const I: usize, const O: usize>(
        w: &mut [[f32; I]; O],
        b: &mut [f32; O],
        d: &[f32; O],
        x: &[f32; I],
        lr: f32,
    ) {
        sgd_rows(w, b, d, x, lr)
    }
}

/// A network of two dense layers in variant `V`'s layout.
pub struct Net2<V: Variant, const I: usize, const H: usize, const O: usize> {
    w1: V::W<I, H>,
    b1: [f32; H],
    w2: V::W<H, O>,
    b2: [f32; O],
}

impl<V: Variant, const I: usize, const H: usize, const O: usize> Clone for Net2<V, I, H, O> {
    fn clone(&self) -> Self {
        Net2 {
            w1: self.w1.clone(),
            b1: self.b1,
            w2: self.w2.clone(),
            b2: self.b2,
        }
    }
}

impl<V: Variant, const I: usize, const H: usize, const O: usize> Net2<V, I, H, O> {
    /// The same weights as a generated network's fields.
    pub fn new(w1: &[[f32; I]; H], b1: &[f32; H], w2: &[[f32; H]; O], b2: &[f32; O]) -> Box<Self> {
        Box::new(Net2 {
            w1: V::from_rows(w1),
            b1: *b1,
            w2: V::from_rows(w2),
            b2: *b2,
        })
    }
}

/// A network of three dense layers in variant `V`'s layout.
pub struct Net3<V: Variant, const I: usize, const H: usize, const G: usize, const O: usize> {
    w1: V::W<I, H>,
    b1: [f32; H],
    w2: V::W<H, G>,
    b2: [f32; G],
    w3: V::W<G, O>,
    b3: [f32; O],
}

impl<V: Variant, const I: usize, const H: usize, const G: usize, const O: usize> Clone
    for Net3<V, I, H, G, O>
{
    fn clone(&self) -> Self {
        Net3 {
            w1: self.w1.clone(),
            b1: self.b1,
            w2: self.w2.clone(),
            b2: self.b2,
            w3: self.w3.clone(),
            b3: self.b3,
        }
    }
}

impl<V: Variant, const I: usize, const H: usize, const G: usize, const O: usize>
    Net3<V, I, H, G, O>
{
    /// The same weights as a generated network's fields.
    pub fn new(
        (w1, b1): (&[[f32; I]; H], &[f32; H]),
        (w2, b2): (&[[f32; H]; G], &[f32; G]),
        (w3, b3): (&[[f32; G]; O], &[f32; O]),
    ) -> Box<Self> {
        Box::new(Net3 {
            w1: V::from_rows(w1),
            b1: *b1,
            w2: V::from_rows(w2),
            b2: *b2,
            w3: V::from_rows(w3),
            b3: *b3,
        })
    }
}

/// δ¹ from the back-propagated sum and f′ written in terms of y.
#[inline(always)]
fn times<const H: usize>(b: &[f32; H], y: &[f32; H], df: impl Fn(f32) -> f32) -> [f32; H] {
    core::array::from_fn(|i| b[i] * df(y[i]))
}

fn dsigmoid(y: f32) -> f32 {
    y * (1.0 - y)
}

fn dtanh(y: f32) -> f32 {
    1.0 - y * y
}

/// Sum of squares loss and its δ for sigmoid outputs: ½Σe², e·y(1−y).
#[inline(always)]
fn sse_sigmoid<const K: usize>(y: &[f32; K], d: &[f32; K]) -> (f32, [f32; K]) {
    let mut loss = 0.0;
    let delta = core::array::from_fn(|k| {
        let e = y[k] - d[k];
        loss += e * e;
        e * dsigmoid(y[k])
    });
    (0.5 * loss, delta)
}

/// 2-layer forward: hidden activation `f`, sigmoid or softmax outputs.
#[inline(always)]
fn forward2<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &Net2<V, I, H, O>,
    x: &[f32; I],
    f: impl Fn(f32) -> f32,
) -> ([f32; H], [f32; O]) {
    let y1 = V::layer(&n.w1, &n.b1, x).map(f);
    (y1, V::layer(&n.w2, &n.b2, &y1))
}

/// The SGD step of a 2-layer network given the output δ.
#[inline(always)]
fn step2<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &mut Net2<V, I, H, O>,
    x: &[f32; I],
    y1: &[f32; H],
    delta2: &[f32; O],
    df: impl Fn(f32) -> f32,
    lr: f32,
) {
    let delta1 = times(&V::back(&n.w2, delta2), y1, df);
    V::sgd(&mut n.w2, &mut n.b2, delta2, y1, lr);
    V::sgd(&mut n.w1, &mut n.b1, &delta1, x, lr);
}

/// sigmoid hidden, sigmoid out, sse (2-2-1, 784-128-10).
pub fn sig_sig_forward<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &Net2<V, I, H, O>,
    x: &[f32; I],
) -> [f32; O] {
    forward2(n, x, sigmoid).1.map(sigmoid)
}

/// One SGD step of the sigmoid/sigmoid/sse network.
pub fn sig_sig_step<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &mut Net2<V, I, H, O>,
    x: &[f32; I],
    d: &[f32; O],
    lr: f32,
) -> f32 {
    let (y1, h2) = forward2(n, x, sigmoid);
    let (loss, delta2) = sse_sigmoid(&h2.map(sigmoid), d);
    step2(n, x, &y1, &delta2, dsigmoid, lr);
    loss
}

/// relu hidden, sigmoid out, bce (2-2-1).
pub fn relu_bce_forward<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &Net2<V, I, H, O>,
    x: &[f32; I],
) -> [f32; O] {
    forward2(n, x, |h| h.max(0.0)).1.map(sigmoid)
}

/// One SGD step of the relu/sigmoid/bce network (δ = y − d, loss from logits).
pub fn relu_bce_step<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &mut Net2<V, I, H, O>,
    x: &[f32; I],
    d: &[f32; O],
    lr: f32,
) -> f32 {
    let (y1, h2) = forward2(n, x, |h| h.max(0.0));
    let mut loss = 0.0;
    let delta2: [f32; O] = core::array::from_fn(|k| {
        loss += softplus(h2[k]) - d[k] * h2[k];
        sigmoid(h2[k]) - d[k]
    });
    // relu′ in terms of y: y > 0 exactly when h > 0.
    step2(n, x, &y1, &delta2, |y| if y > 0.0 { 1.0 } else { 0.0 }, lr);
    loss
}

/// Hidden activation `f` (with f′ of y `df`), softmax out, ce.
#[inline(always)]
fn softmax_ce_step<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &mut Net2<V, I, H, O>,
    x: &[f32; I],
    d: &[f32; O],
    lr: f32,
    f: impl Fn(f32) -> f32,
    df: impl Fn(f32) -> f32,
) -> f32 {
    let (y1, h2) = forward2(n, x, f);
    let y2 = softmax(&h2);
    let lse = log_sum_exp(&h2);
    let loss: f32 = (0..O).map(|k| d[k] * (lse - h2[k])).sum();
    let delta2: [f32; O] = core::array::from_fn(|k| y2[k] - d[k]);
    step2(n, x, &y1, &delta2, df, lr);
    loss
}

/// tanh hidden, softmax out (4-16-3).
pub fn tanh_softmax_forward<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &Net2<V, I, H, O>,
    x: &[f32; I],
) -> [f32; O] {
    softmax(&forward2(n, x, f32::tanh).1)
}

/// One SGD step of the tanh/softmax/ce network.
pub fn tanh_softmax_step<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &mut Net2<V, I, H, O>,
    x: &[f32; I],
    d: &[f32; O],
    lr: f32,
) -> f32 {
    softmax_ce_step(n, x, d, lr, f32::tanh, dtanh)
}

/// tanh hidden, sigmoid out, sse (4-16-3).
pub fn tanh_sig_forward<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &Net2<V, I, H, O>,
    x: &[f32; I],
) -> [f32; O] {
    forward2(n, x, f32::tanh).1.map(sigmoid)
}

/// One SGD step of the tanh/sigmoid/sse network.
pub fn tanh_sig_step<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &mut Net2<V, I, H, O>,
    x: &[f32; I],
    d: &[f32; O],
    lr: f32,
) -> f32 {
    let (y1, h2) = forward2(n, x, f32::tanh);
    let (loss, delta2) = sse_sigmoid(&h2.map(sigmoid), d);
    step2(n, x, &y1, &delta2, dtanh, lr);
    loss
}

/// sigmoid hidden, softmax out (784-128-10).
pub fn sig_softmax_forward<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &Net2<V, I, H, O>,
    x: &[f32; I],
) -> [f32; O] {
    softmax(&forward2(n, x, sigmoid).1)
}

/// One SGD step of the sigmoid/softmax/ce network.
pub fn sig_softmax_step<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &mut Net2<V, I, H, O>,
    x: &[f32; I],
    d: &[f32; O],
    lr: f32,
) -> f32 {
    softmax_ce_step(n, x, d, lr, sigmoid, dsigmoid)
}

/// sigmoid everywhere, sse (16-64-64-8).
pub fn sig3_forward<V: Variant, const I: usize, const H: usize, const G: usize, const O: usize>(
    n: &Net3<V, I, H, G, O>,
    x: &[f32; I],
) -> [f32; O] {
    let y1 = V::layer(&n.w1, &n.b1, x).map(sigmoid);
    let y2 = V::layer(&n.w2, &n.b2, &y1).map(sigmoid);
    V::layer(&n.w3, &n.b3, &y2).map(sigmoid)
}

/// One SGD step of the 3-layer sigmoid/sse network.
pub fn sig3_step<V: Variant, const I: usize, const H: usize, const G: usize, const O: usize>(
    n: &mut Net3<V, I, H, G, O>,
    x: &[f32; I],
    d: &[f32; O],
    lr: f32,
) -> f32 {
    let y1 = V::layer(&n.w1, &n.b1, x).map(sigmoid);
    let y2 = V::layer(&n.w2, &n.b2, &y1).map(sigmoid);
    let y3 = V::layer(&n.w3, &n.b3, &y2).map(sigmoid);
    let (loss, delta3) = sse_sigmoid(&y3, d);
    let delta2 = times(&V::back(&n.w3, &delta3), &y2, dsigmoid);
    let delta1 = times(&V::back(&n.w2, &delta2), &y1, dsigmoid);
    V::sgd(&mut n.w3, &mut n.b3, &delta3, &y2, lr);
    V::sgd(&mut n.w2, &mut n.b2, &delta2, &y1, lr);
    V::sgd(&mut n.w1, &mut n.b1, &delta1, x, lr);
    loss
}

// ---- mini-batch of 32 for 4-16-3 tanh / softmax / ce: mean gradient, one SGD step

/// Adds one sample's gradient into `g` (fields used as accumulators).
fn tanh_softmax_4163_accumulate(
    n: &TanhSoftmax4163,
    g: &mut TanhSoftmax4163,
    x: &[f32; 4],
    d: &[f32; 3],
) {
    let y1 = Naive::layer(&n.w1, &n.b1, x).map(f32::tanh);
    let y2 = softmax(&Naive::layer(&n.w2, &n.b2, &y1));
    let delta2: [f32; 3] = core::array::from_fn(|k| y2[k] - d[k]);
    let b = RowDot::back(&n.w2, &delta2);
    let delta1: [f32; 16] = core::array::from_fn(|i| b[i] * dtanh(y1[i]));
    for k in 0..3 {
        for i in 0..16 {
            g.w2[k][i] += delta2[k] * y1[i];
        }
        g.b2[k] += delta2[k];
    }
    for i in 0..16 {
        for j in 0..4 {
            g.w1[i][j] += delta1[i] * x[j];
        }
        g.b1[i] += delta1[i];
    }
}

/// The batch's mean gradient by hand, then one SGD step.
pub fn tanh_softmax_4163_batch_step(
    n: &mut TanhSoftmax4163,
    xs: &[[f32; 4]],
    ds: &[[f32; 3]],
    lr: f32,
) {
    let mut g = TanhSoftmax4163::zeroed();
    for (x, d) in xs.iter().zip(ds) {
        tanh_softmax_4163_accumulate(n, &mut g, x, d);
    }
    let scale = lr / xs.len() as f32;
    for k in 0..3 {
        for i in 0..16 {
            n.w2[k][i] -= scale * g.w2[k][i];
        }
        n.b2[k] -= scale * g.b2[k];
    }
    for i in 0..16 {
        for j in 0..4 {
            n.w1[i][j] -= scale * g.w1[i][j];
        }
        n.b1[i] -= scale * g.b1[i];
    }
}
