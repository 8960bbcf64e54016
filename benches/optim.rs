//! Optimiser steps: nanoseconds per parameter of one `step` of each
//! optimiser, over a whole network's parameters, on three sizes (the
//! 4,610-parameter RL policy, 16-64-64-8, 784-128-10).
//! `cargo bench --bench perf -- optim` runs this table alone.

use crate::gradients::Policy;
use crate::harness::median;
use crate::{Mnist, Sig1664648};
use mlp::optim::{Adam, Optimizer, Rprop, Sgd};
use mlp::rand::{rngs::SmallRng, RngExt, SeedableRng};
use mlp::Params;
use std::hint::black_box;
use std::time::Instant;

/// The table.
pub fn table(reps: usize, scale: usize) {
    println!("\n### Optimiser steps (ns per parameter, median)\n");
    println!("| network | parameters | SGD | SGD momentum | Nesterov | Adam | AdamW | Rprop | Adam / SGD momentum |");
    println!("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
    row::<Policy>("4-64-64-2 tanh policy", reps, 400 * scale);
    row::<Sig1664648>("16-64-64-8 sigmoid/sse", reps, 400 * scale);
    row::<Mnist>("784-128-10 sigmoid/softmax/ce", reps, 4 * scale);
}

/// Each optimiser's step on `N`, alternating two random gradients (so
/// signs change, as Rprop sees them in training).
fn row<N: Params<Scalar = f32>>(label: &str, reps: usize, calls: usize) {
    let mut rng = SmallRng::seed_from_u64(60);
    let net: Box<N> = mlp::boxed::new(&mut rng);
    let grads: [Box<N>; 2] = core::array::from_fn(|_| {
        let mut g: Box<N> = mlp::boxed::zeroed();
        for v in g.params_mut() {
            *v = rng.random_range(-1e-2..1e-2);
        }
        g
    });
    let optimisers: Vec<Box<dyn Optimizer<N>>> = vec![
        Box::new(Sgd::new(1e-3)),
        Box::new(Sgd::new(1e-3).momentum(0.9)),
        Box::new(Sgd::new(1e-3).nesterov(0.9)),
        Box::new(Adam::new(1e-3)),
        Box::new(Adam::adamw(1e-3, 1e-2)),
        Box::new(Rprop::new()),
    ];
    let mut nets: Vec<Box<N>> = optimisers.iter().map(|_| net.clone()).collect();
    let mut optimisers = optimisers;
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(reps); optimisers.len()];
    for _ in 0..reps {
        for ((opt, net), t) in optimisers.iter_mut().zip(&mut nets).zip(&mut times) {
            let start = Instant::now();
            for i in 0..calls {
                opt.step(net, &grads[i % 2]);
            }
            black_box(&net);
            t.push(start.elapsed().as_nanos() as f64 / (calls * N::PARAMS) as f64);
        }
    }
    let ns: Vec<f64> = times.iter_mut().map(|t| median(t)).collect();
    let cells: Vec<String> = ns.iter().map(|t| format!("{t:.3}")).collect();
    println!(
        "| {label} | {} | {} | {:.2} |",
        N::PARAMS,
        cells.join(" | "),
        ns[3] / ns[1]
    );
}
