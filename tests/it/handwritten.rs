//! The generated code is the code a person would write: for two small
//! networks, a hand-written version with the same weights — the course
//! notes' formulas as plain arithmetic, one line per unit — agrees with the
//! generated one bit for bit on forward, backward and train_step. (Sums of
//! fewer than four terms are running sums; longer ones add in the order
//! `mlp_runtime::linalg::dot` documents, as the twin writes them.)
//!
//! Transcendental functions come from the runtime in both (`f32` uses the
//! crate's own exp polynomial, which `std` does not have); everything else
//! here is written out.

// Index loops on purpose: the hand-written code spells out w[i][j].
#![allow(clippy::needless_range_loop)]

use crate::common;

use mlp::activation::{Elementwise, Tanh};
use mlp::loss::bce_logits;
use mlp::network;
use mlp::rand::RngExt;
use mlp::Params;

network! {
    struct Xor<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;
    #[scalar(f64)]
    struct Reg<input 3, dense 4 tanh, dense 2 linear, loss mse>;
}

fn relu(h: f32) -> f32 {
    if h > 0.0 {
        h
    } else {
        0.0
    }
}

fn relu_df(h: f32) -> f32 {
    if h > 0.0 {
        1.0
    } else {
        0.0
    }
}

/// The sigmoid of a one-unit layer: the platform's `expf`, as the runtime
/// uses for layers too narrow to vectorise.
fn sigmoid(h: f32) -> f32 {
    1.0 / (1.0 + (-h).exp())
}

/// Xor by hand: (output, loss, gradient as the flat parameter list).
fn xor_by_hand(n: &Xor, x: [f32; 2], d: [f32; 1]) -> ([f32; 1], f32, [f32; 9]) {
    let h1_0 = n.w1[0][0] * x[0] + n.w1[0][1] * x[1] + n.b1[0];
    let h1_1 = n.w1[1][0] * x[0] + n.w1[1][1] * x[1] + n.b1[1];
    let (y1_0, y1_1) = (relu(h1_0), relu(h1_1));
    let h2_0 = n.w2[0][0] * y1_0 + n.w2[0][1] * y1_1 + n.b2[0];
    let y2_0 = sigmoid(h2_0);
    let loss = bce_logits(&[h2_0], &d);
    // sigmoid + bce: δ = y − d.
    let delta2_0 = y2_0 - d[0];
    let delta1_0 = relu_df(h1_0) * (n.w2[0][0] * delta2_0);
    let delta1_1 = relu_df(h1_1) * (n.w2[0][1] * delta2_0);
    let grad = [
        delta1_0 * x[0],
        delta1_0 * x[1],
        delta1_1 * x[0],
        delta1_1 * x[1],
        delta1_0,
        delta1_1,
        delta2_0 * y1_0,
        delta2_0 * y1_1,
        delta2_0,
    ];
    ([y2_0], loss, grad)
}

/// Reg by hand, with loops over units but the same order of every sum.
fn reg_by_hand(n: &Reg, x: [f64; 3], d: [f64; 2]) -> ([f64; 2], f64, Vec<f64>) {
    let mut y1 = [0.0; 4];
    for i in 0..4 {
        let h = n.w1[i][0] * x[0] + n.w1[i][1] * x[1] + n.w1[i][2] * x[2] + n.b1[i];
        y1[i] = Tanh.f(h);
    }
    let mut y2 = [0.0; 2];
    for k in 0..2 {
        // Four or more terms add in `linalg::dot`'s order: partial sums
        // over j mod 4, combined (p0 + p2) + (p1 + p3).
        y2[k] = ((n.w2[k][0] * y1[0] + n.w2[k][2] * y1[2])
            + (n.w2[k][1] * y1[1] + n.w2[k][3] * y1[3]))
            + n.b2[k];
    }
    let (e0, e1) = (y2[0] - d[0], y2[1] - d[1]);
    let loss = (e0 * e0 + e1 * e1) / 2.0;
    // mse over K = 2 outputs: ∂L/∂y = (2/K)(y − d) = y − d; linear: f' = 1.
    let delta2 = [e0 * 1.0, e1 * 1.0];
    let mut delta1 = [0.0; 4];
    for i in 0..4 {
        let back = n.w2[0][i] * delta2[0] + n.w2[1][i] * delta2[1];
        delta1[i] = (1.0 - y1[i] * y1[i]) * back;
    }
    let mut grad = Vec::new();
    for i in 0..4 {
        grad.extend(x.iter().map(|xj| delta1[i] * xj));
    }
    grad.extend(delta1);
    for k in 0..2 {
        grad.extend(y1.iter().map(|yj| delta2[k] * yj));
    }
    grad.extend(delta2);
    (y2, loss, grad)
}

/// SGD as the generated `train_step` writes it: p −= (lr·δ_i)·y_j, which is
/// lr times the gradient, associated so that lr·δ_i is shared by a row.
fn sgd_by_hand<N: Params>(net: &N, lr: N::Scalar, deltas_times_inputs: &[N::Scalar]) -> N {
    let mut next = net.clone();
    for (p, &g) in next.params_mut().iter_mut().zip(deltas_times_inputs) {
        *p -= lr * g;
    }
    next
}

/// What `backward` leaves in a zeroed buffer: 0 + g (so −0 becomes +0).
fn accumulated<T: Copy + Default + std::ops::Add<Output = T>>(g: &[T]) -> Vec<T> {
    g.iter().map(|&v| T::default() + v).collect()
}

fn bits32(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn bits64(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn xor_matches_its_hand_written_twin_bit_for_bit() {
    let mut rng = common::rng(21);
    for _ in 0..200 {
        let mut net = Xor::zeroed();
        for p in net.params_mut() {
            *p = rng.random_range(-1.5f32..1.5);
        }
        let x = [
            rng.random_range(-2.0f32..2.0),
            rng.random_range(-2.0f32..2.0),
        ];
        let d = [f32::from(rng.random_range(0u8..2))];
        let (y, loss, grad) = xor_by_hand(&net, x, d);
        assert_eq!(bits32(&net.forward(&x)), bits32(&y));
        assert_eq!(net.loss(&x, &d).to_bits(), loss.to_bits());
        let mut g = Xor::zeroed();
        assert_eq!(net.backward(&x, &d, &mut g).to_bits(), loss.to_bits());
        assert_eq!(bits32(g.params()), bits32(&accumulated(&grad)));
        // train_step multiplies lr into δ first: lr·δ_i·y_j = (lr·δ_i)·y_j.
        let lr = 0.25f32; // a power of two: lr·(δ·y) = (lr·δ)·y exactly
        let by_hand = sgd_by_hand(&net, lr, &grad);
        assert_eq!(net.train_step(&x, &d, lr).to_bits(), loss.to_bits());
        assert_eq!(bits32(net.params()), bits32(by_hand.params()));
    }
}

#[test]
fn regressor_matches_its_hand_written_twin_bit_for_bit() {
    let mut rng = common::rng(22);
    for _ in 0..200 {
        let mut net: Reg = common::random_net(&mut rng);
        let x = [0, 1, 2].map(|_| common::uniform(&mut rng, -2.0, 2.0));
        let d = [0, 1].map(|_| common::uniform(&mut rng, -1.0, 1.0));
        let (y, loss, grad) = reg_by_hand(&net, x, d);
        assert_eq!(bits64(&net.forward(&x)), bits64(&y));
        assert_eq!(net.loss(&x, &d).to_bits(), loss.to_bits());
        let mut g = Reg::zeroed();
        assert_eq!(net.backward(&x, &d, &mut g).to_bits(), loss.to_bits());
        assert_eq!(bits64(g.params()), bits64(&accumulated(&grad)));
        let lr = 0.125;
        let by_hand = sgd_by_hand(&net, lr, &grad);
        assert_eq!(net.train_step(&x, &d, lr).to_bits(), loss.to_bits());
        assert_eq!(bits64(net.params()), bits64(by_hand.params()));
    }
}
