use mlp::network;

network! {
    #[weights("../fixtures/quant/gelu_softmax.safetensors")]
    // gelu is nearly linear for large inputs: over this box the logits
    // reach far beyond what the integer softmax holds in Q16.
    #[quantize(NetI8, input = [0.0..100000.0])]
    struct Net<input 2, dense 8 gelu, dense 3 softmax>;
}

fn main() {}
