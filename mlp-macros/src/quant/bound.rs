//! The affine error bound: |integer − float| carried through a layer's
//! sums exactly and through its output stage, as affine forms over the
//! inputs' and units' error symbols.

use super::budget::MAX_FORM_WORK;
use super::plan::{Factor, Grid, IntLayer, Interval, Stage};
use super::range::Float;
use super::rows::quantize_slack;
use crate::model::Code;
use std::f64::consts::LOG2_E;

/// The error a unit's code may carry, per sub-box: the float network's
/// intervals and the bound on |integer − float| of each value.
pub(super) struct Unit {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) err: Form,
}

/// Symbols of the affine forms: each input's, two per unit; or 1 (plain
/// magnitudes) where that would be too much work per sub-box.
pub(super) fn symbols(layers: &[IntLayer], inputs: usize) -> usize {
    let n = inputs + 2 * layers.iter().map(|l| l.w.len()).sum::<usize>();
    let weights: usize = layers.iter().map(|l| l.w.len() * l.w[0].len()).sum();
    if weights.saturating_mul(n) <= MAX_FORM_WORK {
        n
    } else {
        1
    }
}

/// The error bound over one sub-box: per output, and per layer the
/// largest over its units.
#[allow(clippy::type_complexity)]
pub(super) fn box_error(
    float: &Float,
    layers: &[IntLayer],
    input: &[Grid],
    input_inv: &[f32],
    sub: &[Interval],
    iv: &[(Vec<Interval>, Vec<Interval>)],
    code: Code,
) -> (Vec<f64>, Vec<f64>) {
    let inputs = input.len();
    let symbols = symbols(layers, inputs);
    let mut units: Vec<Unit> = sub
        .iter()
        .zip(input)
        .zip(input_inv)
        .enumerate()
        .map(|(j, ((&(lo, hi), g), &inv))| {
            let mut err = Form::zero(symbols);
            err.add_own(j, g.scale * (0.5 + quantize_slack(lo, hi, g, inv)));
            Unit { lo, hi, err }
        })
        .collect();
    let mut per_layer = Vec::with_capacity(layers.len());
    let mut prev_grid = input;
    let mut base = inputs;
    for (l, layer) in layers.iter().enumerate() {
        let (h_iv, y_iv) = &iv[l];
        units = layer_error(float, l, layer, prev_grid, &units, h_iv, y_iv, code, base);
        per_layer.push(units.iter().fold(0.0f64, |m, u| m.max(u.err.mag())));
        prev_grid = &layer.out;
        base += 2 * layer.w.len();
    }
    (units.iter().map(|u| u.err.mag()).collect(), per_layer)
}

/// An error as an affine form over shared symbols ε_s ∈ [−1, 1]:
/// `Σ_s coef[s] · ε_s`. Symbol j < inputs is input j's quantisation
/// error; each unit has two more of its own (its sum's rounding, its
/// output stage's). Where one error feeds several units, the form keeps
/// its sign, so contributions that cancel downstream are not added as
/// magnitudes.
#[derive(Clone)]
pub(super) struct Form(pub(super) Vec<f64>);

impl Form {
    /// A form over `n` symbols; with `n == 1`, a plain magnitude (for
    /// networks too large for a symbol per unit: every operation then
    /// adds absolute values, the classic worst-case bound).
    pub(super) fn zero(n: usize) -> Form {
        Form(vec![0.0; n.max(1)])
    }
    pub(super) fn scalar(&self) -> bool {
        self.0.len() == 1
    }
    /// The largest value: Σ |coef|.
    pub(super) fn mag(&self) -> f64 {
        self.0.iter().map(|c| c.abs()).sum()
    }
    pub(super) fn add_scaled(&mut self, other: &Form, m: f64) {
        if self.scalar() {
            self.0[0] += (m * other.mag()).abs();
            return;
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a += m * b;
        }
    }
    pub(super) fn scaled(&self, m: f64) -> Form {
        if self.scalar() {
            return Form(vec![(m * self.0[0]).abs()]);
        }
        Form(self.0.iter().map(|c| c * m).collect())
    }
    /// Adds `v ≥ 0` on symbol `sym` (one of the unit's own).
    pub(super) fn add_own(&mut self, sym: usize, v: f64) {
        let i = if self.scalar() { 0 } else { sym };
        self.0[i] += v;
    }
    /// Only `v` on symbol `sym`.
    pub(super) fn only(&mut self, sym: usize, v: f64) {
        self.0.iter_mut().for_each(|c| *c = 0.0);
        self.add_own(sym, v);
    }
}

/// (mid, radius) of an interval of slopes, widened to include 0 when a
/// clamp may scale the step by t ∈ [0, 1].
pub(super) fn mid_rad((lo, hi): Interval, clamped: bool) -> (f64, f64) {
    let (lo, hi) = if clamped {
        (lo.min(0.0), hi.max(0.0))
    } else {
        (lo, hi)
    };
    (0.5 * (lo + hi), 0.5 * (hi - lo))
}

/// One layer's units' errors over one sub-box, from the previous layer's:
/// symbols of this layer's units start at `base`.
#[allow(clippy::too_many_arguments)]
pub(super) fn layer_error(
    float: &Float,
    l: usize,
    layer: &IntLayer,
    prev: &[Grid],
    x: &[Unit],
    h_iv: &[Interval],
    y_iv: &[Interval],
    code: Code,
    base: usize,
) -> Vec<Unit> {
    let symbols = x.first().map_or(0, |u| u.err.0.len());
    let cx = LayerErrors {
        float,
        l,
        layer,
        x,
        h_iv,
        y_iv,
        code,
        base,
        eh: sum_errors(float, l, layer, prev, x, base),
    };
    let mut out: Vec<Unit> = y_iv
        .iter()
        .map(|&(lo, hi)| Unit {
            lo,
            hi,
            err: Form::zero(symbols),
        })
        .collect();
    match &layer.stage {
        Stage::Affine(rows) => cx.affine(rows, &mut out),
        Stage::Threshold { low, high } => cx.threshold(*low, *high, &mut out),
        Stage::Lookup {
            rows,
            table,
            lo,
            step,
        } => cx.lookup(rows, table.len(), *lo, *step, &mut out),
        Stage::Softmax(rows) => cx.softmax(rows, &mut out),
    }
    // Both values lie in the output grid's range (the float one because
    // the grid covers the unit's range over the box, the integer one
    // because codes saturate): their distance is at most its width.
    for (i, (u, g)) in out.iter_mut().zip(&layer.out).enumerate() {
        let (glo, ghi) = cx.grid_range(g);
        if u.err.mag() > ghi - glo {
            u.err.only(cx.post(i), ghi - glo);
        }
    }
    out
}

/// The errors of a layer's sums, h̃ − h = Σ ŵ (x̃ − x) + Σ (ŵ − w)(x − c) +
/// (b̂ − b*) with b* = b − Σ (ŵ − w) c: the inputs' forms through the
/// rounded weights, plus each unit's own rounding on its first symbol.
pub(super) fn sum_errors(
    float: &Float,
    l: usize,
    layer: &IntLayer,
    prev: &[Grid],
    x: &[Unit],
    base: usize,
) -> Vec<Form> {
    let symbols = x.first().map_or(0, |u| u.err.0.len());
    (0..layer.w.len())
        .map(|i| {
            let sw = layer.row_scale[i];
            let mut form = Form::zero(symbols);
            let mut own = 0.0;
            for j in 0..x.len() {
                let w = float.w[l][i][j];
                let wh = sw * layer.w[i][j] as f64 / prev[j].scale;
                let c = layer.centre[j];
                let off = (x[j].lo - c).abs().max((x[j].hi - c).abs());
                form.add_scaled(&x[j].err, wh);
                own += (wh - w).abs() * off;
            }
            let target = layer.bias_target[i];
            own += (sw * (target / sw).round() - target).abs();
            form.add_own(base + 2 * i, own);
            form
        })
        .collect()
}

/// One layer's output stage over one sub-box: what each stage's errors
/// are computed from.
pub(super) struct LayerErrors<'a> {
    pub(super) float: &'a Float,
    pub(super) l: usize,
    pub(super) layer: &'a IntLayer,
    /// The previous layer's values (intervals and errors).
    pub(super) x: &'a [Unit],
    pub(super) h_iv: &'a [Interval],
    pub(super) y_iv: &'a [Interval],
    pub(super) code: Code,
    pub(super) base: usize,
    /// The sums' errors.
    pub(super) eh: Vec<Form>,
}

impl LayerErrors<'_> {
    /// Unit i's output-stage symbol.
    pub(super) fn post(&self, i: usize) -> usize {
        self.base + 2 * i + 1
    }

    /// The largest |accumulator| of unit i, for any input codes.
    pub(super) fn acc_max(&self, i: usize) -> f64 {
        let max_abs_code = self.code.min().unsigned_abs() as f64;
        self.layer.w[i].iter().map(|v| v.abs() as f64).sum::<f64>() * max_abs_code
            + self.layer.b[i].abs() as f64
    }

    /// The values a grid's codes stand for, first to last.
    pub(super) fn grid_range(&self, g: &Grid) -> Interval {
        (
            g.scale * (self.code.min() - g.zero) as f64,
            g.scale * (self.code.max() - g.zero) as f64,
        )
    }

    /// Requantisation: slope of f over the reach of h̃, one rounding.
    pub(super) fn affine(&self, rows: &[(Factor, Factor, i64)], out: &mut [Unit]) {
        let a = self.layer.act;
        for (i, &(pos, neg, _)) in rows.iter().enumerate() {
            let g = self.layer.out[i];
            let m = self.layer.row_scale[i] / g.scale;
            let mneg = match a.act {
                crate::model::Activation::Relu => 0.0,
                crate::model::Activation::LeakyRelu => a.alpha * m,
                _ => m,
            };
            let dm = (pos.value() - m).abs().max((neg.value() - mneg).abs());
            let rounding = g.scale * (0.5 + self.acc_max(i) * dm);
            let (hlo, hhi) = self.h_iv[i];
            let e = self.eh[i].mag();
            if a.act == crate::model::Activation::Relu && hhi + e <= 0.0 {
                continue; // both are exactly 0
            }
            let slopes = a.slopes(hlo - e, hhi + e);
            let reach = a.lipschitz(hlo - e, hhi + e) * e + rounding;
            let (glo, ghi) = self.grid_range(&g);
            let clamped = self.y_iv[i].0 - reach < glo || self.y_iv[i].1 + reach > ghi;
            let (mid, rad) = mid_rad(slopes, clamped);
            out[i].err = self.eh[i].scaled(mid);
            out[i].err.add_own(self.post(i), rad * e + rounding);
        }
    }

    /// step and sign: no error unless h̃ and h may lie on both sides of 0.
    pub(super) fn threshold(&self, low: i64, high: i64, out: &mut [Unit]) {
        let g = self.layer.out[0];
        let (vlo, vhi) = match self.layer.act.act {
            crate::model::Activation::Sign => (-1.0, 1.0),
            _ => (0.0, 1.0),
        };
        let repr = (g.scale * (low - g.zero) as f64 - vlo)
            .abs()
            .max((g.scale * (high - g.zero) as f64 - vhi).abs());
        for (i, u) in out.iter_mut().enumerate() {
            let (hlo, hhi) = self.h_iv[i];
            let e = self.eh[i].mag();
            let same_side = hlo - e > 0.0 || hhi + e < 0.0;
            u.err
                .only(self.post(i), repr + if same_side { 0.0 } else { vhi - vlo });
        }
    }

    /// Tables: the position's rounding, interpolation, the entries' and
    /// the code's rounding, the slope of f over the reach of the position.
    pub(super) fn lookup(
        &self,
        rows: &[(Factor, i64)],
        len: usize,
        lo: f64,
        step: f64,
        out: &mut [Unit],
    ) {
        let (a, code) = (self.layer.act, self.code);
        let hi = lo + step * (len - 1) as f64;
        let unit = 2f64.powi(-(code.table_bits() as i32));
        let codes = if code.table_bits() > 0 {
            0.5 * unit + 0.5 * unit + 0.5
        } else {
            1.0
        };
        let interp = step * step / 8.0 * a.curvature() + a.kink() * step / 4.0;
        for (i, &(f, _)) in rows.iter().enumerate() {
            let g = self.layer.out[i];
            let m = self.layer.row_scale[i] * 256.0 / step;
            let p = (1.0 + self.acc_max(i) * (f.value() - m).abs()) * step / 256.0;
            let e = self.eh[i].mag();
            let (hlo, hhi) = self.h_iv[i];
            let (a_lo, a_hi) = ((hlo - e - p).max(lo), (hhi + e + p).min(hi));
            let (a_lo, a_hi) = (a_lo.min(hlo), a_hi.max(hhi));
            let table_clamp = hlo - e - p < lo || hhi + e + p > hi;
            let slopes = a.slopes(a_lo, a_hi);
            let l_f = a.lipschitz(a_lo, a_hi);
            let rounding = interp + g.scale * codes;
            let reach = l_f * (e + p) + rounding;
            let (glo, ghi) = self.grid_range(&g);
            let code_clamp = self.y_iv[i].0 - reach < glo || self.y_iv[i].1 + reach > ghi;
            let (mid, rad) = mid_rad(slopes, table_clamp || code_clamp);
            out[i].err = self.eh[i].scaled(mid);
            out[i]
                .err
                .add_own(self.post(i), rad * e + l_f * p + rounding);
        }
    }

    /// softmax: y(ĥ) − y(h) = J(ξ) (ĥ − h), ξ between, J_kj = y_k (δ_kj −
    /// y_j), with J's intervals over the sub-box; or ½ × the largest logit
    /// error where that is smaller; plus the exponential's and the
    /// division's rounding.
    pub(super) fn softmax(&self, rows: &[Factor], out: &mut [Unit]) {
        let n = rows.len();
        // Logit rounding, in units of h.
        let p: Vec<f64> = (0..n)
            .map(|i| {
                let m = self.layer.row_scale[i] * LOG2_E * 65536.0;
                (0.5 + self.acc_max(i) * (rows[i].value() - m).abs()) / (65536.0 * LOG2_E)
            })
            .collect();
        let e: Vec<f64> = (0..n).map(|i| self.eh[i].mag() + p[i]).collect();
        let y = self.softmax_range(&e);
        let range = (self.code.max() - self.code.min()) as f64;
        // 2^(−d) in Q15: entry 0.5, interpolation 0.48 + rounding 0.5,
        // the final shift 0.5: within 2 units of 2^-15.
        let tau = 2.0;
        for k in 0..n {
            let (ak, bk) = y[k];
            for j in 0..n {
                let jkj = if j == k {
                    let f = |v: f64| v * (1.0 - v);
                    let top = if ak <= 0.5 && 0.5 <= bk {
                        0.25
                    } else {
                        f(ak).max(f(bk))
                    };
                    (f(ak).min(f(bk)), top)
                } else {
                    (-bk * y[j].1, -ak * y[j].0)
                };
                let (mid, rad) = mid_rad(jkj, false);
                out[k].err.add_scaled(&self.eh[j], mid);
                out[k].err.add_own(
                    self.post(k),
                    rad * self.eh[j].mag() + (mid.abs() + rad) * p[j],
                );
            }
            let own = tau * (1.0 + n as f64) / 32768.0 + 0.5 / range;
            out[k].err.add_own(self.post(k), own);
            let coarse = 0.5 * e.iter().fold(0.0f64, |m, &v| m.max(v)) + own;
            if coarse < out[k].err.mag() {
                out[k].err.only(self.post(k), coarse);
            }
        }
    }

    /// Bounds on y_k = 1 / (1 + Σ_j e^(h_j − h_k)) from intervals of the
    /// differences, summed term by term from the layer's inputs (tighter
    /// than differences of the logits' own intervals, whose shared inputs
    /// do not cancel), widened by both logits' errors `e`.
    pub(super) fn softmax_range(&self, e: &[f64]) -> Vec<Interval> {
        let (w, b) = (&self.float.w[self.l], &self.float.b[self.l]);
        let n = e.len();
        (0..n)
            .map(|k| {
                let (mut lo_den, mut hi_den) = (1.0, 1.0);
                for j in (0..n).filter(|&j| j != k) {
                    let (mut dlo, mut dhi) = (b[j] - b[k], b[j] - b[k]);
                    for (i, xi) in self.x.iter().enumerate() {
                        let d = w[j][i] - w[k][i];
                        let (a, c) = (d * xi.lo, d * xi.hi);
                        dlo += a.min(c);
                        dhi += a.max(c);
                    }
                    lo_den += (dhi + e[j] + e[k]).exp();
                    hi_den += (dlo - e[j] - e[k]).exp();
                }
                (1.0 / lo_den, 1.0 / hi_den)
            })
            .collect()
    }
}
