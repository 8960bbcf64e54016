use mlp::network;

network! {
    struct Net<dense 4 relu, input 2, dense 1 sigmoid, loss bce>;
}

fn main() {}
