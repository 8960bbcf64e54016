use mlp::network;

network! {
    struct Threshold<input 2, dense 3 tanh, dense 2 step>;
}

fn main() {
    let net = Threshold::zeroed();
    let mut grad = Threshold::zeroed();
    let _ = net.backward_from(&[0.0; 2], &[1.0; 2], &mut grad);
}
