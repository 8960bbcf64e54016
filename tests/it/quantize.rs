//! `#[quantize]`: the integer networks of eleven random networks (every
//! activation, hidden and output; f32 and f64 sources; i8 and i16 codes),
//! and of five of them over other boxes (far from 0, tiny, a different
//! scale per input, wide enough to saturate), each checked three ways:
//! - `forward` equals a plain i64 evaluation of the same integer network
//!   (written here from the formulas, not with the runtime's kernels) on
//!   random codes, in the box and out of it, and on the extreme codes;
//! - `forward_f32` is within `ERROR_BOUND` of the float network (computed
//!   in f64 from the same file) on 10^4 random inputs in the box and at
//!   every corner, and within the bound plus the float network's own f32
//!   rounding of the f32 network;
//! - inputs outside the box, infinite or NaN saturate without panicking.

use mlp::__private::int::{Affine, Lookup, Scale, EXP2_Q15};
use mlp::rand::{rngs::SmallRng, RngExt, SeedableRng};

include!("common/quant_cases.rs");

/// The integer network, evaluated in i64 from its public fields.
mod reference {
    use super::*;

    fn scale(x: i64, s: Scale) -> i64 {
        let shift = u32::from(s.shift.min(62));
        let p = x * i64::from(s.multiplier);
        let r = if shift == 0 {
            p
        } else {
            (p + (1i64 << (shift - 1))).div_euclid(1i64 << shift)
        };
        r.clamp(i64::from(i32::MIN), i64::from(i32::MAX))
    }

    fn acc<const M: usize>(x: &[i64], w: &[[i8; M]], b: &[i32]) -> Vec<i64> {
        w.iter()
            .zip(b)
            .map(|(row, &bi)| {
                i64::from(bi)
                    + row
                        .iter()
                        .zip(x)
                        .map(|(&wj, &xj)| i64::from(wj) * xj)
                        .sum::<i64>()
            })
            .collect()
    }

    pub fn affine<const M: usize>(
        x: &[i64],
        w: &[[i8; M]],
        b: &[i32],
        a: &[Affine],
        (min, max): (i64, i64),
    ) -> Vec<i64> {
        acc(x, w, b)
            .iter()
            .zip(a)
            .map(|(&h, s)| {
                let f = if h >= 0 { s.pos } else { s.neg };
                (i64::from(s.offset) + scale(h, f)).clamp(min, max)
            })
            .collect()
    }

    pub fn lookup<const M: usize>(
        x: &[i64],
        w: &[[i8; M]],
        b: &[i32],
        p: &[Lookup],
        t: &[i32],
        (min, max): (i64, i64),
    ) -> Vec<i64> {
        let bits = if max == 127 { 8 } else { 0 };
        acc(x, w, b)
            .iter()
            .zip(p)
            .map(|(&h, s)| {
                let last = 256 * (t.len() as i64 - 1);
                let u = (scale(h, s.index) + i64::from(s.offset)).clamp(0, last);
                let (k, fr) = ((u / 256) as usize, u % 256);
                let lo = i64::from(t[k]);
                let hi = t.get(k + 1).map_or(lo, |&v| i64::from(v));
                let v = lo + ((hi - lo) * fr + 128).div_euclid(256);
                ((v + ((1 << bits) >> 1)).div_euclid(1 << bits)).clamp(min, max)
            })
            .collect()
    }

    pub fn threshold<const M: usize, A: Into<i64> + Copy>(
        x: &[i64],
        w: &[[i8; M]],
        b: &[i32],
        c: &[A; 2],
        _: (i64, i64),
    ) -> Vec<i64> {
        acc(x, w, b)
            .iter()
            .map(|&h| if h > 0 { c[1].into() } else { c[0].into() })
            .collect()
    }

    pub fn softmax<const M: usize>(
        x: &[i64],
        w: &[[i8; M]],
        b: &[i32],
        s: &[Scale],
        (min, max): (i64, i64),
    ) -> Vec<i64> {
        let z: Vec<i64> = acc(x, w, b)
            .iter()
            .zip(s)
            .map(|(&h, &f)| scale(h, f))
            .collect();
        let top = *z.iter().max().unwrap();
        let e: Vec<i64> = z
            .iter()
            .map(|&zi| {
                let d = (top - zi).min(i64::from(i32::MAX));
                let (n, f) = (d / 65536, d % 65536);
                let (k, fr) = ((f / 1024) as usize, f % 1024);
                let (lo, hi) = (i64::from(EXP2_Q15[k]), i64::from(EXP2_Q15[k + 1]));
                let v = lo + ((hi - lo) * fr + 512).div_euclid(1024);
                match n {
                    0 => v,
                    1..=16 => (v + (1 << (n - 1))) >> n,
                    _ => 0,
                }
            })
            .collect();
        let sum: i64 = e.iter().sum();
        e.iter()
            .map(|&ei| min + (ei * (max - min) + sum / 2) / sum)
            .collect()
    }
}

/// Random codes: mostly uniform over the whole code range, some at the ends.
fn codes<const N: usize>(rng: &mut SmallRng, min: i64, max: i64) -> [i64; N] {
    std::array::from_fn(|_| match rng.random_range(0..8) {
        0 => min,
        1 => max,
        _ => rng.random_range(min..=max),
    })
}

macro_rules! check {
    ($m:ident, $sc:ident, $file:tt, [$($spec:tt)*], $bx:tt, [$($stage:ident($w:ident, $b:ident $(, $f:ident)*)),*]) => {
        mod $m {
            use super::*;

            mlp::network! {
                #[scalar(f64)]
                #[weights($file)]
                pub struct Exact<$($spec)*>;

                #[scalar($sc)]
                #[weights($file)]
                #[quantize(Q8, input = $bx)]
                #[quantize(Q16, activations = i16, input = $bx)]
                pub struct Net<$($spec)*>;
            }

            const IN: usize = Net::INPUTS;
            const OUT: usize = Net::OUTPUTS;

            macro_rules! integer_matches_reference {
                ($q:ident, $code:ident) => {{
                    let net = $q::TRAINED;
                    let range = (i64::from($code::MIN), i64::from($code::MAX));
                    let mut rng = SmallRng::seed_from_u64(7);
                    for case in 0..3000 {
                        let x: [i64; IN] = if case == 0 {
                            [range.0; IN]
                        } else if case == 1 {
                            [range.1; IN]
                        } else {
                            codes(&mut rng, range.0, range.1)
                        };
                        let y = x.to_vec();
                        $(let y = reference::$stage(&y, &net.$w, &net.$b $(, &net.$f)*, range);)*
                        let xq: [$code; IN] = std::array::from_fn(|j| x[j] as $code);
                        let got: Vec<i64> = net.forward(&xq).iter().map(|&v| i64::from(v)).collect();
                        assert_eq!(got, y, "codes {x:?}");
                    }
                }};
            }

            #[test]
            fn forward_is_the_i64_reference() {
                integer_matches_reference!(Q8, i8);
                integer_matches_reference!(Q16, i16);
            }

            /// Inputs: 10^4 uniform in the box, then every corner.
            fn inputs() -> Vec<[f32; IN]> {
                let bx = Q8::INPUT_BOX;
                let mut rng = SmallRng::seed_from_u64(11);
                let mut xs: Vec<[f32; IN]> = (0..10_000)
                    .map(|_| std::array::from_fn(|j| {
                        let t: f32 = rng.random();
                        (bx[j][0] + (bx[j][1] - bx[j][0]) * t).clamp(bx[j][0], bx[j][1])
                    }))
                    .collect();
                for corner in 0..(1usize << IN.min(12)) {
                    xs.push(std::array::from_fn(|j| bx[j][(corner >> (j % 12)) & 1]));
                }
                xs
            }

            macro_rules! within_bound {
                ($q:ident) => {{
                    let (exact, net, q) = (Exact::TRAINED, Net::TRAINED, $q::TRAINED);
                    let mut worst = [0.0f64; OUT];
                    for x in inputs() {
                        let want = exact.forward(&x.map(f64::from));
                        let float = net.forward(&x.map(|v| v as $sc));
                        let got = q.forward_f32(&x);
                        assert_eq!(got, $q::dequantize(&q.forward(&$q::quantize(&x))));
                        for k in 0..OUT {
                            let err = (f64::from(got[k]) - want[k]).abs();
                            let bound = f64::from($q::ERROR_BOUND[k]);
                            assert!(err <= bound, "{}: output {k} at {x:?}: error {err} > bound {bound}", stringify!($q));
                            // Against the f32 (or f64) network: the same, up to its own rounding.
                            let rounding = (float[k] as f64 - want[k]).abs();
                            assert!((f64::from(got[k]) - float[k] as f64).abs() <= bound + rounding + 1e-12);
                            worst[k] = worst[k].max(err);
                        }
                    }
                    eprintln!("{} {}: max error {worst:?}, bound {:?}", stringify!($m), stringify!($q), $q::ERROR_BOUND);
                }};
            }

            #[test]
            fn error_within_bound() {
                within_bound!(Q8);
                within_bound!(Q16);
            }

            #[test]
            fn outside_the_box_saturates() {
                let bx = Q8::INPUT_BOX;
                for far in [-1e30f32, -1e3, 1e3, 1e30, f32::INFINITY, f32::NEG_INFINITY, f32::NAN] {
                    let x = [far; IN];
                    let (q8, q16) = (Q8::quantize(&x), Q16::quantize(&x));
                    for j in 0..IN {
                        if far > bx[j][1] {
                            assert_eq!((q8[j], q16[j]), (i8::MAX, i16::MAX));
                        } else if far < bx[j][0] {
                            assert_eq!((q8[j], q16[j]), (i8::MIN, i16::MIN));
                        } else {
                            assert!(far.is_nan());
                            assert_eq!((i32::from(q8[j]), i32::from(q16[j])), (Q8::INPUT_ZERO[j].clamp(-128, 127), Q16::INPUT_ZERO[j].clamp(-32768, 32767)));
                        }
                    }
                    let (y8, y16) = (Q8::TRAINED.forward_f32(&x), Q16::TRAINED.forward_f32(&x));
                    assert!(y8.iter().chain(&y16).all(|v| v.is_finite()));
                }
            }
        }
    };
}
for_each_case!(check);
for_each_box_case!(check);
