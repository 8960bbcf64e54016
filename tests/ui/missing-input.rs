use mlp::network;

network! {
    struct Net<dense 4 relu, dense 1 sigmoid, loss bce>;
}

fn main() {}
