//! Worst-case latency (`cargo bench --bench perf -- latency`): every call
//! timed on its own, and the distribution's p50, p99, p99.9 and maximum,
//! next to the 48 kHz audio and 1 kHz control budgets. An empty call,
//! timed the same way in the same run, gives the timer's own cost and the
//! machine's noise floor.

use crate::harness::random;
use crate::subnormal::Online;
use crate::{ReluBce221, Sig1664648, TanhSoftmax4163};
use mlp::rand::{rngs::SmallRng, SeedableRng};
use mlp::{Differentiable, Network, Trainable};
use std::hint::black_box;
use std::time::Instant;

/// One sample's budget at 48 kHz, and one control tick at 1 kHz, in ns.
const AUDIO_NS: f64 = 1e9 / 48_000.0;
const CONTROL_NS: f64 = 1e6;

/// ns of each of `calls` calls of `f(i)`, sorted.
fn each_call(calls: usize, mut f: impl FnMut(usize)) -> Vec<u64> {
    let mut t = Vec::with_capacity(calls);
    for i in 0..calls / 10 {
        f(i); // warm the caches and the branch predictor
    }
    for i in 0..calls {
        let start = Instant::now();
        f(i);
        t.push(start.elapsed().as_nanos() as u64);
    }
    t.sort_unstable();
    t
}

/// The row of one distribution.
fn row(label: &str, t: &[u64]) {
    let at = |q: f64| t[((t.len() as f64 * q) as usize).min(t.len() - 1)] as f64;
    let (p50, p99, p999, max) = (at(0.5), at(0.99), at(0.999), *t.last().unwrap_or(&0) as f64);
    println!(
        "| {label} | {p50:.0} | {p99:.0} | {p999:.0} | {max:.0} | {:.0} | {:.0} |",
        (AUDIO_NS / p999).floor(),
        (CONTROL_NS / p999).floor()
    );
}

/// `forward`, `train_step` and `backward_from` of network `N`, each call timed.
fn network<N, const IN: usize, const OUT: usize>(label: &str, calls: usize, net: &N)
where
    N: Network<IN, OUT> + Differentiable<IN, OUT> + Trainable<IN, OUT> + Clone,
    N: mlp::Params<Scalar = f32>,
{
    let mut rng = SmallRng::seed_from_u64(80);
    let xs: Vec<[f32; IN]> = (0..64).map(|_| random(&mut rng, -1.0, 1.0)).collect();
    let ds: Vec<[f32; OUT]> = (0..64).map(|_| random(&mut rng, 0.0, 1.0)).collect();
    let mut grad = net.clone();
    let mut trained = net.clone();
    row(
        &format!("{label} `forward`"),
        &each_call(calls, |i| {
            black_box(net.forward(black_box(&xs[i % 64])));
        }),
    );
    row(
        &format!("{label} `train_step`"),
        &each_call(calls, |i| {
            black_box(trained.train_step(black_box(&xs[i % 64]), &ds[i % 64], 1e-3));
        }),
    );
    row(
        &format!("{label} `backward_from`"),
        &each_call(calls, |i| {
            black_box(net.backward_from(black_box(&xs[i % 64]), &ds[i % 64], &mut grad));
        }),
    );
}

/// The table.
pub fn table(scale: usize) {
    let calls = 50_000 * scale;
    let mut rng = SmallRng::seed_from_u64(81);
    println!("\n### Latency per call, ns ({calls} calls each, timed one by one)\n");
    println!(
        "| call | p50 | p99 | p99.9 | max | calls per 48 kHz sample (20.8 µs) at p99.9 | calls per 1 kHz tick (1 ms) at p99.9 |"
    );
    println!("|---|--:|--:|--:|--:|--:|--:|");
    row(
        "empty call (timer cost and noise floor)",
        &each_call(calls, |i| {
            black_box(i);
        }),
    );
    network("2-2-1 relu/sigmoid/bce", calls, &ReluBce221::new(&mut rng));
    network(
        "4-16-3 tanh/softmax/ce",
        calls,
        &TanhSoftmax4163::new(&mut rng),
    );
    network("16-64-64-8 sigmoid/sse", calls, &Sig1664648::new(&mut rng));
    // The RL policy's shape (`Policy` has no loss, so its `train_step`
    // is that of the same network with sse).
    let policy = Online::new(&mut rng);
    network("4-64-64-2 tanh policy", calls, &policy);
}
