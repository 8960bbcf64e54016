use mlp::network;

network! {
    struct Net<input 2, loss mse>;
}

fn main() {}
