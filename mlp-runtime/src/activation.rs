//! Activation functions, one zero-sized type each.
//!
//! An element-wise activation implements [`Elementwise`]: `f(h)` and its
//! derivative `df(h, y)`, where `y = f(h)` has already been computed by the
//! forward pass, so each derivative uses whichever of `h` and `y` is cheaper
//! (sigmoid and tanh reuse `y`, relu and softsign read `h`). Every
//! activation, softmax included, implements [`Activation`], which applies it
//! to a whole layer; that is what generated code calls. Formulas follow the
//! course notes (002, "Types of Activation Functions").
//!
//! ```
//! use mlp_runtime::activation::{Activation, Elementwise, LeakyRelu, Sigmoid, Softmax};
//!
//! assert_eq!(Sigmoid.f(0.0f64), 0.5);
//! assert_eq!(Sigmoid.df(0.0f64, 0.5), 0.25); // y (1 − y)
//! let p = Softmax.layer(&[0.0f64, 0.0]);
//! assert_eq!(p, [0.5, 0.5]);
//! assert_eq!(LeakyRelu(0.1).f(-2.0f32), -0.2);
//! ```
//!
//! Adding an activation is one type here and one row in the macro's table
//! (`mlp-macros/src/model.rs`), which names the type.

use crate::Scalar;

/// What a layer's outputs are, as generic code needs to know: how
/// [`crate::train::accuracy`] reads them and which targets a loss accepts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OutputKind {
    /// Real values (linear, tanh, relu, ...).
    Values,
    /// Independent probabilities in (0, 1) (sigmoid).
    Probabilities,
    /// One probability distribution over the outputs (softmax).
    Distribution,
}

/// An activation applied to a whole layer (what generated code calls).
///
/// Activations are values: zero-sized for most (`Relu`), carrying their
/// parameter for the parametric ones (`LeakyRelu(0.2)`), all `Copy`, so a
/// call inlines to the arithmetic with the parameter as a constant.
pub trait Activation: Copy {
    /// What its outputs are.
    const OUTPUT_KIND: OutputKind;

    /// y = f(h) for a layer's pre-activations `h`.
    fn layer<T: Scalar, const N: usize>(self, h: &[T; N]) -> [T; N];

    /// The same for a batch held feature-major: `h[i][b]` is unit `i` of
    /// sample `b` (see `forward_batch`).
    fn batch<T: Scalar, const N: usize, const B: usize>(self, h: &[[T; B]; N]) -> [[T; B]; N];
}

/// An activation applied unit by unit: y = f(h).
pub trait Elementwise: Copy {
    /// What its outputs are.
    const OUTPUT_KIND: OutputKind = OutputKind::Values;

    /// f(h).
    fn f<T: Scalar>(self, h: T) -> T;

    /// f'(h), given also y = f(h).
    fn df<T: Scalar>(self, h: T, y: T) -> T;

    /// f across a layer, as one loop that the compiler vectorises (with
    /// `f32`'s branch-free exp and tanh), where one call per unit written
    /// out would stay scalar.
    #[inline(always)]
    fn layer<T: Scalar, const N: usize>(self, h: &[T; N]) -> [T; N] {
        map(h, |v| self.f(v))
    }
}

impl<A: Elementwise> Activation for A {
    const OUTPUT_KIND: OutputKind = <A as Elementwise>::OUTPUT_KIND;

    #[inline(always)]
    fn layer<T: Scalar, const N: usize>(self, h: &[T; N]) -> [T; N] {
        <A as Elementwise>::layer(self, h)
    }

    #[inline(always)]
    fn batch<T: Scalar, const N: usize, const B: usize>(self, h: &[[T; B]; N]) -> [[T; B]; N] {
        let mut y = [[T::ZERO; B]; N];
        for (y_row, h_row) in y.iter_mut().zip(h) {
            *y_row = map(h_row, |v| self.f(v));
        }
        y
    }
}

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
            map(h, |v| self.f(v))
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

/// softmax: y_i = e^(h_i) / Σ_j e^(h_j), over a whole layer (outputs only),
/// computed with the max subtracted first so that no exponential overflows.
/// Its derivative is a Jacobian, not element-wise: the macro emits the
/// closed forms of its loss pairs instead (`rules.rs`).
#[derive(Clone, Copy, Debug)]
pub struct Softmax;
impl Activation for Softmax {
    const OUTPUT_KIND: OutputKind = OutputKind::Distribution;

    #[inline(always)]
    fn layer<T: Scalar, const N: usize>(self, h: &[T; N]) -> [T; N] {
        // One sample is a batch of one: the same code, the same rounding.
        softmax_columns(&h.map(|v| [v])).map(|[v]| v)
    }

    #[inline(always)]
    fn batch<T: Scalar, const N: usize, const B: usize>(self, h: &[[T; B]; N]) -> [[T; B]; N] {
        softmax_columns(h)
    }
}

/// softmax over the units of each sample (each column `b` of `h[i][b]`),
/// as loops across the batch that vectorise.
#[inline(always)]
fn softmax_columns<T: Scalar, const N: usize, const B: usize>(h: &[[T; B]; N]) -> [[T; B]; N] {
    let mut m = h[0];
    for row in &h[1..] {
        for (mb, &v) in m.iter_mut().zip(row) {
            *mb = mb.max(v);
        }
    }
    let mut y = [[T::ZERO; B]; N];
    let mut sum = [T::ZERO; B];
    for (y_row, h_row) in y.iter_mut().zip(h) {
        for ((yv, &hv), (s, &mb)) in y_row.iter_mut().zip(h_row).zip(sum.iter_mut().zip(&m)) {
            *yv = (hv - mb).exp();
            *s += *yv;
        }
    }
    let inv = map(&sum, |s| T::ONE / s);
    for y_row in &mut y {
        for (yv, &i) in y_row.iter_mut().zip(&inv) {
            *yv *= i;
        }
    }
    y
}

/// `f` applied to every element, as one loop.
#[inline(always)]
pub(crate) fn map<T: Scalar, const N: usize>(h: &[T; N], f: impl Fn(T) -> T) -> [T; N] {
    let mut y = [T::ZERO; N];
    for (yi, &hi) in y.iter_mut().zip(h) {
        *yi = f(hi);
    }
    y
}

/// (m, ln Σ_j e^(h_j − m)) with m = max h: log-sum-exp, its two parts kept
/// apart so that callers can cancel m against an h_k exactly first.
#[inline(always)]
pub(crate) fn max_and_log_sum<T: Scalar, const N: usize>(h: &[T; N]) -> (T, T) {
    let mut m = h[0];
    for &v in &h[1..] {
        m = m.max(v);
    }
    let mut sum = T::ZERO;
    for &hi in h {
        sum += (hi - m).exp();
    }
    (m, sum.ln())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn values_match_the_formulas() {
        // Reference values: python3 -c "import math; print(1/(1+math.exp(-0.5)), math.log1p(math.exp(0.5)), math.exp(-0.25))"
        assert!(close(Sigmoid.f(0.5), 0.622_459_331_201_854_6));
        assert!(close(Softplus.f(0.5), 0.974_076_984_180_107_4));
        assert!(close(Gaussian.f(0.5), 0.778_800_783_071_404_9));
        assert!(close(Softsign.f(-3.0), -0.75));
        assert_eq!(Relu.f(-2.0), 0.0);
        assert_eq!(Relu.f(2.0), 2.0);
        assert_eq!(Step.f(0.0), 0.0);
        assert_eq!(Step.f(1e-300), 1.0);
        assert_eq!(Sign.f(0.0), -1.0);
        assert_eq!(Sign.f(3.0), 1.0);
    }

    #[test]
    fn derivatives_match_central_differences() {
        fn check<A: Elementwise>(name: &str, a: A) {
            for &h in &[-3.1, -0.7, 0.3, 1.9, 4.2] {
                let eps = 1e-6;
                let numeric = (a.f(h + eps) - a.f(h - eps)) / (2.0 * eps);
                let exact = a.df(h, a.f(h));
                assert!(
                    (numeric - exact).abs() < 1e-8,
                    "{name} at {h}: {numeric} vs {exact}"
                );
            }
        }
        check("linear", Linear);
        check("softsign", Softsign);
        check("sigmoid", Sigmoid);
        check("tanh", Tanh);
        check("relu", Relu);
        check("softplus", Softplus);
        check("gaussian", Gaussian);
        check("leaky_relu", LeakyRelu(0.2));
        check("elu", Elu(0.7));
        check("gelu", Gelu);
        check("silu", Silu);
    }

    #[test]
    fn new_activations_match_reference_values() {
        // python3 -c "import math; print(0.5*1.3*(1+math.erf(1.3/math.sqrt(2))), -0.7*0.5*(1+math.erf(-0.7/math.sqrt(2))), 1.3/(1+math.exp(-1.3)), 0.7*(math.exp(-2)-1))"
        assert!(close(Gelu.f(1.3), 1.174_159_370_038_706_7));
        assert!(close(Gelu.f(-0.7), -0.169_374_556_556_151_1));
        assert!(close(Silu.f(1.3), 1.021_585_477_955_326_4));
        assert!(close(Elu(0.7).f(-2.0), -0.605_265_301_734_371_1));
        assert_eq!(Elu(0.7).f(2.0), 2.0);
        assert_eq!(LeakyRelu(0.01).f(-3.0), -0.03);
        assert_eq!(LeakyRelu(0.01).df(-3.0, -0.03), 0.01);
        // elu's derivative from its output: y + α.
        assert!(close(
            Elu(0.7).df(-2.0, Elu(0.7).f(-2.0)),
            0.7 * (-2.0f64).exp()
        ));
    }

    #[test]
    fn narrow_sigmoid_layers_agree_with_wide_ones() {
        let h = [-3.0f32, 0.25, 7.5];
        let narrow = Activation::layer(Sigmoid, &h);
        let wide = Activation::layer(Sigmoid, &[h[0], h[1], h[2], 0.0]);
        for (n, w) in narrow.iter().zip(&wide) {
            assert!((n - w).abs() <= 1e-6 * w.abs(), "{n} vs {w}");
        }
    }

    #[test]
    fn extreme_inputs_stay_finite() {
        for &h in &[-1000.0f64, -500.0, 500.0, 1000.0] {
            assert!(Sigmoid.f(h).is_finite());
            assert!(Softplus.f(h).is_finite());
        }
        assert_eq!(Sigmoid.f(-1000.0f64), 0.0);
        assert_eq!(Sigmoid.f(1000.0f64), 1.0);
        assert_eq!(Softplus.f(1000.0f64), 1000.0);
        assert_eq!(Softmax.layer(&[1000.0f64, 0.0, -1000.0]), [1.0, 0.0, 0.0]);
        let (m, ln_sum) = max_and_log_sum(&[1000.0f64, 1000.0]);
        assert!(close(m + ln_sum, 1000.0 + core::f64::consts::LN_2));
    }

    #[test]
    fn softmax_sums_to_one_and_matches_log_sum_exp() {
        let h = [0.1f64, -2.0, 3.5, 0.0];
        let y = Softmax.layer(&h);
        assert!(close(y.iter().sum(), 1.0));
        // ln y_i = h_i − lse(h)
        let (m, ln_sum) = max_and_log_sum(&h);
        assert!(close(y[2].ln(), 3.5 - (m + ln_sum)));
    }

    #[test]
    fn softmax_of_a_batch_is_softmax_of_each_sample() {
        let a = [0.1f32, -2.0, 3.5];
        let b = [40.0f32, 41.0, -1.0];
        let batch = Softmax.batch(&[[a[0], b[0]], [a[1], b[1]], [a[2], b[2]]]);
        let (ya, yb) = (Softmax.layer(&a), Softmax.layer(&b));
        for i in 0..3 {
            assert_eq!(batch[i], [ya[i], yb[i]]);
        }
    }
}
