use mlp::network;

network! {
    // A half-precision export, as `model.half()` in PyTorch saves it.
    // trybuild compiles this in target/tests/trybuild/mlp, whose Cargo.toml is
    // the CARGO_MANIFEST_DIR the path is relative to.
    #[weights("../fixtures/f16.safetensors")]
    struct Net<input 2, dense 1 linear>;
}

fn main() {
    let _ = Net::TRAINED;
}
