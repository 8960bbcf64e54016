//! Integer-only inference: the kernels behind the types that
//! `#[quantize(..)]` generates (see the README, "Integer networks for chips
//! without an FPU", and ARCHITECTURE.md for the scheme).
//!
//! Everything here is integer arithmetic on `i8`/`i16` codes, `i8` weights
//! and `i32` accumulators, except [`quantize`] and [`dequantize`], the
//! host-side conversions to and from `f32`. Every scale, multiplier, zero
//! point and table is a literal the macro computed from the trained
//! weights; nothing is derived at run time. No function here panics, for
//! any values of the public fields: shifts are capped, sums wrap (the macro
//! proves they cannot overflow for its own values), tables are read with
//! `get`.
//!
//! ```
//! use mlp::__private::int::{Affine, Scale};
//!
//! // relu, requantised by 0.5: code = max(0, round(acc / 2)) - 128.
//! let stage = Affine { pos: Scale { multiplier: 1 << 30, shift: 31 }, neg: Scale::ZERO, offset: -128 };
//! let y: [i8; 3] = mlp::__private::int::affine(&[7, -4, 1000], &[stage; 3]);
//! assert_eq!(y, [-124, -128, 127]); // 3.5 rounds up; 500 - 128 saturates
//! ```

mod sealed {
    pub trait Sealed {}
    impl Sealed for i8 {}
    impl Sealed for i16 {}
}

/// An activation code type: `i8` or `i16`.
pub trait Code: Copy + Default + PartialEq + core::fmt::Debug + sealed::Sealed {
    /// The smallest code.
    const MIN: i32;
    /// The largest code.
    const MAX: i32;
    /// Fraction bits of a lookup table's entries: tables hold codes × 2^`TABLE_BITS`
    /// (8 for `i8`, so interpolation keeps sub-code precision; 0 for `i16`).
    const TABLE_BITS: u32;
    /// The code as an `i32`.
    fn get(self) -> i32;
    /// `v` clamped to `[MIN, MAX]`.
    fn saturate(v: i32) -> Self;
}

macro_rules! code {
    ($t:ty, $bits:literal) => {
        impl Code for $t {
            const MIN: i32 = <$t>::MIN as i32;
            const MAX: i32 = <$t>::MAX as i32;
            const TABLE_BITS: u32 = $bits;
            #[inline(always)]
            fn get(self) -> i32 {
                i32::from(self)
            }
            #[inline(always)]
            fn saturate(v: i32) -> Self {
                // In range after the clamp, so the cast is exact.
                v.clamp(<Self as Code>::MIN, <Self as Code>::MAX) as $t
            }
        }
    };
}
code!(i8, 8);
code!(i16, 0);

/// A positive real factor as `multiplier / 2^shift`, applied with one
/// rounding: `round(x · multiplier / 2^shift)`, halves rounded up (towards
/// +∞), as TFLite's `MultiplyByQuantizedMultiplier` does in one step. The
/// macro keeps `multiplier` in `[2^30, 2^31)` (31 significant bits) unless
/// the factor is below 2^-32.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale {
    /// The significand.
    pub multiplier: i32,
    /// The binary exponent, negated; shifts above 62 act as 62.
    pub shift: u8,
}

impl Scale {
    /// The factor 0.
    pub const ZERO: Scale = Scale {
        multiplier: 0,
        shift: 0,
    };

    /// `round(x · multiplier / 2^shift)`, saturated to `i32`.
    #[inline(always)]
    #[must_use]
    pub fn apply(self, x: i32) -> i32 {
        let shift = u32::from(self.shift.min(62));
        // |x · multiplier| < 2^62, and the rounding term is at most 2^61.
        let p = i64::from(x) * i64::from(self.multiplier);
        let r = if shift == 0 {
            p
        } else {
            (p + (1i64 << (shift - 1))) >> shift
        };
        r.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
    }
}

/// The output stage of a layer whose activation is linear, relu or
/// leaky_relu (positively homogeneous, so requantising commutes with it):
/// `code = clamp(offset + pos.apply(acc))` for `acc ≥ 0`, with `neg` for
/// `acc < 0` (the same scale for linear, zero for relu, α times it for
/// leaky_relu). `offset` is the output's zero point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Affine {
    /// Factor for non-negative accumulators.
    pub pos: Scale,
    /// Factor for negative accumulators.
    pub neg: Scale,
    /// The code of 0.
    pub offset: i32,
}

/// The output stage of a layer with a curved activation (sigmoid, tanh,
/// gelu, ...): the accumulator becomes a table position in 1/256ths of a
/// table step, `u = clamp(index.apply(acc) + offset, 0, 256 (len − 1))`, and
/// the code is the table interpolated there. Positions outside the table
/// clamp to its ends, which hold f at the ends of the layer's range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// Accumulator to table position (in 1/256 steps).
    pub index: Scale,
    /// Table position of accumulator 0.
    pub offset: i32,
}

/// 2^(−k/64) for k = 0..=64 in Q15 (`round(32768 · 2^(−k/64))`), the
/// integer softmax's exponential; `tests` recomputes every entry.
pub const EXP2_Q15: [i32; 65] = [
    32768, 32415, 32066, 31720, 31379, 31041, 30706, 30376, 30048, 29725, 29405, 29088, 28774,
    28464, 28158, 27855, 27554, 27258, 26964, 26674, 26386, 26102, 25821, 25543, 25268, 24995,
    24726, 24460, 24196, 23936, 23678, 23423, 23170, 22921, 22674, 22430, 22188, 21949, 21713,
    21479, 21247, 21019, 20792, 20568, 20347, 20127, 19911, 19696, 19484, 19274, 19066, 18861,
    18658, 18457, 18258, 18061, 17867, 17674, 17484, 17296, 17109, 16925, 16743, 16562, 16384,
];

/// One layer's accumulators: `acc[i] = b[i] + Σ_j w[i][j] · x[j]` in `i32`
/// (wrapping, which the macro proves cannot happen for any input codes).
#[inline]
#[must_use]
pub fn accumulate<A: Code, const IN: usize, const OUT: usize>(
    w: &[[i8; IN]; OUT],
    b: &[i32; OUT],
    x: &[A; IN],
) -> [i32; OUT] {
    let mut acc = *b;
    for (a, row) in acc.iter_mut().zip(w) {
        let mut s = *a;
        for (&wj, xj) in row.iter().zip(x) {
            s = s.wrapping_add(i32::from(wj) * xj.get());
        }
        *a = s;
    }
    acc
}

/// [`Affine`] stages, unit by unit.
#[inline]
#[must_use]
pub fn affine<A: Code, const N: usize>(acc: &[i32; N], stage: &[Affine; N]) -> [A; N] {
    let mut y = [A::default(); N];
    for ((y, &a), s) in y.iter_mut().zip(acc).zip(stage) {
        *y = A::saturate(s.code(a));
    }
    y
}

impl Affine {
    /// One unit's code before saturation to the code type.
    #[inline(always)]
    #[must_use]
    pub fn code(&self, acc: i32) -> i32 {
        let scale = if acc >= 0 { self.pos } else { self.neg };
        scale.apply(acc).saturating_add(self.offset)
    }
}

/// [`Lookup`] stages, unit by unit, over one table (entries in codes ×
/// 2^[`Code::TABLE_BITS`]): linear interpolation between neighbouring
/// entries at 1/256 of a step, then one rounding to a code.
#[inline]
#[must_use]
pub fn lookup<A: Code, const N: usize>(
    acc: &[i32; N],
    stage: &[Lookup; N],
    table: &[i32],
) -> [A; N] {
    let mut y = [A::default(); N];
    for ((y, &a), s) in y.iter_mut().zip(acc).zip(stage) {
        *y = A::saturate(s.code(a, table, A::TABLE_BITS));
    }
    y
}

impl Lookup {
    /// One unit's code before saturation, for a table whose entries carry
    /// `bits` fraction bits.
    #[inline(always)]
    #[must_use]
    pub fn code(&self, acc: i32, table: &[i32], bits: u32) -> i32 {
        let bits = bits.min(30);
        let last = (table.len().saturating_sub(1).min(1 << 22) as i32) << 8;
        let u = self
            .index
            .apply(acc)
            .saturating_add(self.offset)
            .clamp(0, last);
        let k = (u >> 8) as usize;
        let fr = u & 255;
        let lo = table.get(k).copied().unwrap_or(0);
        let hi = table.get(k + 1).copied().unwrap_or(lo);
        let step = hi.wrapping_sub(lo).wrapping_mul(fr).wrapping_add(128) >> 8;
        let v = lo.wrapping_add(step);
        v.saturating_add((1i32 << bits) >> 1) >> bits
    }
}

/// step and sign: `high` where `acc > 0`, else `low` (f(0) is the low
/// value for both, as in the float network).
#[inline]
#[must_use]
pub fn threshold<A: Code, const N: usize>(acc: &[i32; N], low: A, high: A) -> [A; N] {
    let mut y = [low; N];
    for (y, &a) in y.iter_mut().zip(acc) {
        if a > 0 {
            *y = high;
        }
    }
    y
}

/// softmax from the accumulators. `logit[i].apply(acc[i])` is unit i's
/// logit times log2(e) in 1/65536ths (so e^h becomes 2^z); each unit's
/// distance below the largest becomes 2^(−d) in Q15 by [`EXP2_Q15`]
/// (interpolated at 1/1024 of a step, shifted by the integer part), and
/// the code is `MIN + round((MAX − MIN) · e_i / Σ e)`.
#[inline]
#[must_use]
pub fn softmax<A: Code, const N: usize>(acc: &[i32; N], logit: &[Scale; N]) -> [A; N] {
    let mut codes = [0i32; N];
    softmax_codes(acc, logit, A::MIN, A::MAX, &mut codes);
    codes.map(A::saturate)
}

/// [`softmax`] over slices, with codes in `[min, max]` written to `out`
/// (which has the length of `acc`; extra entries of either are ignored).
pub fn softmax_codes(acc: &[i32], logit: &[Scale], min: i32, max: i32, out: &mut [i32]) {
    let mut top = i32::MIN;
    for ((o, &a), s) in out.iter_mut().zip(acc).zip(logit) {
        *o = s.apply(a);
        top = top.max(*o);
    }
    let mut sum = 0u32;
    for o in out.iter_mut() {
        let d = top.saturating_sub(*o).max(0);
        let n = (d >> 16) as u32;
        let f = d & 0xFFFF;
        let k = (f >> 10) as usize;
        let fr = f & 1023;
        let lo = EXP2_Q15[k];
        let hi = EXP2_Q15[k + 1];
        let v = lo + (((hi - lo) * fr + 512) >> 10);
        let e = if n == 0 {
            v
        } else if n < 17 {
            (v + (1 << (n - 1))) >> n
        } else {
            0
        };
        *o = e;
        sum = sum.wrapping_add(e as u32);
    }
    let range = max.wrapping_sub(min).clamp(0, 65535) as u32;
    for o in out.iter_mut() {
        let q = (*o as u32)
            .wrapping_mul(range)
            .wrapping_add(sum / 2)
            .checked_div(sum)
            .unwrap_or(0)
            .min(range);
        *o = min.wrapping_add(q as i32);
    }
}

/// `round(x · inv_scale) + zero`, saturated to the code range: a value
/// outside the declared box becomes the nearest code in it. NaN becomes
/// the zero point. Uses `f32` (for the host or a core with an FPU; an
/// integer-only program receives codes).
#[inline]
#[must_use]
pub fn quantize<A: Code, const N: usize>(
    x: &[f32; N],
    inv_scale: &[f32; N],
    zero: &[i32; N],
) -> [A; N] {
    let mut q = [A::default(); N];
    for (((q, &x), &inv), &z) in q.iter_mut().zip(x).zip(inv_scale).zip(zero) {
        let t = x * inv;
        // Round half away from zero; `as` saturates (NaN to 0).
        let r = if t >= 0.0 { t + 0.5 } else { t - 0.5 } as i32;
        *q = A::saturate(r.saturating_add(z));
    }
    q
}

/// `scale · (code − zero)` per unit, in `f32`.
#[inline]
#[must_use]
pub fn dequantize<A: Code, const N: usize>(
    y: &[A; N],
    scale: &[f32; N],
    zero: &[i32; N],
) -> [f32; N] {
    let mut out = [0.0; N];
    for (((o, y), &s), &z) in out.iter_mut().zip(y).zip(scale).zip(zero) {
        *o = s * (i64::from(y.get()) - i64::from(z)) as f32;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp2_table_is_the_rounded_function() {
        for (k, &v) in EXP2_Q15.iter().enumerate() {
            let exact = 32768.0 * libm::exp2(-(k as f64) / 64.0);
            assert_eq!(v, libm::round(exact) as i32, "entry {k}");
        }
    }

    #[test]
    fn scale_rounds_half_up_once() {
        let half = Scale {
            multiplier: 1 << 30,
            shift: 31,
        };
        assert_eq!(half.apply(3), 2); // 1.5
        assert_eq!(half.apply(-3), -1); // -1.5 → -1 (towards +∞)
        assert_eq!(half.apply(i32::MAX), 1 << 30);
        let big = Scale {
            multiplier: i32::MAX,
            shift: 0,
        };
        assert_eq!(big.apply(i32::MAX), i32::MAX); // saturates
        assert_eq!(big.apply(i32::MIN), i32::MIN);
        let huge_shift = Scale {
            multiplier: 1,
            shift: 255,
        };
        assert_eq!(huge_shift.apply(5), 0);
    }

    #[test]
    fn lookup_interpolates_and_clamps() {
        // Table 0, 256, 512 (codes 0, 1, 2 in i8's 1/256ths).
        let table = [0, 256, 512];
        let stage = Lookup {
            index: Scale {
                multiplier: 1 << 30,
                shift: 30,
            },
            offset: 0,
        };
        let y: [i8; 4] = lookup(&[-5, 128, 383, 10_000], &[stage; 4], &table);
        assert_eq!(y, [0, 1, 1, 2]); // 0.5 rounds up; 1.496 down; clamped
        let empty: [i8; 1] = lookup(&[3], &[stage], &[]);
        assert_eq!(empty, [0]);
    }

    #[test]
    fn softmax_of_equal_logits_is_uniform() {
        let s = Scale {
            multiplier: 1 << 30,
            shift: 20,
        };
        let y: [i8; 2] = softmax(&[100, 100], &[s; 2]);
        assert_eq!(y, [0, 0]); // 127.5 of 255 → code −128 + 128 = 0
        let y: [i16; 3] = softmax(&[0, i32::MAX, i32::MIN], &[s; 3]);
        assert_eq!(y, [i16::MIN, i16::MAX, i16::MIN]);
    }

    #[test]
    fn quantize_saturates_and_maps_nan_to_zero_point() {
        let q: [i8; 4] = quantize(&[0.5, 1e30, -1e30, f32::NAN], &[10.0; 4], &[-3; 4]);
        assert_eq!(q, [2, 127, -128, -3]);
        let y = dequantize(&q, &[0.1; 4], &[-3; 4]);
        assert!((y[0] - 0.5).abs() < 1e-6 && y[3] == 0.0);
    }
}
