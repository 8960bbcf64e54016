//! The gradient methods (`backward_from`, `input_gradient`,
//! `backward_from_batch`) against central finite differences of
//! J(θ, x) = ⟨dy, y(x)⟩ (f64, max relative error < 1e-6), for every hidden
//! and output activation, softmax included, depths 1-3, with and without a
//! loss, frozen and looped layers; `backward_from` with dy = ∂L/∂y against
//! `backward` for every loss; and chaining two networks into a third.

use crate::common::{random_net, rng, uniform};
use mlp::rand::rngs::SmallRng;
use mlp::{network, Differentiable, Params, Trainable};

const TOLERANCE: f64 = 1e-6;

/// Relative error of `a` against `n`, with a floor of 1e-3 of the largest
/// component (`common::max_rel_error`'s rule).
fn rel_errors(analytic: &[f64], numeric: &[f64]) -> f64 {
    let scale = analytic
        .iter()
        .chain(numeric)
        .fold(0.0f64, |m, g| m.max(g.abs()));
    analytic
        .iter()
        .zip(numeric)
        .map(|(a, n)| (a - n).abs() / a.abs().max(n.abs()).max(1e-3 * scale).max(1e-300))
        .fold(0.0, f64::max)
}

fn objective<N, const IN: usize, const OUT: usize>(net: &N, x: &[f64; IN], dy: &[f64; OUT]) -> f64
where
    N: Differentiable<IN, OUT, Scalar = f64>,
{
    net.forward(x).iter().zip(dy).map(|(y, g)| y * g).sum()
}

/// Checks all three methods on random nets, inputs and output gradients;
/// returns the worst relative error (parameters and inputs).
pub(crate) fn vjp_check<N, const IN: usize, const OUT: usize>(seed: u64) -> f64
where
    N: Differentiable<IN, OUT, Scalar = f64>,
{
    let mut rng = rng(seed);
    let mut worst = 0.0f64;
    for _ in 0..3 {
        let net: N = random_net(&mut rng);
        let x: [f64; IN] = core::array::from_fn(|_| uniform(&mut rng, -1.5, 1.5));
        let dy: [f64; OUT] = core::array::from_fn(|_| uniform(&mut rng, -1.0, 1.0));
        let mut grad = N::zeroed();
        let dx = net.backward_from(&x, &dy, &mut grad);
        assert_eq!(
            dx,
            net.input_gradient(&x, &dy),
            "input_gradient is backward_from's dx"
        );
        // With dy computed from the output: the output is forward's, and
        // the gradients are backward_from's with that dy, bit for bit.
        let y = net.forward(&x);
        let mut with = N::zeroed();
        let dx_with = net.backward_with(&x, &mut with, |out| {
            assert_eq!(out, &y, "backward_with hands over forward's output");
            dy
        });
        assert_eq!(dx_with, dx, "backward_with returns backward_from's dx");
        assert_eq!(
            with.params(),
            grad.params(),
            "backward_with adds backward_from's gradient"
        );
        let dx_alone = net.input_gradient_with(&x, |out| {
            assert_eq!(out, &y, "input_gradient_with hands over forward's output");
            dy
        });
        assert_eq!(dx_alone, dx, "input_gradient_with is backward_from's dx");

        // Parameters: frozen ones get nothing, the others ∂J/∂θ.
        let trainable = N::trainable();
        let mut numeric = vec![0.0; N::PARAMS];
        let mut probe = net.clone();
        for (i, n) in numeric.iter_mut().enumerate() {
            if !trainable.clone().any(|r| r.contains(&i)) {
                assert_eq!(grad.params()[i], 0.0, "frozen parameter {i} got a gradient");
                continue;
            }
            let p = net.params()[i];
            let eps = 1e-5 * p.abs().max(1.0);
            probe.params_mut()[i] = p + eps;
            let up = objective(&probe, &x, &dy);
            probe.params_mut()[i] = p - eps;
            let down = objective(&probe, &x, &dy);
            probe.params_mut()[i] = p;
            *n = (up - down) / (2.0 * eps);
        }
        worst = worst.max(rel_errors(grad.params(), &numeric));

        // Inputs.
        let numeric_dx: Vec<f64> = (0..IN)
            .map(|j| {
                let (mut up, mut down) = (x, x);
                let eps = 1e-5 * x[j].abs().max(1.0);
                up[j] += eps;
                down[j] -= eps;
                (objective(&net, &up, &dy) - objective(&net, &down, &dy)) / (2.0 * eps)
            })
            .collect();
        worst = worst.max(rel_errors(&dx, &numeric_dx));

        // The batch adds the sum of the samples' gradients (its layers
        // sum in another order than `forward`'s above three inputs, so
        // equal up to rounding).
        let xs = [x, x.map(|v| -0.5 * v)];
        let dys = [dy, dy.map(|v| 2.0 * v)];
        let mut one_by_one = N::zeroed();
        let dx0 = net.backward_from(&xs[0], &dys[0], &mut one_by_one);
        let dx1 = net.backward_from(&xs[1], &dys[1], &mut one_by_one);
        let mut batch = N::zeroed();
        let dxs = net.backward_from_batch(&xs, &dys, &mut batch);
        let rounding = rel_errors(dxs.as_flattened(), &[dx0, dx1].concat())
            .max(rel_errors(batch.params(), one_by_one.params()));
        assert!(rounding < 1e-12, "batch = sum of samples: {rounding:e}");
        // dys from the batch's outputs: backward_from_batch's gradients
        // with those dys, bit for bit; the outputs are forward's up to the
        // order of summation.
        let mut with = N::zeroed();
        let dxs_with = net.backward_with_batch(&xs, &mut with, |ys| {
            let per_sample = [net.forward(&xs[0]), net.forward(&xs[1])];
            let rounding = rel_errors(ys.as_flattened(), per_sample.as_flattened());
            assert!(rounding < 1e-12, "the batch's outputs: {rounding:e}");
            dys
        });
        assert_eq!(
            dxs_with, dxs,
            "backward_with_batch returns backward_from_batch's dxs"
        );
        assert_eq!(with.params(), batch.params(), "and adds its gradient");
    }
    worst
}

/// One module per output activation: depth 1, and depths 2 and 3 for every
/// hidden activation, all without a loss.
macro_rules! outputs {
    ($($out:ident)*) => {$(
        #[allow(non_snake_case)]
        mod $out {
            use super::*;
            network! {
                #[scalar(f64)] pub struct Depth1<input 3, dense 3 $out>;
            }
            #[test]
            fn depth_1() {
                let err = vjp_check::<Depth1, 3, 3>(1);
                assert!(err < TOLERANCE, "max relative error {err:e}");
            }
            hidden!($out; linear sigmoid tanh relu softsign softplus gaussian leaky_relu elu gelu silu);
        }
    )*};
}

macro_rules! hidden {
    ($out:ident; $($hid:ident)*) => {$(
        mod $hid {
            use super::*;
            network! {
                #[scalar(f64)] pub struct Depth2<input 3, dense 4 $hid, dense 3 $out>;
                #[scalar(f64)] pub struct Depth3<input 3, dense 4 $hid, dense 3 $hid, dense 3 $out>;
            }
            #[test]
            fn depth_2_and_3() {
                let err2 = vjp_check::<Depth2, 3, 3>(2);
                let err3 = vjp_check::<Depth3, 3, 3>(3);
                assert!(err2 < TOLERANCE, "depth 2: max relative error {err2:e}");
                assert!(err3 < TOLERANCE, "depth 3: max relative error {err3:e}");
            }
        }
    )*};
}

outputs!(linear sigmoid tanh relu softsign softplus gaussian softmax leaky_relu elu gelu silu);

network! {
    // With a loss, a frozen layer in the middle, parametric activations.
    #[scalar(f64)] struct WithLoss<input 3, dense 4 tanh, dense 4 elu(0.5) frozen, dense 2 softmax, loss ce>;
    // Without a loss, frozen now means something: backward_from skips it.
    #[scalar(f64)] struct FrozenFirst<input 3, dense 5 leaky_relu(0.2) frozen, dense 2 sigmoid>;
    // Looped layers (over 256 weights), a softmax output.
    #[scalar(f64)] struct Looped<input 20, dense 24 softsign, dense 12 softmax>;
    #[scalar(f64)] struct LoopedFrozen<input 20, dense 24 tanh frozen, dense 16 gelu, dense 3 linear, loss mse>;
}

#[test]
fn frozen_looped_and_with_loss() {
    for (name, err) in [
        ("WithLoss", vjp_check::<WithLoss, 3, 2>(4)),
        ("FrozenFirst", vjp_check::<FrozenFirst, 3, 2>(5)),
        ("Looped", vjp_check::<Looped, 20, 12>(6)),
        ("LoopedFrozen", vjp_check::<LoopedFrozen, 20, 3>(7)),
    ] {
        assert!(err < TOLERANCE, "{name}: max relative error {err:e}");
    }
}

/// `backward_from` with dy = ∂L/∂y adds what `backward` adds, for every
/// loss (up to rounding: backward uses the fused closed form).
fn matches_backward<N, const IN: usize, const OUT: usize>(
    seed: u64,
    targets: impl Fn(&mut SmallRng) -> [f64; OUT],
    dl_dy: impl Fn(&[f64; OUT], &[f64; OUT]) -> [f64; OUT],
) where
    N: Differentiable<IN, OUT, Scalar = f64> + Trainable<IN, OUT>,
{
    let mut rng = rng(seed);
    for _ in 0..5 {
        let net: N = random_net(&mut rng);
        let x: [f64; IN] = core::array::from_fn(|_| uniform(&mut rng, -1.5, 1.5));
        let d = targets(&mut rng);
        let (mut by_loss, mut by_dy) = (N::zeroed(), N::zeroed());
        net.backward(&x, &d, &mut by_loss);
        net.backward_from(&x, &dl_dy(&net.forward(&x), &d), &mut by_dy);
        let err = rel_errors(by_dy.params(), by_loss.params());
        assert!(err < 1e-9, "relative difference {err:e}");
    }
}

network! {
    #[scalar(f64)] struct SigBce<input 3, dense 4 tanh, dense 2 sigmoid, loss bce>;
    #[scalar(f64)] struct SigCe<input 3, dense 4 relu, dense 2 sigmoid, loss ce>;
    #[scalar(f64)] struct SoftCe<input 3, dense 4 gelu, dense 3 softmax, loss ce>;
    #[scalar(f64)] struct TanhMse<input 3, dense 4 silu, dense 2 tanh, loss mse>;
    #[scalar(f64)] struct SoftSse<input 3, dense 4 sigmoid, dense 3 softmax, loss sse>;
}

#[test]
fn backward_from_with_the_loss_gradient_is_backward() {
    let unit = |rng: &mut SmallRng| core::array::from_fn(|_| uniform(rng, 0.0, 1.0));
    let real2 = |rng: &mut SmallRng| core::array::from_fn(|_| uniform(rng, -1.0, 1.0));
    let real3 = |rng: &mut SmallRng| core::array::from_fn(|_| uniform(rng, -1.0, 1.0));
    let one_hot = |rng: &mut SmallRng| {
        let k = (uniform(rng, 0.0, 3.0) as usize).min(2);
        core::array::from_fn(|i| if i == k { 1.0 } else { 0.0 })
    };
    // ∂L/∂y of each loss, per sample.
    let bce = |y: &[f64; 2], d: &[f64; 2]| {
        core::array::from_fn(|k| (y[k] - d[k]) / (y[k] * (1.0 - y[k])))
    };
    let ce2 = |y: &[f64; 2], d: &[f64; 2]| core::array::from_fn(|k| -d[k] / y[k]);
    let ce3 = |y: &[f64; 3], d: &[f64; 3]| core::array::from_fn(|k| -d[k] / y[k]);
    let mse = |y: &[f64; 2], d: &[f64; 2]| core::array::from_fn(|k| 2.0 / 2.0 * (y[k] - d[k]));
    let sse = |y: &[f64; 3], d: &[f64; 3]| core::array::from_fn(|k| y[k] - d[k]);
    matches_backward::<SigBce, 3, 2>(10, unit, bce);
    matches_backward::<SigCe, 3, 2>(11, unit, ce2);
    matches_backward::<SoftCe, 3, 3>(12, one_hot, ce3);
    matches_backward::<TanhMse, 3, 2>(13, real2, mse);
    matches_backward::<SoftSse, 3, 3>(14, real3, sse);
}

network! {
    #[scalar(f64)] struct A<input 3, dense 4 tanh>;
    #[scalar(f64)] struct B<input 4, dense 2 sigmoid, loss bce>;
    #[scalar(f64)] struct C<input 3, dense 4 tanh, dense 2 sigmoid, loss bce>;
}

/// A followed by B is C: the loss, and with B's input gradient fed to A's
/// `backward_from`, the gradients of both, from the same weights.
#[test]
fn chained_networks_are_one_network() {
    let mut rng = rng(20);
    for _ in 0..5 {
        let c: C = random_net(&mut rng);
        let a = A { w1: c.w1, b1: c.b1 };
        let b = B { w1: c.w2, b1: c.b2 };
        let x: [f64; 3] = core::array::from_fn(|_| uniform(&mut rng, -1.5, 1.5));
        let d: [f64; 2] = core::array::from_fn(|_| uniform(&mut rng, 0.0, 1.0));

        let mut grad_c = C::zeroed();
        let loss_c = c.backward(&x, &d, &mut grad_c);

        let (mut grad_a, mut grad_b) = (A::zeroed(), B::zeroed());
        let hidden = a.forward(&x);
        let loss = b.backward(&hidden, &d, &mut grad_b);
        // B's input gradient of its loss: backward_from with dy = ∂L/∂y.
        let y = b.forward(&hidden);
        let dy: [f64; 2] = core::array::from_fn(|k| (y[k] - d[k]) / (y[k] * (1.0 - y[k])));
        let d_hidden = b.input_gradient(&hidden, &dy);
        a.backward_from(&x, &d_hidden, &mut grad_a);

        assert!((loss - loss_c).abs() <= 1e-12 * loss_c.abs().max(1.0));
        let chained: Vec<f64> = grad_a
            .params()
            .iter()
            .chain(grad_b.params())
            .copied()
            .collect();
        let err = rel_errors(&chained, grad_c.params());
        assert!(err < 1e-9, "relative difference {err:e}");
    }
}

network! {
    struct Policy<input 4, dense 64 tanh, dense 64 tanh, dense 2 linear>;
}

/// f32, looped and unrolled layers: the three methods agree with each
/// other (the finite differences above are in f64).
#[test]
fn f32_methods_agree() {
    let net = Policy::new(&mut rng(30));
    let x = [0.1f32, -0.2, 0.3, -0.4];
    let dy = [1.0f32, -0.5];
    let mut grad = Policy::zeroed();
    let dx = net.backward_from(&x, &dy, &mut grad);
    assert_eq!(dx, net.input_gradient(&x, &dy));
    let mut with = Policy::zeroed();
    assert_eq!(dx, net.backward_with(&x, &mut with, |_| dy));
    assert_eq!(with.params(), grad.params());
    assert_eq!(dx, net.input_gradient_with(&x, |_| dy));
    let mut batch = Policy::zeroed();
    let dxs = net.backward_from_batch(&[x; 3], &[dy; 3], &mut batch);
    // The batch's layers sum in another order than `forward`'s.
    for (a, b) in dxs.as_flattened().iter().zip([dx; 3].as_flattened()) {
        assert!((a - b).abs() <= 1e-5 * b.abs().max(1e-3), "{a} vs {b}");
    }
    for (g3, g1) in batch.params().iter().zip(grad.params()) {
        assert!(
            (g3 - 3.0 * g1).abs() <= 1e-5 * g1.abs().max(1e-3),
            "{g3} vs 3 × {g1}"
        );
    }
}
