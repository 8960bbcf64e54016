use mlp::network;

network! {
    struct Classifier<input 4, dense 3 softmax, loss bce>;
}

// Code using the broken network reports nothing beyond the declaration's error.
fn main() {
    let mut net = Classifier::zeroed();
    let y: [f32; 3] = net.forward(&[0.0; 4]);
    let _ = net.train_step(&[0.0; 4], &y, 0.1);
}
