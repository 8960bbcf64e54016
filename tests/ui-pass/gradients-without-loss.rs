//! Without a loss, a differentiable network trains through `backward_from`,
//! and `frozen` keeps its layer fixed there.
use mlp::network;

network! {
    struct Actor<input 3, dense 8 tanh frozen, dense 1 tanh>;
}

fn train<N: mlp::Differentiable<3, 1, Scalar = f32>>(net: &N, grad: &mut N) -> [f32; 3] {
    net.backward_from(&[0.1, 0.2, 0.3], &[1.0], grad)
}

fn main() {
    let net = Actor::zeroed();
    let mut grad = Actor::zeroed();
    let _ = train(&net, &mut grad);
    let _ = net.input_gradient(&[0.0; 3], &[1.0]);
}
