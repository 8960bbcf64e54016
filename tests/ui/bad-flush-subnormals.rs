use mlp::network;

network! {
    #[flush_subnormals(always)]
    struct Net<input 2, dense 1 sigmoid, loss bce>;
    #[flush_subnormals]
    #[flush_subnormals]
    struct Twice<input 2, dense 1 sigmoid, loss bce>;
}

fn main() {}
