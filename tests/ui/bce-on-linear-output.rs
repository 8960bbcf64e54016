use mlp::network;

network! {
    struct Logits<input 2, dense 1 linear, loss bce>;
}

fn main() {}
