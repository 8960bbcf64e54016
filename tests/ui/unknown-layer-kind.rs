use mlp::network;

network! {
    struct Net<input 2, dens 4 relu, dense 1 sigmoid, loss bce>;
}

fn main() {}
