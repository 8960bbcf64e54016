//! Generated networks against hand-written specialised Rust, in one run.
//!
//! `cargo bench` prints, per workload, the median nanoseconds per sample of
//! `forward` and of one SGD `train_step`, for the `network!` code and for a
//! hand-written implementation of the same network (fixed arrays,
//! const-bound loops, the same maths: fused output δ, std's `exp`/`tanh`),
//! working on the same weights, and the ratio generated / hand-written.
//! Plain `cargo bench -- quick` runs fewer repetitions.
//!
//! No benchmarking crate: the harness is `Instant` around a few hundred
//! calls on varied samples, `black_box` on inputs and outputs, median of
//! many repetitions, with the two implementations interleaved.

use mlp::network;
use mlp::rand::{rngs::SmallRng, RngExt, SeedableRng};
use mlp::{Differentiable, Trainable};
use std::hint::black_box;

mod gradients;
mod hand;
mod harness;
mod latency;
mod native;
mod optim;
mod studies;
mod subnormal;

use harness::{compare, one_hot, race, random, selected, Body, Timing};
use studies::{batch_backward_table, fine_tuning, layout_table, threaded_fit, weights_io};

network! {
    pub struct SigSse221<input 2, dense 2 sigmoid, dense 1 sigmoid, loss sse>;
    pub struct ReluBce221<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;
    pub struct TanhSoftmax4163<input 4, dense 16 tanh, dense 3 softmax, loss ce>;
    pub struct TanhSigSse4163<input 4, dense 16 tanh, dense 3 sigmoid, loss sse>;
    pub struct Sig1664648<input 16, dense 64 sigmoid, dense 64 sigmoid, dense 8 sigmoid, loss sse>;
    pub struct Mnist<input 784, dense 128 sigmoid, dense 10 softmax, loss ce>;
    pub struct MnistSse<input 784, dense 128 sigmoid, dense 10 sigmoid, loss sse>;
    /// Fine-tuning the output layer of `Mnist` only.
    pub struct MnistTune<input 784, dense 128 sigmoid frozen, dense 10 softmax, loss ce>;
}

/// Samples cycled through by every measurement.
const SAMPLES: usize = 64;

/// The hand-written twin of a generated network: its weights copied into
/// each variant's layout, and the same maths written by hand.
///
/// The hand-written functions are `#[inline(always)]`, so that
/// `benches/native.rs` can compile them into loops for other instruction
/// sets; the main table calls them through the out-of-line `*_call`
/// methods, the shape they were measured in (inlined into the timing
/// closures instead, 784-128-10's fastest forward took 9.9 µs against 7.4).
pub(crate) trait Hand<const IN: usize, const K: usize> {
    type Net<V: hand::Variant>;
    fn hand<V: hand::Variant>(&self) -> Box<Self::Net<V>>;
    fn hand_forward<V: hand::Variant>(n: &Self::Net<V>, x: &[f32; IN]) -> [f32; K];
    /// `hand_forward`, out of line.
    #[inline(never)]
    fn forward_call<V: hand::Variant>(n: &Self::Net<V>, x: &[f32; IN]) -> [f32; K] {
        Self::hand_forward::<V>(n, x)
    }
    /// `hand_step`, out of line.
    #[inline(never)]
    fn step_call<V: hand::Variant>(
        n: &mut Self::Net<V>,
        x: &[f32; IN],
        d: &[f32; K],
        lr: f32,
    ) -> f32 {
        Self::hand_step::<V>(n, x, d, lr)
    }
    fn hand_step<V: hand::Variant>(
        n: &mut Self::Net<V>,
        x: &[f32; IN],
        d: &[f32; K],
        lr: f32,
    ) -> f32;
}

/// `Hand` for two-layer networks: `Net: inputs, hidden, outputs, forward, step;`.
macro_rules! hand2 {
    ($($net:ident: $i:literal, $h:literal, $o:literal, $fwd:ident, $step:ident;)*) => {$(
        impl Hand<$i, $o> for $net {
            type Net<V: hand::Variant> = hand::Net2<V, $i, $h, $o>;
            fn hand<V: hand::Variant>(&self) -> Box<Self::Net<V>> {
                hand::Net2::new(&self.w1, &self.b1, &self.w2, &self.b2)
            }
            #[inline(always)]
            fn hand_forward<V: hand::Variant>(n: &Self::Net<V>, x: &[f32; $i]) -> [f32; $o] {
                hand::$fwd(n, x)
            }
            #[inline(always)]
            fn hand_step<V: hand::Variant>(n: &mut Self::Net<V>, x: &[f32; $i], d: &[f32; $o], lr: f32) -> f32 {
                hand::$step(n, x, d, lr)
            }
        }
    )*};
}

hand2! {
    SigSse221: 2, 2, 1, sig_sig_forward, sig_sig_step;
    ReluBce221: 2, 2, 1, relu_bce_forward, relu_bce_step;
    TanhSoftmax4163: 4, 16, 3, tanh_softmax_forward, tanh_softmax_step;
    TanhSigSse4163: 4, 16, 3, tanh_sig_forward, tanh_sig_step;
    Mnist: 784, 128, 10, sig_softmax_forward, sig_softmax_step;
    MnistSse: 784, 128, 10, sig_sig_forward, sig_sig_step;
}

impl Hand<16, 8> for Sig1664648 {
    type Net<V: hand::Variant> = hand::Net3<V, 16, 64, 64, 8>;
    fn hand<V: hand::Variant>(&self) -> Box<Self::Net<V>> {
        hand::Net3::new(
            (&self.w1, &self.b1),
            (&self.w2, &self.b2),
            (&self.w3, &self.b3),
        )
    }
    #[inline(always)]
    fn hand_forward<V: hand::Variant>(n: &Self::Net<V>, x: &[f32; 16]) -> [f32; 8] {
        hand::sig3_forward(n, x)
    }
    #[inline(always)]
    fn hand_step<V: hand::Variant>(
        n: &mut Self::Net<V>,
        x: &[f32; 16],
        d: &[f32; 8],
        lr: f32,
    ) -> f32 {
        hand::sig3_step(n, x, d, lr)
    }
}

/// The targets a workload trains towards.
#[derive(Clone, Copy)]
pub(crate) enum Targets {
    /// 0 or 1 at random.
    Bits,
    /// Class `i mod K` for sample `i`.
    OneHot,
    /// Uniform in [0, 1).
    Unit,
}

impl Targets {
    fn sample<const K: usize>(self, i: usize, rng: &mut SmallRng) -> [f32; K] {
        match self {
            Targets::Bits => core::array::from_fn(|_| f32::from(rng.random::<bool>())),
            Targets::OneHot => one_hot(i),
            Targets::Unit => random(rng, 0.0, 1.0),
        }
    }
}

/// One benchmarked network: the rows of the main table and of the
/// gradients table.
pub(crate) struct Workload {
    pub(crate) label: &'static str,
    /// Calls per timed repetition at scale 1 (fewer for wider networks).
    pub(crate) calls: usize,
    targets: Targets,
    /// forward and train_step against every hand-written variant.
    versus_hand: fn(&Workload, usize, usize, &mut Vec<Timing>),
    /// backward_from and input_gradient against backward.
    pub(crate) gradients: fn(&Workload, usize, usize),
    /// The default build against hand-written code compiled for the CPU.
    pub(crate) native: fn(&Workload, usize, usize),
}

const fn workload<N, const IN: usize, const K: usize>(
    label: &'static str,
    calls: usize,
    targets: Targets,
) -> Workload
where
    N: Trainable<IN, K, Scalar = f32> + Differentiable<IN, K> + Hand<IN, K>,
{
    Workload {
        label,
        calls,
        targets,
        versus_hand: versus_hand::<N, IN, K>,
        gradients: gradients::row::<N, IN, K>,
        native: native::rows::<N, IN, K>,
    }
}

/// Every workload of the main table, in its order.
pub(crate) const WORKLOADS: [Workload; 7] = [
    workload::<SigSse221, 2, 1>("2-2-1 sigmoid/sigmoid/sse", 2000, Targets::Bits),
    workload::<ReluBce221, 2, 1>("2-2-1 relu/sigmoid/bce", 2000, Targets::Bits),
    workload::<TanhSoftmax4163, 4, 3>("4-16-3 tanh/softmax/ce", 500, Targets::OneHot),
    workload::<TanhSigSse4163, 4, 3>("4-16-3 tanh/sigmoid/sse", 500, Targets::Unit),
    workload::<Sig1664648, 16, 8>("16-64-64-8 sigmoid/sse", 100, Targets::Unit),
    workload::<Mnist, 784, 10>("784-128-10 sigmoid/softmax/ce", 10, Targets::OneHot),
    workload::<MnistSse, 784, 10>("784-128-10 sigmoid/sigmoid/sse", 10, Targets::Unit),
];

/// One timed body per hand-written variant: `$body` over the samples
/// (`$i`), on that variant's copy of `$net`'s weights (`$h`), with `$V`
/// naming the variant's type.
macro_rules! variants {
    ($net:expr, |$h:ident: $V:ident, $i:ident| $body:expr) => {
        vec![
            variants!(@one hand::Naive, $net, |$h: $V, $i| $body),
            variants!(@one hand::RowDot, $net, |$h: $V, $i| $body),
            variants!(@one hand::ColMajor, $net, |$h: $V, $i| $body),
            variants!(@one hand::Blocked, $net, |$h: $V, $i| $body),
            variants!(@one hand::Blocked8x4, $net, |$h: $V, $i| $body),
        ]
    };
    (@one $v:ty, $net:expr, |$h:ident: $V:ident, $i:ident| $body:expr) => {{
        type $V = $v;
        #[allow(unused_mut)]
        let mut $h = $net.hand::<$V>();
        let body: Body = Box::new(move |calls| {
            for $i in (0..calls).map(|c| c % SAMPLES) {
                black_box($body);
            }
        });
        (<$V as hand::Variant>::NAME, body)
    }};
}

/// A workload's samples, targets and network (the same for every table
/// that times the main table's calls).
pub(crate) fn samples<N, const IN: usize, const K: usize>(
    w: &Workload,
) -> (Vec<[f32; IN]>, Vec<[f32; K]>, Box<N>)
where
    N: Trainable<IN, K, Scalar = f32>,
{
    let mut rng = SmallRng::seed_from_u64(42);
    let xs = (0..SAMPLES).map(|_| random(&mut rng, -1.0, 1.0)).collect();
    let ds = (0..SAMPLES)
        .map(|i| w.targets.sample(i, &mut rng))
        .collect();
    (xs, ds, mlp::boxed::new(&mut rng))
}

/// A copy of `net` made on the heap (a 784-128-10 clone by value would
/// pass 400 KB through the stack).
fn heap_copy<N: mlp::Params>(net: &N) -> Box<N> {
    let mut copy: Box<N> = mlp::boxed::zeroed();
    copy.params_mut().copy_from_slice(net.params());
    copy
}

/// The generated network's `forward` over the samples, on its own copy.
pub(crate) fn generated_forward<'a, N, const IN: usize, const K: usize>(
    net: &N,
    xs: &'a [[f32; IN]],
) -> Body<'a>
where
    N: Trainable<IN, K, Scalar = f32> + 'a,
{
    let net = heap_copy(net);
    Box::new(move |calls| {
        for i in (0..calls).map(|c| c % SAMPLES) {
            black_box(net.forward(black_box(&xs[i])));
        }
    })
}

/// The generated network's `train_step` over the samples, on its own copy.
pub(crate) fn generated_step<'a, N, const IN: usize, const K: usize>(
    net: &N,
    xs: &'a [[f32; IN]],
    ds: &'a [[f32; K]],
) -> Body<'a>
where
    N: Trainable<IN, K, Scalar = f32> + 'a,
{
    let mut net = heap_copy(net);
    Box::new(move |calls| {
        for i in (0..calls).map(|c| c % SAMPLES) {
            black_box(net.train_step(black_box(&xs[i]), &ds[i], 1e-3));
        }
    })
}

/// forward and train_step of the generated network `N` against every
/// hand-written variant on the same weights.
fn versus_hand<N, const IN: usize, const K: usize>(
    w: &Workload,
    reps: usize,
    scale: usize,
    out: &mut Vec<Timing>,
) where
    N: Trainable<IN, K, Scalar = f32> + Hand<IN, K>,
{
    if !selected(w.label) {
        return;
    }
    let calls = w.calls * scale;
    let (xs, ds, net) = samples::<N, IN, K>(w);
    let (xs, ds) = (&xs, &ds);
    // Every variant computes the same function (up to rounding).
    let want = net.forward(&xs[0]);
    for got in [
        N::hand_forward(&*net.hand::<hand::Naive>(), &xs[0]),
        N::hand_forward(&*net.hand::<hand::RowDot>(), &xs[0]),
        N::hand_forward(&*net.hand::<hand::ColMajor>(), &xs[0]),
        N::hand_forward(&*net.hand::<hand::Blocked>(), &xs[0]),
        N::hand_forward(&*net.hand::<hand::Blocked8x4>(), &xs[0]),
    ] {
        for (a, b) in got.iter().zip(&want) {
            assert!(
                (a - b).abs() <= 1e-4 * (1.0 + b.abs()),
                "{}: {a} vs {b}",
                w.label
            );
        }
    }
    let generated = generated_forward(&*net, xs);
    let hands = variants!(net, |h: V, i| N::forward_call::<V>(&h, black_box(&xs[i])));
    let (generated, winner, hand) = race(reps, calls, generated, hands);
    out.push(Timing {
        name: format!("{} forward", w.label),
        generated,
        hand,
        winner,
    });
    let generated = generated_step(&*net, xs, ds);
    let hands = variants!(net, |h: V, i| N::step_call::<V>(
        &mut h,
        black_box(&xs[i]),
        &ds[i],
        1e-3
    ));
    let (generated, winner, hand) = race(reps, calls, generated, hands);
    out.push(Timing {
        name: format!("{} train_step", w.label),
        generated,
        hand,
        winner,
    });
}

/// forward on 32 samples one by one, against one forward_batch of 32.
macro_rules! batched {
    ($reps:expr, $scale:expr, $label:expr, $net:ident, $in:literal) => {{
        let mut rng = SmallRng::seed_from_u64(44);
        let xs: [[f32; $in]; 32] = core::array::from_fn(|_| random(&mut rng, -1.0, 1.0));
        let net = $net::new(&mut rng);
        let (single, batch) = compare(
            $reps,
            50 * $scale,
            |_| {
                for x in &xs {
                    black_box(net.forward(black_box(x)));
                }
            },
            |_| {
                black_box(net.forward_batch(black_box(&xs)));
            },
        );
        println!(
            "| {} | {:.1} | {:.1} | {:.1}x |",
            $label,
            single / 32.0,
            batch / 32.0,
            single / batch
        );
    }};
}

fn main() {
    if std::env::args().any(|a| a == "fit") {
        // Only the threaded `Fit` table.
        threaded_fit(15);
        return;
    }
    // `simd=sse2` or `simd=avx2`: the dispatched kernels at that level.
    for arg in std::env::args() {
        let level = match arg.as_str() {
            "simd=sse2" => mlp::simd::Level::Sse2,
            "simd=avx2" => mlp::simd::Level::Avx2,
            _ => continue,
        };
        eprintln!("kernels at {:?}", mlp::simd::force(level));
    }
    let quick = std::env::args().any(|a| a == "quick");
    let (reps, scale) = if quick { (7, 1) } else { (31, 4) };
    if std::env::args().any(|a| a == "batch") {
        // Only the backward_batch table.
        batch_backward_table(reps, scale);
        return;
    }
    if std::env::args().any(|a| a == "optim") {
        optim::table(reps, scale);
        return;
    }
    if std::env::args().any(|a| a == "latency") {
        latency::table(scale);
        return;
    }
    if std::env::args().any(|a| a == "subnormal") {
        subnormal::tables(reps, scale);
        return;
    }
    if std::env::args().any(|a| a == "native") {
        native::table(reps, scale);
        return;
    }
    if std::env::args().any(|a| a == "gradients") {
        gradients::tables(reps, scale);
        return;
    }
    if std::env::args().any(|a| a == "layout") {
        // Only the one-layer row-major / column-major table.
        layout_table(reps, scale);
        return;
    }
    let mut out = Vec::new();
    for w in &WORKLOADS {
        (w.versus_hand)(w, reps, scale, &mut out);
    }

    // Mini-batch of 32: mean gradient by `batch_gradient`, one `Sgd` step,
    // against the same written by hand.
    {
        use mlp::optim::{Optimizer, Sgd};
        let mut rng = SmallRng::seed_from_u64(43);
        let xs: Vec<[f32; 4]> = (0..SAMPLES).map(|_| random(&mut rng, -1.0, 1.0)).collect();
        let ds: Vec<[f32; 3]> = (0..SAMPLES).map(one_hot).collect();
        let start = TanhSoftmax4163::new(&mut rng);
        let (mut gen_net, mut hand_net) = (start.clone(), start);
        let mut grad = TanhSoftmax4163::zeroed();
        let mut sgd = Sgd::new(1e-3);
        let indices: Vec<usize> = (0..32).collect();
        let (generated, hand) = compare(
            reps,
            50 * scale,
            |i| {
                let at = (i % 2) * 32;
                let data = mlp::train::Data::new(&xs[at..at + 32], &ds[at..at + 32]);
                black_box(mlp::train::batch_gradient(
                    &gen_net, data, &indices, &mut grad,
                ));
                sgd.step(&mut gen_net, &grad);
            },
            |i| {
                let at = (i % 2) * 32;
                hand::tanh_softmax_4163_batch_step(
                    &mut hand_net,
                    &xs[at..at + 32],
                    &ds[at..at + 32],
                    1e-3,
                );
                black_box(&hand_net);
            },
        );
        out.push(Timing {
            name: "4-16-3 tanh/softmax/ce batch-32 step (per sample)".into(),
            generated: generated / 32.0,
            hand: hand / 32.0,
            winner: "per-sample sums",
        });
    }

    println!("| workload | generated ns | best hand-written ns | fastest variant | ratio |");
    println!("|---|---:|---:|---|---:|");
    for t in &out {
        println!(
            "| {} | {:.1} | {:.1} | {} | {:.2} |",
            t.name,
            t.generated,
            t.hand,
            t.winner,
            t.generated / t.hand
        );
    }

    if std::env::args().any(|a| a == "table") {
        return; // only the generated/hand-written table
    }

    // forward_batch against forward, per sample, same network.
    println!();
    println!("| workload | forward ns/sample | forward_batch(32) ns/sample | throughput gain |");
    println!("|---|---:|---:|---:|");
    batched!(reps, scale, "2-2-1 sigmoid/sigmoid/sse", SigSse221, 2);
    batched!(reps, scale, "2-2-1 relu/sigmoid/bce", ReluBce221, 2);
    batched!(reps, scale, "4-16-3 tanh/softmax/ce", TanhSoftmax4163, 4);
    batched!(reps, scale, "4-16-3 tanh/sigmoid/sse", TanhSigSse4163, 4);

    println!();
    layout_table(reps, scale);
    println!();
    fine_tuning(reps, scale);
    weights_io(reps);
    batch_backward_table(reps, scale);
    gradients::tables(reps, scale);
    optim::table(reps, scale);
    threaded_fit(15);
}
