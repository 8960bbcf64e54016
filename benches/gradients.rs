//! Gradients from a supplied output gradient: `backward_from` and
//! `input_gradient` against `backward` on each workload of the main table,
//! and the per-update latency of a 4-64-64-2 tanh policy (forward,
//! `backward_from`, one Adam step) at batch 1 and 32.
//! `cargo bench --bench perf -- gradients` runs these alone.

use crate::{
    harness::{compare, median_ns, one_hot, random},
    Workload, SAMPLES, WORKLOADS,
};
use mlp::optim::{Adam, Optimizer};
use mlp::rand::{rngs::SmallRng, SeedableRng};
use mlp::{Differentiable, Params, Trainable};
use std::hint::black_box;

mlp::network! {
    /// The policy of the RL comparison (4 inputs, two tanh layers of 64).
    pub struct Policy<input 4, dense 64 tanh, dense 64 tanh, dense 2 linear>;
    /// The policy's first layer, as the first part of a `Chain`.
    pub struct Encoder<input 4, dense 64 tanh>;
    /// The policy's other layers, as the second part.
    pub struct Head<input 64, dense 64 tanh, dense 2 linear>;
    /// The policy trained as a regressor (a declared loss).
    pub struct Regressor<input 4, dense 64 tanh, dense 64 tanh, dense 2 linear, loss mse>;
    /// Its last two layers, as the second part of a chain.
    pub struct RegressorHead<input 64, dense 64 tanh, dense 2 linear, loss mse>;
}

/// Both tables.
pub fn tables(reps: usize, scale: usize) {
    println!("\n### Gradients from a supplied output gradient (ns per sample, median)\n");
    println!("| workload | backward | backward_from | backward_from / backward | input_gradient | input_gradient / backward |");
    println!("|---|--:|--:|--:|--:|--:|");
    for w in &WORKLOADS {
        (w.gradients)(w, reps, scale);
    }
    policy_update(reps, scale);
    chain(reps, scale);
}

/// The policy as `Chain<Encoder, Head, 64>` against the one network, same
/// weights, same samples: what chaining costs per call.
fn chain(reps: usize, scale: usize) {
    let mut rng = SmallRng::seed_from_u64(52);
    let net = Policy::new(&mut rng);
    let chained: mlp::Chain<Encoder, Head, 64> = mlp::Chain::new(
        Encoder {
            w1: net.w1,
            b1: net.b1,
        },
        Head {
            w1: net.w2,
            b1: net.b2,
            w2: net.w3,
            b2: net.b3,
        },
    );
    assert_eq!(chained.params(), net.params());
    let xs: Vec<[f32; 4]> = (0..SAMPLES).map(|_| random(&mut rng, -1.0, 1.0)).collect();
    let dys: Vec<[f32; 2]> = (0..SAMPLES).map(|_| random(&mut rng, -1.0, 1.0)).collect();
    let (mut g1, mut g2) = (Policy::zeroed(), mlp::Params::zeroed());
    let calls = 2000 * scale;
    let forward = compare(
        reps,
        calls,
        |i| {
            black_box(net.forward(black_box(&xs[i])));
        },
        |i| {
            black_box(chained.forward(black_box(&xs[i])));
        },
    );
    let from = compare(
        reps,
        calls,
        |i| {
            black_box(net.backward_from(black_box(&xs[i]), &dys[i], &mut g1));
        },
        |i| {
            black_box(chained.backward_from(black_box(&xs[i]), &dys[i], &mut g2));
        },
    );
    let input = compare(
        reps,
        calls,
        |i| {
            black_box(net.input_gradient(black_box(&xs[i]), &dys[i]));
        },
        |i| {
            black_box(chained.input_gradient(black_box(&xs[i]), &dys[i]));
        },
    );
    // Trained on the head's declared loss (mse), the same weights.
    let mut net = Regressor {
        w1: net.w1,
        b1: net.b1,
        w2: net.w2,
        b2: net.b2,
        w3: net.w3,
        b3: net.b3,
    };
    let mut chained: mlp::Chain<Encoder, RegressorHead, 64> = mlp::Chain::new(
        chained.first,
        RegressorHead {
            w1: net.w2,
            b1: net.b2,
            w2: net.w3,
            b2: net.b3,
        },
    );
    assert_eq!(chained.params(), net.params());
    let (mut g1, mut g2) = (Regressor::zeroed(), mlp::Params::zeroed());
    let backward = compare(
        reps,
        calls,
        |i| {
            black_box(net.backward(black_box(&xs[i]), &dys[i], &mut g1));
        },
        |i| {
            black_box(chained.backward(black_box(&xs[i]), &dys[i], &mut g2));
        },
    );
    let batch: [[f32; 4]; 32] = core::array::from_fn(|k| xs[k]);
    let targets: [[f32; 2]; 32] = core::array::from_fn(|k| dys[k]);
    let backward_batch = compare(
        reps,
        calls / 32,
        |_| {
            black_box(net.backward_batch(black_box(&batch), &targets, &mut g1));
        },
        |_| {
            black_box(chained.backward_batch(black_box(&batch), &targets, &mut g2));
        },
    );
    // Steps small enough to leave the weights as they were to the bench.
    let step = compare(
        reps,
        calls,
        |i| {
            black_box(net.train_step(black_box(&xs[i]), &dys[i], 1e-9));
        },
        |i| {
            black_box(chained.train_step(black_box(&xs[i]), &dys[i], 1e-9));
        },
    );
    println!("\n### The policy as a Chain of its first layer and the rest, ns per call, median\n");
    println!("| method | one network | Chain | Chain / one network |");
    println!("|---|--:|--:|--:|");
    for (name, (one, two)) in [
        ("forward", forward),
        ("backward_from", from),
        ("input_gradient", input),
        ("backward (head's loss: mse)", backward),
        ("backward_batch::<32> (mse)", backward_batch),
        ("train_step (mse)", step),
    ] {
        println!("| {name} | {one:.1} | {two:.1} | {:.2} |", two / one);
    }
}

/// `backward` and `backward_from` each add into a gradient buffer; the same
/// samples, interleaved repetitions.
pub(crate) fn row<N, const IN: usize, const OUT: usize>(w: &Workload, reps: usize, scale: usize)
where
    N: Trainable<IN, OUT, Scalar = f32> + Differentiable<IN, OUT>,
{
    let (label, calls) = (w.label, w.calls * scale);
    let mut rng = SmallRng::seed_from_u64(50);
    let xs: Vec<[f32; IN]> = (0..SAMPLES).map(|_| random(&mut rng, 0.0, 1.0)).collect();
    let ds: Vec<[f32; OUT]> = (0..SAMPLES).map(one_hot).collect();
    let dys: Vec<[f32; OUT]> = (0..SAMPLES).map(|_| random(&mut rng, -1.0, 1.0)).collect();
    let net: Box<N> = mlp::boxed::new(&mut rng);
    let mut g1: Box<N> = mlp::boxed::zeroed();
    let mut g2: Box<N> = mlp::boxed::zeroed();
    let (backward, from) = compare(
        reps,
        calls,
        |i| {
            black_box(net.backward(black_box(&xs[i]), &ds[i], &mut g1));
        },
        |i| {
            black_box(net.backward_from(black_box(&xs[i]), &dys[i], &mut g2));
        },
    );
    let (backward2, input) = compare(
        reps,
        calls,
        |i| {
            black_box(net.backward(black_box(&xs[i]), &ds[i], &mut g1));
        },
        |i| {
            black_box(net.input_gradient(black_box(&xs[i]), &dys[i]));
        },
    );
    println!(
        "| {label} | {backward:.1} | {from:.1} | {:.2} | {input:.1} | {:.2} |",
        from / backward,
        input / backward2
    );
}

/// A fresh policy, its gradient buffer and optimiser.
fn fresh(rng: &mut SmallRng) -> (Policy, Policy, Adam<Policy>) {
    (Policy::new(rng), Policy::zeroed(), Adam::new(1e-3))
}

/// One policy update as an RL loop runs it: forward, `backward_from` with
/// a supplied dy, one Adam step; at batch 1 and 32 (`backward_from_batch`);
/// and the same with dy handed over by `backward_with`(`_batch`), one
/// forward pass. A fresh network for each.
fn policy_update(reps: usize, scale: usize) {
    let mut rng = SmallRng::seed_from_u64(51);
    let (mut net, mut grad, mut adam) = fresh(&mut rng);
    let xs: [[f32; 4]; 32] = core::array::from_fn(|_| random(&mut rng, -1.0, 1.0));
    let dys: [[f32; 2]; 32] = core::array::from_fn(|_| random(&mut rng, -1.0, 1.0));
    let time = |calls: usize, f: Box<dyn FnMut(usize) + '_>| median_ns(reps, calls, f) / 1000.0;
    let b1 = time(
        200 * scale,
        Box::new(|i| {
            let x = &xs[i % 32];
            black_box(net.forward(black_box(x)));
            grad.set_zero();
            black_box(net.backward_from(x, &dys[i % 32], &mut grad));
            adam.step(&mut net, &grad);
        }),
    );
    // The same update with the forward pass's output handed to dy's
    // computation (`backward_with`): one forward pass instead of two.
    let (mut net, mut grad, mut adam) = fresh(&mut rng);
    let b1_with = time(
        200 * scale,
        Box::new(|i| {
            let x = &xs[i % 32];
            grad.set_zero();
            black_box(net.backward_with(black_box(x), &mut grad, |y| {
                black_box(y);
                dys[i % 32]
            }));
            adam.step(&mut net, &grad);
        }),
    );
    let (mut net, mut grad, mut adam) = fresh(&mut rng);
    let b32 = time(
        20 * scale,
        Box::new(|_| {
            black_box(net.forward_batch(black_box(&xs)));
            grad.set_zero();
            black_box(net.backward_from_batch(&xs, &dys, &mut grad));
            adam.step(&mut net, &grad);
        }),
    );
    let (mut net, mut grad, mut adam) = fresh(&mut rng);
    let b32_with = time(
        20 * scale,
        Box::new(|_| {
            grad.set_zero();
            black_box(net.backward_with_batch(black_box(&xs), &mut grad, |ys| {
                black_box(ys);
                dys
            }));
            adam.step(&mut net, &grad);
        }),
    );
    println!("\n### 4-64-64-2 tanh policy: one update (forward + backward_from + Adam step), µs, median\n");
    println!("| batch | µs per update | µs per sample |");
    println!("|--:|--:|--:|");
    println!("| 1 | {b1:.2} | {b1:.2} |");
    println!("| 1, `backward_with` (one forward pass) | {b1_with:.2} | {b1_with:.2} |");
    println!("| 32 | {b32:.2} | {:.3} |", b32 / 32.0);
    println!(
        "| 32, `backward_with_batch` (one forward pass) | {b32_with:.2} | {:.3} |",
        b32_with / 32.0
    );
}
