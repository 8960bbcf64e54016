use mlp::network;

network! {
    pub Net<input 2, dense 1 sigmoid, loss bce>;
}

fn main() {}
