//! `mlp::Chain`: two networks as one. A chain of A and B must be, number
//! for number, the one network declared with A's layers then B's: its flat
//! view, every gradient method, one optimiser step over both, `init`, its
//! weight files; frozen parts stay frozen, and nesting chains works.

use crate::common::{random_net, rng, uniform};
use mlp::optim::{Adam, Optimizer};
use mlp::{network, Chain, Params};

network! {
    #[scalar(f64)] pub struct A<input 3, dense 4 tanh>;
    #[scalar(f64)] pub struct B<input 4, dense 2 sigmoid, loss bce>;
    #[scalar(f64)] pub struct C<input 3, dense 4 tanh, dense 2 sigmoid, loss bce>;
    #[scalar(f64)] pub struct AFrozen<input 3, dense 4 tanh frozen>;
    #[scalar(f64)] pub struct CFrozen<input 3, dense 4 tanh frozen, dense 2 sigmoid, loss bce>;
    #[scalar(f64)] pub struct D<input 2, dense 1 linear>;
    #[scalar(f64)] pub struct E<input 3, dense 4 tanh, dense 2 sigmoid, dense 1 linear>;
    // Looped layers, so 64-byte-aligned structs: A's 16 parameters are 128
    // bytes (no padding), B's 10 are 80 (48 bytes of padding after them).
    #[unroll(never)] #[scalar(f64)] pub struct ALooped<input 3, dense 4 tanh>;
    #[unroll(never)] #[scalar(f64)] pub struct BLooped<input 4, dense 2 sigmoid>;
    #[unroll(never)] #[scalar(f64)] pub struct CLooped<input 3, dense 4 tanh, dense 2 sigmoid>;
}

type Ab = Chain<A, B, 4>;

/// C's weights split into A's and B's.
fn split(c: &C) -> Ab {
    Chain::new(A { w1: c.w1, b1: c.b1 }, B { w1: c.w2, b1: c.b2 })
}

fn inputs(seed: u64) -> ([f64; 3], [f64; 2]) {
    let mut rng = rng(seed);
    let x = core::array::from_fn(|_| uniform(&mut rng, -1.5, 1.5));
    let dy = core::array::from_fn(|_| uniform(&mut rng, -1.0, 1.0));
    (x, dy)
}

#[test]
fn a_chain_is_the_network_with_all_its_layers() {
    assert_eq!(Ab::PARAMS, C::PARAMS);
    assert_eq!(Ab::LAYER_SHAPES, C::LAYER_SHAPES);
    assert_eq!(
        Ab::DECLARATION,
        "input 3, dense 4 tanh, then input 4, dense 2 sigmoid, loss bce"
    );
    let mut rng = rng(1);
    for seed in 0..5 {
        let c: C = random_net(&mut rng);
        let ab = split(&c);
        assert_eq!(ab.params(), c.params(), "the flat view: A's, then B's");
        let (x, dy) = inputs(seed);
        assert_eq!(ab.forward(&x), c.forward(&x));

        let (mut g_ab, mut g_c) = (Ab::zeroed(), C::zeroed());
        let dx = ab.backward_from(&x, &dy, &mut g_ab);
        assert_eq!(dx, c.backward_from(&x, &dy, &mut g_c));
        assert_eq!(g_ab.params(), g_c.params());
        assert_eq!(ab.input_gradient(&x, &dy), c.input_gradient(&x, &dy));
        let (mut w_ab, mut w_c) = (Ab::zeroed(), C::zeroed());
        let half = |y: &[f64; 2]| y.map(|v| 0.5 * v);
        let dx = ab.backward_with(&x, &mut w_ab, half);
        assert_eq!(dx, c.backward_with(&x, &mut w_c, half));
        assert_eq!(w_ab.params(), w_c.params());
        assert_eq!(
            ab.input_gradient_with(&x, half),
            c.input_gradient_with(&x, half)
        );

        let xs: [[f64; 3]; 5] = core::array::from_fn(|k| inputs(seed * 10 + k as u64).0);
        let dys: [[f64; 2]; 5] = core::array::from_fn(|k| inputs(seed * 10 + k as u64).1);
        let (mut g_ab, mut g_c) = (Ab::zeroed(), C::zeroed());
        let dxs = ab.backward_from_batch(&xs, &dys, &mut g_ab);
        assert_eq!(dxs, c.backward_from_batch(&xs, &dys, &mut g_c));
        assert_eq!(g_ab.params(), g_c.params());
    }
}

/// Through the trait impls, as generic code sees a chain: every gradient
/// method against finite differences, frozen part included.
#[test]
fn finite_differences_through_a_chain() {
    use crate::gradient::vjp_check;
    let worst = vjp_check::<Ab, 3, 2>(11)
        .max(vjp_check::<Chain<AFrozen, B, 4>, 3, 2>(12))
        .max(vjp_check::<Chain<Ab, D, 2>, 3, 1>(13));
    assert!(worst < 1e-6, "worst relative error {worst:e}");
}

/// One Adam over the chain steps both networks exactly as it steps C.
#[test]
fn one_optimiser_steps_both_networks() {
    let c: C = random_net(&mut rng(2));
    let (mut ab, mut c) = (split(&c), c);
    let (mut adam_ab, mut adam_c) = (Adam::<Ab>::new(0.01), Adam::<C>::new(0.01));
    for seed in 0..20 {
        let (x, dy) = inputs(100 + seed);
        let (mut g_ab, mut g_c) = (Ab::zeroed(), C::zeroed());
        ab.backward_from(&x, &dy, &mut g_ab);
        c.backward_from(&x, &dy, &mut g_c);
        adam_ab.step(&mut ab, &g_ab);
        adam_c.step(&mut c, &g_c);
    }
    assert_eq!(ab.params(), c.params());
    assert_ne!(
        ab.first.w1,
        split(&random_net(&mut rng(2))).first.w1,
        "A moved"
    );
    assert_ne!(
        ab.second.w1,
        split(&random_net(&mut rng(2))).second.w1,
        "B moved"
    );
}

#[test]
fn init_draws_as_the_one_network_does() {
    let mut ab = Ab::zeroed();
    ab.init(&mut rng(3));
    assert_eq!(ab.params(), C::new(&mut rng(3)).params());
}

#[test]
fn a_frozen_part_stays_frozen() {
    type Frozen = Chain<AFrozen, B, 4>;
    assert_eq!(
        Frozen::trainable().collect::<Vec<_>>(),
        CFrozen::trainable().collect::<Vec<_>>()
    );
    assert_eq!(Frozen::trainable().collect::<Vec<_>>(), vec![16..26]);
    let mut net: Frozen = random_net(&mut rng(4));
    let first = net.first.clone();
    let mut adam = Adam::new(0.1);
    let (x, dy) = inputs(5);
    let mut grad = Frozen::zeroed();
    let dx = net.backward_from(&x, &dy, &mut grad);
    assert!(
        dx.iter().any(|&g| g != 0.0),
        "dx flows through the frozen part"
    );
    assert!(grad.first.params().iter().all(|&g| g == 0.0));
    adam.step(&mut net, &grad);
    assert_eq!(net.first, first);
}

/// A chain of a chain: three networks as one.
#[test]
fn chains_nest() {
    type Abd = Chain<Ab, D, 2>;
    assert_eq!(Abd::LAYER_SHAPES, E::LAYER_SHAPES);
    let e: E = random_net(&mut rng(6));
    let abd = Abd::new(
        Chain::new(A { w1: e.w1, b1: e.b1 }, B { w1: e.w2, b1: e.b2 }),
        D { w1: e.w3, b1: e.b3 },
    );
    assert_eq!(abd.params(), e.params());
    let (x, _) = inputs(7);
    let (mut g_abd, mut g_e) = (Abd::zeroed(), E::zeroed());
    let dx = abd.backward_from(&x, &[0.5], &mut g_abd);
    assert_eq!(dx, e.backward_from(&x, &[0.5], &mut g_e));
    assert_eq!(g_abd.params(), g_e.params());
}

/// 64-byte-aligned parts whose layout allows a flat view: A's parameters
/// fill whole cache lines, B's padding is at the end.
#[test]
fn aligned_parts_chain_when_no_padding_lies_between() {
    type Looped = Chain<ALooped, BLooped, 4>;
    assert_eq!(core::mem::align_of::<ALooped>(), 64);
    assert_eq!(core::mem::size_of::<ALooped>(), 16 * 8);
    let c: CLooped = random_net(&mut rng(8));
    let chain = Looped::new(
        ALooped { w1: c.w1, b1: c.b1 },
        BLooped { w1: c.w2, b1: c.b2 },
    );
    assert_eq!(chain.params(), c.params());
    let (x, dy) = inputs(9);
    let (mut g_chain, mut g_c) = (Looped::zeroed(), CLooped::zeroed());
    chain.backward_from(&x, &dy, &mut g_chain);
    c.backward_from(&x, &dy, &mut g_c);
    assert_eq!(g_chain.params(), g_c.params());
}

/// A chain's weight file is the one network's, both ways.
#[test]
fn a_chains_weight_file_is_the_one_networks() {
    let c: C = random_net(&mut rng(10));
    let ab = split(&c);
    let from_chain: C = mlp::weights::from_slice(&mlp::weights::to_vec(&ab)).expect("C reads it");
    assert_eq!(from_chain, c);
    let from_c: Ab = mlp::weights::from_slice(&mlp::weights::to_vec(&c)).expect("a chain reads it");
    assert_eq!(from_c, ab);
    // Another split of the same layers is another network.
    let wrong = mlp::weights::from_slice::<Chain<A, D, 4>>(&mlp::weights::to_vec(&c));
    assert!(wrong.is_err());
}

network! {
    #[scalar(f64)] pub struct SigmoidBce<input 3, dense 5 tanh, dense 2 sigmoid, loss bce>;
    #[scalar(f64)] pub struct SoftmaxCe<input 3, dense 5 relu, dense 3 softmax, loss ce>;
    #[scalar(f64)] pub struct LinearMse<input 2, dense 4 elu, dense 2 linear, loss mse>;
    #[scalar(f64)] pub struct HuberNet<input 2, dense 6 softsign, dense 1 linear, loss huber(0.3)>;
    #[scalar(f64)] pub struct FrozenSse<input 3, dense 4 tanh frozen, dense 2 sigmoid, loss sse>;
    #[unroll(never)] #[scalar(f64)]
    pub struct WideCe<input 24, dense 12 sigmoid, dense 3 softmax, loss ce>;
}

/// `loss_input_gradient` against central differences of `loss` in x.
fn loss_dx_error<N, const IN: usize, const OUT: usize>(seed: u64, d: [f64; OUT]) -> f64
where
    N: mlp::LossInputGradient<IN, OUT, Scalar = f64>,
{
    let mut rng = rng(seed);
    let mut worst = 0.0f64;
    for _ in 0..3 {
        let net: N = random_net(&mut rng);
        let x: [f64; IN] = core::array::from_fn(|_| uniform(&mut rng, -1.5, 1.5));
        let dx = net.loss_input_gradient(&x, &d);
        // Both from one forward pass: the two methods' values, bit for bit.
        let (mut one_pass, mut two_calls) = (N::zeroed(), N::zeroed());
        let (loss, dx_too) = net.backward_and_input_gradient(&x, &d, &mut one_pass);
        assert_eq!(loss, net.backward(&x, &d, &mut two_calls));
        assert_eq!(dx_too, dx);
        assert_eq!(one_pass.params(), two_calls.params());
        // An SGD step's: train_step's loss and weights, and the dx before it.
        let (mut stepped, mut twice) = (net.clone(), net.clone());
        let (loss, dx_before) = stepped.train_step_and_input_gradient(&x, &d, 0.1);
        assert_eq!(loss, twice.train_step(&x, &d, 0.1));
        assert_eq!(dx_before, dx);
        assert_eq!(stepped.params(), twice.params());
        // The batch's: backward_batch's loss and gradient, bit for bit, and
        // each sample's dx / B up to the order of the batch's sums.
        let xs = [x, x.map(|v| 0.5 - v), x.map(|v| -v)];
        let ds = [d; 3];
        let (mut one_pass, mut two_calls) = (N::zeroed(), N::zeroed());
        let (loss, dxs) = net.backward_batch_and_input_gradients(&xs, &ds, &mut one_pass);
        assert_eq!(loss, net.backward_batch(&xs, &ds, &mut two_calls));
        assert_eq!(one_pass.params(), two_calls.params());
        for (dx, x) in dxs.iter().zip(&xs) {
            let alone = net.loss_input_gradient(x, &d);
            for (a, b) in dx.iter().zip(alone) {
                let b = b / 3.0;
                assert!(
                    (a - b).abs() <= 1e-12 * b.abs().max(1e-6),
                    "{a} against {b} / 3"
                );
            }
        }
        let scale = dx.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        for j in 0..IN {
            let (mut up, mut down) = (x, x);
            let eps = 1e-6;
            up[j] += eps;
            down[j] -= eps;
            let numeric = (net.loss(&up, &d) - net.loss(&down, &d)) / (2.0 * eps);
            let err = (dx[j] - numeric).abs()
                / dx[j].abs().max(numeric.abs()).max(1e-3 * scale).max(1e-300);
            worst = worst.max(err);
        }
    }
    worst
}

/// The generated `loss_input_gradient`, for each kind of output δ, a
/// frozen first layer (dx flows through it) and a looped first layer.
#[test]
fn loss_input_gradient_matches_finite_differences() {
    let errors = [
        loss_dx_error::<SigmoidBce, 3, 2>(20, [1.0, 0.0]),
        loss_dx_error::<SoftmaxCe, 3, 3>(21, [0.0, 1.0, 0.0]),
        loss_dx_error::<LinearMse, 2, 2>(22, [0.3, -0.7]),
        loss_dx_error::<HuberNet, 2, 1>(23, [0.2]),
        loss_dx_error::<FrozenSse, 3, 2>(24, [0.5, 0.1]),
        loss_dx_error::<WideCe, 24, 3>(25, [0.0, 0.0, 1.0]),
    ];
    for (k, e) in errors.iter().enumerate() {
        assert!(*e < 1e-6, "network {k}: worst relative error {e:e}");
    }
    // And it is `backward_from`'s dx for dy = ∂L/∂y (bce: (y − d)/(y(1 − y))).
    let net: SigmoidBce = random_net(&mut rng(26));
    let (x, d) = ([0.3, -0.2, 0.9], [1.0, 0.0]);
    let y = net.forward(&x);
    let dy: [f64; 2] = core::array::from_fn(|k| (y[k] - d[k]) / (y[k] * (1.0 - y[k])));
    let (a, b) = (net.loss_input_gradient(&x, &d), net.input_gradient(&x, &dy));
    for k in 0..3 {
        assert!(
            (a[k] - b[k]).abs() <= 1e-12 * a[k].abs().max(1e-3),
            "{a:?} {b:?}"
        );
    }
}

/// A chain whose last part has a loss trains on it: loss, `backward`,
/// `backward_batch`, `loss_input_gradient` and `train_step` as the one
/// network's.
#[test]
fn a_chain_trains_on_its_last_parts_loss() {
    let mut rng = rng(30);
    for seed in 0..5 {
        let c: C = random_net(&mut rng);
        let ab = split(&c);
        let (x, _) = inputs(40 + seed);
        let d = [1.0, 0.0];
        assert_eq!(ab.loss(&x, &d), c.loss(&x, &d));
        let (mut g_ab, mut g_c) = (Ab::zeroed(), C::zeroed());
        assert_eq!(ab.backward(&x, &d, &mut g_ab), c.backward(&x, &d, &mut g_c));
        assert_eq!(g_ab.params(), g_c.params());
        assert_eq!(
            ab.loss_input_gradient(&x, &d),
            c.loss_input_gradient(&x, &d)
        );
        let (mut g_ab, mut g_c) = (Ab::zeroed(), C::zeroed());
        assert_eq!(
            ab.backward_and_input_gradient(&x, &d, &mut g_ab),
            c.backward_and_input_gradient(&x, &d, &mut g_c)
        );
        assert_eq!(g_ab.params(), g_c.params());

        // The batch: the mean, summed in another order than one by one.
        let xs: [[f64; 3]; 6] = core::array::from_fn(|k| inputs(50 + seed * 10 + k as u64).0);
        let ds: [[f64; 2]; 6] = core::array::from_fn(|k| [(k % 2) as f64, ((k + 1) % 2) as f64]);
        let (mut g_ab, mut g_c) = (Ab::zeroed(), C::zeroed());
        let (l_ab, l_c) = (
            ab.backward_batch(&xs, &ds, &mut g_ab),
            c.backward_batch(&xs, &ds, &mut g_c),
        );
        assert!((l_ab - l_c).abs() <= 1e-12 * l_c.abs());
        let worst = g_ab
            .params()
            .iter()
            .zip(g_c.params())
            .map(|(a, b)| (a - b).abs() / a.abs().max(b.abs()).max(1e-9))
            .fold(0.0, f64::max);
        assert!(worst < 1e-12, "batch gradients differ by {worst:e}");
        let (mut g_ab, mut g_c) = (Ab::zeroed(), C::zeroed());
        let ((l_ab, dx_ab), (l_c, dx_c)) = (
            ab.backward_batch_and_input_gradients(&xs, &ds, &mut g_ab),
            c.backward_batch_and_input_gradients(&xs, &ds, &mut g_c),
        );
        assert!((l_ab - l_c).abs() <= 1e-12 * l_c.abs());
        for (a, b) in dx_ab.as_flattened().iter().zip(dx_c.as_flattened()) {
            assert!(
                (a - b).abs() <= 1e-12 * b.abs().max(1e-6),
                "{a} against {b}"
            );
        }
        // An empty batch: no loss, no gradient.
        let mut g_empty = Ab::zeroed();
        assert_eq!(ab.backward_batch(&[], &[], &mut g_empty), 0.0);
        assert!(g_empty.params().iter().all(|&g| g == 0.0));

        // SGD: the same step up to the rounding of lr·g (w − lr·g against
        // w − (lr·δ)·x).
        let (mut ab, mut c) = (ab, c);
        assert_eq!(ab.train_step(&x, &d, 0.1), c.train_step(&x, &d, 0.1));
        for (a, b) in ab.params().iter().zip(c.params()) {
            assert!((a - b).abs() <= 1e-15 * a.abs().max(1.0), "{a} against {b}");
        }
    }
}

/// `Fit` trains a chain as any network: XOR through an encoder and a head,
/// with the encoder's layer from one network and the loss in another.
#[test]
fn fit_trains_a_chain() {
    use mlp::train::{Control, Data, Fit};
    network! {
        #[scalar(f64)] struct XorEncoder<input 2, dense 8 tanh>;
        #[scalar(f64)] struct XorHead<input 8, dense 1 sigmoid, loss bce>;
    }
    type Xor = Chain<XorEncoder, XorHead, 8>;
    let xs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let ds = [[0.0], [1.0], [1.0], [0.0]];
    let mut r = rng(31);
    let mut net = Xor::zeroed();
    net.init(&mut r);
    let mut adam = Adam::new(0.05);
    Fit::new(Data::new(&xs, &ds))
        .epochs(500)
        .batch_size(4)
        .run(&mut net, &mut adam, &mut r, |_| Control::Continue)
        .expect("valid data");
    for (x, d) in xs.iter().zip(&ds) {
        assert!(
            (net.forward(x)[0] - d[0]).abs() < 0.1,
            "{x:?}: {:?}",
            net.forward(x)
        );
    }
}
