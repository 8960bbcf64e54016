use mlp::network;

network! {
    struct Classifier<input 4, dense 8 relu, dense 3 softmax, loss bce>;
}

fn main() {}
