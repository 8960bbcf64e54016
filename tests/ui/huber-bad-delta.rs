use mlp::network;

network! {
    struct Zero<input 2, dense 1 linear, loss huber(0)>;
    struct Negative<input 2, dense 1 linear, loss huber(-1.5)>;
    struct NotALiteral<input 2, dense 1 linear, loss huber(delta)>;
    struct NoParameter<input 2, dense 1 linear, loss mse(0.5)>;
}

fn main() {}
