use mlp::network;

network! {
    /// Learns XOR.
    pub struct Xor<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;
    #[scalar(f64)]
    struct Big<input 20, dense 30 tanh, dense 4 softmax, loss ce>;
    struct Inference<input 3, dense 2 step, dense 2 sign>;
}

#[test]
fn it_compiles() {
    let net = Xor::zeroed();
    assert_eq!(net.forward(&[1.0, 0.0]), [0.5]);
    assert_eq!(Xor::PARAMS, 9);
    let b = Big::zeroed();
    assert_eq!(b.forward(&[0.0; 20]), [0.25; 4]);
    assert_eq!(Inference::zeroed().forward(&[1.0; 3]), [-1.0, -1.0]);
}
