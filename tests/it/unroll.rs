//! `#[unroll(..)]` changes how code is written, not what it computes: the
//! same network unrolled statement by statement and as loops gives
//! bit-identical outputs, losses, gradients and steps: the unrolled dot
//! product is written in the order the runtime's looped `linalg::dot` adds
//! (four partial sums over j mod 4, then the tail), whatever the fan-in.

use crate::common;

use mlp::{network, Params};

network! {
    #[unroll(always)]
    #[scalar(f64)]
    struct Unrolled<input 5, dense 12 tanh, dense 9 softplus, dense 4 softmax, loss sse>;
    #[unroll(never)]
    #[scalar(f64)]
    struct Looped<input 5, dense 12 tanh, dense 9 softplus, dense 4 softmax, loss sse>;
    #[unroll(max_weights = 60)]
    #[scalar(f64)]
    struct Mixed<input 5, dense 12 tanh, dense 9 softplus, dense 4 softmax, loss sse>;
    #[unroll(never)]
    struct LoopedBce<input 3, dense 7 relu, dense 2 sigmoid, loss bce>;
    struct UnrolledBce<input 3, dense 7 relu, dense 2 sigmoid, loss bce>;
    // Fan-ins 23 and 18: several chunks of four and a tail.
    #[unroll(always)]
    struct UnrolledWide<input 23, dense 18 tanh, dense 3 sigmoid, loss sse>;
    #[unroll(never)]
    struct LoopedWide<input 23, dense 18 tanh, dense 3 sigmoid, loss sse>;
}

fn copy<A: Params<Scalar = f64>, B: Params<Scalar = f64>>(from: &A) -> B {
    let mut to = B::zeroed();
    to.params_mut().copy_from_slice(from.params());
    to
}

#[test]
fn loops_and_straight_line_code_agree_exactly() {
    let mut rng = common::rng(9);
    for _ in 0..5 {
        let a: Unrolled = common::random_net(&mut rng);
        let (b, c): (Looped, Mixed) = (copy(&a), copy(&a));
        let x: [f64; 5] = core::array::from_fn(|_| common::uniform(&mut rng, -1.0, 1.0));
        let d = common::targets::<4>(&mut rng, common::Targets::Real);
        assert_eq!(a.forward(&x), b.forward(&x));
        assert_eq!(a.forward(&x), c.forward(&x));
        assert_eq!(a.loss(&x, &d), b.loss(&x, &d));
        let (mut ga, mut gb, mut gc) = (Unrolled::zeroed(), Looped::zeroed(), Mixed::zeroed());
        a.backward(&x, &d, &mut ga);
        b.backward(&x, &d, &mut gb);
        c.backward(&x, &d, &mut gc);
        assert_eq!(ga.params(), gb.params());
        assert_eq!(ga.params(), gc.params());
        let (mut a2, mut b2) = (a.clone(), b.clone());
        a2.train_step(&x, &d, 0.1);
        b2.train_step(&x, &d, 0.1);
        assert_eq!(a2.params(), b2.params());
    }
}

#[test]
fn looped_f32_bce_agrees() {
    let mut rng = common::rng(10);
    let mut a = UnrolledBce::new(&mut rng);
    let mut b = LoopedBce::zeroed();
    b.params_mut().copy_from_slice(a.params());
    for step in 0..20 {
        let x = [0.1 * step as f32, -0.5, 1.0];
        let d = [1.0, 0.0];
        assert_eq!(a.train_step(&x, &d, 0.05), b.train_step(&x, &d, 0.05));
    }
    assert_eq!(a.params(), b.params());
}

#[test]
fn wide_fan_ins_agree_exactly() {
    let mut rng = common::rng(11);
    let mut a = UnrolledWide::new(&mut rng);
    let mut b = LoopedWide::zeroed();
    b.params_mut().copy_from_slice(a.params());
    for step in 0..20 {
        let x: [f32; 23] = core::array::from_fn(|j| ((j * 7 + step) % 11) as f32 / 5.0 - 1.0);
        let d = [1.0, 0.0, 0.5];
        assert_eq!(a.forward(&x), b.forward(&x));
        assert_eq!(a.train_step(&x, &d, 0.05), b.train_step(&x, &d, 0.05));
    }
    assert_eq!(a.params(), b.params());
}
