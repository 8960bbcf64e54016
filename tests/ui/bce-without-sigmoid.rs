use mlp::network;

network! {
    struct Regressor<input 2, dense 4 tanh, dense 1 relu, loss bce>;
}

fn main() {}
