use mlp::network;

network! {
    struct Net<input 2, dense 4 elu(-1.0), dense 1 sigmoid, loss bce>;
}

fn main() {}
