//! The wide-layer kernels (blocked `W x + b`, blocked `Wᵀ δ`, partial sums
//! combined as a tree) against the plain running sums of straight-line
//! code: the same network `#[unroll(never)]` and `#[unroll(always)]`, with
//! fan-ins of 16 and more so every kernel path runs (full row blocks,
//! remainder rows, a tail of columns). Forward, loss, gradient and SGD step
//! agree within 1e-12 in f64 (`close`); the 784-128-10 f32 bound is in
//! `perf_accuracy.rs`.

mod common;

use mlp::{network, Trainable};

network! {
    #[unroll(never)] #[scalar(f64)]
    struct TanhSoftmaxL<input 37, dense 21 tanh, dense 19 sigmoid, dense 3 softmax, loss ce>;
    #[unroll(always)] #[scalar(f64)]
    struct TanhSoftmaxU<input 37, dense 21 tanh, dense 19 sigmoid, dense 3 softmax, loss ce>;
    #[unroll(never)] #[scalar(f64)]
    struct SigSseL<input 16, dense 34 sigmoid, dense 5 sigmoid, loss sse>;
    #[unroll(always)] #[scalar(f64)]
    struct SigSseU<input 16, dense 34 sigmoid, dense 5 sigmoid, loss sse>;
    #[unroll(never)] #[scalar(f64)]
    struct ReluMseL<input 48, dense 17 relu, dense 33 gelu, dense 2 linear, loss mse>;
    #[unroll(always)] #[scalar(f64)]
    struct ReluMseU<input 48, dense 17 relu, dense 33 gelu, dense 2 linear, loss mse>;
}

/// Within 1e-12 of max(|value|, 1): the summed terms are of order one, so
/// near zero their rounding is absolute (a gradient of 1e-3 built from
/// terms of 0.5 carries errors of 1e-16, not 1e-19).
fn close(a: &[f64], b: &[f64], what: &str) {
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let tol = 1e-12 * x.abs().max(y.abs()).max(1.0);
        assert!((x - y).abs() <= tol, "{what}[{i}]: {x} vs {y}");
    }
}

fn agree<L, U, const IN: usize, const OUT: usize>(seed: u64, targets: common::Targets)
where
    L: Trainable<IN, OUT, Scalar = f64>,
    U: Trainable<IN, OUT, Scalar = f64>,
{
    let mut rng = common::rng(seed);
    for _ in 0..10 {
        let looped: L = common::random_net(&mut rng);
        let mut straight = U::zeroed();
        straight.params_mut().copy_from_slice(looped.params());
        let x: [f64; IN] = core::array::from_fn(|_| common::uniform(&mut rng, -1.0, 1.0));
        let d = common::targets::<OUT>(&mut rng, targets);
        close(&looped.forward(&x), &straight.forward(&x), "forward");
        close(&[looped.loss(&x, &d)], &[straight.loss(&x, &d)], "loss");
        let (mut gl, mut gu) = (L::zeroed(), U::zeroed());
        looped.backward(&x, &d, &mut gl);
        straight.backward(&x, &d, &mut gu);
        close(gl.params(), gu.params(), "gradient");
        let (mut l2, mut u2) = (looped.clone(), straight.clone());
        l2.train_step(&x, &d, 0.1);
        u2.train_step(&x, &d, 0.1);
        close(l2.params(), u2.params(), "step");
    }
}

#[test]
fn blocked_kernels_match_running_sums_in_f64() {
    agree::<TanhSoftmaxL, TanhSoftmaxU, 37, 3>(1, common::Targets::Distribution);
    agree::<SigSseL, SigSseU, 16, 5>(2, common::Targets::Unit);
    agree::<ReluMseL, ReluMseU, 48, 2>(3, common::Targets::Real);
}
