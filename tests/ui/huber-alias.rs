use mlp::network;

network! {
    struct Net<input 2, dense 1 linear, loss smooth_l1>;
}

fn main() {}
