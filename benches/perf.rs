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
use std::hint::black_box;
use std::time::Instant;

mod gradients;
mod hand;

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

struct Timing {
    name: String,
    generated: f64,
    hand: f64,
    /// The hand-written variant that was fastest, if there were several.
    winner: &'static str,
}

/// Median ns per call of `f(i)` for i over the samples, interleaving `a` and `b`.
fn compare(
    reps: usize,
    calls: usize,
    mut a: impl FnMut(usize),
    mut b: impl FnMut(usize),
) -> (f64, f64) {
    let mut ta = Vec::with_capacity(reps);
    let mut tb = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        for i in 0..calls {
            a(i % SAMPLES);
        }
        ta.push(t.elapsed().as_nanos() as f64 / calls as f64);
        let t = Instant::now();
        for i in 0..calls {
            b(i % SAMPLES);
        }
        tb.push(t.elapsed().as_nanos() as f64 / calls as f64);
    }
    (median(&mut ta), median(&mut tb))
}

/// A timed body: runs `calls` samples in its own loop (so a dynamic call
/// costs once per repetition, not per sample).
type Body<'a> = Box<dyn FnMut(usize) + 'a>;

/// Median ns per sample of the generated body and of every hand-written
/// variant, all interleaved in each repetition; returns the generated
/// median and the fastest variant's name and median.
fn race(
    reps: usize,
    calls: usize,
    generated: Body,
    hands: Vec<(&'static str, Body)>,
) -> (f64, &'static str, f64) {
    let (generated, medians) = race_all(reps, calls, generated, hands);
    let (name, best) = fastest(&medians);
    (generated, name, best)
}

/// [`race`]'s timings: the generated median and every variant's (printed
/// to stderr with `variants` on the command line).
fn race_all(
    reps: usize,
    calls: usize,
    mut generated: Body,
    mut hands: Vec<(&'static str, Body)>,
) -> (f64, Vec<(&'static str, f64)>) {
    let mut tg = Vec::with_capacity(reps);
    let mut th: Vec<Vec<f64>> = vec![Vec::with_capacity(reps); hands.len()];
    let time = |f: &mut Body| {
        let t = Instant::now();
        f(calls);
        t.elapsed().as_nanos() as f64 / calls as f64
    };
    for _ in 0..reps {
        tg.push(time(&mut generated));
        for (t, (_, f)) in th.iter_mut().zip(&mut hands) {
            t.push(time(f));
        }
    }
    let medians = hands
        .iter()
        .zip(&mut th)
        .map(|((name, _), t)| (*name, median(t)))
        .collect();
    if std::env::args().any(|a| a == "variants") {
        eprintln!("    variants: {medians:.1?}");
    }
    (median(&mut tg), medians)
}

/// The fastest of some variants' medians.
fn fastest(medians: &[(&'static str, f64)]) -> (&'static str, f64) {
    *medians
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("at least one variant")
}

/// Whether a workload runs: `only=TEXT` on the command line keeps those
/// whose label contains TEXT.
fn selected(label: &str) -> bool {
    std::env::args()
        .filter_map(|a| a.strip_prefix("only=").map(str::to_owned))
        .all(|want| label.contains(&want))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn random<const N: usize>(rng: &mut SmallRng, lo: f32, hi: f32) -> [f32; N] {
    core::array::from_fn(|_| lo + (hi - lo) * rng.random::<f32>())
}

fn one_hot<const N: usize>(k: usize) -> [f32; N] {
    core::array::from_fn(|i| if i == k % N { 1.0 } else { 0.0 })
}

/// A generated network's weights copied into a hand-written network of
/// each variant's layout.
trait Hand {
    type Net<V: hand::Variant>;
    fn hand<V: hand::Variant>(&self) -> Box<Self::Net<V>>;
}

macro_rules! hand2 {
    ($($net:ident: $i:literal, $h:literal, $o:literal;)*) => {$(
        impl Hand for $net {
            type Net<V: hand::Variant> = hand::Net2<V, $i, $h, $o>;
            fn hand<V: hand::Variant>(&self) -> Box<Self::Net<V>> {
                hand::Net2::new(&self.w1, &self.b1, &self.w2, &self.b2)
            }
        }
    )*};
}

hand2! {
    SigSse221: 2, 2, 1;
    ReluBce221: 2, 2, 1;
    TanhSoftmax4163: 4, 16, 3;
    TanhSigSse4163: 4, 16, 3;
    Mnist: 784, 128, 10;
    MnistSse: 784, 128, 10;
}

impl Hand for Sig1664648 {
    type Net<V: hand::Variant> = hand::Net3<V, 16, 64, 64, 8>;
    fn hand<V: hand::Variant>(&self) -> Box<Self::Net<V>> {
        hand::Net3::new(
            (&self.w1, &self.b1),
            (&self.w2, &self.b2),
            (&self.w3, &self.b3),
        )
    }
}

/// One timed body per hand-written variant: `$body(&mut net, i)` over the
/// samples, on that variant's copy of `$net`'s weights.
macro_rules! variants {
    ($net:expr, |$h:ident, $i:ident| $body:expr) => {
        vec![
            variants!(@one hand::Naive, $net, |$h, $i| $body),
            variants!(@one hand::RowDot, $net, |$h, $i| $body),
            variants!(@one hand::ColMajor, $net, |$h, $i| $body),
            variants!(@one hand::Blocked, $net, |$h, $i| $body),
            variants!(@one hand::Blocked8x4, $net, |$h, $i| $body),
        ]
    };
    (@one $v:ty, $net:expr, |$h:ident, $i:ident| $body:expr) => {{
        #[allow(unused_mut)]
        let mut $h = $net.hand::<$v>();
        let body: Body = Box::new(move |calls| {
            for $i in (0..calls).map(|c| c % SAMPLES) {
                black_box($body);
            }
        });
        (<$v as hand::Variant>::NAME, body)
    }};
}

/// Runs forward and train_step of a generated network `$net` against every
/// hand-written variant of `$hand_fwd` / `$hand_step` on the same weights.
macro_rules! workload {
    ($out:ident, $label:expr, $net:ident, $in:literal, $k:literal, $targets:expr, $hand_fwd:path, $hand_step:path, $reps:expr, $calls:expr) => {
        'workload: {
            if !selected($label) {
                break 'workload;
            }
            let mut rng = SmallRng::seed_from_u64(42);
            let xs: Vec<[f32; $in]> = (0..SAMPLES).map(|_| random(&mut rng, -1.0, 1.0)).collect();
            let ds: Vec<[f32; $k]> = (0..SAMPLES).map(|i| ($targets)(i, &mut rng)).collect();
            let net: Box<$net> = mlp::boxed::new(&mut rng);
            let (xs, ds) = (&xs, &ds);
            // Every variant computes the same function (up to rounding).
            let want = net.forward(&xs[0]);
            for got in [
                $hand_fwd(&*net.hand::<hand::Naive>(), &xs[0]),
                $hand_fwd(&*net.hand::<hand::RowDot>(), &xs[0]),
                $hand_fwd(&*net.hand::<hand::ColMajor>(), &xs[0]),
                $hand_fwd(&*net.hand::<hand::Blocked>(), &xs[0]),
                $hand_fwd(&*net.hand::<hand::Blocked8x4>(), &xs[0]),
            ] {
                for (a, b) in got.iter().zip(&want) {
                    assert!(
                        (a - b).abs() <= 1e-4 * (1.0 + b.abs()),
                        "{}: {a} vs {b}",
                        $label
                    );
                }
            }
            let gen_net = net.clone();
            let generated: Body = Box::new(move |calls| {
                for i in (0..calls).map(|c| c % SAMPLES) {
                    black_box(gen_net.forward(black_box(&xs[i])));
                }
            });
            let hands = variants!(net, |h, i| $hand_fwd(&*h, black_box(&xs[i])));
            let (generated, winner, hand) = race($reps, $calls, generated, hands);
            $out.push(Timing {
                name: format!("{} forward", $label),
                generated,
                hand,
                winner,
            });
            let mut gen_net = net.clone();
            let generated: Body = Box::new(move |calls| {
                for i in (0..calls).map(|c| c % SAMPLES) {
                    black_box(gen_net.train_step(black_box(&xs[i]), &ds[i], 1e-3));
                }
            });
            let hands = variants!(net, |h, i| $hand_step(
                &mut *h,
                black_box(&xs[i]),
                &ds[i],
                1e-3
            ));
            let (generated, winner, hand) = race($reps, $calls, generated, hands);
            $out.push(Timing {
                name: format!("{} train_step", $label),
                generated,
                hand,
                winner,
            });
        }
    };
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
    let quick = std::env::args().any(|a| a == "quick");
    let (reps, scale) = if quick { (7, 1) } else { (31, 4) };
    if std::env::args().any(|a| a == "batch") {
        // Only the backward_batch table.
        batch_backward_table(reps, scale);
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
    let unit = |_: usize, rng: &mut SmallRng| -> [f32; 1] { [f32::from(rng.random::<bool>())] };
    workload!(
        out,
        "2-2-1 sigmoid/sigmoid/sse",
        SigSse221,
        2,
        1,
        unit,
        hand::sig_sig_forward,
        hand::sig_sig_step,
        reps,
        2000 * scale
    );
    workload!(
        out,
        "2-2-1 relu/sigmoid/bce",
        ReluBce221,
        2,
        1,
        unit,
        hand::relu_bce_forward,
        hand::relu_bce_step,
        reps,
        2000 * scale
    );
    workload!(
        out,
        "4-16-3 tanh/softmax/ce",
        TanhSoftmax4163,
        4,
        3,
        |i, _: &mut SmallRng| one_hot(i),
        hand::tanh_softmax_forward,
        hand::tanh_softmax_step,
        reps,
        500 * scale
    );
    workload!(
        out,
        "4-16-3 tanh/sigmoid/sse",
        TanhSigSse4163,
        4,
        3,
        |_, rng: &mut SmallRng| random(rng, 0.0, 1.0),
        hand::tanh_sig_forward,
        hand::tanh_sig_step,
        reps,
        500 * scale
    );
    workload!(
        out,
        "16-64-64-8 sigmoid/sse",
        Sig1664648,
        16,
        8,
        |_, rng: &mut SmallRng| random(rng, 0.0, 1.0),
        hand::sig3_forward,
        hand::sig3_step,
        reps,
        100 * scale
    );
    workload!(
        out,
        "784-128-10 sigmoid/softmax/ce",
        Mnist,
        784,
        10,
        |i, _: &mut SmallRng| one_hot(i),
        hand::sig_softmax_forward,
        hand::sig_softmax_step,
        reps,
        10 * scale
    );
    workload!(
        out,
        "784-128-10 sigmoid/sigmoid/sse",
        MnistSse,
        784,
        10,
        |_, rng: &mut SmallRng| random(rng, 0.0, 1.0),
        hand::sig_sig_forward,
        hand::sig_sig_step,
        reps,
        10 * scale
    );

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
    threaded_fit(15);
}

/// One dense layer `W x + b`: the generated code's kernel (row-major W, as
/// the contract stores it) against every hand-written variant's layer on
/// the same weights — the row-major ones (free to sum in any order) on the
/// generated code's copy, the column-major axpy on a transposed copy — for
/// a layer whose weights fit the L1 cache and three that live in L2.
/// Separates what the row-major layout costs from what the generated
/// code's order costs.
fn layout_table(reps: usize, scale: usize) {
    fn layer<const I: usize, const O: usize>(reps: usize, calls: usize) {
        let mut rng = SmallRng::seed_from_u64(45);
        let w: Box<[[f32; I]; O]> = Box::new(core::array::from_fn(|_| random(&mut rng, -1.0, 1.0)));
        let b: [f32; O] = random(&mut rng, -1.0, 1.0);
        let xs: Vec<[f32; I]> = (0..SAMPLES).map(|_| random(&mut rng, -1.0, 1.0)).collect();
        let xs = &xs;
        // One copy of the weights per layout, so both stay in L2 where they
        // fit: the row-major variants share the generated code's.
        let wt: Box<[[f32; O]; I]> = Box::new(<hand::ColMajor as hand::Variant>::from_rows(&w));
        let (w, b) = (&*w, &b);
        let generated: Body = Box::new(move |calls| {
            for i in (0..calls).map(|c| c % SAMPLES) {
                black_box(mlp::__private::linalg::dense(w, b, black_box(&xs[i])));
            }
        });
        macro_rules! body {
            ($v:ty, $w:expr) => {{
                let body: Body = Box::new(move |calls| {
                    for i in (0..calls).map(|c| c % SAMPLES) {
                        black_box(<$v as hand::Variant>::layer($w, b, black_box(&xs[i])));
                    }
                });
                (<$v as hand::Variant>::NAME, body)
            }};
        }
        let hands = vec![
            body!(hand::ColMajor, &wt),
            body!(hand::Naive, w),
            body!(hand::RowDot, w),
            body!(hand::Blocked, w),
            body!(hand::Blocked8x4, w),
            body!(hand::Blocked4x16, w),
        ];
        let (g, medians) = race_all(reps, calls, generated, hands);
        let (c, (row_name, row)) = (medians[0].1, fastest(&medians[1..]));
        println!(
            "| {I} x {O} | {} | {g:.1} | {row:.1} ({row_name}) | {c:.1} | {:.2} | {:.2} |",
            I * O * 4 / 1024,
            g / c,
            row / c
        );
    }
    println!(
        "| layer (inputs x units) | weights KiB | generated `dense` ns | fastest row-major hand-written ns | column-major ns | generated / column-major | row-major / column-major |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    layer::<192, 32>(reps, 2000 * scale);
    layer::<784, 32>(reps, 500 * scale);
    layer::<784, 64>(reps, 250 * scale);
    layer::<784, 128>(reps, 100 * scale);
}

/// `backward_batch::<32>` against 32 calls to `backward`, per sample.
fn batch_backward_table(reps: usize, scale: usize) {
    println!();
    println!(
        "| workload | 32 × backward ns/sample | backward_batch::<32> ns/sample | throughput gain | multiply-adds per sample | backward_batch multiply-adds per ns |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    batch_backward::<Sig1664648, 16, 8>("16-64-64-8 sigmoid/sse", reps, 20 * scale);
    batch_backward::<Mnist, 784, 10>("784-128-10 sigmoid/softmax/ce", reps, 2 * scale);
}

/// Epoch throughput of `Fit` on 1 and 2 threads, batches of 256, SGD:
/// 784-128-10 on 1,024 samples and 16-64-64-8 on 4,096. Each run trains
/// 4 epochs; the first (which also pays for the run's set-up: buffers, the
/// threads, first touches of the copied network) is reported apart from
/// the median of the other three, over runs interleaved 1, 2, 1, 2, ...
fn threaded_fit(reps: usize) {
    println!();
    println!("| Fit, batch 256 | epoch | 1 thread ms/epoch | 2 threads ms/epoch | speed-up |");
    println!("|---|---|---:|---:|---:|");
    fit_threads::<Mnist, 784, 10>("784-128-10, 1,024 samples", 1024, reps);
    fit_threads::<Sig1664648, 16, 8>("16-64-64-8, 4,096 samples", 4096, reps);
}

/// One network's rows of [`threaded_fit`].
fn fit_threads<N, const IN: usize, const OUT: usize>(label: &str, samples: usize, reps: usize)
where
    N: mlp::Trainable<IN, OUT, Scalar = f32>,
{
    use mlp::train::{Control, Data, Fit};
    let mut rng = SmallRng::seed_from_u64(47);
    let xs: Vec<[f32; IN]> = (0..samples).map(|_| random(&mut rng, 0.0, 1.0)).collect();
    let ds: Vec<[f32; OUT]> = (0..samples).map(|k| one_hot(k % OUT)).collect();
    let start: Box<N> = mlp::boxed::new(&mut rng);
    // (first epoch, the later ones) of one run, in ms.
    let run = |threads: usize| {
        let mut net = start.clone();
        let mut sgd = mlp::optim::Sgd::new(1e-3);
        let mut rng = SmallRng::seed_from_u64(48);
        let mut ends = vec![Instant::now()];
        Fit::new(Data::new(&xs, &ds))
            .epochs(4)
            .batch_size(256)
            .threads(threads)
            .run(&mut *net, &mut sgd, &mut rng, |_| {
                ends.push(Instant::now());
                Control::Continue
            })
            .expect("valid data");
        black_box(&net);
        let ms: Vec<f64> = ends
            .windows(2)
            .map(|w| (w[1] - w[0]).as_secs_f64() * 1e3)
            .collect();
        (ms[0], ms[1..].to_vec())
    };
    let (mut first, mut later) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
    for _ in 0..reps.div_ceil(3) {
        for (k, threads) in [1, 2].into_iter().enumerate() {
            let (f, rest) = run(threads);
            first[k].push(f);
            later[k].extend(rest);
        }
    }
    let f: Vec<f64> = first.iter_mut().map(|v| median(v)).collect();
    let l: Vec<f64> = later.iter_mut().map(|v| median(v)).collect();
    for (epoch, t) in [("first (with set-up)", &f), ("later", &l)] {
        println!(
            "| {label} | {epoch} | {:.2} | {:.2} | {:.2}x |",
            t[0],
            t[1],
            t[0] / t[1]
        );
    }
}

/// Per-sample `backward` over 32 samples against one `backward_batch` of
/// the same 32, into the same kind of gradient buffer.
fn batch_backward<N, const IN: usize, const OUT: usize>(label: &str, reps: usize, calls: usize)
where
    N: mlp::Trainable<IN, OUT, Scalar = f32>,
{
    let mut rng = SmallRng::seed_from_u64(46);
    let xs: Box<[[f32; IN]; 32]> = Box::new(core::array::from_fn(|_| random(&mut rng, 0.0, 1.0)));
    let ds: [[f32; OUT]; 32] = core::array::from_fn(|k| one_hot(k % OUT));
    let net: Box<N> = mlp::boxed::new(&mut rng);
    let mut g1: Box<N> = mlp::boxed::zeroed();
    let mut g2: Box<N> = mlp::boxed::zeroed();
    let (single, batch) = compare(
        reps,
        calls,
        |_| {
            for (x, d) in xs.iter().zip(&ds) {
                black_box(net.backward(black_box(x), d, &mut g1));
            }
        },
        |_| {
            black_box(net.backward_batch(black_box(&*xs), &ds, &mut g2));
        },
    );
    let forward_macs: usize = <N as mlp::Params>::LAYER_SHAPES
        .iter()
        .map(|(o, i)| o * i)
        .sum();
    // A gradient: the forward pass, Wᵀδ for every layer but the first, δyᵀ;
    // their rate against the core's peak is what bounds the gain.
    let back_macs: usize = <N as mlp::Params>::LAYER_SHAPES[1..]
        .iter()
        .map(|(o, i)| o * i)
        .sum();
    let macs = 2 * forward_macs + back_macs;
    println!(
        "| {label} | {:.1} | {:.1} | {:.2}x | {macs} | {:.1} |",
        single / 32.0,
        batch / 32.0,
        single / batch,
        macs as f64 * 32.0 / batch
    );
}

/// Keeping a 784-128-10 network: safetensors in memory both ways, and raw
/// bytes (`to_bytes` then `from_bytes`), median microseconds.
fn weights_io(reps: usize) {
    let mut rng = SmallRng::seed_from_u64(45);
    let net: Box<Mnist> = mlp::boxed::new(&mut rng);
    let file = mlp::weights::to_vec(&*net);
    let time = |f: &mut dyn FnMut()| {
        let mut t: Vec<f64> = (0..reps)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..20 {
                    f();
                }
                start.elapsed().as_secs_f64() * 1e6 / 20.0
            })
            .collect();
        median(&mut t)
    };
    let save = time(&mut || {
        black_box(mlp::weights::to_vec(black_box(&*net)));
    });
    let load = time(&mut || {
        black_box(mlp::weights::from_slice::<Mnist>(black_box(&file)).is_ok());
    });
    let raw = time(&mut || {
        let bytes = black_box(net.to_bytes());
        black_box(Mnist::from_bytes(&bytes).is_ok());
    });
    println!();
    println!("| 784-128-10 weights ({} bytes as safetensors) | to_vec µs | from_slice µs | to_bytes + from_bytes µs |", file.len());
    println!("|---|---:|---:|---:|");
    println!("| f32 | {save:.0} | {load:.0} | {raw:.0} |");
}

/// `train_step` of 784-128-10 with the hidden layer `frozen` against the
/// full step, and `forward` for scale: fine-tuning the last layer should
/// cost the forward pass plus the output layer's update.
fn fine_tuning(reps: usize, scale: usize) {
    let mut rng = SmallRng::seed_from_u64(44);
    let xs: Vec<[f32; 784]> = (0..SAMPLES).map(|_| random(&mut rng, 0.0, 1.0)).collect();
    let ds: Vec<[f32; 10]> = (0..SAMPLES).map(|k| one_hot(k % 10)).collect();
    let mut full: Box<Mnist> = mlp::boxed::new(&mut rng);
    let mut tune: Box<MnistTune> = mlp::boxed::zeroed();
    mlp::Params::params_mut(&mut *tune).copy_from_slice(mlp::Params::params(&*full));
    let (full_ns, tune_ns) = compare(
        reps,
        10 * scale,
        |i| {
            black_box(full.train_step(black_box(&xs[i]), &ds[i], 1e-3));
        },
        |i| {
            black_box(tune.train_step(black_box(&xs[i]), &ds[i], 1e-3));
        },
    );
    let (forward_ns, _) = compare(
        reps,
        10 * scale,
        |i| {
            black_box(full.forward(black_box(&xs[i])));
        },
        |_| {},
    );
    println!();
    println!(
        "| workload | train_step ns | frozen hidden layer: train_step ns | speed-up | forward ns |"
    );
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| 784-128-10 sigmoid/softmax/ce | {full_ns:.1} | {tune_ns:.1} | {:.2}x | {forward_ns:.1} |",
        full_ns / tune_ns
    );
}
