use mlp::network;

network! {
    struct Net<input 2, dense 4 relu, dense 1 softmax, loss ce>;
}

fn main() {}
