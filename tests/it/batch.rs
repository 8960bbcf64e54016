//! `backward_batch` against the mean of per-sample `backward`: every kind
//! of output δ, hidden and frozen layers, unrolled and looped, batches of
//! 1, 7 and 32. The batch sums in another order (over samples per weight),
//! so the two agree within rounding: 1e-12 relative in f64, 1e-5 in f32
//! for 784-128-10 (relative to the gradient's largest entry, which is the
//! scale every entry is summed at).

use crate::common;

use crate::common::{random_net, targets, uniform, Targets};
use mlp::rand::RngExt;
use mlp::{network, Trainable};

network! {
    #[scalar(f64)] struct SigBce<input 3, dense 5 tanh, dense 2 sigmoid, loss bce>;
    #[scalar(f64)] struct SoftCe<input 3, dense 5 relu, dense 4 softmax, loss ce>;
    #[scalar(f64)] struct SigCe<input 3, dense 5 gelu, dense 2 sigmoid, loss ce>;
    #[scalar(f64)] struct TanhMse<input 3, dense 4 elu, dense 4 softplus, dense 3 tanh, loss mse>;
    #[scalar(f64)] struct SoftSse<input 3, dense 5 silu, dense 3 softmax, loss sse>;
    #[scalar(f64)] struct Frozen<input 3, dense 5 tanh frozen, dense 4 leaky_relu, dense 2 linear, loss mse>;
    #[scalar(f64)] struct Looped<input 20, dense 24 sigmoid, dense 12 linear, loss sse>;
    // Widths that leave remainders in every tile of the batch kernels.
    #[scalar(f64)] struct Ragged<input 37, dense 33 tanh, dense 17 sigmoid, dense 3 softmax, loss ce>;
    struct Mnist<input 784, dense 128 sigmoid, dense 10 softmax, loss ce>;
}

/// Largest |batch − mean of singles| over parameters and the loss,
/// relative to the largest gradient entry.
fn worst<N, const IN: usize, const OUT: usize, const B: usize>(
    net: &N,
    xs: &[[N::Scalar; IN]; B],
    ds: &[[N::Scalar; OUT]; B],
) -> f64
where
    N: Trainable<IN, OUT>,
{
    let mut single = N::zeroed();
    let mut loss = 0.0;
    for (x, d) in xs.iter().zip(ds) {
        loss += mlp::Scalar::to_f64(net.backward(x, d, &mut single));
    }
    let mut batch = N::zeroed();
    let batch_loss = mlp::Scalar::to_f64(net.backward_batch(xs, ds, &mut batch));
    let mean: Vec<f64> = single
        .params()
        .iter()
        .map(|g| mlp::Scalar::to_f64(*g) / B as f64)
        .collect();
    let scale = mean.iter().fold(1e-300f64, |m, g| m.max(g.abs()));
    let params = batch
        .params()
        .iter()
        .zip(&mean)
        .map(|(b, m)| (mlp::Scalar::to_f64(*b) - m).abs() / scale)
        .fold(0.0, f64::max);
    let loss_err = (batch_loss - loss / B as f64).abs() / (loss / B as f64).abs().max(1e-300);
    params.max(loss_err)
}

fn check<N: Trainable<IN, OUT, Scalar = f64>, const IN: usize, const OUT: usize>(
    seed: u64,
    kind: Targets,
) {
    let mut rng = common::rng(seed);
    let net: N = random_net(&mut rng);
    let mut sample = |_| {
        let x: [f64; IN] = std::array::from_fn(|_| uniform(&mut rng, -1.5, 1.5));
        (x, targets::<OUT>(&mut rng, kind))
    };
    let one: [([f64; IN], [f64; OUT]); 1] = std::array::from_fn(&mut sample);
    let seven: [([f64; IN], [f64; OUT]); 7] = std::array::from_fn(&mut sample);
    let many: [([f64; IN], [f64; OUT]); 32] = std::array::from_fn(&mut sample);
    let e1 = worst(&net, &one.map(|s| s.0), &one.map(|s| s.1));
    let e7 = worst(&net, &seven.map(|s| s.0), &seven.map(|s| s.1));
    let e32 = worst(&net, &many.map(|s| s.0), &many.map(|s| s.1));
    assert!(
        e1 < 1e-12 && e7 < 1e-12 && e32 < 1e-12,
        "B = 1, 7, 32: {e1:e} {e7:e} {e32:e}"
    );
}

#[test]
fn every_output_delta_and_hidden_layer() {
    check::<SigBce, 3, 2>(1, Targets::Unit);
    check::<SoftCe, 3, 4>(2, Targets::Distribution);
    check::<SigCe, 3, 2>(3, Targets::Unit);
    check::<TanhMse, 3, 3>(4, Targets::Real);
    check::<SoftSse, 3, 3>(5, Targets::Real);
    check::<Frozen, 3, 2>(6, Targets::Real);
    check::<Looped, 20, 12>(7, Targets::Real);
    check::<Ragged, 37, 3>(11, Targets::Distribution);
}

#[test]
fn frozen_layers_get_nothing_from_a_batch() {
    let mut rng = common::rng(8);
    let net: Frozen = random_net(&mut rng);
    let xs: [[f64; 3]; 4] =
        std::array::from_fn(|_| std::array::from_fn(|_| uniform(&mut rng, -1.0, 1.0)));
    let ds: [[f64; 2]; 4] =
        std::array::from_fn(|_| std::array::from_fn(|_| uniform(&mut rng, -1.0, 1.0)));
    let mut g = Frozen::zeroed();
    net.backward_batch(&xs, &ds, &mut g);
    assert!(g.w1.iter().flatten().chain(&g.b1).all(|&v| v == 0.0));
    assert!(g.w2.iter().flatten().any(|&v| v != 0.0));
}

#[test]
fn an_empty_batch_adds_nothing() {
    let net: SigBce = random_net(&mut common::rng(9));
    let mut g = SigBce::zeroed();
    assert_eq!(net.backward_batch::<0>(&[], &[], &mut g), 0.0);
    assert_eq!(g, SigBce::zeroed());
}

#[test]
fn mnist_f32_within_1e_5() {
    let mut rng = common::rng(10);
    let net: Box<Mnist> = mlp::boxed::new(&mut rng);
    let xs: Box<[[f32; 784]; 32]> = Box::new(std::array::from_fn(|_| {
        std::array::from_fn(|_| rng.random::<f32>())
    }));
    let ds: [[f32; 10]; 32] =
        std::array::from_fn(|i| std::array::from_fn(|k| f32::from(u8::from(k == i % 10))));
    let err = worst(&*net, &xs, &ds);
    assert!(err < 1e-5, "{err:e}");
}
