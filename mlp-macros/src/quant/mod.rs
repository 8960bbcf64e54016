//! `#[quantize(..)]`: the integer network made from the baked weights, and
//! its error bound. Everything is decided here, at compile time, in `f64`;
//! `expand/int.rs` writes the result out as literals.
//!
//! The scheme (ARCHITECTURE.md, "Integer networks"):
//! - every activation (inputs included) is a code `q` with a grid
//!   `x̃ = s·(q − z)`: scale `s`, integer zero point `z`, chosen so the grid
//!   covers the unit's range over the input box. Ranges come from interval
//!   propagation of the float network over the box, split into sub-boxes.
//!   Units of requantised layers (linear, relu, leaky_relu) get a grid
//!   each; a table layer shares one;
//! - weights are int8, symmetric, one scale per row (output unit), with
//!   the previous layer's per-unit scales folded in first; biases are
//!   `i32` in units of the row scale with the zero points folded in;
//! - the output stage turns the `i32` accumulator into the next code with
//!   one `multiplier / 2^shift` (31-bit) and one rounding, or through an
//!   interpolated table, the sign, or an integer softmax.
//!
//! The bound follows the integer network operation by operation: for each
//! sub-box and unit, `E` bounds |integer value − float value|, carried
//! through sums exactly (the rounded weights are known) and through
//! activations by their largest slope over the interval concerned, with
//! every rounding of the integer code added where it happens.

pub mod act;

use crate::bake::Values;
use crate::ctxt::Ctxt;
use crate::model::{Code, Network, Quantize};
use act::{Act, Kind};
use proc_macro2::Ident;

/// Sub-boxes the input box is split into, at most (per-dimension cuts
/// `k` with `k^inputs` ≤ this).
const MAX_BOXES: usize = 4096;
/// Table entries, at most (4 bytes each).
const MAX_TABLE: usize = 1025;
/// log2(e).
const LOG2_E: f64 = std::f64::consts::LOG2_E;

/// [lo, hi].
type Interval = (f64, f64);

/// A grid: `x̃ = scale · (q − zero)`.
#[derive(Clone, Copy, Debug)]
pub struct Grid {
    pub scale: f64,
    pub zero: i64,
}

/// A factor as `multiplier / 2^shift` (mlp-runtime's `int::Scale`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Factor {
    pub multiplier: i64,
    pub shift: u32,
}

impl Factor {
    pub const ZERO: Factor = Factor {
        multiplier: 0,
        shift: 0,
    };

    /// The nearest factor with a 31-bit multiplier; `None` when `m` ≥ 2^31.
    fn of(m: f64) -> Option<Factor> {
        if m <= 0.0 || !m.is_finite() {
            return if m == 0.0 { Some(Factor::ZERO) } else { None };
        }
        let e = m.log2().floor() as i64;
        let mut shift = 30 - e;
        if shift < 0 {
            return None;
        }
        shift = shift.min(62);
        let mut multiplier = (m * 2f64.powi(shift as i32)).round() as i64;
        if multiplier >= 1 << 31 {
            if shift == 0 {
                return None;
            }
            multiplier = (m * 2f64.powi(shift as i32 - 1)).round() as i64;
            shift -= 1;
        }
        Some(Factor {
            multiplier,
            shift: shift as u32,
        })
    }

    pub fn value(self) -> f64 {
        self.multiplier as f64 / 2f64.powi(self.shift as i32)
    }
}

/// How a layer's accumulators become codes.
pub enum Stage {
    /// Per unit: factor for acc ≥ 0, for acc < 0, and the zero point.
    Affine(Vec<(Factor, Factor, i64)>),
    /// Per unit: accumulator → table position (1/256 steps), offset; the
    /// table (codes × 2^TABLE_BITS) at `lo + k·step`.
    Lookup {
        rows: Vec<(Factor, i64)>,
        table: Vec<i64>,
        lo: f64,
        step: f64,
    },
    /// The codes of f = low and f = high.
    Threshold { low: i64, high: i64 },
    /// Per unit: accumulator → logit · log2(e) · 2^16.
    Softmax(Vec<Factor>),
}

/// One layer of the integer network.
pub struct IntLayer {
    pub act: Act,
    /// int8 weights, row i = unit i.
    pub w: Vec<Vec<i64>>,
    /// i32 biases, zero points folded in.
    pub b: Vec<i64>,
    /// Each row's weight scale (the accumulator's unit).
    pub row_scale: Vec<f64>,
    pub stage: Stage,
    /// Each unit's output grid.
    pub out: Vec<Grid>,
    /// The bound on |integer − float| of this layer's outputs, largest unit.
    pub bound: f64,
}

/// An integer network, ready to write out.
pub struct Plan {
    pub ident: Ident,
    pub code: Code,
    /// Per input: (lo, hi).
    pub input_box: Vec<(f64, f64)>,
    pub input: Vec<Grid>,
    /// `1 / scale` per input as `f32` (what `quantize` multiplies by).
    pub input_inv: Vec<f32>,
    pub layers: Vec<IntLayer>,
    /// Per output: `ERROR_BOUND`.
    pub bound: Vec<f64>,
    /// Sub-boxes the bound was computed over.
    pub boxes: usize,
}

impl Plan {
    pub fn output(&self) -> &[Grid] {
        &self.layers[self.layers.len() - 1].out
    }
}

/// The float network, in `f64`.
struct Float {
    acts: Vec<Act>,
    /// Per layer: rows of weights, biases.
    w: Vec<Vec<Vec<f64>>>,
    b: Vec<Vec<f64>>,
}

impl Float {
    fn new(net: &Network, values: &Values) -> Float {
        let flat: Vec<f64> = match values {
            Values::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            Values::F64(v) => v.clone(),
        };
        let mut it = flat.into_iter();
        let mut w = Vec::new();
        let mut b = Vec::new();
        for layer in &net.layers {
            let m = net.width_before(layer.index);
            let rows = (0..layer.width.value)
                .map(|_| it.by_ref().take(m).collect())
                .collect();
            w.push(rows);
            b.push(it.by_ref().take(layer.width.value).collect());
        }
        Float {
            acts: net.layers.iter().map(Act::of).collect(),
            w,
            b,
        }
    }

    /// Interval propagation over one box: per layer, each unit's h and y
    /// intervals.
    fn intervals(&self, x: &[Interval]) -> Vec<(Vec<Interval>, Vec<Interval>)> {
        let mut out = Vec::with_capacity(self.w.len());
        let mut y: Vec<(f64, f64)> = x.to_vec();
        for ((w, b), a) in self.w.iter().zip(&self.b).zip(&self.acts) {
            let h: Vec<(f64, f64)> = w
                .iter()
                .zip(b)
                .map(|(row, &bi)| {
                    row.iter()
                        .zip(&y)
                        .fold((bi, bi), |(lo, hi), (&wij, &(ylo, yhi))| {
                            if wij >= 0.0 {
                                (lo + wij * ylo, hi + wij * yhi)
                            } else {
                                (lo + wij * yhi, hi + wij * ylo)
                            }
                        })
                })
                .collect();
            let next: Vec<(f64, f64)> = if a.kind() == Kind::Softmax {
                softmax_range(&h)
            } else {
                h.iter().map(|&(lo, hi)| a.range(lo, hi)).collect()
            };
            out.push((h, next.clone()));
            y = next;
        }
        out
    }
}

/// Bounds on each softmax output over a box of logits.
fn softmax_range(h: &[(f64, f64)]) -> Vec<(f64, f64)> {
    (0..h.len())
        .map(|k| {
            let (mut lo_den, mut hi_den) = (1.0, 1.0);
            for (j, &(jlo, jhi)) in h.iter().enumerate() {
                if j != k {
                    lo_den += (jhi - h[k].0).exp();
                    hi_den += (jlo - h[k].1).exp();
                }
            }
            (1.0 / lo_den, 1.0 / hi_den)
        })
        .collect()
}

/// The sub-boxes of `bounds`, `k` cuts per dimension.
fn split(bounds: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let n = bounds.len();
    let mut k = 1usize;
    while (k + 1)
        .checked_pow(n as u32)
        .is_some_and(|c| c <= MAX_BOXES)
    {
        k += 1;
    }
    let total = k.pow(n as u32);
    (0..total)
        .map(|mut index| {
            bounds
                .iter()
                .map(|&(lo, hi)| {
                    let i = index % k;
                    index /= k;
                    let width = (hi - lo) / k as f64;
                    let a = lo + width * i as f64;
                    let b = if i + 1 == k { hi } else { a + width };
                    (a, b)
                })
                .collect()
        })
        .collect()
}

/// A grid over [lo, hi]: `2^bits − 1` steps (one spare, so the rounded
/// zero point still covers both ends), scale at least `floor`.
fn grid(code: Code, lo: f64, hi: f64, floor: f64) -> Grid {
    let steps = (code.max() - code.min() - 1) as f64;
    let width = (hi - lo).max(1e-9 * lo.abs().max(hi.abs()).max(1.0));
    let scale = (width / steps).max(floor) * (1.0 + 1e-12);
    let zero = (code.min() as f64 - lo / scale).ceil();
    Grid {
        scale,
        zero: zero.clamp(-9e15, 9e15) as i64,
    }
}

/// The error a unit's code may carry, per sub-box: the float network's
/// intervals and the bound on |integer − float| of each value.
struct Unit {
    lo: f64,
    hi: f64,
    err: f64,
}

/// Builds every `#[quantize]` of a network with baked weights; errors are
/// reported into `cx`.
pub fn plans(cx: &Ctxt, net: &Network, values: &Values) -> Vec<Plan> {
    let float = Float::new(net, values);
    net.quantize
        .iter()
        .filter_map(|q| plan(cx, net, &float, q))
        .collect()
}

fn plan(cx: &Ctxt, net: &Network, float: &Float, q: &Quantize) -> Option<Plan> {
    let code = q.code;
    let inputs = net.inputs.value;
    let input_box: Vec<(f64, f64)> = if q.ranges.value.len() == 1 {
        vec![q.ranges.value[0].value; inputs]
    } else {
        q.ranges.value.iter().map(|r| r.value).collect()
    };
    let boxes = split(&input_box);
    let per_box: Vec<_> = boxes.iter().map(|b| float.intervals(b)).collect();
    // The union over sub-boxes of each unit's h and y intervals.
    let union = |l: usize, which: usize| -> Vec<(f64, f64)> {
        let n = float.b[l].len();
        (0..n)
            .map(|i| {
                per_box
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), iv| {
                        let (lo, hi) = if which == 0 { iv[l].0[i] } else { iv[l].1[i] };
                        (a.min(lo), b.max(hi))
                    })
            })
            .collect()
    };

    let input: Vec<Grid> = input_box
        .iter()
        .map(|&(lo, hi)| grid(code, lo, hi, 0.0))
        .collect();
    let input_inv: Vec<f32> = input.iter().map(|g| (1.0 / g.scale) as f32).collect();
    let max_abs_code = code.min().unsigned_abs() as f64;
    let g_bits = code.table_bits();

    let mut layers: Vec<IntLayer> = Vec::new();
    let mut prev: Vec<Grid> = input.clone();
    for (l, layer) in net.layers.iter().enumerate() {
        let a = Act::of(layer);
        let (w, b) = (&float.w[l], &float.b[l]);
        // Rows: fold the previous grids' scales, quantise symmetric int8.
        let mut wq = Vec::new();
        let mut bq = Vec::new();
        let mut row_scale = Vec::new();
        for (i, (row, &bi)) in w.iter().zip(b).enumerate() {
            let folded: Vec<f64> = row
                .iter()
                .zip(&prev)
                .map(|(&wij, g)| wij * g.scale)
                .collect();
            let max = folded.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let sw = (max / 127.0)
                .max(bi.abs() / f64::from(1u32 << 24))
                .max(1e-300);
            let rq: Vec<i64> = folded
                .iter()
                .map(|v| ((v / sw).round() as i64).clamp(-127, 127))
                .collect();
            let fold: i64 = rq.iter().zip(&prev).map(|(wq, g)| wq * g.zero).sum();
            let bias = (bi / sw).round() as i64 - fold;
            let worst =
                rq.iter().map(|v| v.abs() as f64).sum::<f64>() * max_abs_code + bias.abs() as f64;
            if worst > f64::from(i32::MAX) {
                cx.error_spanned_by(
                    &q.attr,
                    format!(
                        "`{}` could overflow its 32-bit accumulator in layer {} (unit {i}): {} activations and this input box allow sums up to {worst:.3e}, above 2^31 − 1\nhelp: narrow the input ranges (a range far from 0 compared with its width needs a large folded bias), or use `activations = i8`",
                        q.ident,
                        l + 1,
                        code.name()
                    ),
                );
                return None;
            }
            wq.push(rq);
            bq.push(bias);
            row_scale.push(sw);
        }
        let h_union = union(l, 0);
        let y_union = union(l, 1);
        let (stage, out) = stage(cx, q, l, a, code, &row_scale, &h_union, &y_union)?;
        layers.push(IntLayer {
            act: a,
            w: wq,
            b: bq,
            row_scale,
            stage,
            out: out.clone(),
            bound: 0.0,
        });
        prev = out;
    }

    // The bound, sub-box by sub-box.
    let mut bound = vec![0.0f64; float.b[float.b.len() - 1].len()];
    let mut layer_bounds = vec![0.0f64; layers.len()];
    for (sub, iv) in boxes.iter().zip(&per_box) {
        let mut units: Vec<Unit> = sub
            .iter()
            .zip(&input)
            .zip(&input_inv)
            .map(|((&(lo, hi), g), &inv)| {
                // quantize: round(fl(x · inv)) in f32.
                let xmax = lo.abs().max(hi.abs());
                let slack = xmax * (f64::from(inv) - 1.0 / g.scale).abs()
                    + 2f64.powi(-23) * (xmax * f64::from(inv) + 1.0);
                Unit {
                    lo,
                    hi,
                    err: g.scale * (0.5 + slack),
                }
            })
            .collect();
        let mut prev_grid = &input;
        for (l, layer) in layers.iter().enumerate() {
            let (h_iv, y_iv) = &iv[l];
            units = layer_error(float, l, layer, prev_grid, &units, h_iv, y_iv, code, g_bits);
            for u in &units {
                layer_bounds[l] = layer_bounds[l].max(u.err);
            }
            prev_grid = &layer.out;
        }
        for (b, u) in bound.iter_mut().zip(&units) {
            *b = b.max(u.err);
        }
    }
    for (layer, b) in layers.iter_mut().zip(layer_bounds) {
        layer.bound = b;
    }
    // dequantize in f32: scale rounded to f32, the product rounded.
    let last = &layers[layers.len() - 1];
    for (b, g) in bound.iter_mut().zip(&last.out) {
        let span = (code.max() - g.zero).abs().max((code.min() - g.zero).abs()) as f64;
        let s32 = f64::from(g.scale as f32);
        *b += (s32 - g.scale).abs() * span + 2f64.powi(-23) * s32 * span;
        // The bound's own f64 arithmetic.
        *b = *b * (1.0 + 1e-9) + 1e-300;
    }
    Some(Plan {
        ident: q.ident.clone(),
        code,
        input_box,
        input,
        input_inv,
        layers,
        bound,
        boxes: boxes.len(),
    })
}

/// A layer's output stage and grids.
#[allow(clippy::too_many_arguments)]
fn stage(
    cx: &Ctxt,
    q: &Quantize,
    l: usize,
    a: Act,
    code: Code,
    row_scale: &[f64],
    h: &[(f64, f64)],
    y: &[(f64, f64)],
) -> Option<(Stage, Vec<Grid>)> {
    let n = row_scale.len();
    let overflow = |what: &str| {
        cx.error_spanned_by(
            &q.attr,
            format!(
                "`{}`: layer {}'s {what} cannot be represented in 32 bits over this input box\nhelp: narrow the input ranges",
                q.ident,
                l + 1
            ),
        );
    };
    match a.kind() {
        Kind::Affine => {
            let mut rows = Vec::new();
            let mut grids = Vec::new();
            for i in 0..n {
                // The multiplier sw/s stays below 2^29.
                let g = grid(code, y[i].0, y[i].1, row_scale[i] * 2f64.powi(-29));
                let m = row_scale[i] / g.scale;
                let neg = match a.act {
                    crate::model::Activation::Relu => 0.0,
                    crate::model::Activation::LeakyRelu => a.alpha * m,
                    _ => m,
                };
                let (Some(pos), Some(neg)) = (Factor::of(m), Factor::of(neg)) else {
                    overflow("requantisation multiplier");
                    return None;
                };
                if g.zero.abs() > i64::from(i32::MAX) {
                    overflow("zero point");
                    return None;
                }
                rows.push((pos, neg, g.zero));
                grids.push(g);
            }
            Some((Stage::Affine(rows), grids))
        }
        Kind::Threshold => {
            let (lo, hi) = match a.act {
                crate::model::Activation::Sign => (-1.0, 1.0),
                _ => (0.0, 1.0),
            };
            let g = grid(code, lo, hi, 0.0);
            let at = |v: f64| (v / g.scale).round() as i64 + g.zero;
            Some((
                Stage::Threshold {
                    low: at(lo),
                    high: at(hi),
                },
                vec![g; n],
            ))
        }
        Kind::Softmax => {
            let mut rows = Vec::new();
            for &sw in row_scale {
                match Factor::of(sw * LOG2_E * 65536.0).filter(|f| f.value() < 2f64.powi(30)) {
                    Some(f) => rows.push(f),
                    None => {
                        overflow("softmax logit scale");
                        return None;
                    }
                }
            }
            let range = (code.max() - code.min()) as f64;
            let g = Grid {
                scale: 1.0 / range,
                zero: code.min(),
            };
            Some((Stage::Softmax(rows), vec![g; n]))
        }
        Kind::Table => {
            let lo = h.iter().fold(f64::INFINITY, |m, r| m.min(r.0));
            let mut hi = h.iter().fold(f64::NEG_INFINITY, |m, r| m.max(r.1));
            if hi - lo < 1e-6 {
                hi = lo + 1e-6;
            }
            let ylo = y.iter().fold(f64::INFINITY, |m, r| m.min(r.0));
            let yhi = y.iter().fold(f64::NEG_INFINITY, |m, r| m.max(r.1));
            let g = grid(code, ylo, yhi, 0.0);
            // Step: interpolation error about a quarter code for i8, two for i16.
            let target = g.scale * if code == Code::I8 { 0.25 } else { 2.0 };
            let mut step = (8.0 * target / a.curvature().max(1e-12)).sqrt();
            if a.kink() > 0.0 {
                step = step.min(4.0 * target / a.kink());
            }
            let max_sw = row_scale.iter().fold(0.0f64, |m, &s| m.max(s));
            step = step.max(max_sw * 2f64.powi(-21));
            let segments = ((hi - lo) / step).ceil().clamp(2.0, (MAX_TABLE - 1) as f64) as usize;
            let step = (hi - lo) / segments as f64;
            let unit = f64::from(1u32 << code.table_bits());
            let table: Vec<i64> = (0..=segments)
                .map(|k| {
                    ((a.f(lo + step * k as f64) / g.scale + g.zero as f64) * unit).round() as i64
                })
                .collect();
            let offset = (-lo * 256.0 / step).round();
            if offset.abs() > f64::from(i32::MAX) || table.iter().any(|v| v.abs() > 1 << 30) {
                overflow("table position");
                return None;
            }
            let mut rows = Vec::new();
            for &sw in row_scale {
                let Some(f) = Factor::of(sw * 256.0 / step) else {
                    overflow("table index multiplier");
                    return None;
                };
                rows.push((f, offset as i64));
            }
            Some((
                Stage::Lookup {
                    rows,
                    table,
                    lo,
                    step,
                },
                vec![g; n],
            ))
        }
    }
}

/// One layer's units' errors over one sub-box, from the previous layer's.
#[allow(clippy::too_many_arguments)]
fn layer_error(
    float: &Float,
    l: usize,
    layer: &IntLayer,
    prev: &[Grid],
    x: &[Unit],
    h_iv: &[(f64, f64)],
    y_iv: &[(f64, f64)],
    code: Code,
    g_bits: u32,
) -> Vec<Unit> {
    let max_abs_code = code.min().unsigned_abs() as f64;
    // |h̃ − h| per unit: rounded weights and bias, and the inputs' errors.
    let eh: Vec<f64> = (0..layer.w.len())
        .map(|i| {
            let sw = layer.row_scale[i];
            let (mut a, mut b) = (0.0, 0.0);
            for j in 0..x.len() {
                let w = float.w[l][i][j];
                let wh = sw * layer.w[i][j] as f64 / prev[j].scale;
                let xmax = x[j].lo.abs().max(x[j].hi.abs());
                a += wh.abs() * x[j].err + (wh - w).abs() * xmax;
                b += w.abs() * x[j].err + (wh - w).abs() * (xmax + x[j].err);
            }
            let bi = float.b[l][i];
            let bh = sw * (bi / sw).round();
            a.min(b) + (bh - bi).abs()
        })
        .collect();
    let acc_max = |i: usize| {
        layer.w[i].iter().map(|v| v.abs() as f64).sum::<f64>() * max_abs_code
            + layer.b[i].abs() as f64
    };
    let n = layer.w.len();
    let mut out: Vec<Unit> = (0..n)
        .map(|i| Unit {
            lo: y_iv[i].0,
            hi: y_iv[i].1,
            err: 0.0,
        })
        .collect();
    let a = layer.act;
    match &layer.stage {
        Stage::Affine(rows) => {
            for i in 0..n {
                let (pos, neg, _) = rows[i];
                let m = layer.row_scale[i] / layer.out[i].scale;
                let mneg = match a.act {
                    crate::model::Activation::Relu => 0.0,
                    crate::model::Activation::LeakyRelu => a.alpha * m,
                    _ => m,
                };
                let dm = (pos.value() - m).abs().max((neg.value() - mneg).abs());
                let rounding = layer.out[i].scale * (0.5 + acc_max(i) * dm);
                let (hlo, hhi) = h_iv[i];
                out[i].err = if a.act == crate::model::Activation::Relu && hhi + eh[i] <= 0.0 {
                    0.0
                } else {
                    a.lipschitz(hlo - eh[i], hhi + eh[i]) * eh[i] + rounding
                };
            }
        }
        Stage::Threshold { low, high } => {
            let g = layer.out[0];
            let (vlo, vhi) = match a.act {
                crate::model::Activation::Sign => (-1.0, 1.0),
                _ => (0.0, 1.0),
            };
            let repr = (g.scale * (*low - g.zero) as f64 - vlo)
                .abs()
                .max((g.scale * (*high - g.zero) as f64 - vhi).abs());
            for i in 0..n {
                let (hlo, hhi) = h_iv[i];
                let same_side = hlo - eh[i] > 0.0 || hhi + eh[i] < 0.0;
                out[i].err = repr + if same_side { 0.0 } else { vhi - vlo };
            }
        }
        Stage::Lookup {
            rows,
            table: _,
            lo,
            step,
        } => {
            let (lo, step) = (*lo, *step);
            let hi = lo + step * (layer_table_len(&layer.stage) - 1) as f64;
            let unit = 2f64.powi(-(g_bits as i32));
            let codes = if g_bits > 0 {
                0.5 * unit + 0.5 * unit + 0.5
            } else {
                1.0
            };
            for i in 0..n {
                let (f, _) = rows[i];
                let m = layer.row_scale[i] * 256.0 / step;
                let position = 1.0 + acc_max(i) * (f.value() - m).abs();
                let e = eh[i] + position * step / 256.0;
                let (hlo, hhi) = h_iv[i];
                let l_f = a.lipschitz((hlo - e).max(lo), (hhi + e).min(hi).max((hlo - e).max(lo)));
                let interp = step * step / 8.0 * a.curvature() + a.kink() * step / 4.0;
                out[i].err = l_f * e + interp + layer.out[i].scale * codes;
            }
        }
        Stage::Softmax(rows) => {
            let logit_err = (0..n)
                .map(|i| {
                    let m = layer.row_scale[i] * LOG2_E * 65536.0;
                    eh[i] + (0.5 + acc_max(i) * (rows[i].value() - m).abs()) / (65536.0 * LOG2_E)
                })
                .fold(0.0f64, f64::max);
            let range = (code.max() - code.min()) as f64;
            // 2^(−d) in Q15: entry 0.5, interpolation 0.48 + rounding 0.5,
            // the final shift 0.5: within 2 units of 2^-15.
            let tau = 2.0;
            for u in out.iter_mut() {
                u.err = 0.5 * logit_err + tau * (1.0 + n as f64) / 32768.0 + 0.5 / range;
            }
        }
    }
    // Both values lie in the output grid's range (the float one because
    // the grid covers the unit's range over the box, the integer one
    // because codes saturate): their distance is at most its width.
    let steps = (code.max() - code.min()) as f64;
    for (u, g) in out.iter_mut().zip(&layer.out) {
        u.err = u.err.min(g.scale * steps);
    }
    out
}

fn layer_table_len(stage: &Stage) -> usize {
    match stage {
        Stage::Lookup { table, .. } => table.len(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_keep_31_bits() {
        for m in [1e-9, 0.001, 0.37, 1.0, 1.5, 255.0, 1e6, 2.1e9] {
            let f = Factor::of(m).unwrap();
            assert!((f.value() - m).abs() <= m * 2f64.powi(-30), "{m}: {f:?}");
            assert!(
                f.multiplier < 1 << 31 && f.multiplier >= 1 << 30,
                "{m}: {f:?}"
            );
        }
        // Below 2^-32 the shift stops at 62: fewer bits, same absolute error.
        let tiny = Factor::of(1e-12).unwrap();
        assert_eq!(tiny.shift, 62);
        assert!((tiny.value() - 1e-12).abs() <= 2f64.powi(-63));
        assert_eq!(Factor::of(0.0), Some(Factor::ZERO));
        assert!(Factor::of(3e9).is_none());
        assert!(Factor::of(f64::NAN).is_none());
    }

    #[test]
    fn grids_cover_their_range() {
        for code in [Code::I8, Code::I16] {
            for (lo, hi) in [
                (0.0, 6.25),
                (-1.0, 1.0),
                (0.3, 0.30001),
                (-7.5, -2.0),
                (0.0, 0.0),
            ] {
                let g = grid(code, lo, hi, 0.0);
                let first = g.scale * (code.min() - g.zero) as f64;
                let last = g.scale * (code.max() - g.zero) as f64;
                assert!(first <= lo && hi <= last, "{lo}..{hi}: {first}..{last}");
            }
        }
    }

    #[test]
    fn split_covers_the_box() {
        let b = split(&[(0.0, 1.0), (-2.0, 2.0)]);
        assert_eq!(b.len(), 64 * 64);
        let area: f64 = b
            .iter()
            .map(|s| (s[0].1 - s[0].0) * (s[1].1 - s[1].0))
            .sum();
        assert!((area - 4.0).abs() < 1e-9);
        assert_eq!(split(&[(0.0, 1.0); 13]).len(), 1);
    }
}
