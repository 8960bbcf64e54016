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

mod layouts;
pub use layouts::*;

#[inline(always)]
fn sigmoid(h: f32) -> f32 {
    1.0 / (1.0 + (-h).exp())
}

#[inline(always)]
fn softmax<const K: usize>(h: &[f32; K]) -> [f32; K] {
    let m = h.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut y = h.map(|v| (v - m).exp());
    let s: f32 = y.iter().sum();
    y.iter_mut().for_each(|v| *v /= s);
    y
}

#[inline(always)]
fn log_sum_exp<const K: usize>(h: &[f32; K]) -> f32 {
    let m = h.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    m + h.iter().map(|h| (h - m).exp()).sum::<f32>().ln()
}

#[inline(always)]
fn softplus(h: f32) -> f32 {
    h.max(0.0) + (-h.abs()).exp().ln_1p()
}

/// A network of two dense layers in variant `V`'s layout, on a cache line
/// as the generated wide networks are (vector loads of its rows then never
/// straddle two lines).
#[repr(C, align(64))]
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

/// A network of three dense layers in variant `V`'s layout, aligned as
/// [`Net2`].
#[repr(C, align(64))]
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

#[inline(always)]
fn dsigmoid(y: f32) -> f32 {
    y * (1.0 - y)
}

#[inline(always)]
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
#[inline(always)]
pub fn sig_sig_forward<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &Net2<V, I, H, O>,
    x: &[f32; I],
) -> [f32; O] {
    forward2(n, x, sigmoid).1.map(sigmoid)
}

/// One SGD step of the sigmoid/sigmoid/sse network.
#[inline(always)]
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
#[inline(always)]
pub fn relu_bce_forward<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &Net2<V, I, H, O>,
    x: &[f32; I],
) -> [f32; O] {
    forward2(n, x, |h| h.max(0.0)).1.map(sigmoid)
}

/// One SGD step of the relu/sigmoid/bce network (δ = y − d, loss from logits).
#[inline(always)]
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
#[inline(always)]
pub fn tanh_softmax_forward<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &Net2<V, I, H, O>,
    x: &[f32; I],
) -> [f32; O] {
    softmax(&forward2(n, x, f32::tanh).1)
}

/// One SGD step of the tanh/softmax/ce network.
#[inline(always)]
pub fn tanh_softmax_step<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &mut Net2<V, I, H, O>,
    x: &[f32; I],
    d: &[f32; O],
    lr: f32,
) -> f32 {
    softmax_ce_step(n, x, d, lr, f32::tanh, dtanh)
}

/// tanh hidden, sigmoid out, sse (4-16-3).
#[inline(always)]
pub fn tanh_sig_forward<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &Net2<V, I, H, O>,
    x: &[f32; I],
) -> [f32; O] {
    forward2(n, x, f32::tanh).1.map(sigmoid)
}

/// One SGD step of the tanh/sigmoid/sse network.
#[inline(always)]
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
#[inline(always)]
pub fn sig_softmax_forward<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &Net2<V, I, H, O>,
    x: &[f32; I],
) -> [f32; O] {
    softmax(&forward2(n, x, sigmoid).1)
}

/// One SGD step of the sigmoid/softmax/ce network.
#[inline(always)]
pub fn sig_softmax_step<V: Variant, const I: usize, const H: usize, const O: usize>(
    n: &mut Net2<V, I, H, O>,
    x: &[f32; I],
    d: &[f32; O],
    lr: f32,
) -> f32 {
    softmax_ce_step(n, x, d, lr, sigmoid, dsigmoid)
}

/// sigmoid everywhere, sse (16-64-64-8).
#[inline(always)]
pub fn sig3_forward<V: Variant, const I: usize, const H: usize, const G: usize, const O: usize>(
    n: &Net3<V, I, H, G, O>,
    x: &[f32; I],
) -> [f32; O] {
    let y1 = V::layer(&n.w1, &n.b1, x).map(sigmoid);
    let y2 = V::layer(&n.w2, &n.b2, &y1).map(sigmoid);
    V::layer(&n.w3, &n.b3, &y2).map(sigmoid)
}

/// One SGD step of the 3-layer sigmoid/sse network.
#[inline(always)]
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
    let y1 = <Naive as Variant>::layer(&n.w1, &n.b1, x).map(f32::tanh);
    let y2 = softmax(&<Naive as Variant>::layer(&n.w2, &n.b2, &y1));
    let delta2: [f32; 3] = core::array::from_fn(|k| y2[k] - d[k]);
    let b = <RowDot as Variant>::back(&n.w2, &delta2);
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
#[inline(always)]
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
