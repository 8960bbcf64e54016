use mlp::network;

network! {
    struct Net<input 2, dense 4 relu, dense 1 sigmoid, loss binary_crossentropy>;
}

fn main() {}
