use mlp::network;

network! {
    struct Net<input 2, dense 0 relu, dense 1 sigmoid, loss bce>;
}

fn main() {}
