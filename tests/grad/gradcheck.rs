//! `backward` against central finite differences of `loss`, for every hidden
//! activation crossed with every valid (output activation, loss) pair of the
//! rules table, at depths 1, 2 and 3 (f64). Max relative error < 1e-6.
//! Parametric activations appear with their default α here and with other
//! values in `parametric_activations`.

use crate::common::{gradcheck, Targets};
use mlp::network;

const TOLERANCE: f64 = 1e-6;

/// One module per (output activation, loss), each with a depth-1 network and
/// depth-2 and depth-3 networks for every hidden activation.
macro_rules! output_pairs {
    ($( $out:ident $loss:ident $targets:ident; )*) => {$(
        #[allow(non_snake_case)]
        mod $out { pub mod $loss {
            use super::super::*;
            network! {
                #[scalar(f64)] pub struct Depth1<input 3, dense 3 $out, loss $loss>;
            }
            #[test]
            fn depth_1() {
                let err = gradcheck::<Depth1, 3, 3>(1, Targets::$targets);
                assert!(err < TOLERANCE, "max relative error {err:e}");
            }
            hidden!($out $loss $targets; linear sigmoid tanh relu softsign softplus gaussian leaky_relu elu gelu silu);
        }}
    )*};
}

macro_rules! hidden {
    ($out:ident $loss:ident $targets:ident; $($hid:ident)*) => {$(
        pub mod $hid {
            use super::*;
            network! {
                #[scalar(f64)] pub struct Depth2<input 3, dense 4 $hid, dense 3 $out, loss $loss>;
                #[scalar(f64)] pub struct Depth3<input 3, dense 4 $hid, dense 3 $hid, dense 3 $out, loss $loss>;
            }
            #[test]
            fn depth_2_and_3() {
                let err2 = gradcheck::<Depth2, 3, 3>(2, Targets::$targets);
                let err3 = gradcheck::<Depth3, 3, 3>(3, Targets::$targets);
                assert!(err2 < TOLERANCE, "depth 2: max relative error {err2:e}");
                assert!(err3 < TOLERANCE, "depth 3: max relative error {err3:e}");
            }
        }
    )*};
}

// Module paths nest as `output::loss::hidden`, so the pairs are grouped by
// the module names they create (a name may appear once per parent).
mod sigmoid_out {
    use super::*;
    output_pairs! { sigmoid bce Unit; }
}
mod sigmoid_ce {
    use super::*;
    output_pairs! { sigmoid ce Unit; }
}
mod softmax_ce {
    use super::*;
    output_pairs! { softmax ce Distribution; }
}
mod mse {
    use super::*;
    output_pairs! {
        linear mse Real; sigmoid mse Real; tanh mse Real; relu mse Real;
        softplus mse Real; softsign mse Real; gaussian mse Real; softmax mse Real;
        leaky_relu mse Real; elu mse Real; gelu mse Real; silu mse Real;
    }
}
mod sse {
    use super::*;
    output_pairs! {
        linear sse Real; sigmoid sse Real; tanh sse Real; relu sse Real;
        softplus sse Real; softsign sse Real; gaussian sse Real; softmax sse Real;
        leaky_relu sse Real; elu sse Real; gelu sse Real; silu sse Real;
    }
}

mod huber {
    use super::*;
    output_pairs! {
        linear huber Real; sigmoid huber Real; tanh huber Real; relu huber Real;
        softplus huber Real; softsign huber Real; gaussian huber Real; softmax huber Real;
        leaky_relu huber Real; elu huber Real; gelu huber Real; silu huber Real;
    }
}

// huber with a small δ (most differences in the linear part) and a large
// one, unrolled and looped.
network! {
    #[scalar(f64)] struct HuberSmall<input 3, dense 5 tanh, dense 3 linear, loss huber(0.05)>;
    #[scalar(f64)] struct HuberLarge<input 3, dense 5 gelu, dense 3 softmax, loss huber(4)>;
    #[scalar(f64)] struct LoopedHuber<input 20, dense 24 tanh, dense 12 linear, loss huber(0.2)>;
}

#[test]
fn huber_with_other_deltas() {
    for (name, err) in [
        (
            "HuberSmall",
            gradcheck::<HuberSmall, 3, 3>(40, Targets::Real),
        ),
        (
            "HuberLarge",
            gradcheck::<HuberLarge, 3, 3>(41, Targets::Real),
        ),
        (
            "LoopedHuber",
            gradcheck::<LoopedHuber, 20, 12>(42, Targets::Real),
        ),
    ] {
        assert!(err < TOLERANCE, "{name}: max relative error {err:e}");
    }
}

/// Hand-worked: δ = 0.5, y − d = (0.2, −2): h = ½·0.04 = 0.02 and
/// 0.5·(2 − 0.25) = 0.875, L = (0.02 + 0.875)/2 = 0.4475; for a linear
/// output ∂L/∂h = (1/2)·clamp(y − d) = (0.1, −0.25).
#[test]
fn huber_by_hand() {
    network! {
        #[scalar(f64)] struct Id<input 2, dense 2 linear, loss huber(0.5)>;
    }
    let net = Id {
        w1: [[1.0, 0.0], [0.0, 1.0]],
        b1: [0.0; 2],
    };
    let (x, d) = ([1.2, -1.0], [1.0, 1.0]);
    assert!((net.loss(&x, &d) - 0.4475).abs() < 1e-15);
    let mut grad = Id::zeroed();
    net.backward(&x, &d, &mut grad);
    let want = [0.1, -0.25, 0.1 * 1.2, -0.1, -0.25 * 1.2, 0.25];
    let got = [
        grad.b1[0],
        grad.b1[1],
        grad.w1[0][0],
        grad.w1[0][1],
        grad.w1[1][0],
        grad.w1[1][1],
    ];
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-15, "{got:?} against {want:?}");
    }
    // PyTorch's HuberLoss(delta=0.5)(tensor([1.2, -1.0]), tensor([1.0, 1.0]))
    // is 0.4475 too (reduction mean).
    assert_eq!(
        mlp::loss::huber(&[1.2f64, -1.0], &[1.0, 1.0], 0.5),
        net.loss(&x, &d)
    );
}

// Layers past the unrolling threshold are emitted as loops: check them too,
// for each kind of output δ.
network! {
    #[scalar(f64)] struct LoopedSoftmaxCe<input 20, dense 24 tanh, dense 12 softmax, loss ce>;
    #[scalar(f64)] struct LoopedSigmoidBce<input 20, dense 24 relu, dense 12 sigmoid, loss bce>;
    #[scalar(f64)] struct LoopedSigmoidCe<input 20, dense 24 softplus, dense 12 sigmoid, loss ce>;
    #[scalar(f64)] struct LoopedLinearMse<input 20, dense 24 sigmoid, dense 24 gaussian, dense 12 linear, loss mse>;
    #[scalar(f64)] struct LoopedSoftmaxSse<input 20, dense 24 softsign, dense 12 softmax, loss sse>;
}

#[test]
fn looped_layers() {
    let errs = [
        gradcheck::<LoopedSoftmaxCe, 20, 12>(4, Targets::Distribution),
        gradcheck::<LoopedSigmoidBce, 20, 12>(5, Targets::Unit),
        gradcheck::<LoopedSigmoidCe, 20, 12>(6, Targets::Unit),
        gradcheck::<LoopedLinearMse, 20, 12>(7, Targets::Real),
        gradcheck::<LoopedSoftmaxSse, 20, 12>(8, Targets::Real),
    ];
    for err in errs {
        assert!(err < TOLERANCE, "max relative errors {errs:?}");
    }
}

// The parametric activations with a parameter other than the default, as
// hidden layers and as outputs, and `swish` (silu's alias).
network! {
    #[scalar(f64)] struct LeakyOut<input 3, dense 4 leaky_relu(0.3), dense 3 leaky_relu(0.2), loss mse>;
    #[scalar(f64)] struct EluOut<input 3, dense 4 elu(0.5), dense 4 elu(2), dense 3 elu(0.25), loss sse>;
    #[scalar(f64)] struct Swish<input 3, dense 4 swish, dense 3 gelu, dense 3 softmax, loss ce>;
    #[scalar(f64)] struct LoopedNew<input 20, dense 24 gelu, dense 24 elu(0.5), dense 12 silu, loss mse>;
}

#[test]
fn parametric_activations() {
    let errs = [
        gradcheck::<LeakyOut, 3, 3>(9, Targets::Real),
        gradcheck::<EluOut, 3, 3>(10, Targets::Real),
        gradcheck::<Swish, 3, 3>(11, Targets::Distribution),
        gradcheck::<LoopedNew, 20, 12>(12, Targets::Real),
    ];
    for err in errs {
        assert!(err < TOLERANCE, "max relative errors {errs:?}");
    }
}
