use mlp::network;

network! {
    struct Signs<input 2, dense 3 sign, dense 1 linear>;
}

fn main() {
    let net = Signs::zeroed();
    let mut grad = Signs::zeroed();
    let _ = net.backward_with(&[0.0; 2], &mut grad, |y: &[f32; 1]| [y[0] - 1.0]);
}
