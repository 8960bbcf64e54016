//! Hand-written baselines: what a careful person writes for each network
//! without the macro. Fixed arrays, const-bound loops (rustc unrolls the
//! small ones), std's `exp`/`tanh`, the fused output δ (y − d for
//! sigmoid+bce and softmax+ce), and for wide layers 16 partial sums per dot
//! product and row-wise accumulation of Wᵀδ — the best of the variants the
//! performance issue lists. They read and update the generated structs'
//! public fields, so both sides work on identical weights.

#![allow(clippy::needless_range_loop)] // index loops are the point here

use super::*;

#[inline(always)]
fn sigmoid(h: f32) -> f32 {
    1.0 / (1.0 + (-h).exp())
}

/// Σ w_j x_j: one running sum for short rows, 16 partial sums for long ones.
#[inline(always)]
fn dot<const I: usize>(w: &[f32; I], x: &[f32; I]) -> f32 {
    if I < 32 {
        let mut s = 0.0;
        for j in 0..I {
            s += w[j] * x[j];
        }
        return s;
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
    for l in 0..8 {
        acc[l] += acc[l + 8];
    }
    for l in 0..4 {
        acc[l] += acc[l + 4];
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + s
}

#[inline(always)]
fn layer<const I: usize, const O: usize>(
    w: &[[f32; I]; O],
    b: &[f32; O],
    x: &[f32; I],
) -> [f32; O] {
    let mut h = [0.0; O];
    for i in 0..O {
        h[i] = dot(&w[i], x) + b[i];
    }
    h
}

/// (Wᵀ δ)_i, accumulated row by row of W.
#[inline(always)]
fn back<const I: usize, const O: usize>(w: &[[f32; I]; O], delta: &[f32; O]) -> [f32; I] {
    let mut s = [0.0; I];
    for k in 0..O {
        for i in 0..I {
            s[i] += w[k][i] * delta[k];
        }
    }
    s
}

#[inline(always)]
fn sgd<const I: usize, const O: usize>(
    w: &mut [[f32; I]; O],
    b: &mut [f32; O],
    delta: &[f32; O],
    x: &[f32; I],
    lr: f32,
) {
    for i in 0..O {
        let g = lr * delta[i];
        for j in 0..I {
            w[i][j] -= g * x[j];
        }
        b[i] -= g;
    }
}

fn softmax<const K: usize>(h: &[f32; K]) -> [f32; K] {
    let m = h.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut y = h.map(|v| (v - m).exp());
    let s: f32 = y.iter().sum();
    y.iter_mut().for_each(|v| *v /= s);
    y
}

fn softplus(h: f32) -> f32 {
    h.max(0.0) + (-h.abs()).exp().ln_1p()
}

// ---- 2-2-1 sigmoid / sigmoid / sse

pub fn sig_sse_221_forward(n: &SigSse221, x: &[f32; 2]) -> [f32; 1] {
    let y1 = layer(&n.w1, &n.b1, x).map(sigmoid);
    layer(&n.w2, &n.b2, &y1).map(sigmoid)
}

pub fn sig_sse_221_step(n: &mut SigSse221, x: &[f32; 2], d: &[f32; 1], lr: f32) -> f32 {
    let y1 = layer(&n.w1, &n.b1, x).map(sigmoid);
    let y2 = layer(&n.w2, &n.b2, &y1).map(sigmoid);
    let e = y2[0] - d[0];
    let delta2 = [e * y2[0] * (1.0 - y2[0])];
    let b = back(&n.w2, &delta2);
    let delta1: [f32; 2] = core::array::from_fn(|i| b[i] * y1[i] * (1.0 - y1[i]));
    sgd(&mut n.w2, &mut n.b2, &delta2, &y1, lr);
    sgd(&mut n.w1, &mut n.b1, &delta1, x, lr);
    0.5 * e * e
}

// ---- 2-2-1 relu / sigmoid / bce

pub fn relu_bce_221_forward(n: &ReluBce221, x: &[f32; 2]) -> [f32; 1] {
    let y1 = layer(&n.w1, &n.b1, x).map(|h| h.max(0.0));
    layer(&n.w2, &n.b2, &y1).map(sigmoid)
}

pub fn relu_bce_221_step(n: &mut ReluBce221, x: &[f32; 2], d: &[f32; 1], lr: f32) -> f32 {
    let h1 = layer(&n.w1, &n.b1, x);
    let y1 = h1.map(|h| h.max(0.0));
    let h2 = layer(&n.w2, &n.b2, &y1);
    let y2 = sigmoid(h2[0]);
    let loss = softplus(h2[0]) - d[0] * h2[0];
    let delta2 = [y2 - d[0]];
    let b = back(&n.w2, &delta2);
    let delta1: [f32; 2] = core::array::from_fn(|i| if h1[i] > 0.0 { b[i] } else { 0.0 });
    sgd(&mut n.w2, &mut n.b2, &delta2, &y1, lr);
    sgd(&mut n.w1, &mut n.b1, &delta1, x, lr);
    loss
}

// ---- 4-16-3 tanh / softmax / ce

pub fn tanh_softmax_4163_forward(n: &TanhSoftmax4163, x: &[f32; 4]) -> [f32; 3] {
    let y1 = layer(&n.w1, &n.b1, x).map(f32::tanh);
    softmax(&layer(&n.w2, &n.b2, &y1))
}

pub fn tanh_softmax_4163_step(n: &mut TanhSoftmax4163, x: &[f32; 4], d: &[f32; 3], lr: f32) -> f32 {
    let y1 = layer(&n.w1, &n.b1, x).map(f32::tanh);
    let h2 = layer(&n.w2, &n.b2, &y1);
    let y2 = softmax(&h2);
    let m = h2.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let lse = m + h2.iter().map(|h| (h - m).exp()).sum::<f32>().ln();
    let loss: f32 = (0..3).map(|k| d[k] * (lse - h2[k])).sum();
    let delta2: [f32; 3] = core::array::from_fn(|k| y2[k] - d[k]);
    let b = back(&n.w2, &delta2);
    let delta1: [f32; 16] = core::array::from_fn(|i| b[i] * (1.0 - y1[i] * y1[i]));
    sgd(&mut n.w2, &mut n.b2, &delta2, &y1, lr);
    sgd(&mut n.w1, &mut n.b1, &delta1, x, lr);
    loss
}

// ---- 4-16-3 tanh / sigmoid / sse

pub fn tanh_sig_4163_forward(n: &TanhSigSse4163, x: &[f32; 4]) -> [f32; 3] {
    let y1 = layer(&n.w1, &n.b1, x).map(f32::tanh);
    layer(&n.w2, &n.b2, &y1).map(sigmoid)
}

pub fn tanh_sig_4163_step(n: &mut TanhSigSse4163, x: &[f32; 4], d: &[f32; 3], lr: f32) -> f32 {
    let y1 = layer(&n.w1, &n.b1, x).map(f32::tanh);
    let y2 = layer(&n.w2, &n.b2, &y1).map(sigmoid);
    let mut loss = 0.0;
    let delta2: [f32; 3] = core::array::from_fn(|k| {
        let e = y2[k] - d[k];
        loss += e * e;
        e * y2[k] * (1.0 - y2[k])
    });
    let b = back(&n.w2, &delta2);
    let delta1: [f32; 16] = core::array::from_fn(|i| b[i] * (1.0 - y1[i] * y1[i]));
    sgd(&mut n.w2, &mut n.b2, &delta2, &y1, lr);
    sgd(&mut n.w1, &mut n.b1, &delta1, x, lr);
    0.5 * loss
}

// ---- 16-64-64-8 sigmoid / sse

pub fn sig_1664648_forward(n: &Sig1664648, x: &[f32; 16]) -> [f32; 8] {
    let y1 = layer(&n.w1, &n.b1, x).map(sigmoid);
    let y2 = layer(&n.w2, &n.b2, &y1).map(sigmoid);
    layer(&n.w3, &n.b3, &y2).map(sigmoid)
}

pub fn sig_1664648_step(n: &mut Sig1664648, x: &[f32; 16], d: &[f32; 8], lr: f32) -> f32 {
    let y1 = layer(&n.w1, &n.b1, x).map(sigmoid);
    let y2 = layer(&n.w2, &n.b2, &y1).map(sigmoid);
    let y3 = layer(&n.w3, &n.b3, &y2).map(sigmoid);
    let mut loss = 0.0;
    let delta3: [f32; 8] = core::array::from_fn(|k| {
        let e = y3[k] - d[k];
        loss += e * e;
        e * y3[k] * (1.0 - y3[k])
    });
    let b2 = back(&n.w3, &delta3);
    let delta2: [f32; 64] = core::array::from_fn(|i| b2[i] * y2[i] * (1.0 - y2[i]));
    let b1 = back(&n.w2, &delta2);
    let delta1: [f32; 64] = core::array::from_fn(|i| b1[i] * y1[i] * (1.0 - y1[i]));
    sgd(&mut n.w3, &mut n.b3, &delta3, &y2, lr);
    sgd(&mut n.w2, &mut n.b2, &delta2, &y1, lr);
    sgd(&mut n.w1, &mut n.b1, &delta1, x, lr);
    0.5 * loss
}

// ---- 784-128-10 sigmoid / softmax / ce

pub fn mnist_forward(n: &Mnist, x: &[f32; 784]) -> [f32; 10] {
    let y1 = layer(&n.w1, &n.b1, x).map(sigmoid);
    softmax(&layer(&n.w2, &n.b2, &y1))
}

pub fn mnist_step(n: &mut Mnist, x: &[f32; 784], d: &[f32; 10], lr: f32) -> f32 {
    let y1 = layer(&n.w1, &n.b1, x).map(sigmoid);
    let h2 = layer(&n.w2, &n.b2, &y1);
    let y2 = softmax(&h2);
    let m = h2.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let lse = m + h2.iter().map(|h| (h - m).exp()).sum::<f32>().ln();
    let loss: f32 = (0..10).map(|k| d[k] * (lse - h2[k])).sum();
    let delta2: [f32; 10] = core::array::from_fn(|k| y2[k] - d[k]);
    let b = back(&n.w2, &delta2);
    let delta1: [f32; 128] = core::array::from_fn(|i| b[i] * y1[i] * (1.0 - y1[i]));
    sgd(&mut n.w2, &mut n.b2, &delta2, &y1, lr);
    sgd(&mut n.w1, &mut n.b1, &delta1, x, lr);
    loss
}

// ---- 784-128-10 sigmoid / sigmoid / sse

pub fn mnist_sse_forward(n: &MnistSse, x: &[f32; 784]) -> [f32; 10] {
    let y1 = layer(&n.w1, &n.b1, x).map(sigmoid);
    layer(&n.w2, &n.b2, &y1).map(sigmoid)
}

pub fn mnist_sse_step(n: &mut MnistSse, x: &[f32; 784], d: &[f32; 10], lr: f32) -> f32 {
    let y1 = layer(&n.w1, &n.b1, x).map(sigmoid);
    let y2 = layer(&n.w2, &n.b2, &y1).map(sigmoid);
    let mut loss = 0.0;
    let delta2: [f32; 10] = core::array::from_fn(|k| {
        let e = y2[k] - d[k];
        loss += e * e;
        e * y2[k] * (1.0 - y2[k])
    });
    let b = back(&n.w2, &delta2);
    let delta1: [f32; 128] = core::array::from_fn(|i| b[i] * y1[i] * (1.0 - y1[i]));
    sgd(&mut n.w2, &mut n.b2, &delta2, &y1, lr);
    sgd(&mut n.w1, &mut n.b1, &delta1, x, lr);
    0.5 * loss
}

// ---- mini-batch of 32 for 4-16-3 tanh / softmax / ce: mean gradient, one SGD step

/// Adds one sample's gradient into `g` (fields used as accumulators).
fn tanh_softmax_4163_accumulate(
    n: &TanhSoftmax4163,
    g: &mut TanhSoftmax4163,
    x: &[f32; 4],
    d: &[f32; 3],
) {
    let y1 = layer(&n.w1, &n.b1, x).map(f32::tanh);
    let y2 = softmax(&layer(&n.w2, &n.b2, &y1));
    let delta2: [f32; 3] = core::array::from_fn(|k| y2[k] - d[k]);
    let b = back(&n.w2, &delta2);
    let delta1: [f32; 16] = core::array::from_fn(|i| b[i] * (1.0 - y1[i] * y1[i]));
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
