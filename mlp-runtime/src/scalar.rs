//! The floating-point types a network can be declared over.

use core::fmt::Debug;
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

/// A floating-point scalar: `f32` (the default) or `f64` (`#[scalar(f64)]`).
///
/// Sealed: implemented for `f32` and `f64` only, the two types a
/// declaration can name. `f64` maths goes through [`libm`]; `f32`'s exp,
/// tanh and ln(1 + x) are branch-free polynomials within 2.5e-7 relative
/// that vectorise. The runtime is `no_std` either way.
///
/// ```
/// use mlp_runtime::Scalar;
/// fn half<T: Scalar>(x: T) -> T {
///     x * T::from_f64(0.5)
/// }
/// assert_eq!(half(3.0f32), 1.5);
/// assert_eq!(<f64 as Scalar>::NAME, "f64");
/// ```
pub trait Scalar:
    Sealed
    + Copy
    + Debug
    + Default
    + PartialEq
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + Send
    + Sync
    + 'static
{
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// The smallest positive normal value (`f32::MIN_POSITIVE`): below it
    /// lie the subnormals, which x86 cores compute with slow microcode.
    const MIN_POSITIVE: Self;
    /// The type's name as written in `#[scalar(..)]` (`"f32"` or `"f64"`);
    /// safetensors files record it in their metadata.
    const NAME: &'static str;

    /// Converts from `f64`, rounding to nearest.
    fn from_f64(x: f64) -> Self;
    /// Converts to `f64` exactly.
    fn to_f64(self) -> f64;
    /// e^x (for `f32`, a polynomial that vectorises).
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// ln(1 + x), accurate for small x.
    fn ln_1p(self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(self) -> Self;
    /// Square root.
    fn sqrt(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// The larger of two values (NaN-ignoring, as `f32::max`).
    fn max(self, other: Self) -> Self;
    /// The smaller of two values (NaN-ignoring, as `f32::min`).
    fn min(self, other: Self) -> Self;
    /// True unless the value is infinite or NaN.
    fn is_finite(self) -> bool;
}

/// What only the runtime calls: implemented next to `Scalar`, and
/// unnameable outside the crate, which also seals `Scalar`.
pub trait Sealed: Sized {
    /// e^x for a value computed on its own (layers too narrow to fill a
    /// vector), where the dependency chain of one call is what costs: for
    /// `f32` with the `std` feature, the platform's `expf` (glibc's
    /// table-driven one has the shorter latency: BENCHMARKS.md, "How the
    /// code is generated"); otherwise the same as [`Scalar::exp`]. Both are
    /// within 1e-6 relative.
    fn exp_narrow(self) -> Self;
    /// ln(1 + x) for a value computed on its own, as `exp_narrow` is e^x:
    /// for `f32` with `std`, the platform's `log1pf`; otherwise the same as
    /// [`Scalar::ln_1p`].
    fn ln_1p_narrow(self) -> Self;
    /// e^x − 1, accurate for small x (elu).
    fn exp_m1(self) -> Self;
    /// The error function (gelu).
    fn erf(self) -> Self;
    /// Writes the value little-endian into `out` (its size in bytes).
    fn write_le(self, out: &mut [u8]);
    /// Reads a value written by `write_le` from `bytes` (its size in bytes).
    fn read_le(bytes: &[u8]) -> Self;
    /// `W x + b` in [`crate::linalg::dense`]'s order, by this type's kernel
    /// for the target.
    fn dense<const I: usize, const O: usize>(
        w: &[[Self; I]; O],
        b: &[Self; O],
        x: &[Self; I],
    ) -> [Self; O];
}

macro_rules! impl_scalar {
    ($t:ty, $name:literal, $exp:path, $exp_narrow:path, $ln_1p_narrow:path, $ln:path, $ln_1p:path, $tanh:path, $sqrt:path, $exp_m1:path, $erf:path, $dense:path) => {
        impl Sealed for $t {
            #[inline(always)]
            fn dense<const I: usize, const O: usize>(
                w: &[[Self; I]; O],
                b: &[Self; O],
                x: &[Self; I],
            ) -> [Self; O] {
                $dense(w, b, x)
            }
            #[inline(always)]
            fn exp_narrow(self) -> Self {
                $exp_narrow(self)
            }
            #[inline(always)]
            fn ln_1p_narrow(self) -> Self {
                $ln_1p_narrow(self)
            }
            #[inline]
            fn exp_m1(self) -> Self {
                $exp_m1(self)
            }
            #[inline]
            fn erf(self) -> Self {
                $erf(self)
            }
            #[inline]
            fn write_le(self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_le_bytes());
            }
            #[inline]
            fn read_le(bytes: &[u8]) -> Self {
                let mut b = [0u8; core::mem::size_of::<$t>()];
                b.copy_from_slice(bytes);
                <$t>::from_le_bytes(b)
            }
        }

        impl Scalar for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const MIN_POSITIVE: Self = <$t>::MIN_POSITIVE;
            const NAME: &'static str = $name;

            #[inline]
            #[allow(clippy::cast_possible_truncation)] // rounding is the documented behaviour
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline]
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
            #[inline(always)]
            fn exp(self) -> Self {
                $exp(self)
            }
            #[inline]
            fn ln(self) -> Self {
                $ln(self)
            }
            #[inline(always)]
            fn ln_1p(self) -> Self {
                $ln_1p(self)
            }
            #[inline(always)]
            fn tanh(self) -> Self {
                $tanh(self)
            }
            #[inline]
            fn sqrt(self) -> Self {
                $sqrt(self)
            }
            #[inline]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline]
            fn max(self, other: Self) -> Self {
                <$t>::max(self, other)
            }
            #[inline]
            fn min(self, other: Self) -> Self {
                <$t>::min(self, other)
            }
            #[inline]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
        }
    };
}

// f32 uses the vectorisable exp/tanh/ln_1p of `fastmath` (relative error
// < 1e-6, about 2 ulp; see that module); f64 keeps libm.
impl_scalar!(
    f32,
    "f32",
    crate::fastmath::exp,
    exp_narrow_f32,
    ln_1p_narrow_f32,
    libm::logf,
    crate::fastmath::ln_1p,
    crate::fastmath::tanh,
    sqrt_f32,
    libm::expm1f,
    libm::erff,
    dense_f32
);
impl_scalar!(
    f64,
    "f64",
    libm::exp,
    libm::exp,
    libm::log1p,
    libm::log,
    libm::log1p,
    libm::tanh,
    sqrt_f64,
    libm::expm1,
    libm::erf,
    dense_f64
);

// √x is correctly rounded everywhere (IEEE 754), so these give the same bits
// on every target; with `std`, the compiler's intrinsic (a vectorisable
// `sqrtps` in an optimiser's loop), else libm's (inline assembly on x86,
// which keeps a loop scalar).
#[inline(always)]
fn sqrt_f32(x: f32) -> f32 {
    #[cfg(feature = "std")]
    return x.sqrt();
    #[cfg(not(feature = "std"))]
    return libm::sqrtf(x);
}
#[inline(always)]
fn sqrt_f64(x: f64) -> f64 {
    #[cfg(feature = "std")]
    return x.sqrt();
    #[cfg(not(feature = "std"))]
    return libm::sqrt(x);
}

// Each type's `dense` kernel: SSE on x86, one dot product per unit elsewhere
// (the same sums in the same order; see `linalg`).
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
use crate::linalg::x86::{dense_f32, dense_f64};
#[cfg(not(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
)))]
use crate::linalg::{dense_by_dot as dense_f32, dense_by_dot as dense_f64};

/// `f32` e^x for narrow layers: the platform's `expf` with `std`, the
/// polynomial without.
#[inline(always)]
fn exp_narrow_f32(x: f32) -> f32 {
    #[cfg(feature = "std")]
    return x.exp();
    #[cfg(not(feature = "std"))]
    return crate::fastmath::exp(x);
}

/// `f32` ln(1 + x) for narrow layers: the platform's `log1pf` with `std`,
/// the polynomial without.
#[inline(always)]
fn ln_1p_narrow_f32(x: f32) -> f32 {
    #[cfg(feature = "std")]
    return x.ln_1p();
    #[cfg(not(feature = "std"))]
    return crate::fastmath::ln_1p(x);
}

/// Values with every subnormal element replaced by 0 (NaN and infinities
/// unchanged): what `#[flush_subnormals]` networks apply to their inputs,
/// each layer's activations and supplied output gradients. A scalar, or
/// nested arrays of them (a batch).
pub trait Flush: Copy {
    /// `self`, subnormals set to 0.
    #[must_use]
    fn flushed(self) -> Self;
}

impl<T: Scalar> Flush for T {
    #[inline(always)]
    fn flushed(self) -> Self {
        // A select that vectorises: |x| < MIN_POSITIVE is false for NaN.
        if self.abs() < T::MIN_POSITIVE {
            T::ZERO
        } else {
            self
        }
    }
}

impl<F: Flush, const N: usize> Flush for [F; N] {
    #[inline(always)]
    fn flushed(mut self) -> Self {
        // In place (a loop that vectorises; `map` copied through the stack).
        for v in &mut self {
            *v = v.flushed();
        }
        self
    }
}

impl<F: Flush> Flush for crate::simd::Aligned<F> {
    #[inline(always)]
    fn flushed(self) -> Self {
        crate::simd::Aligned(self.0.flushed())
    }
}

/// `x` with subnormals set to 0 (the generated code's call).
#[inline(always)]
#[must_use]
pub fn flush<F: Flush>(x: &F) -> F {
    x.flushed()
}

#[cfg(test)]
mod tests {
    use super::Scalar;

    #[test]
    fn maths_matches_known_values() {
        assert_eq!(Scalar::exp(0.0f64), 1.0);
        assert!((Scalar::ln(core::f64::consts::E) - 1.0f64).abs() < 1e-15);
        assert!((Scalar::tanh(0.5f64) - 0.462_117_157_260_009_8).abs() < 1e-15);
        // ln(1 + x) = x - x²/2 + ...: a naive ln(1 + x) would lose every digit here.
        assert!((Scalar::ln_1p(1e-10f64) - (1e-10 - 5e-21)).abs() < 1e-30);
        assert_eq!(<f32 as Scalar>::from_f64(0.5), 0.5f32);
        assert_eq!(<f32 as Scalar>::NAME, "f32");
    }
}
