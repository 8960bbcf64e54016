//! The element-wise activations: `f(h)` and `df(h, y)` for each.

use super::{map, Elementwise, OutputKind};
use crate::Scalar;

/// linear: f(h) = h, f'(h) = 1.
#[derive(Clone, Copy, Debug)]
pub struct Linear;
impl Elementwise for Linear {
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        h
    }
    #[inline(always)]
    fn df<T: Scalar>(self, _h: T, _y: T) -> T {
        T::ONE
    }
}

/// step: f(h) = 1 if h > 0, else 0. f'(h) = 0 wherever it exists, which is
/// why a network with a loss may not use it.
#[derive(Clone, Copy, Debug)]
pub struct Step;
impl Elementwise for Step {
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        if h > T::ZERO {
            T::ONE
        } else {
            T::ZERO
        }
    }
    #[inline(always)]
    fn df<T: Scalar>(self, _h: T, _y: T) -> T {
        T::ZERO
    }
}

/// sign: f(h) = 1 if h > 0, else −1. f'(h) = 0 wherever it exists.
#[derive(Clone, Copy, Debug)]
pub struct Sign;
impl Elementwise for Sign {
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        if h > T::ZERO {
            T::ONE
        } else {
            -T::ONE
        }
    }
    #[inline(always)]
    fn df<T: Scalar>(self, _h: T, _y: T) -> T {
        T::ZERO
    }
}

/// softsign: f(h) = h / (1 + |h|), range (−1, 1); f'(h) = 1 / (1 + |h|)².
#[derive(Clone, Copy, Debug)]
pub struct Softsign;
impl Elementwise for Softsign {
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        h / (T::ONE + h.abs())
    }
    #[inline(always)]
    fn df<T: Scalar>(self, h: T, _y: T) -> T {
        let a = T::ONE + h.abs();
        T::ONE / (a * a)
    }
}

/// sigmoid (logistic): f(h) = 1 / (1 + e^(−h)), range (0, 1);
/// f'(h) = y (1 − y). Finite for every input: e^(−h) overflowing to +∞
/// gives 0.
#[derive(Clone, Copy, Debug)]
pub struct Sigmoid;
impl Elementwise for Sigmoid {
    const OUTPUT_KIND: OutputKind = OutputKind::Probabilities;
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        // e^(−h) = +∞ for h < −88.7 gives exactly 0 (the true value is below
        // 2.9e-39, subnormal in f32); otherwise one exponential and a division,
        // the shortest dependency chain (tiny networks wait on it).
        T::ONE / (T::ONE + (-h).exp())
    }
    #[inline(always)]
    fn df<T: Scalar>(self, _h: T, y: T) -> T {
        y * (T::ONE - y)
    }
    /// A layer too narrow to fill a 4-lane vector is bound by the latency of
    /// each call, not throughput: it takes the exponential with the shorter
    /// dependency chain (`Sealed::exp_narrow`; within 1e-6 of the other).
    #[inline(always)]
    fn layer<T: Scalar, const N: usize>(self, h: &[T; N]) -> [T; N] {
        if N < 4 {
            map(h, |h| T::ONE / (T::ONE + (-h).exp_narrow()))
        } else {
            super::apply(self, h)
        }
    }
}

/// tanh: f(h) = (e^h − e^(−h)) / (e^h + e^(−h)), range (−1, 1); f'(h) = 1 − y².
#[derive(Clone, Copy, Debug)]
pub struct Tanh;
impl Elementwise for Tanh {
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        h.tanh()
    }
    #[inline(always)]
    fn df<T: Scalar>(self, _h: T, y: T) -> T {
        T::ONE - y * y
    }
}

/// relu: f(h) = max(h, 0); f'(h) = 1 if h > 0, else 0 (0 is taken at h = 0).
#[derive(Clone, Copy, Debug)]
pub struct Relu;
impl Elementwise for Relu {
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        if h > T::ZERO {
            h
        } else {
            T::ZERO
        }
    }
    #[inline(always)]
    fn df<T: Scalar>(self, h: T, _y: T) -> T {
        if h > T::ZERO {
            T::ONE
        } else {
            T::ZERO
        }
    }
}

/// softplus: f(h) = ln(1 + e^h), range (0, ∞); f'(h) = sigmoid(h).
///
/// Evaluated as max(h, 0) + ln(1 + e^(−|h|)), finite for every finite h.
#[derive(Clone, Copy, Debug)]
pub struct Softplus;
impl Elementwise for Softplus {
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        h.max(T::ZERO) + (-h.abs()).exp().ln_1p()
    }
    #[inline(always)]
    fn df<T: Scalar>(self, h: T, _y: T) -> T {
        Sigmoid.f(h)
    }
}

/// gaussian: f(h) = e^(−h²), range (0, 1]; f'(h) = −2 h y.
#[derive(Clone, Copy, Debug)]
pub struct Gaussian;
impl Elementwise for Gaussian {
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        (-(h * h)).exp()
    }
    #[inline(always)]
    fn df<T: Scalar>(self, h: T, y: T) -> T {
        let two = T::ONE + T::ONE;
        -two * h * y
    }
}

/// leaky relu: f(h) = h if h > 0, else α·h (α > 0; the declaration's
/// `leaky_relu` alone is α = 0.01); f'(h) = 1 or α.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyRelu(pub f64);
impl Elementwise for LeakyRelu {
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        if h > T::ZERO {
            h
        } else {
            T::from_f64(self.0) * h
        }
    }
    #[inline(always)]
    fn df<T: Scalar>(self, h: T, _y: T) -> T {
        if h > T::ZERO {
            T::ONE
        } else {
            T::from_f64(self.0)
        }
    }
}

/// elu: f(h) = h if h > 0, else α(e^h − 1) (α > 0; `elu` alone is α = 1),
/// range (−α, ∞); f'(h) = 1, or y + α from the stored output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Elu(pub f64);
impl Elementwise for Elu {
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        if h > T::ZERO {
            h
        } else {
            T::from_f64(self.0) * h.exp_m1()
        }
    }
    #[inline(always)]
    fn df<T: Scalar>(self, h: T, y: T) -> T {
        if h > T::ZERO {
            T::ONE
        } else {
            y + T::from_f64(self.0)
        }
    }
}

/// gelu, the exact form: f(h) = h·Φ(h) = ½h(1 + erf(h/√2)), with erf from
/// libm (not the tanh approximation); f'(h) = Φ(h) + h·φ(h), φ the
/// standard normal density.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gelu;
impl Elementwise for Gelu {
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        h * normal_cdf(h)
    }
    #[inline(always)]
    fn df<T: Scalar>(self, h: T, _y: T) -> T {
        // φ(h) = e^(−h²/2) / √(2π)
        let density = (-(h * h) * T::from_f64(0.5)).exp() * T::from_f64(0.398_942_280_401_432_7);
        normal_cdf(h) + h * density
    }
}

/// Φ(h) = ½(1 + erf(h/√2)).
#[inline(always)]
fn normal_cdf<T: Scalar>(h: T) -> T {
    let half = T::from_f64(0.5);
    half * (T::ONE + (h * T::from_f64(core::f64::consts::FRAC_1_SQRT_2)).erf())
}

/// silu (swish): f(h) = h·σ(h); f'(h) = σ(h)(1 + h(1 − σ(h))).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Silu;
impl Elementwise for Silu {
    #[inline(always)]
    fn f<T: Scalar>(self, h: T) -> T {
        h * Sigmoid.f(h)
    }
    #[inline(always)]
    fn df<T: Scalar>(self, h: T, _y: T) -> T {
        let s = Sigmoid.f(h);
        s * (T::ONE + h * (T::ONE - s))
    }
}
