use mlp::network;

network! {
    #[weights("../fixtures/quant/tanh_linear.safetensors")]
    #[quantize(NetI8, input = [0.0..1e999])]
    struct Net<input 2, dense 8 tanh, dense 1 linear>;
}

fn main() {}
