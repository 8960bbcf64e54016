//! Loss functions, per sample, exactly as the contract defines them.
//!
//! | name  | per-sample loss                                   |
//! |-------|---------------------------------------------------|
//! | `mse` | (1/K) Σ_k (y_k − d_k)²                            |
//! | `sse` | ½ Σ_k (y_k − d_k)²                                |
//! | `bce` | −Σ_k [d_k ln y_k + (1 − d_k) ln(1 − y_k)]         |
//! | `ce`  | −Σ_k d_k ln y_k                                   |
//!
//! Generated code calls the functions of this module: the squared losses
//! on the outputs `y`, and `bce` and `ce` on the output layer's
//! pre-activations `h` (the logits), through softplus and log-sum-exp, so
//! the loss is finite and exact for any finite logits, ±1000 included.
//! [`bce`] and [`ce`] on probabilities are the textbook forms, kept as
//! references for tests and for users.
//!
//! ```
//! use mlp_runtime::loss::{bce, bce_logits, mse};
//!
//! assert_eq!(mse(&[1.0f64, 2.0], &[0.0, 0.0]), 2.5);
//! // The same bce from a probability and from its logit, ln 2 at h = 0:
//! let from_logit = bce_logits(&[0.0f64], &[1.0]);
//! assert!((from_logit - bce(&[0.5], &[1.0])).abs() < 1e-15);
//! ```

use crate::activation::{max_and_log_sum, Elementwise, Softplus};
use crate::Scalar;

/// `mse`: (1/K) Σ_k (y_k − d_k)².
#[inline(always)]
pub fn mse<T: Scalar, const K: usize>(y: &[T; K], d: &[T; K]) -> T {
    squared_error(y, d) / T::from_f64(K as f64)
}

/// `sse`: ½ Σ_k (y_k − d_k)².
#[inline(always)]
pub fn sse<T: Scalar, const K: usize>(y: &[T; K], d: &[T; K]) -> T {
    squared_error(y, d) * T::from_f64(0.5)
}

/// `huber(δ)`: (1/K) Σ_k h(y_k − d_k) with h(r) = ½r² for |r| ≤ δ and
/// δ(|r| − ½δ) otherwise: PyTorch's `HuberLoss(delta=δ)`, reduction `mean`.
/// Quadratic near the target, linear (so gradients bounded by δ) far from
/// it: the usual loss of DQN's temporal-difference errors.
///
/// ```
/// let l = mlp::loss::huber(&[0.5f64, 3.0], &[0.0, 0.0], 1.0);
/// assert_eq!(l, (0.125 + 2.5) / 2.0); // ½·0.5², 1·(3 − ½)
/// ```
#[inline(always)]
pub fn huber<T: Scalar, const K: usize>(y: &[T; K], d: &[T; K], delta: T) -> T {
    let mut s = T::ZERO;
    for (&yk, &dk) in y.iter().zip(d) {
        let r = yk - dk;
        let a = r.abs();
        s += if a <= delta {
            T::from_f64(0.5) * r * r
        } else {
            delta * (a - T::from_f64(0.5) * delta)
        };
    }
    s / T::from_f64(K as f64)
}

/// h′(r) of [`huber`]'s h: r clamped to [−δ, δ].
///
/// ```
/// assert_eq!(mlp::loss::huber_grad(0.3f32, 1.0), 0.3);
/// assert_eq!(mlp::loss::huber_grad(-4.0f32, 1.0), -1.0);
/// ```
#[inline(always)]
pub fn huber_grad<T: Scalar>(r: T, delta: T) -> T {
    if r > delta {
        delta
    } else if r < -delta {
        -delta
    } else {
        r
    }
}

/// Σ_k (y_k − d_k)², in index order.
#[inline(always)]
fn squared_error<T: Scalar, const K: usize>(y: &[T; K], d: &[T; K]) -> T {
    let mut s = T::ZERO;
    for (&yk, &dk) in y.iter().zip(d) {
        let e = yk - dk;
        s += e * e;
    }
    s
}

/// `bce` for sigmoid outputs, from their logits `h`:
/// Σ_k softplus(h_k) − d_k·h_k.
#[inline(always)]
pub fn bce_logits<T: Scalar, const K: usize>(h: &[T; K], d: &[T; K]) -> T {
    let mut s = T::ZERO;
    for (&hk, &dk) in h.iter().zip(d) {
        // softplus(h) = max(h, 0) + ln(1 + e^−|h|); the exactly cancelling
        // part is subtracted first, so a confident right answer (h = 500,
        // d = 1) gives ln(1 + e^−500) ≈ e^−500 rather than
        // (500 + e^−500) − 500 = 0.
        let softplus_rest = if K < 4 {
            (-hk.abs()).exp_narrow().ln_1p_narrow()
        } else {
            (-hk.abs()).exp().ln_1p()
        };
        s += (hk.max(T::ZERO) - dk * hk) + softplus_rest;
    }
    s
}

/// `ce` for sigmoid outputs, from their logits `h`:
/// −Σ_k d_k ln σ(h_k) = Σ_k d_k · softplus(−h_k).
#[inline(always)]
pub fn ce_sigmoid_logits<T: Scalar, const K: usize>(h: &[T; K], d: &[T; K]) -> T {
    let mut s = T::ZERO;
    for (&hk, &dk) in h.iter().zip(d) {
        s += dk * Softplus.f(-hk);
    }
    s
}

/// `ce` for a softmax output, from its logits `h`:
/// −Σ_k d_k ln softmax(h)_k = Σ_k d_k (lse(h) − h_k).
#[inline(always)]
pub fn ce_softmax_logits<T: Scalar, const K: usize>(h: &[T; K], d: &[T; K]) -> T {
    // lse(h) − h_k = (m − h_k) + ln Σ_j e^(h_j − m) with m = max h: the
    // large terms cancel exactly before the small logarithm is added.
    let (m, ln_sum) = max_and_log_sum(h);
    let mut loss = T::ZERO;
    for (&hk, &dk) in h.iter().zip(d) {
        loss += dk * ((m - hk) + ln_sum);
    }
    loss
}

/// `bce` from probabilities (textbook form; infinite when y_k is exactly 0 or 1).
pub fn bce<T: Scalar, const K: usize>(y: &[T; K], d: &[T; K]) -> T {
    let mut s = T::ZERO;
    for (&yk, &dk) in y.iter().zip(d) {
        s -= dk * yk.ln() + (T::ONE - dk) * (T::ONE - yk).ln();
    }
    s
}

/// `ce` from probabilities (textbook form; infinite when some y_k with d_k > 0 is 0).
pub fn ce<T: Scalar, const K: usize>(y: &[T; K], d: &[T; K]) -> T {
    let mut s = T::ZERO;
    for (&yk, &dk) in y.iter().zip(d) {
        s -= dk * yk.ln();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::{Activation, Sigmoid, Softmax};

    #[test]
    fn logit_forms_equal_textbook_forms() {
        let h = [0.3f64, -1.2, 2.0];
        let d = [1.0, 0.0, 0.25];
        let y = h.map(|v| Sigmoid.f(v));
        assert!((bce_logits(&h, &d) - bce(&y, &d)).abs() < 1e-14);
        assert!((ce_sigmoid_logits(&h, &d) - ce(&y, &d)).abs() < 1e-14);
        let p = Softmax.layer(&h);
        assert!((ce_softmax_logits(&h, &d) - ce(&p, &d)).abs() < 1e-14);
    }

    #[test]
    fn squared_losses_follow_the_contract() {
        let y = [1.0f64, 2.0];
        let d = [0.0, 0.0];
        assert_eq!(mse(&y, &d), 2.5); // (1 + 4) / 2
        assert_eq!(sse(&y, &d), 2.5); // (1 + 4) / 2 as well, by coincidence of K = 2
        let y3 = [1.0f64, 2.0, 3.0];
        let d3 = [0.0; 3];
        assert!((mse(&y3, &d3) - 14.0 / 3.0).abs() < 1e-15);
        assert_eq!(sse(&y3, &d3), 7.0);
    }

    #[test]
    fn logit_forms_are_finite_and_exact_at_extremes() {
        // softplus(1000) - 0 = 1000 exactly; textbook form gives inf.
        assert_eq!(bce_logits(&[1000.0f64], &[0.0]), 1000.0);
        assert_eq!(bce_logits(&[-1000.0f64], &[1.0]), 1000.0);
        assert_eq!(ce_sigmoid_logits(&[-1000.0f64], &[1.0]), 1000.0);
        assert_eq!(
            ce_softmax_logits(&[1000.0f64, -1000.0], &[0.0, 1.0]),
            2000.0
        );
    }
}
