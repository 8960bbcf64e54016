use mlp::network;

network! {
    struct Perceptron<input 2, dense 1 sign, loss mse>;
}

fn main() {}
