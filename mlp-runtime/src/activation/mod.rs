//! Activation functions, one zero-sized type each.
//!
//! An element-wise activation implements [`Elementwise`]: `f(h)` and its
//! derivative `df(h, y)`, where `y = f(h)` has already been computed by the
//! forward pass, so each derivative uses whichever of `h` and `y` is cheaper
//! (sigmoid and tanh reuse `y`, relu and softsign read `h`). Every
//! activation, softmax included, implements [`Activation`], which applies it
//! to a whole layer; that is what generated code calls. Formulas follow the
//! textbook definitions, written out in each type's doc.
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

mod elementwise;
mod softmax;

use crate::simd::{multiversion, Aligned};
use crate::Scalar;
pub use elementwise::{
    Elu, Gaussian, Gelu, LeakyRelu, Linear, Relu, Sigmoid, Sign, Silu, Softplus, Softsign, Step,
    Tanh,
};
pub use softmax::Softmax;
pub(crate) use softmax::{map, max_and_log_sum};

/// What a layer's outputs are, as generic code needs to know: how
/// `train::accuracy` reads them and which targets a loss accepts.
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
    /// sample `b` (see `forward_batch`), on a cache line like every batch
    /// array ([`Aligned`]).
    fn batch<T: Scalar, const N: usize, const B: usize>(
        self,
        h: &[[T; B]; N],
    ) -> Aligned<[[T; B]; N]>;
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
        apply(self, h)
    }
}

/// Elements from which a layer's activation runs compiled for the CPU's
/// instruction set ([`crate::simd`]); below, the call would cost more than
/// the lanes gain, and the loop stays inline.
const DISPATCH_FROM: usize = 32;

/// `f` across a layer: compiled for the CPU's instruction set when the
/// layer is wide enough (the same bits: each lane is one unit).
#[inline(always)]
pub(crate) fn apply<A: Elementwise, T: Scalar, const N: usize>(act: A, h: &[T; N]) -> [T; N] {
    if N >= DISPATCH_FROM {
        apply_wide(act, h)
    } else {
        map(h, |v| act.f(v))
    }
}

multiversion! {
    fn apply_wide[A: Elementwise, T: Scalar, const N: usize](act: A, h: &[T; N]) -> [T; N] => apply_kernel, up to avx2;
}

#[inline(always)]
fn apply_kernel<A: Elementwise, T: Scalar, const N: usize>(act: A, h: &[T; N]) -> [T; N] {
    map(h, |v| act.f(v))
}

multiversion! {
    fn apply_batch[A: Elementwise, T: Scalar, const N: usize, const B: usize](act: A, h: &[[T; B]; N]) -> Aligned<[[T; B]; N]> => apply_batch_kernel;
}

#[inline(always)]
fn apply_batch_kernel<A: Elementwise, T: Scalar, const N: usize, const B: usize>(
    act: A,
    h: &[[T; B]; N],
) -> Aligned<[[T; B]; N]> {
    let mut y = Aligned([[T::ZERO; B]; N]);
    for (y_row, h_row) in y.iter_mut().zip(h) {
        *y_row = map(h_row, |v| act.f(v));
    }
    y
}

impl<A: Elementwise> Activation for A {
    const OUTPUT_KIND: OutputKind = <A as Elementwise>::OUTPUT_KIND;

    #[inline(always)]
    fn layer<T: Scalar, const N: usize>(self, h: &[T; N]) -> [T; N] {
        <A as Elementwise>::layer(self, h)
    }

    #[inline(always)]
    fn batch<T: Scalar, const N: usize, const B: usize>(
        self,
        h: &[[T; B]; N],
    ) -> Aligned<[[T; B]; N]> {
        if N * B >= DISPATCH_FROM {
            apply_batch(self, h)
        } else {
            apply_batch_kernel(self, h)
        }
    }
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
