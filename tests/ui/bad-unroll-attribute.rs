use mlp::network;

network! {
    #[unroll(sometimes)]
    struct Net<input 2, dense 1 sigmoid, loss bce>;
}

fn main() {}
