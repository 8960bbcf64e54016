//! The timing loop the three binaries share: median µs per call.

use std::time::Instant;

/// Median µs of `calls` calls of `f`, over 21 repetitions.
pub fn median_us(calls: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..21)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..calls {
                f();
            }
            start.elapsed().as_secs_f64() * 1e6 / calls as f64
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

/// Deterministic inputs and output gradients in [-1, 1).
pub fn data<const N: usize>(seed: u32, count: usize) -> Vec<[f32; N]> {
    let mut s = seed.wrapping_mul(2_654_435_761).max(1);
    (0..count)
        .map(|_| {
            core::array::from_fn(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                s as f32 / u32::MAX as f32 * 2.0 - 1.0
            })
        })
        .collect()
}

/// `| library | B = 1 | B = 32 |`.
pub fn report(library: &str, b1: f64, b32: f64) {
    println!("| {library} | {b1:.2} | {b32:.2} |");
}
