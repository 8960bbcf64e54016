use mlp::network;

network! {
    struct Classifier<input 4, dense 3 softmax, loss bce>;

    #[weights("no-such-file.safetensors")]
    #[quantize(SineI8, input = [0.0..6.3])]
    struct Sine<input 1, dense 8 relu, dense 1 linear>;
}

fn generic<N: mlp::Trainable<4, 3> + mlp::Params<Scalar = f32>>(net: &N) -> f32 {
    net.loss(&[0.0; 4], &[0.0; 3])
}

// Code using the broken networks reports nothing beyond the declarations'
// errors: no type errors, no unreachable-code or unused warnings.
fn main() {
    let mut net = Classifier::zeroed();
    let y: [f32; 3] = net.forward(&[0.0; 4]);
    let _ = net.train_step(&[0.0; 4], &y, 0.1);
    let _ = generic(&net);
    let codes: [i8; 1] = SineI8::TRAINED.forward(&SineI8::quantize(&[1.0]));
    let _ = (SineI8::dequantize(&codes), SineI8::ERROR_BOUND, Sine::TRAINED.forward(&[1.0]));
}
