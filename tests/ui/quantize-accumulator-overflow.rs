use mlp::network;

network! {
    #[weights("../fixtures/quant/tanh_linear.safetensors")]
    // Inputs near 10^6 with a width of 1: the folded zero points need a
    // bias far beyond 32 bits.
    #[quantize(NetI16, activations = i16, input = [1000000.0..1000001.0])]
    struct Net<input 2, dense 8 tanh, dense 1 linear>;
}

fn main() {}
