use mlp::network;

network! {
    struct Net<input 2, dense 4 leaky_relu(alpha), dense 1 sigmoid, loss bce>;
}

fn main() {}
