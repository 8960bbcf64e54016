//! The studies beside the main table: one dense layer against every
//! layout, `backward_batch`, threaded `Fit`, weight I/O and fine-tuning.

use crate::hand;
use crate::harness::{compare, fastest, median, median_ns, one_hot, race_all, random, Body};
use crate::{Mnist, MnistTune, Sig1664648, SAMPLES};
use mlp::rand::{rngs::SmallRng, SeedableRng};
use std::hint::black_box;
use std::time::Instant;

/// One dense layer `W x + b`: the generated code's kernel (row-major W, as
/// the contract stores it) against every hand-written variant's layer on
/// the same weights — the row-major ones (free to sum in any order) on the
/// generated code's copy, the column-major axpy on a transposed copy — for
/// a layer whose weights fit the L1 cache and three that live in L2.
/// Separates what the row-major layout costs from what the generated
/// code's order costs.
pub(crate) fn layout_table(reps: usize, scale: usize) {
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
pub(crate) fn batch_backward_table(reps: usize, scale: usize) {
    println!();
    println!(
        "| workload | 32 × backward ns/sample | backward_batch::<32> ns/sample | throughput gain | multiply-adds per sample | backward_batch multiply-adds per ns |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    batch_backward::<Sig1664648, 16, 8>("16-64-64-8 sigmoid/sse", reps, 20 * scale);
    batch_backward::<Mnist, 784, 10>("784-128-10 sigmoid/softmax/ce", reps, 2 * scale);
    transposes(reps, scale);
}

/// `mlp::batch::transpose` (sample-major to feature-major and back: the
/// batch methods' first and last step) at each level it can be forced to,
/// against the plain double loop it replaced, on the shapes of the
/// `backward_batch` table's batches.
fn transposes(reps: usize, scale: usize) {
    #[inline(never)]
    fn plain<const R: usize, const C: usize>(m: &[[f32; C]; R]) -> [[f32; R]; C] {
        let mut t = [[0.0; R]; C];
        for (r, row) in m.iter().enumerate() {
            for (c, &v) in row.iter().enumerate() {
                t[c][r] = v;
            }
        }
        t
    }
    fn shape<const R: usize, const C: usize>(reps: usize, calls: usize) {
        use mlp::simd::{force, supported, Level};
        let mut rng = SmallRng::seed_from_u64(49);
        let m: Box<[[f32; C]; R]> = Box::new(core::array::from_fn(|_| random(&mut rng, -1.0, 1.0)));
        let plain_ns = median_ns(reps, calls, |_| {
            black_box(plain(black_box(&*m)));
        });
        let best = supported();
        let mut cells = Vec::new();
        for level in [Level::Sse2, Level::Avx2, Level::Avx512] {
            if level > best {
                cells.push("-".to_string());
                continue;
            }
            force(level);
            let ns = median_ns(reps, calls, |_| {
                black_box(mlp::__private::batch::transpose(black_box(&*m)));
            });
            cells.push(format!("{ns:.1}"));
        }
        force(best);
        println!("| {R} x {C} | {plain_ns:.1} | {} |", cells.join(" | "));
    }
    println!();
    println!("| transpose (rows x columns) | plain loop ns | tiled, SSE2 ns | tiled, AVX2 ns | tiled, AVX-512 ns |");
    println!("|---|---:|---:|---:|---:|");
    shape::<32, 784>(reps, 20 * scale);
    shape::<128, 32>(reps, 500 * scale);
    shape::<64, 32>(reps, 1000 * scale);
    shape::<32, 64>(reps, 1000 * scale);
}

/// Epoch throughput of `Fit` on 1 and 2 threads, batches of 256, SGD:
/// 784-128-10 on 1,024 samples and 16-64-64-8 on 4,096. Each run trains
/// 4 epochs; the first (which also pays for the run's set-up: buffers, the
/// threads, first touches of the copied network) is reported apart from
/// the median of the other three, over runs interleaved 1, 2, 1, 2, ...
pub(crate) fn threaded_fit(reps: usize) {
    println!();
    println!("| Fit, batch 256 | epoch | 1 thread ms/epoch | 2 threads ms/epoch | speed-up |");
    println!("|---|---|---:|---:|---:|");
    fit_threads::<Mnist, 784, 10>("784-128-10, 1,024 samples", 1024, reps);
    fit_threads::<Sig1664648, 16, 8>("16-64-64-8, 4,096 samples", 4096, reps);
}

/// One network's rows of [`threaded_fit`].
pub(crate) fn fit_threads<N, const IN: usize, const OUT: usize>(
    label: &str,
    samples: usize,
    reps: usize,
) where
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
pub(crate) fn batch_backward<N, const IN: usize, const OUT: usize>(
    label: &str,
    reps: usize,
    calls: usize,
) where
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
pub(crate) fn weights_io(reps: usize) {
    let mut rng = SmallRng::seed_from_u64(45);
    let net: Box<Mnist> = mlp::boxed::new(&mut rng);
    let file = mlp::weights::to_vec(&*net);
    let time = |f: &mut dyn FnMut()| median_ns(reps, 20, |_| f()) / 1000.0;
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
pub(crate) fn fine_tuning(reps: usize, scale: usize) {
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
