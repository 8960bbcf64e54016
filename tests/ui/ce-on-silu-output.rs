use mlp::network;

network! {
    struct Net<input 2, dense 4 relu, dense 3 silu, loss ce>;
}

fn main() {}
