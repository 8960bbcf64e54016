use mlp::network;

network! {
    struct Net<input 2, dense 4 rleu, dense 1 sigmoid, loss bce>;
}

fn main() {}
