//! The harness: median timings of interleaved bodies, the race of every
//! hand-written variant against the generated code, and sample helpers.

use mlp::rand::{rngs::SmallRng, RngExt};
use std::time::Instant;

use crate::SAMPLES;

pub(crate) struct Timing {
    pub(crate) name: String,
    pub(crate) generated: f64,
    pub(crate) hand: f64,
    /// The hand-written variant that was fastest, if there were several.
    pub(crate) winner: &'static str,
}

/// Median ns per call of `f(i)` for i over the samples, interleaving `a` and `b`.
pub(crate) fn compare(
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
pub(crate) type Body<'a> = Box<dyn FnMut(usize) + 'a>;

/// Median ns per sample of the generated body and of every hand-written
/// variant, all interleaved in each repetition; returns the generated
/// median and the fastest variant's name and median.
pub(crate) fn race(
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
pub(crate) fn race_all(
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
pub(crate) fn fastest(medians: &[(&'static str, f64)]) -> (&'static str, f64) {
    *medians
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("at least one variant")
}

/// Whether a workload runs: `only=TEXT` on the command line keeps those
/// whose label contains TEXT.
pub(crate) fn selected(label: &str) -> bool {
    std::env::args()
        .filter_map(|a| a.strip_prefix("only=").map(str::to_owned))
        .all(|want| label.contains(&want))
}

/// Median ns per call of `f(i)` (i = 0..calls), over `reps` blocks of
/// `calls` calls each.
pub(crate) fn median_ns(reps: usize, calls: usize, mut f: impl FnMut(usize)) -> f64 {
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            for i in 0..calls {
                f(i);
            }
            start.elapsed().as_nanos() as f64 / calls as f64
        })
        .collect();
    median(&mut t)
}

pub(crate) fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub(crate) fn random<const N: usize>(rng: &mut SmallRng, lo: f32, hi: f32) -> [f32; N] {
    core::array::from_fn(|_| lo + (hi - lo) * rng.random::<f32>())
}

pub(crate) fn one_hot<const N: usize>(k: usize) -> [f32; N] {
    core::array::from_fn(|i| if i == k % N { 1.0 } else { 0.0 })
}
