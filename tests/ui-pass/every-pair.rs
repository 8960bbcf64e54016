//! Every valid (output activation, loss) pair and every hidden activation compiles.
use mlp::network;

network! {
    struct SigmoidBce<input 2, dense 2 sigmoid, loss bce>;
    struct LogisticBce<input 2, dense 2 logistic, loss bce>;
    struct SigmoidCe<input 2, dense 2 sigmoid, loss ce>;
    struct SoftmaxCe<input 2, dense 2 softmax, loss ce>;
    struct LinearMse<input 2, dense 2 linear, loss mse>;
    struct SigmoidMse<input 2, dense 2 sigmoid, loss mse>;
    struct TanhMse<input 2, dense 2 tanh, loss mse>;
    struct ReluMse<input 2, dense 2 relu, loss mse>;
    struct SoftplusMse<input 2, dense 2 softplus, loss mse>;
    struct SoftsignMse<input 2, dense 2 softsign, loss mse>;
    struct GaussianMse<input 2, dense 2 gaussian, loss mse>;
    struct SoftmaxMse<input 2, dense 2 softmax, loss mse>;
    struct LinearSse<input 2, dense 2 linear, loss sse>;
    struct SigmoidSse<input 2, dense 2 sigmoid, loss sse>;
    struct TanhSse<input 2, dense 2 tanh, loss sse>;
    struct ReluSse<input 2, dense 2 relu, loss sse>;
    struct SoftplusSse<input 2, dense 2 softplus, loss sse>;
    struct SoftsignSse<input 2, dense 2 softsign, loss sse>;
    struct GaussianSse<input 2, dense 2 gaussian, loss sse>;
    struct SoftmaxSse<input 2, dense 2 softmax, loss sse>;
    struct LeakyReluMse<input 2, dense 2 leaky_relu, loss mse>;
    struct EluSse<input 2, dense 2 elu(0.5), loss sse>;
    struct GeluMse<input 2, dense 2 gelu, loss mse>;
    struct SiluSse<input 2, dense 2 silu, loss sse>;

    #[scalar(f64)]
    struct Hidden<input 2, dense 3 linear, dense 3 sigmoid, dense 3 logistic, dense 3 tanh,
                  dense 3 relu, dense 3 softplus, dense 3 softsign, dense 3 gaussian,
                  dense 3 leaky_relu(0.2), dense 3 elu, dense 3 gelu, dense 3 silu, dense 3 swish,
                  dense 2 softmax, loss ce>;

    /// step and sign are fine without a loss.
    struct Threshold<input 2, dense 3 step, dense 2 sign>;
}

fn main() {
    let mut net = Hidden::zeroed();
    let _ = net.train_step(&[1.0, 0.0], &[0.0, 1.0], 0.1);
    let _ = Threshold::zeroed().forward(&[1.0, -1.0]);
    let _ = (SigmoidBce::PARAMS, SoftmaxSse::OUTPUTS, LinearMse::INPUTS);
}
