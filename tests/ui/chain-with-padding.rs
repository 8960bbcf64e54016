use mlp::{network, Chain, Params};

network! {
    // 9 parameters (36 bytes), then a part aligned to 64 bytes: padding
    // between them, so the chain has no flat view.
    pub struct Encoder<input 2, dense 3 tanh>;
    #[unroll(never)] pub struct Head<input 3, dense 2 sigmoid>;
}

fn main() {
    let chain = Chain::<Encoder, Head, 3>::zeroed();
    println!("{}", chain.params().len());
}
