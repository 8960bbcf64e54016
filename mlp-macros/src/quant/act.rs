//! What the error bound needs to know of each activation: f itself (the
//! runtime's own `f64` code, so the tables hold exactly the float
//! network's function), its range over an interval, the largest |f′| over
//! an interval, and a bound on |f″| for the interpolation error of tables.
//!
//! Extrema over an interval are found from the endpoints and the points
//! listed here where f′ (for f) or f″ (for f′) vanishes; the unit tests
//! check each list and each |f″| bound against dense sampling.

use crate::model::{Activation, Layer};
use mlp_runtime::activation::{
    Elementwise, Elu, Gaussian, Gelu, LeakyRelu, Linear, Relu, Sigmoid, Sign, Silu, Softplus,
    Softsign, Step, Tanh,
};

/// How the integer network computes a layer's activation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// linear, relu, leaky_relu: requantise the accumulator (positively
    /// homogeneous, so scaling commutes with f).
    Affine,
    /// step, sign: the accumulator's sign.
    Threshold,
    /// softmax, from the accumulators.
    Softmax,
    /// The curved ones: an interpolated table.
    Table,
}

/// One layer's activation, with its parameter.
#[derive(Clone, Copy, Debug)]
pub struct Act {
    pub act: Activation,
    pub alpha: f64,
}

impl Act {
    pub fn of(layer: &Layer) -> Act {
        Act {
            act: layer.activation.value,
            alpha: layer.param.unwrap_or(0.0),
        }
    }

    pub fn kind(self) -> Kind {
        match self.act {
            Activation::Linear | Activation::Relu | Activation::LeakyRelu => Kind::Affine,
            Activation::Step | Activation::Sign => Kind::Threshold,
            Activation::Softmax => Kind::Softmax,
            Activation::Softsign
            | Activation::Sigmoid
            | Activation::Tanh
            | Activation::Softplus
            | Activation::Gaussian
            | Activation::Elu
            | Activation::Gelu
            | Activation::Silu => Kind::Table,
        }
    }

    /// f(h), as the runtime computes it in `f64`.
    pub fn f(self, h: f64) -> f64 {
        match self.act {
            Activation::Linear => Linear.f(h),
            Activation::Step => Step.f(h),
            Activation::Sign => Sign.f(h),
            Activation::Softsign => Softsign.f(h),
            Activation::Sigmoid => Sigmoid.f(h),
            Activation::Tanh => Tanh.f(h),
            Activation::Relu => Relu.f(h),
            Activation::Softplus => Softplus.f(h),
            Activation::Gaussian => Gaussian.f(h),
            Activation::LeakyRelu => LeakyRelu(self.alpha).f(h),
            Activation::Elu => Elu(self.alpha).f(h),
            Activation::Gelu => Gelu.f(h),
            Activation::Silu => Silu.f(h),
            // Not element-wise; never asked (softmax has its own bound).
            Activation::Softmax => h,
        }
    }

    /// f′(h).
    pub fn df(self, h: f64) -> f64 {
        let y = self.f(h);
        match self.act {
            Activation::Linear => Linear.df(h, y),
            Activation::Step | Activation::Sign | Activation::Softmax => 0.0,
            Activation::Softsign => Softsign.df(h, y),
            Activation::Sigmoid => Sigmoid.df(h, y),
            Activation::Tanh => Tanh.df(h, y),
            Activation::Relu => Relu.df(h, y),
            Activation::Softplus => Softplus.df(h, y),
            Activation::Gaussian => Gaussian.df(h, y),
            Activation::LeakyRelu => LeakyRelu(self.alpha).df(h, y),
            Activation::Elu => Elu(self.alpha).df(h, y),
            Activation::Gelu => Gelu.df(h, y),
            Activation::Silu => Silu.df(h, y),
        }
    }

    /// Where f′ = 0 (f's interior extrema).
    fn f_critical(self) -> &'static [f64] {
        match self.act {
            Activation::Gaussian => &[0.0],
            Activation::Gelu => &[-0.751_791_524_693_564_5],
            Activation::Silu => &[-1.278_464_542_761_074],
            Activation::Linear
            | Activation::Step
            | Activation::Sign
            | Activation::Softsign
            | Activation::Sigmoid
            | Activation::Tanh
            | Activation::Relu
            | Activation::Softplus
            | Activation::Softmax
            | Activation::LeakyRelu
            | Activation::Elu => &[],
        }
    }

    /// Where f″ = 0 or f′ jumps (f′'s interior extrema and kinks).
    fn df_critical(self) -> &'static [f64] {
        match self.act {
            Activation::Sigmoid | Activation::Tanh | Activation::Softsign => &[0.0],
            Activation::Relu | Activation::LeakyRelu | Activation::Elu => &[0.0],
            Activation::Gaussian => &[
                -std::f64::consts::FRAC_1_SQRT_2,
                std::f64::consts::FRAC_1_SQRT_2,
            ],
            Activation::Gelu => &[-std::f64::consts::SQRT_2, std::f64::consts::SQRT_2],
            Activation::Silu => &[-2.399_357_280_515_467, 2.399_357_280_515_467],
            Activation::Linear
            | Activation::Step
            | Activation::Sign
            | Activation::Softplus
            | Activation::Softmax => &[],
        }
    }

    /// [min f, max f] over [lo, hi].
    pub fn range(self, lo: f64, hi: f64) -> (f64, f64) {
        let points = [lo, hi].into_iter().chain(
            self.f_critical()
                .iter()
                .copied()
                .filter(|&c| lo < c && c < hi),
        );
        points.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), h| {
            let y = self.f(h);
            (a.min(y), b.max(y))
        })
    }

    /// [min f′, max f′] over [lo, hi] (both one-sided values at a kink).
    pub fn slopes(self, lo: f64, hi: f64) -> (f64, f64) {
        let mut range = (f64::INFINITY, f64::NEG_INFINITY);
        let mut see = |h: f64| {
            let d = self.df(h);
            range = (range.0.min(d), range.1.max(d));
        };
        for h in [lo, hi].into_iter().chain(
            self.df_critical()
                .iter()
                .copied()
                .filter(|&c| lo <= c && c <= hi),
        ) {
            see(h);
            if self.df_critical().contains(&h) {
                // The other side of a kink at h.
                see(h + 1e-12 * (1.0 + h.abs()));
                see(h - 1e-12 * (1.0 + h.abs()));
            }
        }
        range
    }

    /// max |f′| over [lo, hi].
    pub fn lipschitz(self, lo: f64, hi: f64) -> f64 {
        let (a, b) = self.slopes(lo, hi);
        a.abs().max(b.abs())
    }

    /// A bound on |f″| where f is twice differentiable, for the error of
    /// linear interpolation between table points: Δ²/8 · this.
    pub fn curvature(self) -> f64 {
        match self.act {
            Activation::Sigmoid => 0.096_23, // √3/18 = 0.096225
            Activation::Tanh => 0.769_9,     // 4/(3√3) = 0.76980
            Activation::Softsign => 2.0,     // 2/(1+|h|)³
            Activation::Softplus => 0.25,    // σ′
            Activation::Gaussian => 2.0,     // (4h² − 2) e^(−h²) at 0
            Activation::Elu => self.alpha,   // α e^h for h ≤ 0
            Activation::Gelu => 0.797_9,     // φ(h)(2 − h²) at 0 = 0.79788
            Activation::Silu => 0.5,         // σ′(h)(2 + h(1 − 2σ)) at 0
            Activation::Linear
            | Activation::Step
            | Activation::Sign
            | Activation::Relu
            | Activation::Softmax
            | Activation::LeakyRelu => 0.0,
        }
    }

    /// The jump of f′ at 0 (elu with α ≠ 1): interpolating across it adds
    /// at most Δ/4 times it.
    pub fn kink(self) -> f64 {
        match self.act {
            Activation::Elu => (1.0 - self.alpha).abs(),
            Activation::Linear
            | Activation::Step
            | Activation::Sign
            | Activation::Softsign
            | Activation::Sigmoid
            | Activation::Tanh
            | Activation::Relu
            | Activation::Softplus
            | Activation::Gaussian
            | Activation::Softmax
            | Activation::LeakyRelu
            | Activation::Gelu
            | Activation::Silu => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every element-wise activation with a continuous f, from the
    /// language's own table (so a new activation is tested here too), the
    /// parametric ones at several α.
    fn all() -> Vec<Act> {
        use crate::model::ACTIVATIONS;
        use Activation as A;
        let mut v = Vec::new();
        for row in ACTIVATIONS {
            match (row.activation, row.param) {
                (A::Step | A::Sign | A::Softmax, _) => {} // thresholds, whole-layer
                (act, Some(_)) => {
                    v.extend([0.01, 0.3, 1.0, 2.5].map(|alpha| Act { act, alpha }));
                }
                (act, None) => v.push(Act { act, alpha: 0.0 }),
            }
        }
        v
    }

    #[test]
    fn curvature_bounds_hold_on_a_dense_grid() {
        for a in all().into_iter().filter(|a| a.kind() == Kind::Table) {
            let d = 1e-4;
            let mut h: f64 = -30.0;
            while h < 30.0 {
                if h.abs() > 2.0 * d || a.kink() == 0.0 {
                    let f2 = (a.f(h + d) - 2.0 * a.f(h) + a.f(h - d)) / (d * d);
                    assert!(
                        f2.abs() <= a.curvature() * 1.001 + 1e-6,
                        "{a:?} at {h}: {f2}"
                    );
                }
                h += 0.0137;
            }
        }
    }

    #[test]
    fn ranges_and_lipschitz_constants_cover_sampled_values() {
        let edges = [
            -9.0, -3.1, -2.0, -1.3, -0.7, -0.2, 0.0, 0.4, 1.0, 1.5, 2.4, 5.0,
        ];
        for a in all() {
            for (i, &lo) in edges.iter().enumerate() {
                for &hi in &edges[i + 1..] {
                    let (ylo, yhi) = a.range(lo, hi);
                    let l = a.lipschitz(lo, hi);
                    let (smin, smax) = a.slopes(lo, hi);
                    for k in 0..=2000 {
                        let h = lo + (hi - lo) * f64::from(k) / 2000.0;
                        let y = a.f(h);
                        assert!(
                            ylo - 1e-12 <= y && y <= yhi + 1e-12,
                            "{a:?} f({h}) = {y} outside [{ylo}, {yhi}]"
                        );
                        let dy = a.df(h).abs();
                        assert!(
                            dy <= l * (1.0 + 1e-9) + 1e-12,
                            "{a:?} |f'({h})| = {dy} > {l} on [{lo}, {hi}]"
                        );
                        let d = a.df(h);
                        assert!(
                            smin - 1e-12 <= d && d <= smax + 1e-12,
                            "{a:?} f'({h}) = {d} outside [{smin}, {smax}]"
                        );
                    }
                }
            }
        }
    }
}
