use mlp::network;

network! {
    // A PyTorch Sequential(Linear(2, 4), Tanh(), Linear(4, 1), Sigmoid()).
    // trybuild compiles this in target/tests/trybuild/mlp, whose Cargo.toml is
    // the CARGO_MANIFEST_DIR the path is relative to.
    #[weights("../interop/sequential_f32.safetensors")]
    struct Net<input 2, dense 3 tanh, dense 1 sigmoid, loss bce>;
}

fn main() {
    let _ = Net::TRAINED;
}
