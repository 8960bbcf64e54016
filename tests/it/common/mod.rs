//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use mlp::rand::{rngs::SmallRng, RngExt, SeedableRng};
use mlp::{Params, Trainable};

/// A seeded generator for reproducible tests.
pub fn rng(seed: u64) -> SmallRng {
    SmallRng::seed_from_u64(seed)
}

/// Uniform in [lo, hi).
pub fn uniform(rng: &mut SmallRng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// Which targets a loss accepts.
#[derive(Clone, Copy)]
pub enum Targets {
    /// Any real value (squared losses).
    Real,
    /// Each in [0, 1] (bce, sigmoid + ce).
    Unit,
    /// A probability distribution (softmax + ce).
    Distribution,
}

pub fn targets<const K: usize>(rng: &mut SmallRng, kind: Targets) -> [f64; K] {
    let mut d = [0.0; K];
    for v in &mut d {
        *v = match kind {
            Targets::Real => uniform(rng, -1.0, 1.0),
            Targets::Unit | Targets::Distribution => uniform(rng, 0.0, 1.0),
        };
    }
    if let Targets::Distribution = kind {
        let s: f64 = d.iter().sum();
        d.iter_mut().for_each(|v| *v /= s);
    }
    d
}

/// A network with random weights and (unlike `new`) random biases too, so
/// that bias gradients are exercised away from zero.
pub fn random_net<N: Params<Scalar = f64>>(rng: &mut SmallRng) -> N {
    let mut net = N::zeroed();
    for p in net.params_mut() {
        *p = uniform(rng, -0.9, 0.9);
    }
    net
}

/// The largest error of `backward` against central finite differences of
/// `loss`, over all parameters, each relative to max(|analytic|, |numeric|,
/// 1e-3 · the gradient's largest component). The floor keeps components
/// that are zero up to rounding (a dead relu, a saturated unit) from
/// dividing by nothing; every component that matters to a step is judged
/// relative to its own size.
pub fn max_rel_error<N, const IN: usize, const OUT: usize>(
    net: &N,
    x: &[f64; IN],
    d: &[f64; OUT],
) -> f64
where
    N: Trainable<IN, OUT, Scalar = f64>,
{
    let mut grad = N::zeroed();
    let loss = net.backward(x, d, &mut grad);
    assert!(
        (loss - net.loss(x, d)).abs() <= 1e-12 * loss.abs().max(1.0),
        "backward returns the loss"
    );
    let analytic = grad.params();
    let mut numeric = vec![0.0; N::PARAMS];
    let mut probe = net.clone();
    for (i, n) in numeric.iter_mut().enumerate() {
        let p = net.params()[i];
        let eps = 1e-5 * p.abs().max(1.0);
        probe.params_mut()[i] = p + eps;
        let up = probe.loss(x, d);
        probe.params_mut()[i] = p - eps;
        let down = probe.loss(x, d);
        probe.params_mut()[i] = p;
        *n = (up - down) / (2.0 * eps);
    }
    let scale = analytic.iter().fold(0.0f64, |m, g| m.max(g.abs()));
    analytic
        .iter()
        .zip(&numeric)
        .map(|(a, n)| (a - n).abs() / a.abs().max(n.abs()).max(1e-3 * scale).max(1e-300))
        .fold(0.0, f64::max)
}

/// Checks `backward` on `samples` random (x, d) pairs at random weights.
pub fn gradcheck<N, const IN: usize, const OUT: usize>(seed: u64, kind: Targets) -> f64
where
    N: Trainable<IN, OUT, Scalar = f64>,
{
    let mut rng = rng(seed);
    let mut worst = 0.0f64;
    for _ in 0..3 {
        let net: N = random_net(&mut rng);
        let mut x = [0.0; IN];
        x.iter_mut().for_each(|v| *v = uniform(&mut rng, -1.5, 1.5));
        let d = targets::<OUT>(&mut rng, kind);
        worst = worst.max(max_rel_error(&net, &x, &d));
    }
    worst
}

/// A network with varied weights, including values that printing and
/// parsing get wrong most easily: −0.0, subnormals, extremes, 0.1.
pub fn awkward<N: Params>(seed: u64) -> N {
    let mut rng = rng(seed);
    let mut net = N::zeroed();
    let specials = [
        -0.0,
        0.1,
        1e-40,
        -1e-310,
        3.4e38,
        -1.0 / 3.0,
        1e-7,
        123_456.79,
    ];
    for (i, p) in net.params_mut().iter_mut().enumerate() {
        let v = match specials.get(i) {
            Some(&s) => s,
            None => rng.random_range(-2.0..2.0),
        };
        *p = <N::Scalar as mlp::Scalar>::from_f64(v);
    }
    net
}

/// Whether two networks hold the same parameters, bit for bit (−0.0 ≠ 0.0).
pub fn same_bits<N: Params>(a: &N, b: &N) -> bool {
    let bits = |n: &N| -> Vec<u64> {
        n.params()
            .iter()
            .map(|p| mlp::Scalar::to_f64(*p).to_bits())
            .collect()
    };
    bits(a) == bits(b)
}

/// Runs `f` once at every instruction-set level the dispatch can choose on
/// this CPU (`mlp::simd::force`), printing a line for each level it lacks,
/// then restores the best. One test at a time (a lock), so a level stays in
/// force for the whole of `f`.
#[allow(dead_code)] // `tests/grad` shares this module
pub fn each_simd_level(mut f: impl FnMut(mlp::simd::Level)) {
    use mlp::simd::{force, supported, Level};
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let best = supported();
    for level in [Level::Sse2, Level::Avx2, Level::Avx512] {
        if level > best {
            eprintln!("skipped: this CPU does not run {level:?}");
            continue;
        }
        assert_eq!(force(level), level);
        f(level);
    }
    force(best);
}
