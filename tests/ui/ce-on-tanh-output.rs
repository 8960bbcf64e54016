use mlp::network;

network! {
    struct Scores<input 2, dense 3 tanh, loss ce>;
}

fn main() {}
