//! What the performance work may and may not change: partial sums and
//! batched evaluation reorder additions, so f32 results may move by
//! rounding, but stay within 1e-5 (relative) of a plain running-sum
//! reference; `forward_batch` keeps `forward`'s exact order for layers of
//! fewer than four inputs.

// The reference is written as plain index loops on purpose: one running sum.
#![allow(clippy::needless_range_loop)]

use crate::common;

use mlp::network;
use mlp::rand::RngExt;

network! {
    struct Mnist<input 784, dense 128 sigmoid, dense 10 softmax, loss ce>;
    struct Small<input 4, dense 16 tanh, dense 3 softmax, loss ce>;
    struct Tiny<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;
    struct Deep<input 16, dense 64 sigmoid, dense 64 tanh, dense 8 linear, loss mse>;
}

/// Reference forward for `Mnist` with one running sum per dot product, in
/// f64 libm-free maths (std), rounded to f32 at the end.
fn reference(net: &Mnist, x: &[f32; 784]) -> [f32; 10] {
    let mut y1 = [0.0f64; 128];
    for (i, y) in y1.iter_mut().enumerate() {
        let mut s = 0.0f64;
        for j in 0..784 {
            s += f64::from(net.w1[i][j]) * f64::from(x[j]);
        }
        *y = 1.0 / (1.0 + (-(s + f64::from(net.b1[i]))).exp());
    }
    let mut h2 = [0.0f64; 10];
    for (k, h) in h2.iter_mut().enumerate() {
        let mut s = 0.0f64;
        for i in 0..128 {
            s += f64::from(net.w2[k][i]) * y1[i];
        }
        *h = s + f64::from(net.b2[k]);
    }
    let m = h2.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e = h2.map(|h| (h - m).exp());
    let sum: f64 = e.iter().sum();
    e.map(|v| (v / sum) as f32)
}

/// At every instruction-set level this CPU runs, `forward` and
/// `forward_batch` alike.
#[test]
fn wide_layers_stay_within_1e_5_of_running_sums() {
    let mut rng = common::rng(1);
    let net: Box<Mnist> = mlp::boxed::new(&mut rng);
    let xs: Box<[[f32; 784]; 8]> = Box::new(core::array::from_fn(|_| {
        core::array::from_fn(|_| rng.random::<f32>())
    }));
    common::each_simd_level(|level| {
        let batch = net.forward_batch(&xs);
        let mut worst = 0.0f64;
        for (x, y_batch) in xs.iter().zip(&batch) {
            let want = reference(&net, x);
            for got in [net.forward(x), *y_batch] {
                for (g, w) in got.iter().zip(&want) {
                    worst = worst.max(f64::from((g - w).abs() / w.abs().max(1e-30)));
                }
            }
        }
        assert!(worst < 1e-5, "{level:?}: max relative difference {worst:e}");
    });
}

#[test]
fn forward_batch_matches_forward() {
    let mut rng = common::rng(2);
    let tiny: Tiny = Tiny::new(&mut rng);
    let xs: [[f32; 2]; 7] = core::array::from_fn(|_| [rng.random(), rng.random::<f32>() - 0.5]);
    let batch = tiny.forward_batch(&xs);
    for (x, y) in xs.iter().zip(&batch) {
        assert_eq!(*y, tiny.forward(x), "fan-ins below four: identical");
    }
    let small: Small = Small::new(&mut rng);
    let xs: [[f32; 4]; 32] =
        core::array::from_fn(|_| core::array::from_fn(|_| rng.random::<f32>() * 2.0 - 1.0));
    let batch = small.forward_batch(&xs);
    for (x, y) in xs.iter().zip(&batch) {
        for (a, b) in y.iter().zip(&small.forward(x)) {
            assert!((a - b).abs() <= 1e-6, "{a} vs {b}");
        }
    }
    let deep: Box<Deep> = mlp::boxed::new(&mut rng);
    let xs: [[f32; 16]; 9] =
        core::array::from_fn(|_| core::array::from_fn(|_| rng.random::<f32>()));
    let batch = deep.forward_batch(&xs);
    for (x, y) in xs.iter().zip(&batch) {
        for (a, b) in y.iter().zip(&deep.forward(x)) {
            assert!((a - b).abs() <= 1e-5 * b.abs().max(1e-3), "{a} vs {b}");
        }
    }
}

#[test]
fn boxed_networks_are_zeroed_and_initialised_in_place() {
    let zero: Box<Mnist> = mlp::boxed::zeroed();
    assert!(zero.w1.iter().flatten().all(|&w| w == 0.0));
    let mut rng = common::rng(3);
    let net: Box<Mnist> = mlp::boxed::new(&mut rng);
    let a = (6.0f32 / (784.0 + 128.0)).sqrt();
    assert!(net.w1.iter().flatten().all(|w| w.abs() <= a));
    assert!(net.w1[0][0] != net.w1[0][1]);
    assert!(net.b1.iter().all(|&b| b == 0.0));
}

#[test]
fn large_networks_train_through_fit_on_a_test_thread() {
    // Fit keeps its gradient buffer and saved weights on the heap, so a
    // 400 KB network trains on a 2 MB test-thread stack.
    use mlp::optim::Sgd;
    use mlp::train::{Control, Data, Fit};
    let mut rng = common::rng(4);
    let mut net: Box<Mnist> = mlp::boxed::new(&mut rng);
    let xs: Vec<[f32; 784]> = (0..4)
        .map(|_| core::array::from_fn(|_| rng.random::<f32>()))
        .collect();
    let ds: Vec<[f32; 10]> = (0..4)
        .map(|i| core::array::from_fn(|k| if k == i { 1.0 } else { 0.0 }))
        .collect();
    let before = mlp::train::mean_loss(&*net, Data::new(&xs, &ds));
    let summary = Fit::new(Data::new(&xs, &ds))
        .epochs(5)
        .batch_size(2)
        .validation(Data::new(&xs, &ds))
        .early_stopping(3)
        .run(&mut *net, &mut Sgd::new(0.1), &mut rng, |_| {
            Control::Continue
        })
        .unwrap();
    assert_eq!(summary.epochs, 5);
    assert!(mlp::train::mean_loss(&*net, Data::new(&xs, &ds)) < before);
}
