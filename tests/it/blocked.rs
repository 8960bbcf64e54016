//! The wide-layer kernels (blocked `W x + b` in `linalg::dot`'s order,
//! blocked `Wᵀ δ`) against straight-line code and against plain running
//! sums: the same network `#[unroll(never)]` and `#[unroll(always)]`, with
//! fan-ins of 16 and more so every kernel path runs (full row blocks,
//! remainder rows, a tail of columns). The two forms add in the same order,
//! so forward, loss, gradient and SGD step are bit-identical; both are
//! within 1e-12 in f64 (`close`) of a reference written here with one
//! running sum per dot product (forward and gradient). The 784-128-10 f32
//! bound is in `perf_accuracy.rs`.

use crate::common;

use mlp::activation::{Elementwise, Gelu, Relu, Sigmoid, Tanh};
use mlp::{network, Params, Trainable};

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

/// A hidden or output layer's activation, as the reference applies it.
#[derive(Clone, Copy)]
enum Act {
    Tanh,
    Sigmoid,
    Relu,
    Gelu,
    Linear,
    Softmax,
}

impl Act {
    fn f(self, h: f64) -> f64 {
        match self {
            Act::Tanh => Tanh.f(h),
            Act::Sigmoid => Sigmoid.f(h),
            Act::Relu => Relu.f(h),
            Act::Gelu => Gelu.f(h),
            Act::Linear => h,
            Act::Softmax => unreachable!("softmax is applied to a whole layer"),
        }
    }
    fn df(self, h: f64, y: f64) -> f64 {
        match self {
            Act::Tanh => Tanh.df(h, y),
            Act::Sigmoid => Sigmoid.df(h, y),
            Act::Relu => Relu.df(h, y),
            Act::Gelu => Gelu.df(h, y),
            Act::Linear => 1.0,
            Act::Softmax => unreachable!("only an output layer is softmax"),
        }
    }
}

/// The output layer's δ for each network's (activation, loss) pair.
#[derive(Clone, Copy)]
enum Output {
    /// softmax + ce: y − d.
    SoftmaxCe,
    /// sigmoid + sse (½ Σ (y − d)²): (y − d) · y (1 − y).
    SigmoidSse,
    /// linear + mse ((1/K) Σ (y − d)²): (2/K) (y − d).
    LinearMse,
}

/// Forward pass and gradient with one running sum per dot product (`W y`
/// and `Wᵀ δ` alike), from the flat parameters (per layer: W row by row,
/// then b).
fn running_sums<N: Params<Scalar = f64>>(
    net: &N,
    acts: &[Act],
    out: Output,
    x: &[f64],
    d: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let p = net.params();
    let shapes = N::LAYER_SHAPES;
    let mut offsets = Vec::new();
    let mut at = 0;
    for &(units, inputs) in shapes {
        offsets.push(at);
        at += units * inputs + units;
    }
    let (mut hs, mut ys) = (Vec::new(), vec![x.to_vec()]);
    for (l, &(units, inputs)) in shapes.iter().enumerate() {
        let w = &p[offsets[l]..offsets[l] + units * inputs];
        let b = &p[offsets[l] + units * inputs..offsets[l] + units * inputs + units];
        let h: Vec<f64> = (0..units)
            .map(|i| {
                let mut s = 0.0;
                for j in 0..inputs {
                    s += w[i * inputs + j] * ys[l][j];
                }
                s + b[i]
            })
            .collect();
        let y: Vec<f64> = if let Act::Softmax = acts[l] {
            let m = h.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = h.iter().map(|v| (v - m).exp()).collect();
            let sum: f64 = e.iter().sum();
            e.iter().map(|v| v / sum).collect()
        } else {
            h.iter().map(|&v| acts[l].f(v)).collect()
        };
        hs.push(h);
        ys.push(y);
    }
    let last = shapes.len();
    let (y, k) = (&ys[last], d.len() as f64);
    let mut delta: Vec<f64> = (0..d.len())
        .map(|i| match out {
            Output::SoftmaxCe => y[i] - d[i],
            Output::SigmoidSse => (y[i] - d[i]) * y[i] * (1.0 - y[i]),
            Output::LinearMse => 2.0 / k * (y[i] - d[i]),
        })
        .collect();
    let mut grad = vec![0.0; p.len()];
    for l in (0..last).rev() {
        let (units, inputs) = shapes[l];
        for i in 0..units {
            for j in 0..inputs {
                grad[offsets[l] + i * inputs + j] = delta[i] * ys[l][j];
            }
            grad[offsets[l] + units * inputs + i] = delta[i];
        }
        if l > 0 {
            let w = &p[offsets[l]..offsets[l] + units * inputs];
            delta = (0..inputs)
                .map(|j| {
                    let mut s = 0.0;
                    for k in 0..units {
                        s += w[k * inputs + j] * delta[k];
                    }
                    acts[l - 1].df(hs[l - 1][j], ys[l][j]) * s
                })
                .collect();
        }
    }
    (ys[last].clone(), grad)
}

fn agree<L, U, const IN: usize, const OUT: usize>(
    seed: u64,
    targets: common::Targets,
    acts: &[Act],
    out: Output,
) where
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
        let y = looped.forward(&x);
        assert_eq!(y, straight.forward(&x), "forward");
        assert_eq!(looped.loss(&x, &d), straight.loss(&x, &d), "loss");
        let (mut gl, mut gu) = (L::zeroed(), U::zeroed());
        looped.backward(&x, &d, &mut gl);
        straight.backward(&x, &d, &mut gu);
        assert_eq!(gl.params(), gu.params(), "gradient");
        let (mut l2, mut u2) = (looped.clone(), straight.clone());
        l2.train_step(&x, &d, 0.1);
        u2.train_step(&x, &d, 0.1);
        assert_eq!(l2.params(), u2.params(), "step");
        let (want_y, want_grad) = running_sums(&looped, acts, out, &x, &d);
        close(&y, &want_y, "forward against running sums");
        close(gl.params(), &want_grad, "gradient against running sums");
    }
}

#[test]
fn blocked_kernels_match_running_sums_in_f64() {
    use Act::*;
    let distribution = common::Targets::Distribution;
    agree::<TanhSoftmaxL, TanhSoftmaxU, 37, 3>(
        1,
        distribution,
        &[Tanh, Sigmoid, Softmax],
        Output::SoftmaxCe,
    );
    let unit = common::Targets::Unit;
    agree::<SigSseL, SigSseU, 16, 5>(2, unit, &[Sigmoid, Sigmoid], Output::SigmoidSse);
    let real = common::Targets::Real;
    agree::<ReluMseL, ReluMseU, 48, 2>(3, real, &[Relu, Gelu, Linear], Output::LinearMse);
}
