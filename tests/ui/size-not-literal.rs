use mlp::network;

network! {
    struct Net<input N, dense 4 relu, dense 1 sigmoid, loss bce>;
}

fn main() {}
