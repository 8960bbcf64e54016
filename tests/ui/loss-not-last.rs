use mlp::network;

network! {
    struct Net<input 2, dense 4 relu, loss bce, dense 1 sigmoid>;
}

fn main() {}
