use mlp::network;

network! {
    struct Perceptron<input 2, dense 4 step, dense 1 sigmoid, loss bce>;
}

fn main() {}
