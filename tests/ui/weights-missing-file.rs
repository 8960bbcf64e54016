use mlp::network;

network! {
    #[weights("tests/fixtures/no-such-file.safetensors")]
    struct Net<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>;
}

fn main() {
    let _ = Net::TRAINED;
}
