use mlp::network;

network! {
    struct Net<input 2, dense 100000 relu, dense 1 sigmoid, loss bce>;
}

fn main() {}
