use mlp::network;

network! {
    struct Net<input 2, dense 4 softmax, dense 3 softmax, loss ce>;
}

fn main() {}
