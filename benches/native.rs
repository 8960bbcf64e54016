//! The default build against hand-written code compiled for the CPU, in one
//! run (`cargo bench --bench perf -- native`): the generated network as a
//! user's default build has it (x86-64 baseline, kernels dispatched at run
//! time) against every hand-written variant compiled three ways: for the
//! default target, for AVX2 + FMA, and for AVX-512.
//!
//! A bench binary has one set of compiler flags, so "compiled for the CPU"
//! here means each variant's timing loop is a `#[target_feature]` function
//! into which the variant's code is inlined: the same plain Rust, given the
//! instruction sets `-C target-cpu=native` would give it (LLVM's tuning for
//! the exact CPU aside). BENCHMARKS.md, "The default build against native
//! code", compares these figures with a real `target-cpu=native` build.

use crate::harness::{fastest, race_all, selected, Body};
use crate::{generated_forward, generated_step, hand, samples, Hand, Workload, SAMPLES};
use mlp::Trainable;
use std::hint::black_box;

/// The instruction sets a variant's loop is compiled for.
#[derive(Clone, Copy, PartialEq)]
enum Isa {
    Default,
    Avx2Fma,
    Avx512,
}

impl Isa {
    fn name(self) -> &'static str {
        match self {
            Isa::Default => "default",
            Isa::Avx2Fma => "avx2+fma",
            Isa::Avx512 => "avx-512",
        }
    }

    fn available(self) -> bool {
        match self {
            Isa::Default => true,
            Isa::Avx2Fma => {
                std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
            }
            Isa::Avx512 => {
                std::is_x86_feature_detected!("avx512f")
                    && std::is_x86_feature_detected!("avx512vl")
                    && std::is_x86_feature_detected!("avx512bw")
                    && std::is_x86_feature_detected!("avx512dq")
                    && std::is_x86_feature_detected!("avx2")
                    && std::is_x86_feature_detected!("fma")
            }
        }
    }
}

/// One timed call on sample `i`, inlined into the loop that times it (a
/// closure cannot be marked so on stable Rust).
trait Sample {
    fn run(&mut self, i: usize);
    /// The call as the main table times it (out of line, default target).
    fn run_default(&mut self, i: usize);
}

/// `forward` of a hand-written network.
struct Forward<'a, N: Hand<IN, K>, V: hand::Variant, const IN: usize, const K: usize> {
    net: Box<N::Net<V>>,
    xs: &'a [[f32; IN]],
}

impl<N: Hand<IN, K>, V: hand::Variant, const IN: usize, const K: usize> Sample
    for Forward<'_, N, V, IN, K>
{
    #[inline(always)]
    fn run(&mut self, i: usize) {
        black_box(N::hand_forward::<V>(&self.net, black_box(&self.xs[i])));
    }

    fn run_default(&mut self, i: usize) {
        black_box(N::forward_call::<V>(&self.net, black_box(&self.xs[i])));
    }
}

/// One SGD step of a hand-written network.
struct Step<'a, N: Hand<IN, K>, V: hand::Variant, const IN: usize, const K: usize> {
    net: Box<N::Net<V>>,
    xs: &'a [[f32; IN]],
    ds: &'a [[f32; K]],
}

impl<N: Hand<IN, K>, V: hand::Variant, const IN: usize, const K: usize> Sample
    for Step<'_, N, V, IN, K>
{
    #[inline(always)]
    fn run(&mut self, i: usize) {
        black_box(N::hand_step::<V>(
            &mut self.net,
            black_box(&self.xs[i]),
            &self.ds[i],
            1e-3,
        ));
    }

    fn run_default(&mut self, i: usize) {
        black_box(N::step_call::<V>(
            &mut self.net,
            black_box(&self.xs[i]),
            &self.ds[i],
            1e-3,
        ));
    }
}

/// `calls` samples of `s` for the default target, as the main table runs
/// them.
fn samples_default<S: Sample>(s: &mut S, calls: usize) {
    for i in (0..calls).map(|c| c % SAMPLES) {
        s.run_default(i);
    }
}

/// The same compiled for AVX2 + FMA (with `s.run` inlined into it).
#[target_feature(enable = "avx,avx2,fma,bmi1,bmi2,lzcnt,popcnt,f16c")]
#[inline(never)]
fn samples_avx2<S: Sample>(s: &mut S, calls: usize) {
    for i in (0..calls).map(|c| c % SAMPLES) {
        s.run(i);
    }
}

/// The same for AVX-512 (the subsets of the Xeon and Zen 4/5 machines).
#[target_feature(
    enable = "avx,avx2,fma,bmi1,bmi2,lzcnt,popcnt,f16c,avx512f,avx512vl,avx512bw,avx512dq,avx512cd"
)]
#[inline(never)]
fn samples_avx512<S: Sample>(s: &mut S, calls: usize) {
    for i in (0..calls).map(|c| c % SAMPLES) {
        s.run(i);
    }
}

/// A timed body running `s` compiled for `isa`.
fn body<'a, S: Sample + 'a>(isa: Isa, mut s: S) -> Body<'a> {
    match isa {
        Isa::Default => Box::new(move |calls| samples_default(&mut s, calls)),
        Isa::Avx2Fma => Box::new(move |calls| {
            // SAFETY: bodies are only built for an `isa` whose features
            // `Isa::available` detected on this CPU.
            unsafe { samples_avx2(&mut s, calls) }
        }),
        Isa::Avx512 => Box::new(move |calls| {
            // SAFETY: as above.
            unsafe { samples_avx512(&mut s, calls) }
        }),
    }
}

/// Every hand-written variant at every available instruction set, each
/// timing `$make` (a [`Sample`] built from `$net`'s weights in the
/// variant's layout, `$h`).
macro_rules! native_variants {
    ($net:expr, |$h:ident: $V:ident| $make:expr) => {{
        let mut out: Vec<(&'static str, Body)> = Vec::new();
        for isa in [Isa::Default, Isa::Avx2Fma, Isa::Avx512] {
            if !isa.available() {
                continue;
            }
            native_variants!(@one hand::Naive, isa, out, $net, |$h: $V| $make);
            native_variants!(@one hand::RowDot, isa, out, $net, |$h: $V| $make);
            native_variants!(@one hand::ColMajor, isa, out, $net, |$h: $V| $make);
            native_variants!(@one hand::Blocked, isa, out, $net, |$h: $V| $make);
            native_variants!(@one hand::Blocked8x4, isa, out, $net, |$h: $V| $make);
        }
        out
    }};
    (@one $v:ty, $isa:expr, $out:expr, $net:expr, |$h:ident: $V:ident| $make:expr) => {{
        type $V = $v;
        let $h = $net.hand::<$V>();
        let name = format!("{} ({})", <$V as hand::Variant>::NAME, $isa.name());
        $out.push((&*Box::leak(name.into_boxed_str()), body($isa, $make)));
    }};
}

/// One workload's rows: forward and train_step of the generated network
/// (default build) against the fastest hand-written variant at any
/// instruction set, and the fastest compiled for the default target.
pub(crate) fn rows<N, const IN: usize, const K: usize>(w: &Workload, reps: usize, scale: usize)
where
    N: Trainable<IN, K, Scalar = f32> + Hand<IN, K>,
{
    if !selected(w.label) {
        return;
    }
    let calls = w.calls * scale;
    let (xs, ds, net) = samples::<N, IN, K>(w);
    let (xs, ds) = (&xs, &ds);
    let generated = generated_forward(&*net, xs);
    let hands = native_variants!(net, |h: V| Forward::<N, V, IN, K> { net: h, xs });
    print_row(
        &format!("{} forward", w.label),
        race_all(reps, calls, generated, hands),
    );
    let generated = generated_step(&*net, xs, ds);
    let hands = native_variants!(net, |h: V| Step::<N, V, IN, K> { net: h, xs, ds });
    print_row(
        &format!("{} train_step", w.label),
        race_all(reps, calls, generated, hands),
    );
}

fn print_row(name: &str, (generated, medians): (f64, Vec<(&'static str, f64)>)) {
    let (winner, best) = fastest(&medians);
    let defaults: Vec<_> = medians
        .iter()
        .copied()
        .filter(|(n, _)| n.ends_with("(default)"))
        .collect();
    let (_, best_default) = fastest(&defaults);
    println!(
        "| {name} | {generated:.1} | {best_default:.1} | {best:.1} | {winner} | {:.2} |",
        generated / best
    );
}

/// The table.
pub(crate) fn table(reps: usize, scale: usize) {
    println!("\n### The default build against hand-written code compiled for this CPU (ns per sample, median)\n");
    println!("| workload | generated, default build | best hand-written, default target | best hand-written, any ISA | fastest variant | ratio |");
    println!("|---|--:|--:|--:|---|--:|");
    for w in &crate::WORKLOADS {
        (w.native)(w, reps, scale);
    }
}
