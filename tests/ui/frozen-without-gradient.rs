use mlp::network;

network! {
    struct Net<input 2, dense 4 tanh frozen, dense 2 sign>;
}

fn main() {}
