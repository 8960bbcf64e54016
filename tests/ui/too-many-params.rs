use mlp::network;

network! {
    struct Net<input 60000, dense 60000 relu, dense 1 sigmoid, loss bce>;
}

fn main() {}
