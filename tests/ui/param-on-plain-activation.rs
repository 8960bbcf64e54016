use mlp::network;

network! {
    struct Net<input 2, dense 4 relu(0.1), dense 1 sigmoid, loss bce>;
}

fn main() {}
