//! Activation functions f(h) and their derivatives f'(h).
//!
//! Each activation is a pair of functions: `name(h)` gives f(h) and
//! `name_df(h, y)` gives f'(h), where `y = f(h)` has already been computed by
//! the forward pass; each derivative uses whichever of `h` and `y` is cheaper
//! (sigmoid and tanh reuse `y`, relu and softsign read `h`). Generated code
//! calls these through `::mlp::__private`. Formulas follow the course notes
//! (002, "Types of Activation Functions").

use crate::Scalar;

/// linear: f(h) = h, f'(h) = 1.
#[inline(always)]
pub fn linear<T: Scalar>(h: T) -> T {
    h
}
/// f'(h) = 1 for [`linear`].
#[inline(always)]
pub fn linear_df<T: Scalar>(_h: T, _y: T) -> T {
    T::ONE
}

/// step: f(h) = 1 if h > 0, else 0. f'(h) = 0 wherever it exists, which is
/// why a network with a loss may not use it.
#[inline(always)]
pub fn step<T: Scalar>(h: T) -> T {
    if h > T::ZERO {
        T::ONE
    } else {
        T::ZERO
    }
}
/// f'(h) = 0 for [`step`] (everywhere but h = 0, where it does not exist).
#[inline(always)]
pub fn step_df<T: Scalar>(_h: T, _y: T) -> T {
    T::ZERO
}

/// sign: f(h) = 1 if h > 0, else −1. f'(h) = 0 wherever it exists.
#[inline(always)]
pub fn sign<T: Scalar>(h: T) -> T {
    if h > T::ZERO {
        T::ONE
    } else {
        -T::ONE
    }
}
/// f'(h) = 0 for [`sign`] (everywhere but h = 0, where it does not exist).
#[inline(always)]
pub fn sign_df<T: Scalar>(_h: T, _y: T) -> T {
    T::ZERO
}

/// softsign: f(h) = h / (1 + |h|), range (−1, 1).
#[inline(always)]
pub fn softsign<T: Scalar>(h: T) -> T {
    h / (T::ONE + h.abs())
}
/// f'(h) = 1 / (1 + |h|)² for [`softsign`].
#[inline(always)]
pub fn softsign_df<T: Scalar>(h: T, _y: T) -> T {
    let a = T::ONE + h.abs();
    T::ONE / (a * a)
}

/// sigmoid (logistic): f(h) = 1 / (1 + e^(−h)), range (0, 1).
///
/// Finite for every input: e^(−h) overflowing to +∞ gives 0.
#[inline(always)]
pub fn sigmoid<T: Scalar>(h: T) -> T {
    // e^(−h) = +∞ for h < −88.7 gives exactly 0 (the true value is below
    // 2.9e-39, subnormal in f32); otherwise one exponential and a division,
    // the shortest dependency chain (tiny networks wait on it).
    T::ONE / (T::ONE + (-h).exp())
}
/// [`sigmoid`] for a layer too narrow to vectorise (fewer than 4 units):
/// the same formula through [`Scalar::exp_narrow`], which has the shorter
/// dependency chain when values are computed one at a time.
#[inline(always)]
pub fn sigmoid_narrow<T: Scalar>(h: T) -> T {
    T::ONE / (T::ONE + (-h).exp_narrow())
}
/// f'(h) = y (1 − y) for [`sigmoid`].
#[inline(always)]
pub fn sigmoid_df<T: Scalar>(_h: T, y: T) -> T {
    y * (T::ONE - y)
}

/// tanh: f(h) = (e^h − e^(−h)) / (e^h + e^(−h)), range (−1, 1).
#[inline(always)]
pub fn tanh<T: Scalar>(h: T) -> T {
    h.tanh()
}
/// f'(h) = 1 − y² for [`tanh`].
#[inline(always)]
pub fn tanh_df<T: Scalar>(_h: T, y: T) -> T {
    T::ONE - y * y
}

/// relu: f(h) = max(h, 0).
#[inline(always)]
pub fn relu<T: Scalar>(h: T) -> T {
    if h > T::ZERO {
        h
    } else {
        T::ZERO
    }
}
/// f'(h) = 1 if h > 0, else 0, for [`relu`] (0 is taken at h = 0).
#[inline(always)]
pub fn relu_df<T: Scalar>(h: T, _y: T) -> T {
    if h > T::ZERO {
        T::ONE
    } else {
        T::ZERO
    }
}

/// softplus: f(h) = ln(1 + e^h), range (0, ∞).
///
/// Evaluated as max(h, 0) + ln(1 + e^(−|h|)), finite for every finite h.
#[inline(always)]
pub fn softplus<T: Scalar>(h: T) -> T {
    h.max(T::ZERO) + (-h.abs()).exp().ln_1p()
}
/// f'(h) = 1 / (1 + e^(−h)) = sigmoid(h) for [`softplus`].
#[inline(always)]
pub fn softplus_df<T: Scalar>(h: T, _y: T) -> T {
    sigmoid(h)
}

/// gaussian: f(h) = e^(−h²), range (0, 1].
#[inline(always)]
pub fn gaussian<T: Scalar>(h: T) -> T {
    (-(h * h)).exp()
}
/// f'(h) = −2 h e^(−h²) = −2 h y for [`gaussian`].
#[inline(always)]
pub fn gaussian_df<T: Scalar>(h: T, y: T) -> T {
    let two = T::ONE + T::ONE;
    -two * h * y
}

/// `f` applied to every element of a layer, as one loop: the compiler
/// vectorises it (with `f32`'s branch-free exp and tanh), where one call per
/// unit written out would stay scalar.
#[inline(always)]
pub fn map<T: Scalar, const N: usize>(h: &[T; N], f: impl Fn(T) -> T) -> [T; N] {
    let mut y = [T::ZERO; N];
    for (yi, &hi) in y.iter_mut().zip(h) {
        *yi = f(hi);
    }
    y
}

/// The largest element of `h` (for the max-shift of softmax and log-sum-exp).
#[inline(always)]
pub fn max_of<T: Scalar, const N: usize>(h: &[T; N]) -> T {
    let mut m = h[0];
    for &v in &h[1..] {
        m = m.max(v);
    }
    m
}

/// softmax: y_i = e^(h_i) / Σ_j e^(h_j), computed with the max subtracted
/// first so that no exponential overflows.
#[inline(always)]
pub fn softmax<T: Scalar, const N: usize>(h: &[T; N]) -> [T; N] {
    let m = max_of(h);
    let mut y = [T::ZERO; N];
    let mut sum = T::ZERO;
    for (yi, &hi) in y.iter_mut().zip(h) {
        *yi = (hi - m).exp();
        sum += *yi;
    }
    let inv = T::ONE / sum;
    for yi in &mut y {
        *yi *= inv;
    }
    y
}

/// (m, ln Σ_j e^(h_j − m)) with m = max h, the two parts of log-sum-exp kept
/// apart so that callers can cancel m against an h_k exactly first.
#[inline(always)]
pub fn max_and_log_sum<T: Scalar, const N: usize>(h: &[T; N]) -> (T, T) {
    let m = max_of(h);
    let mut sum = T::ZERO;
    for &hi in h {
        sum += (hi - m).exp();
    }
    (m, sum.ln())
}

/// ln Σ_j e^(h_j), computed as m + ln Σ_j e^(h_j − m) with m = max h: finite
/// for every finite input.
#[inline(always)]
pub fn log_sum_exp<T: Scalar, const N: usize>(h: &[T; N]) -> T {
    let (m, ln_sum) = max_and_log_sum(h);
    m + ln_sum
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
        assert!(close(sigmoid(0.5), 0.622_459_331_201_854_6));
        assert!(close(softplus(0.5), 0.974_076_984_180_107_4));
        assert!(close(gaussian(0.5), 0.778_800_783_071_404_9));
        assert!(close(softsign(-3.0), -0.75));
        assert_eq!(relu(-2.0), 0.0);
        assert_eq!(relu(2.0), 2.0);
        assert_eq!(step(0.0), 0.0);
        assert_eq!(step(1e-300), 1.0);
        assert_eq!(sign(0.0), -1.0);
        assert_eq!(sign(3.0), 1.0);
    }

    #[test]
    fn derivatives_match_central_differences() {
        type F = fn(f64) -> f64;
        type D = fn(f64, f64) -> f64;
        let pairs: [(&str, F, D); 7] = [
            ("linear", linear, linear_df),
            ("softsign", softsign, softsign_df),
            ("sigmoid", sigmoid, sigmoid_df),
            ("tanh", tanh, tanh_df),
            ("relu", relu, relu_df),
            ("softplus", softplus, softplus_df),
            ("gaussian", gaussian, gaussian_df),
        ];
        for (name, f, df) in pairs {
            for &h in &[-3.1, -0.7, 0.3, 1.9, 4.2] {
                let eps = 1e-6;
                let numeric = (f(h + eps) - f(h - eps)) / (2.0 * eps);
                let exact = df(h, f(h));
                assert!(
                    (numeric - exact).abs() < 1e-8,
                    "{name} at {h}: {numeric} vs {exact}"
                );
            }
        }
    }

    #[test]
    fn extreme_inputs_stay_finite() {
        for &h in &[-1000.0f64, -500.0, 500.0, 1000.0] {
            assert!(sigmoid(h).is_finite());
            assert!(softplus(h).is_finite());
        }
        assert_eq!(sigmoid(-1000.0f64), 0.0);
        assert_eq!(sigmoid(1000.0f64), 1.0);
        assert_eq!(softplus(1000.0f64), 1000.0);
        let y = softmax(&[1000.0f64, 0.0, -1000.0]);
        assert_eq!(y, [1.0, 0.0, 0.0]);
        assert!(close(
            log_sum_exp(&[1000.0f64, 1000.0]),
            1000.0 + core::f64::consts::LN_2
        ));
    }

    #[test]
    fn softmax_sums_to_one() {
        let y = softmax(&[0.1f64, -2.0, 3.5, 0.0]);
        assert!(close(y.iter().sum(), 1.0));
        // ln y_i = h_i - lse(h)
        let lse = log_sum_exp(&[0.1f64, -2.0, 3.5, 0.0]);
        assert!(close(y[2].ln(), 3.5 - lse));
    }
}
