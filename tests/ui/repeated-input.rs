use mlp::network;

network! {
    struct Net<input 2, input 3, dense 1 sigmoid, loss bce>;
}

fn main() {}
