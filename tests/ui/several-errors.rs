use mlp::network;

network! {
    struct Net<input 2, dense 0 relu, dense 4 rleu, dense 3 softmax, loss bce>;
}

fn main() {}
