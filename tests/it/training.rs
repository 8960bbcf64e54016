//! SGD semantics, numerical stability at extreme logits, and learning XOR.

use crate::common;

use mlp::{network, Params, Trainable};

network! {
    #[scalar(f64)] struct LogitBce<input 1, dense 1 sigmoid, loss bce>;
    #[scalar(f64)] struct LogitCe<input 1, dense 2 softmax, loss ce>;
    struct LogitBce32<input 1, dense 1 sigmoid, loss bce>;
    struct LogitCe32<input 1, dense 2 softmax, loss ce>;
}

/// With pre-activations of ±500 the logit forms give the exact loss, where
/// ln(σ(h)) and ln(softmax) of the textbook forms would be ln 0 = −inf.
#[test]
fn extreme_logits_give_exact_finite_losses() {
    let mut net = LogitBce::zeroed();
    net.w1 = [[1.0]];
    // h = 500, d = 0: −ln(1 − σ(500)) = 500 + ln(1 + e^−500) = 500 in f64.
    assert_eq!(net.loss(&[500.0], &[0.0]), 500.0);
    // h = −500, d = 1: −ln σ(−500) = 500 likewise.
    assert_eq!(net.loss(&[-500.0], &[1.0]), 500.0);
    // h = 500, d = 1: −ln σ(500) = ln(1 + e^−500) ≈ e^−500, tiny but exact.
    let tiny = net.loss(&[500.0], &[1.0]);
    assert!(
        (tiny - (-500f64).exp()).abs() <= 1e-15 * (-500f64).exp(),
        "{tiny:e}"
    );
    // Textbook form overflows: ln(1 − 1) = −inf.
    assert!(mlp::loss::bce(
        &[mlp::activation::Elementwise::f(
            mlp::activation::Sigmoid,
            500.0f64
        )],
        &[0.0]
    )
    .is_infinite());
    // δ = y − d: gradient of b is exactly σ(500) − 0 = 1.
    let mut grad = LogitBce::zeroed();
    assert_eq!(net.backward(&[500.0], &[0.0], &mut grad), 500.0);
    assert_eq!(grad.b1, [1.0]);
    assert_eq!(grad.w1, [[500.0]]);

    let mut net = LogitCe::zeroed();
    net.w1 = [[1.0], [-1.0]];
    // logits (500, −500), d = (0, 1): lse − h_2 = 500 + ln(1 + e^−1000) + 500 = 1000.
    assert_eq!(net.loss(&[500.0], &[0.0, 1.0]), 1000.0);
    let mut grad = LogitCe::zeroed();
    net.backward(&[500.0], &[0.0, 1.0], &mut grad);
    // δ = y − d = (1, −1).
    assert_eq!(grad.b1, [1.0, -1.0]);
    assert!(mlp::loss::ce(
        &mlp::activation::Activation::layer(mlp::activation::Softmax, &[500.0f64, -500.0]),
        &[0.0, 1.0]
    )
    .is_infinite());
}

#[test]
fn extreme_logits_stay_finite_in_f32() {
    let mut net = LogitBce32::zeroed();
    net.w1 = [[1.0]];
    assert_eq!(net.loss(&[1000.0], &[0.0]), 1000.0);
    let mut net = LogitCe32::zeroed();
    net.w1 = [[1.0], [-1.0]];
    assert_eq!(net.loss(&[1000.0], &[0.0, 1.0]), 2000.0);
    let before = net.clone();
    let loss = net.train_step(&[1000.0], &[0.0, 1.0], 1e-3);
    assert_eq!(loss, 2000.0);
    assert!(net.params().iter().all(|p| p.is_finite()));
    assert_ne!(net, before);
}

network! {
    #[scalar(f64)] struct Small<input 3, dense 4 tanh, dense 2 sigmoid, loss bce>;
    #[scalar(f64)] struct Deep<input 3, dense 5 relu, dense 4 softplus, dense 3 softmax, loss mse>;
    #[scalar(f64)] struct Wide<input 30, dense 20 gaussian, dense 10 softmax, loss ce>;
}

/// `train_step` is `backward` into a zeroed buffer followed by p −= lr · g
/// for every parameter. It evaluates the weight update as (lr·δ_i)·y_j
/// rather than lr·(δ_i·y_j) (one multiply per weight instead of two), so the
/// two may differ by the rounding of that product: at most 2 ulp of lr·g,
/// plus 1 ulp of the parameter from the subtraction. Biases are exact.
fn train_step_is_backward_then_sgd<N, const IN: usize, const OUT: usize>(
    seed: u64,
    kind: common::Targets,
) where
    N: Trainable<IN, OUT, Scalar = f64> + PartialEq + std::fmt::Debug,
{
    let mut rng = common::rng(seed);
    for _ in 0..5 {
        let net: N = common::random_net(&mut rng);
        let mut x = [0.0; IN];
        x.iter_mut()
            .for_each(|v| *v = common::uniform(&mut rng, -1.0, 1.0));
        let d = common::targets::<OUT>(&mut rng, kind);
        let lr = 0.37;

        let mut grad = N::zeroed();
        let loss_b = net.backward(&x, &d, &mut grad);
        let mut manual = net.clone();
        for (p, g) in manual.params_mut().iter_mut().zip(grad.params()) {
            *p -= lr * g;
        }

        let mut stepped = net.clone();
        let loss_s = stepped.train_step(&x, &d, lr);
        assert_eq!(loss_s, loss_b);
        for ((s, m), g) in stepped
            .params()
            .iter()
            .zip(manual.params())
            .zip(grad.params())
        {
            let bound = f64::EPSILON * (2.0 * (lr * g).abs() + m.abs());
            assert!((s - m).abs() <= bound, "{s} vs {m} (gradient {g})");
        }

        assert_ne!(stepped, net, "the step changed something");
    }
}

#[test]
fn train_step_equals_backward_plus_sgd() {
    use crate::common::Targets;
    train_step_is_backward_then_sgd::<Small, 3, 2>(11, Targets::Unit);
    train_step_is_backward_then_sgd::<Deep, 3, 3>(12, Targets::Real);
    train_step_is_backward_then_sgd::<Wide, 30, 10>(13, Targets::Distribution);
}

#[test]
fn backward_accumulates_into_the_buffer() {
    let mut rng = common::rng(3);
    let net: Small = common::random_net(&mut rng);
    let (x, d) = ([0.3, -0.2, 0.9], [1.0, 0.0]);
    let mut once = Small::zeroed();
    net.backward(&x, &d, &mut once);
    let mut twice = Small::zeroed();
    net.backward(&x, &d, &mut twice);
    net.backward(&x, &d, &mut twice);
    for (a, b) in once.params().iter().zip(twice.params()) {
        assert_eq!(2.0 * a, *b);
    }
}

network! {
    struct Xor32<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>;
    #[scalar(f64)] struct Xor64<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>;
}

const XOR: [([f64; 2], f64); 4] = [
    ([0.0, 0.0], 0.0),
    ([0.0, 1.0], 1.0),
    ([1.0, 0.0], 1.0),
    ([1.0, 1.0], 0.0),
];

// Online SGD at lr 0.3 for 2000 epochs; every one of 10 seeds must learn
// the truth table. (At lr 0.5 and above some seeds collapse to the
// all-zero saddle that XOR has for tanh networks; see examples/xor.rs.)
#[test]
fn f64_network_learns_xor() {
    for seed in 0..10 {
        let mut net = Xor64::new(&mut common::rng(seed));
        for _ in 0..2000 {
            for (x, d) in XOR {
                net.train_step(&x, &[d], 0.3);
            }
        }
        for (x, d) in XOR {
            let y = net.forward(&x)[0];
            assert!((y - d).abs() < 0.1, "seed {seed}: {x:?} -> {y}");
        }
    }
}

#[test]
fn f32_network_learns_xor() {
    for seed in 0..10 {
        let mut net = Xor32::new(&mut common::rng(seed));
        for _ in 0..2000 {
            for (x, d) in XOR {
                net.train_step(&x.map(|v| v as f32), &[d as f32], 0.3);
            }
        }
        for (x, d) in XOR {
            let y = net.forward(&x.map(|v| v as f32))[0];
            assert!((f64::from(y) - d).abs() < 0.1, "seed {seed}: {x:?} -> {y}");
        }
    }
}
