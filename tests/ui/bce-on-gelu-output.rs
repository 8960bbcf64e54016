use mlp::network;

network! {
    struct Net<input 2, dense 4 relu, dense 1 gelu, loss bce>;
}

fn main() {}
