use mlp::network;

network! {
    #[scalr(f64)]
    struct Net<input 2, dense 1 sigmoid, loss bce>;
}

fn main() {}
