//! What subnormal numbers cost (`cargo bench --bench perf -- subnormal`):
//! the same calls on normal data and on data near `f32::MIN_POSITIVE`, and
//! the online-training loop whose gradients and Adam moments decay into the
//! subnormal range once it has converged.

use crate::harness::{median_ns, random};
use crate::Sig1664648;
use mlp::network;
use mlp::optim::{Adam, Optimizer};
use mlp::rand::{rngs::SmallRng, SeedableRng};
use mlp::{Differentiable, Params, Trainable};
use std::hint::black_box;
use std::time::Instant;

network! {
    /// The RL policy's shape, trained online on one fixed sample.
    pub struct Online<input 4, dense 64 tanh, dense 64 tanh, dense 2 linear, loss sse>;
    /// The spirals example's network and its tanh twin.
    pub struct SpiralsRelu<input 2, dense 64 relu, dense 64 relu, dense 1 sigmoid, loss bce>;
    pub struct SpiralsTanh<input 2, dense 64 tanh, dense 64 tanh, dense 1 sigmoid, loss bce>;
    #[flush_subnormals]
    pub struct SpiralsFlushed<input 2, dense 64 relu, dense 64 relu, dense 1 sigmoid, loss bce>;
    /// `Sig1664648` with `#[flush_subnormals]`.
    #[flush_subnormals]
    pub struct Flushing<input 16, dense 64 sigmoid, dense 64 sigmoid, dense 8 sigmoid, loss sse>;
}

/// How many of `values` are subnormal.
fn subnormals(values: &[f32]) -> usize {
    values.iter().filter(|v| v.is_subnormal()).count()
}

/// All three studies.
pub fn tables(reps: usize, scale: usize) {
    near_min_positive(reps, scale);
    converged(reps);
    spirals();
}

/// ns per call of forward, train_step and backward_from on normal data and
/// with inputs, weights or output gradients near `f32::MIN_POSITIVE`:
/// `[normal, inputs, weights]` for forward, `[normal, inputs]` for
/// train_step, `[normal, dy]` for backward_from.
fn costs<N>(net: &N, reps: usize, calls: usize) -> [f64; 7]
where
    N: Trainable<16, 8> + Differentiable<16, 8> + Params<Scalar = f32> + Clone,
{
    let mut rng = SmallRng::seed_from_u64(70);
    let tiny = f32::MIN_POSITIVE;
    let xs: Vec<[f32; 16]> = (0..64).map(|_| random(&mut rng, -1.0, 1.0)).collect();
    let tiny_xs: Vec<[f32; 16]> = xs.iter().map(|x| x.map(|v| v * tiny)).collect();
    let ds: Vec<[f32; 8]> = (0..64).map(|_| random(&mut rng, 0.0, 1.0)).collect();
    let tiny_ds: Vec<[f32; 8]> = ds.iter().map(|d| d.map(|v| v * tiny)).collect();
    // Weights near MIN_POSITIVE: every product w·x is subnormal.
    let mut tiny_net = net.clone();
    for w in tiny_net.params_mut() {
        *w *= tiny * 4.0;
    }
    let fwd = |n: &N, xs: &[[f32; 16]]| {
        median_ns(reps, calls, |i| {
            black_box(n.forward(black_box(&xs[i % 64])));
        })
    };
    let step = |xs: &[[f32; 16]]| {
        let mut n = net.clone();
        median_ns(reps, calls, |i| {
            black_box(n.train_step(black_box(&xs[i % 64]), &ds[i % 64], 1e-3));
        })
    };
    let mut g = net.clone();
    let mut from = |dys: &[[f32; 8]]| {
        median_ns(reps, calls, |i| {
            black_box(net.backward_from(black_box(&xs[i % 64]), &dys[i % 64], &mut g));
        })
    };
    [
        fwd(net, &xs),
        fwd(net, &tiny_xs),
        fwd(&tiny_net, &xs),
        step(&xs),
        step(&tiny_xs),
        from(&ds),
        from(&tiny_ds),
    ]
}

/// 16-64-64-8 with subnormal data, without and with `#[flush_subnormals]`.
fn near_min_positive(reps: usize, scale: usize) {
    let mut rng = SmallRng::seed_from_u64(70);
    let net: Box<Sig1664648> = mlp::boxed::new(&mut rng);
    let mut flushing: Box<Flushing> = mlp::boxed::zeroed();
    flushing.params_mut().copy_from_slice(net.params());
    let calls = 200 * scale;
    let kept = costs(&*net, reps, calls);
    let flushed = costs(&*flushing, reps, calls);
    println!("\n### Subnormal data: 16-64-64-8 sigmoid/sse, ns per call, median\n");
    println!("| call | normal data | near MIN_POSITIVE | slowdown | `#[flush_subnormals]`: normal | near MIN_POSITIVE | slowdown |");
    println!("|---|--:|--:|--:|--:|--:|--:|");
    let rows = [
        ("forward, inputs × MIN_POSITIVE", 0, 1),
        ("forward, weights × 4·MIN_POSITIVE", 0, 2),
        ("train_step, inputs × MIN_POSITIVE", 3, 4),
        ("backward_from, dy × MIN_POSITIVE", 5, 6),
    ];
    for (label, normal, tiny) in rows {
        println!(
            "| {label} | {:.0} | {:.0} | {:.2} | {:.0} | {:.0} | {:.2} |",
            kept[normal],
            kept[tiny],
            kept[tiny] / kept[normal],
            flushed[normal],
            flushed[tiny],
            flushed[tiny] / flushed[normal]
        );
    }
}

/// One fixed sample, `backward` + `Adam::step` until long after it has
/// converged: update time and subnormal counts along the way.
fn converged(reps: usize) {
    let mut rng = SmallRng::seed_from_u64(71);
    let mut net = Online::new(&mut rng);
    let mut grad = Online::zeroed();
    let mut adam = Adam::new(1e-3);
    let x = [0.3, -0.2, 0.5, 0.1];
    let d = [0.25, -0.5];
    println!("\n### Online training on one sample: 4-64-64-2 tanh/sse, backward + Adam step\n");
    println!("| updates so far | loss | subnormal gradients | subnormal weights | ns per update (median) | ns per Adam step |");
    println!("|--:|--:|--:|--:|--:|--:|");
    let mut done = 0usize;
    for target in [1_000usize, 10_000, 50_000, 100_000, 200_000] {
        while done < target {
            grad.set_zero();
            net.backward(&x, &d, &mut grad);
            adam.step(&mut net, &grad);
            done += 1;
        }
        let update = median_ns(reps, 500, |_| {
            grad.set_zero();
            black_box(net.backward(black_box(&x), &d, &mut grad));
            adam.step(&mut net, &grad);
        });
        let step = median_ns(reps, 500, |_| adam.step(&mut net, black_box(&grad)));
        done += reps * 1_000;
        println!(
            "| {done} | {:.2e} | {} | {} | {update:.0} | {step:.0} |",
            net.loss(&x, &d),
            subnormals(grad.params()),
            subnormals(net.params()),
        );
    }
}

/// The spirals example's relu network and its tanh twin: ns per sample of
/// an epoch (24 batches of 8 in order, Adam), early and late in training,
/// each network from the same seed (the relu twins start equal).
fn spirals() {
    let mut rng = SmallRng::seed_from_u64(72);
    let xs: Vec<[f32; 2]> = (0..194).map(|_| random(&mut rng, -1.0, 1.0)).collect();
    let ds: Vec<[f32; 1]> = xs
        .iter()
        .map(|x| [f32::from(u8::from(x[0] * x[1] > 0.0))])
        .collect();
    println!("\n### Spirals-sized training: ns per sample (batch 8, Adam)\n");
    println!("| network | epochs 1-50 | epochs 1,000-1,050 | subnormal gradients at 1,050 |");
    println!("|---|--:|--:|--:|");
    macro_rules! run {
        ($net:ty, $label:literal) => {{
            let mut net = <$net>::new(&mut SmallRng::seed_from_u64(73));
            let mut grad = <$net>::zeroed();
            let mut adam = Adam::new(0.005);
            let mut epoch = |net: &mut $net| {
                for b in 0..194 / 8 {
                    let at = b * 8;
                    grad.set_zero();
                    let xb: &[[f32; 2]; 8] = xs[at..at + 8].try_into().expect("8 rows");
                    let db: &[[f32; 1]; 8] = ds[at..at + 8].try_into().expect("8 rows");
                    black_box(net.backward_batch(xb, db, &mut grad));
                    adam.step(net, &grad);
                }
            };
            let per_sample = 1e9 / (50.0 * 192.0);
            let t = Instant::now();
            (0..50).for_each(|_| epoch(&mut net));
            let early = t.elapsed().as_secs_f64() * per_sample;
            (50..1_000).for_each(|_| epoch(&mut net));
            let t = Instant::now();
            (0..50).for_each(|_| epoch(&mut net));
            let late = t.elapsed().as_secs_f64() * per_sample;
            println!(
                "| {} | {early:.0} | {late:.0} | {} |",
                $label,
                subnormals(grad.params())
            );
        }};
    }
    run!(SpiralsRelu, "2-64-64-1 relu");
    run!(SpiralsTanh, "2-64-64-1 tanh");
    run!(SpiralsFlushed, "2-64-64-1 relu, `#[flush_subnormals]`");
}
