use mlp::network;

network! {
    /// No loss: inference only.
    struct Controller<input 2, dense 4 relu, dense 1 tanh>;
}

fn main() {
    let mut net = Controller::zeroed();
    let _ = net.forward(&[0.0, 1.0]);
    net.train_step(&[0.0, 1.0], &[1.0], 0.1);
}
