//! Optimiser update rules against values worked out by hand for three
//! steps, on a two-parameter "network" (w, b) fed fixed gradients.
//!
//! Gradients: step 1 (0.5, -1.0), step 2 (-0.25, 2.0), step 3 (1.0, 0.5);
//! start (w, b) = (1.0, -2.0); learning rate 0.1. Each expected value is
//! worked by hand below (first parameter) and cross-checked with a direct
//! Python transcription of the textbook rules (PyTorch's conventions).

use mlp::network;
use mlp::optim::{Adam, Optimizer, Rprop, Sgd};

network! {
    #[scalar(f64)]
    struct Two<input 1, dense 1 linear, loss mse>;
}

const GRADS: [(f64, f64); 3] = [(0.5, -1.0), (-0.25, 2.0), (1.0, 0.5)];

fn run(opt: &mut impl Optimizer<Two>) -> (f64, f64) {
    let mut net = Two::zeroed();
    net.w1 = [[1.0]];
    net.b1 = [-2.0];
    for (gw, gb) in GRADS {
        let mut grad = Two::zeroed();
        grad.w1 = [[gw]];
        grad.b1 = [gb];
        opt.step(&mut net, &grad);
    }
    (net.w1[0][0], net.b1[0])
}

fn assert_close(got: (f64, f64), want: (f64, f64)) {
    assert!(
        (got.0 - want.0).abs() < 1e-12 && (got.1 - want.1).abs() < 1e-12,
        "got {got:?}, want {want:?}"
    );
}

#[test]
fn sgd() {
    // w: 1 − 0.1·(0.5 − 0.25 + 1.0) = 0.875; b: −2 − 0.1·(−1 + 2 + 0.5) = −2.15
    assert_close(run(&mut Sgd::new(0.1)), (0.875, -2.15));
}

#[test]
fn sgd_momentum() {
    // v = 0.5 → w = 0.95; v = 0.45 − 0.25 = 0.2 → w = 0.93; v = 0.18 + 1 = 1.18 → w = 0.812
    assert_close(run(&mut Sgd::new(0.1).momentum(0.9)), (0.812, -2.159));
}

#[test]
fn sgd_nesterov() {
    // v = 0.5, u = 0.5 + 0.45 = 0.95 → w = 0.905;
    // v = 0.2, u = −0.25 + 0.18 = −0.07 → w = 0.912;
    // v = 1.18, u = 1 + 1.062 = 2.062 → w = 0.7058
    assert_close(run(&mut Sgd::new(0.1).nesterov(0.9)), (0.7058, -2.2931));
}

#[test]
fn sgd_weight_decay() {
    // g = 0.5 + 0.1·1 = 0.6 → w = 0.94; g = −0.25 + 0.094 = −0.156 → w = 0.9556;
    // g = 1 + 0.09556 = 1.09556 → w = 0.846044
    assert_close(
        run(&mut Sgd::new(0.1).weight_decay(0.1)),
        (0.846_044, -2.090_588),
    );
}

#[test]
fn adam() {
    // t=1: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25 → w = 1 − 0.1·0.5/0.5 = 0.9
    // t=2: m = 0.02, v = 0.00031225, m̂ = 0.02/0.19, v̂ = 0.00031225/0.001999
    //      → step 0.1·0.105263/0.395225 = 0.026633 → w = 0.873367
    // t=3: m = 0.118, v = 0.001311937..., → w = 0.807555...
    assert_close(
        run(&mut Adam::new(0.1)),
        (0.807_555_139_677_089_8, -1.978_175_473_146_773_8),
    );
}

#[test]
fn adamw() {
    // As Adam, with w ← w − 0.1·0.01·w before each update.
    assert_close(
        run(&mut Adam::adamw(0.1, 0.01)),
        (0.804_784_672_376_384, -1.972_344_760_792_302_6),
    );
}

#[test]
fn rprop_irprop_minus() {
    let mut opt = Rprop::with_initial_step(0.1);
    // w: g 0.5 (no history) → Δ 0.1, w = 0.9; g −0.25 (flip) → Δ 0.05, g := 0,
    //    no move; g 1.0 (history 0) → Δ 0.05, w = 0.85.
    // b: g −1 → Δ 0.1, b = −1.9; g 2 (flip) → Δ 0.05, no move; g 0.5 → b = −1.95.
    assert_close(run(&mut opt), (0.85, -1.95));
    let mut grow = Rprop::with_initial_step(0.1);
    let mut net = Two::zeroed();
    let mut grad = Two::zeroed();
    grad.w1 = [[1.0]];
    grad.b1 = [-1.0];
    for _ in 0..3 {
        grow.step(&mut net, &grad);
    }
    // Same sign throughout: steps 0.1, 0.12, 0.144.
    assert_close((net.w1[0][0], net.b1[0]), (-0.364, 0.364));
}

network! {
    /// Looped layers (37 × 40 > the unrolling limit) with fan-ins that
    /// leave tails at every vector width, and an activation wide enough
    /// to be dispatched.
    struct Wide<input 37, dense 40 tanh, dense 5 sigmoid, loss sse>;
}

/// Every optimiser, `forward`, `train_step`, `backward`, `backward_from`,
/// `forward_batch` and `backward_batch` give the same bits at every instruction
/// set the dispatch can choose (those this CPU lacks are skipped, with a
/// message): the run-time choice changes speed, never results.
#[test]
fn every_simd_level_gives_the_same_bits() {
    use mlp::rand::{rngs::SmallRng, RngExt, SeedableRng};
    use mlp::Params;
    let mut rng = SmallRng::seed_from_u64(7);
    let start = Wide::new(&mut rng);
    let grads: Vec<Wide> = (0..6)
        .map(|_| {
            let mut g = Wide::zeroed();
            for v in g.params_mut() {
                *v = rng.random_range(-1.0..1.0);
            }
            g
        })
        .collect();
    let x: [f32; 37] = core::array::from_fn(|j| (j as f32 * 0.37).sin());
    let run = || -> Vec<Vec<u32>> {
        let mut optimisers: Vec<Box<dyn Optimizer<Wide>>> = vec![
            Box::new(Sgd::new(0.1)),
            Box::new(Sgd::new(0.1).momentum(0.9).weight_decay(0.01)),
            Box::new(Sgd::new(0.1).nesterov(0.9)),
            Box::new(Adam::new(0.01)),
            Box::new(Adam::adamw(0.01, 0.1)),
            Box::new(Rprop::new()),
        ];
        let mut out = Vec::new();
        for opt in &mut optimisers {
            let mut net = start.clone();
            for g in &grads {
                opt.step(&mut net, g);
            }
            out.push(net.params().iter().map(|v| v.to_bits()).collect());
            out.push(net.forward(&x).iter().map(|v| v.to_bits()).collect());
        }
        // The wide layers' δ back-propagation, gradient and SGD update.
        let d = [0.0, 1.0, 0.5, 0.25, 1.0];
        let mut net = start.clone();
        for _ in 0..3 {
            net.train_step(&x, &d, 0.1);
        }
        let mut grad = Wide::zeroed();
        net.backward(&x, &d, &mut grad);
        let dx = net.backward_from(&x, &[1.0, -1.0, 0.5, 2.0, 0.0], &mut grad);
        // The batch kernels.
        let xs: [[f32; 37]; 9] =
            core::array::from_fn(|b| core::array::from_fn(|j| ((b * 37 + j) as f32 * 0.11).cos()));
        let ds = [d; 9];
        net.backward_batch(&xs, &ds, &mut grad);
        let ys = net.forward_batch(&xs);
        let dxs = net.backward_from_batch(&xs, &[[0.5, -1.0, 0.25, 1.0, 2.0]; 9], &mut grad);
        for v in [
            net.params(),
            grad.params(),
            &dx[..],
            ys.as_flattened(),
            dxs.as_flattened(),
        ] {
            out.push(v.iter().map(|v| v.to_bits()).collect());
        }
        out
    };
    let mut reference = None;
    crate::common::each_simd_level(|level| {
        let got = run();
        match &reference {
            None => reference = Some(got),
            Some(want) => assert!(got == *want, "{level:?} differs from SSE2"),
        }
    });
}
