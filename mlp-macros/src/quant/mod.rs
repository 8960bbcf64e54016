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

    /// As the runtime holds it (the multiplier is below 2^31, the shift at most 62).
    pub fn runtime(self) -> mlp_runtime::int::Scale {
        mlp_runtime::int::Scale {
            multiplier: self.multiplier as i32,
            shift: self.shift as u8,
        }
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
    /// Each row's bias before rounding: the float bias corrected for the
    /// rounded weights at `centre`.
    pub bias_target: Vec<f64>,
    /// The middle of each input's range over the box.
    pub centre: Vec<f64>,
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
    /// Sub-boxes the interval bound was computed over.
    pub boxes: usize,
    /// Input cells enumerated exactly, when few enough (see [`exact_bound`]).
    pub cells: Option<usize>,
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

    /// The output layer's y intervals over one box, with two buffers
    /// reused from call to call (the enumeration's hot loop).
    fn output_interval(&self, x: &[Interval], a: &mut Vec<Interval>, b: &mut Vec<Interval>) {
        a.clear();
        a.extend_from_slice(x);
        for l in 0..self.w.len() {
            b.clear();
            for (row, &bi) in self.w[l].iter().zip(&self.b[l]) {
                let (mut lo, mut hi) = (bi, bi);
                for (&wij, &(ylo, yhi)) in row.iter().zip(a.iter()) {
                    if wij >= 0.0 {
                        lo += wij * ylo;
                        hi += wij * yhi;
                    } else {
                        lo += wij * yhi;
                        hi += wij * ylo;
                    }
                }
                b.push((lo, hi));
            }
            let act = self.acts[l];
            if act.kind() == Kind::Softmax {
                let y = softmax_range(b);
                b.clear();
                b.extend_from_slice(&y);
            } else {
                for v in b.iter_mut() {
                    *v = act.range(v.0, v.1);
                }
            }
            std::mem::swap(a, b);
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

/// The sub-boxes of `bounds`, as many cuts per dimension as keep their
/// number within `max`.
fn split(bounds: &[Interval], max: usize) -> Vec<Vec<Interval>> {
    let n = bounds.len();
    let mut k = 1usize;
    while (k + 1).checked_pow(n as u32).is_some_and(|c| c <= max) {
        k += 1;
    }
    split_into(bounds, k)
}

/// The sub-boxes of `bounds`, `k` cuts per dimension.
fn split_into(bounds: &[Interval], k: usize) -> Vec<Vec<Interval>> {
    let n = bounds.len();
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
    // A range tiny next to its distance from 0 (a unit constant over the
    // box) would need a zero point beyond 32 bits: its scale is kept at
    // least 2^-29 of that distance.
    let far = lo.abs().max(hi.abs()) * 2f64.powi(-29);
    let scale = (width / steps).max(floor).max(far) * (1.0 + 1e-12);
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
    err: Form,
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
    let input_box: Vec<Interval> = if q.ranges.value.len() == 1 {
        vec![q.ranges.value[0].value; inputs]
    } else {
        q.ranges.value.iter().map(|r| r.value).collect()
    };
    let weights = net.params().max(1);
    let boxes = split(&input_box, MAX_BOXES.min((MAX_RANGE_WORK / weights).max(1)));
    let per_box: Vec<_> = boxes.iter().map(|b| float.intervals(b)).collect();
    let input: Vec<Grid> = input_box
        .iter()
        .map(|&(lo, hi)| grid(code, lo, hi, 0.0))
        .collect();
    let input_inv: Vec<f32> = input.iter().map(|g| (1.0 / g.scale) as f32).collect();
    let mut layers = int_layers(cx, q, net, float, &input_box, &input, &per_box)?;

    // With few enough input codes the bound comes from enumerating them
    // (near exact); the sub-boxes then only give the per-layer column of
    // the docs, and a coarse split does.
    let exact = exact_bound(float, &layers, &input, &input_inv, &input_box, code);
    let (boxes, per_box, refine) = if exact.is_some() {
        let boxes = split(&input_box, 64);
        let per_box: Vec<_> = boxes.iter().map(|b| float.intervals(b)).collect();
        (boxes, per_box, 0)
    } else {
        let cost = (symbols(&layers, inputs) * weights).max(1);
        let affordable = (MAX_BOUND_WORK / cost).max(1);
        if boxes.len() <= affordable {
            (boxes, per_box, MAX_REFINE.min(affordable))
        } else {
            let boxes = split(&input_box, affordable);
            let per_box: Vec<_> = boxes.iter().map(|b| float.intervals(b)).collect();
            (boxes, per_box, 0)
        }
    };
    let sub_boxes = Boxes {
        input_box: &input_box,
        input: &input,
        input_inv: &input_inv,
        code,
    };
    let (mut bound, live) = sub_boxes.bound(float, &mut layers, boxes, per_box, refine);
    // dequantize in f32: scale rounded to f32, the product rounded.
    let last = &layers[layers.len() - 1];
    for (b, g) in bound.iter_mut().zip(&last.out) {
        let span = (code.max() - g.zero).abs().max((code.min() - g.zero).abs()) as f64;
        let s32 = f64::from(g.scale as f32);
        *b += (s32 - g.scale).abs() * span + 2f64.powi(-23) * s32 * span;
        // The bound's own f64 arithmetic.
        *b = *b * (1.0 + 1e-9) + 1e-300;
    }
    if let Some((exact, _)) = &exact {
        for (b, e) in bound.iter_mut().zip(exact) {
            *b = b.min(e * (1.0 + 1e-9));
        }
    }
    let finite = |v: f64| v.is_finite() && v.abs() < f64::from(f32::MAX);
    let grids_ok = input
        .iter()
        .chain(layers.iter().flat_map(|l| &l.out))
        .all(|g| finite(g.scale) && g.scale > 0.0);
    if !grids_ok || !bound.iter().all(|&b| finite(b)) || !input_inv.iter().all(|v| v.is_finite()) {
        cx.error_spanned_by(
            &q.attr,
            format!(
                "`{}`: this input box gives scales or an error bound beyond f32\nhelp: give the ranges the inputs really take",
                q.ident
            ),
        );
        return None;
    }
    Some(Plan {
        ident: q.ident.clone(),
        code,
        input_box,
        input,
        input_inv,
        layers,
        bound,
        boxes: live,
        cells: exact.map(|(_, n)| n),
    })
}

/// Per layer, each unit's h and y intervals over one box.
type BoxIntervals = Vec<(Vec<Interval>, Vec<Interval>)>;

/// The union over sub-boxes of layer `l`'s h intervals (`which == 0`) or
/// y intervals (`which == 1`), unit by unit.
fn union(per_box: &[BoxIntervals], l: usize, which: usize) -> Vec<Interval> {
    let n = per_box.first().map_or(0, |iv| iv[l].0.len());
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
}

/// The integer layers: grids from the unions of the sub-boxes' intervals,
/// rows from [`int_rows`], output stages from [`stage`].
fn int_layers(
    cx: &Ctxt,
    q: &Quantize,
    net: &Network,
    float: &Float,
    input_box: &[Interval],
    input: &[Grid],
    per_box: &[BoxIntervals],
) -> Option<Vec<IntLayer>> {
    let mut layers: Vec<IntLayer> = Vec::new();
    let mut prev: Vec<Grid> = input.to_vec();
    // The middle of each previous unit's range: rounding errors of the
    // weights are corrected in the bias there, so they weigh in as
    // |x − centre| instead of |x|.
    let mut range: Vec<Interval> = input_box.to_vec();
    for (l, layer) in net.layers.iter().enumerate() {
        let a = Act::of(layer);
        let rows = int_rows(cx, q, l, float, &prev, &range)?;
        let y_union = union(per_box, l, 1);
        let (stage, out) = stage(
            cx,
            q,
            l,
            a,
            &rows.row_scale,
            &union(per_box, l, 0),
            &y_union,
        )?;
        layers.push(IntLayer {
            act: a,
            w: rows.w,
            b: rows.b,
            row_scale: rows.row_scale,
            bias_target: rows.bias_target,
            centre: range.iter().map(|&(lo, hi)| 0.5 * (lo + hi)).collect(),
            stage,
            out: out.clone(),
            bound: 0.0,
        });
        prev = out;
        range = y_union;
    }
    Some(layers)
}

/// One layer's int8 rows, i32 biases, row scales and corrected float biases.
struct Rows {
    w: Vec<Vec<i64>>,
    b: Vec<i64>,
    row_scale: Vec<f64>,
    bias_target: Vec<f64>,
}

/// Layer `l`'s rows: the previous grids' scales folded in, quantised by
/// [`quantise_row`], the bias corrected at the centre of `range` (the
/// inputs' ranges) and the zero points folded into it; an error if an
/// accumulator could leave 32 bits for any input codes.
fn int_rows(
    cx: &Ctxt,
    q: &Quantize,
    l: usize,
    float: &Float,
    prev: &[Grid],
    range: &[Interval],
) -> Option<Rows> {
    let code = q.code;
    let max_abs_code = code.min().unsigned_abs() as f64;
    let centre: Vec<f64> = range.iter().map(|&(lo, hi)| 0.5 * (lo + hi)).collect();
    let half: Vec<f64> = range.iter().map(|&(lo, hi)| 0.5 * (hi - lo)).collect();
    let mut rows = Rows {
        w: Vec::new(),
        b: Vec::new(),
        row_scale: Vec::new(),
        bias_target: Vec::new(),
    };
    for (i, (row, &bi)) in float.w[l].iter().zip(&float.b[l]).enumerate() {
        let folded: Vec<f64> = row
            .iter()
            .zip(prev)
            .map(|(&wij, g)| wij * g.scale)
            .collect();
        let (rq, sw) = quantise_row(&folded, prev, &half, bi);
        // The bias that makes the rounded row exact at the centre.
        let target = bi
            - rq.iter()
                .zip(row)
                .zip(prev)
                .zip(&centre)
                .map(|(((&q, &wij), g), &c)| (sw * q as f64 / g.scale - wij) * c)
                .sum::<f64>();
        // i128: zero points far from 0 must reach the overflow check
        // below, not overflow here.
        let fold: i128 = rq
            .iter()
            .zip(prev)
            .map(|(&wq, g)| i128::from(wq) * i128::from(g.zero))
            .sum();
        let bias = i128::from((target / sw).round() as i64) - fold;
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
        rows.w.push(rq);
        rows.b.push(bias as i64); // |bias| < 2^31: checked above
        rows.row_scale.push(sw);
        rows.bias_target.push(target);
    }
    Some(rows)
}

/// What the bound over sub-boxes needs besides the networks.
struct Boxes<'a> {
    input_box: &'a [Interval],
    input: &'a [Grid],
    input_inv: &'a [f32],
    code: Code,
}

impl Boxes<'_> {
    /// The bound per output over `boxes`, refined: the worst sub-box
    /// halved along its widest side until `refine` have been evaluated.
    /// Sets each layer's `bound`; returns the number of live sub-boxes.
    fn bound(
        &self,
        float: &Float,
        layers: &mut [IntLayer],
        boxes: Vec<Vec<Interval>>,
        per_box: Vec<BoxIntervals>,
        refine: usize,
    ) -> (Vec<f64>, usize) {
        let mut heap = std::collections::BinaryHeap::new();
        // Each sub-box with its bounds per output and per layer (emptied
        // when split).
        type Leaf = (Vec<Interval>, Vec<f64>, Vec<f64>);
        let mut leaves: Vec<Leaf> = Vec::new();
        let (input, input_inv, code) = (self.input, self.input_inv, self.code);
        let evaluate = |sub: Vec<Interval>,
                        iv: &[(Vec<Interval>, Vec<Interval>)],
                        heap: &mut std::collections::BinaryHeap<Key>,
                        leaves: &mut Vec<Leaf>| {
            let (out, per_layer) = box_error(float, layers, input, input_inv, &sub, iv, code);
            heap.push(Key(out.iter().fold(0.0f64, |m, &v| m.max(v)), leaves.len()));
            leaves.push((sub, out, per_layer));
        };
        for (sub, iv) in boxes.into_iter().zip(&per_box) {
            evaluate(sub, iv, &mut heap, &mut leaves);
        }
        while leaves.len() + 1 < refine {
            let Some(Key(_, worst)) = heap.pop() else {
                break;
            };
            let sub = std::mem::take(&mut leaves[worst].0);
            leaves[worst].1.clear();
            leaves[worst].2.clear();
            let (d, _) = sub
                .iter()
                .zip(self.input_box)
                .enumerate()
                .map(|(j, (s, b))| (j, (s.1 - s.0) / (b.1 - b.0)))
                .fold((0, 0.0), |m, (j, w)| if w > m.1 { (j, w) } else { m });
            let mid = 0.5 * (sub[d].0 + sub[d].1);
            let (mut left, mut right) = (sub.clone(), sub);
            left[d].1 = mid;
            right[d].0 = mid;
            for half in [left, right] {
                let iv = float.intervals(&half);
                evaluate(half, &iv, &mut heap, &mut leaves);
            }
        }
        let outputs = float.b[float.b.len() - 1].len();
        let mut bound = vec![0.0f64; outputs];
        let mut layer_bounds = vec![0.0f64; layers.len()];
        for (_, out, per_layer) in &leaves {
            for (b, v) in bound.iter_mut().zip(out) {
                *b = b.max(*v);
            }
            for (m, v) in layer_bounds.iter_mut().zip(per_layer) {
                *m = m.max(*v);
            }
        }
        for (layer, b) in layers.iter_mut().zip(layer_bounds) {
            layer.bound = b;
        }
        (bound, leaves.iter().filter(|l| !l.1.is_empty()).count())
    }
}

/// A row of folded weights as int8 and its scale: the scale among a few
/// just above max|w|/127 whose rounding errors, weighted by each input's
/// half-range, sum least (the largest weight keeps its full 127 at the
/// first; a slightly larger scale often rounds the others better).
fn quantise_row(folded: &[f64], prev: &[Grid], half: &[f64], bias: f64) -> (Vec<i64>, f64) {
    let max = folded.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let floor = (bias.abs() / f64::from(1u32 << 24)).max(1e-300);
    let mut best: Option<(f64, Vec<i64>, f64)> = None;
    for k in 0..32 {
        let sw = (max / (127.0 - f64::from(k) * 0.25)).max(floor);
        let rq: Vec<i64> = folded
            .iter()
            .map(|v| ((v / sw).round() as i64).clamp(-127, 127))
            .collect();
        let cost: f64 = rq
            .iter()
            .zip(folded)
            .zip(prev.iter().zip(half))
            .map(|((&q, &v), (g, &h))| (sw * q as f64 - v).abs() / g.scale * h)
            .sum();
        if best.as_ref().is_none_or(|b| cost < b.0) {
            best = Some((cost, rq, sw));
        }
    }
    best.map_or((vec![0; folded.len()], floor), |(_, rq, sw)| (rq, sw))
}

/// How far `quantize`'s f32 arithmetic, `round(fl(x · inv))`, may put a
/// code from the exact `x / scale + zero`, in codes, for x in [lo, hi].
fn quantize_slack(lo: f64, hi: f64, g: &Grid, inv: f32) -> f64 {
    let xmax = lo.abs().max(hi.abs());
    xmax * (f64::from(inv) - 1.0 / g.scale).abs() + 2f64.powi(-23) * (xmax * f64::from(inv) + 1.0)
}

/// Input cells enumerated, at most: below this the bound is exact up to the
/// float network's interval over one cell.
const MAX_CELLS: usize = 1 << 16;
/// Cells × parameters, at most, for the enumeration (it runs in the
/// compiler, unoptimised).
const MAX_EXACT_WORK: usize = 1 << 26;
/// Float interval evaluations of the enumeration, at most (each cell is
/// cut into up to 64 pieces per input while within this).
const MAX_EVALUATIONS: usize = 1 << 16;

/// The integer network on input codes, computed with the runtime's own
/// kernels (so exactly what `forward` returns).
fn simulate(layers: &[IntLayer], code: Code, x: &[i32]) -> Vec<i32> {
    use mlp_runtime::int::{softmax_codes, Affine, Lookup};
    let (min, max) = (code.min() as i32, code.max() as i32);
    let mut y = x.to_vec();
    for layer in layers {
        let acc: Vec<i32> = layer
            .w
            .iter()
            .zip(&layer.b)
            .map(|(row, &b)| {
                row.iter()
                    .zip(&y)
                    .fold(b as i32, |s, (&w, &x)| s.wrapping_add(w as i32 * x))
            })
            .collect();
        y = match &layer.stage {
            Stage::Affine(rows) => acc
                .iter()
                .zip(rows)
                .map(|(&a, &(pos, neg, zero))| {
                    let stage = Affine {
                        pos: pos.runtime(),
                        neg: neg.runtime(),
                        offset: zero as i32,
                    };
                    stage.code(a).clamp(min, max)
                })
                .collect(),
            Stage::Lookup { rows, table, .. } => {
                let table: Vec<i32> = table.iter().map(|&v| v as i32).collect();
                acc.iter()
                    .zip(rows)
                    .map(|(&a, &(f, offset))| {
                        let stage = Lookup {
                            index: f.runtime(),
                            offset: offset as i32,
                        };
                        stage.code(a, &table, code.table_bits()).clamp(min, max)
                    })
                    .collect()
            }
            Stage::Threshold { low, high } => acc
                .iter()
                .map(|&a| if a > 0 { *high as i32 } else { *low as i32 })
                .collect(),
            Stage::Softmax(rows) => {
                let scales: Vec<_> = rows.iter().map(|f| f.runtime()).collect();
                let mut out = vec![0; acc.len()];
                softmax_codes(&acc, &scales, min, max, &mut out);
                out
            }
        };
    }
    y
}

/// The bound by enumeration, when the box holds at most [`MAX_CELLS`]
/// input code vectors: `forward` depends on `x` only through
/// `quantize(x)`, so for each code vector the integer output is one value
/// (computed here with the runtime's kernels and dequantised in f32 as
/// `dequantize` does), and the float network's outputs over the inputs
/// that quantise to it (a cell, widened by `quantize`'s f32 rounding)
/// lie in the interval propagated over that cell. Returns the largest
/// distance per output and the number of cells.
fn exact_bound(
    float: &Float,
    layers: &[IntLayer],
    input: &[Grid],
    inv: &[f32],
    input_box: &[Interval],
    code: Code,
) -> Option<(Vec<f64>, usize)> {
    let code_of = |x: f64, g: &Grid| {
        ((x / g.scale).round() as i64)
            .saturating_add(g.zero)
            .clamp(code.min(), code.max())
    };
    let ranges: Vec<(i64, i64)> = input_box
        .iter()
        .zip(input)
        .map(|(&(lo, hi), g)| {
            (
                (code_of(lo, g) - 1).max(code.min()),
                (code_of(hi, g) + 1).min(code.max()),
            )
        })
        .collect();
    let weights: usize = layers.iter().map(|l| l.w.len() * (l.w[0].len() + 1)).sum();
    let total = ranges
        .iter()
        .try_fold(1usize, |n, &(a, b)| n.checked_mul((b - a + 1) as usize))
        .filter(|&n| n <= MAX_CELLS && n.saturating_mul(weights) <= MAX_EXACT_WORK)?;
    let out = &layers[layers.len() - 1].out;
    let mut bound = vec![0.0f64; out.len()];
    let mut pieces = 1usize;
    while pieces < 64
        && (pieces + 1)
            .checked_pow(ranges.len() as u32)
            .and_then(|p| p.checked_mul(total))
            .is_some_and(|n| n <= MAX_EVALUATIONS)
    {
        pieces += 1;
    }
    let mut q: Vec<i64> = ranges.iter().map(|r| r.0).collect();
    let (mut buf_a, mut buf_b) = (Vec::new(), Vec::new());
    'cells: for _ in 0..total {
        let mut cell = Vec::with_capacity(q.len());
        for (j, &qj) in q.iter().enumerate() {
            let (g, (lo, hi)) = (&input[j], input_box[j]);
            let slack = quantize_slack(lo, hi, g, inv[j]);
            let mut a = g.scale * ((qj - g.zero) as f64 - 0.5 - slack);
            let mut b = g.scale * ((qj - g.zero) as f64 + 0.5 + slack);
            // The end codes also hold every input beyond them.
            if qj == code.min() {
                a = f64::NEG_INFINITY;
            }
            if qj == code.max() {
                b = f64::INFINITY;
            }
            let (a, b) = (a.max(lo), b.min(hi));
            if a > b {
                advance(&mut q, &ranges);
                continue 'cells;
            }
            cell.push((a, b));
        }
        let codes: Vec<i32> = q.iter().map(|&v| v as i32).collect();
        let got = simulate(layers, code, &codes);
        let values: Vec<f64> = got
            .iter()
            .zip(out)
            .map(|(&c, g)| f64::from(g.scale as f32 * (i64::from(c) - g.zero) as f32))
            .collect();
        // Intervals over pieces of the cell: naive interval arithmetic
        // overestimates in proportion to the width.
        let pieces_of_cell = if pieces == 1 {
            vec![cell]
        } else {
            split_into(&cell, pieces)
        };
        for piece in pieces_of_cell {
            float.output_interval(&piece, &mut buf_a, &mut buf_b);
            for (k, &v) in values.iter().enumerate() {
                let (lo, hi) = buf_a[k];
                bound[k] = bound[k].max((v - lo).abs()).max((v - hi).abs());
            }
        }
        advance(&mut q, &ranges);
    }
    Some((bound, total))
}

/// The next code vector (odometer order).
fn advance(q: &mut [i64], ranges: &[(i64, i64)]) {
    for (v, &(a, b)) in q.iter_mut().zip(ranges) {
        if *v < b {
            *v += 1;
            return;
        }
        *v = a;
    }
}

/// A layer's output stage and grids, or an error (reported) when a
/// multiplier, zero point, table position or logit cannot be held in 32
/// bits over the box.
fn stage(
    cx: &Ctxt,
    q: &Quantize,
    l: usize,
    a: Act,
    row_scale: &[f64],
    h: &[Interval],
    y: &[Interval],
) -> Option<(Stage, Vec<Grid>)> {
    let made = match a.kind() {
        Kind::Affine => affine_stage(q.code, a, row_scale, y),
        Kind::Threshold => Ok(threshold_stage(q.code, a, row_scale.len())),
        Kind::Softmax => softmax_stage(q.code, row_scale, h),
        Kind::Table => table_stage(q.code, a, row_scale, h, y),
    };
    made.map_err(|what| {
        cx.error_spanned_by(
            &q.attr,
            format!(
                "`{}`: layer {}'s {what} cannot be represented in 32 bits over this input box\nhelp: narrow the input ranges",
                q.ident,
                l + 1
            ),
        );
    })
    .ok()
}

/// linear, relu, leaky_relu: a grid per unit, the multiplier sw/s (and
/// 0 or α times it for negative accumulators).
fn affine_stage(
    code: Code,
    a: Act,
    row_scale: &[f64],
    y: &[Interval],
) -> Result<(Stage, Vec<Grid>), &'static str> {
    let mut rows = Vec::new();
    let mut grids = Vec::new();
    for (&sw, &(ylo, yhi)) in row_scale.iter().zip(y) {
        // The multiplier sw/s stays below 2^29.
        let g = grid(code, ylo, yhi, sw * 2f64.powi(-29));
        let m = sw / g.scale;
        let neg = match a.act {
            crate::model::Activation::Relu => 0.0,
            crate::model::Activation::LeakyRelu => a.alpha * m,
            _ => m,
        };
        let (Some(pos), Some(neg)) = (Factor::of(m), Factor::of(neg)) else {
            return Err("requantisation multiplier");
        };
        if g.zero.abs() > i64::from(i32::MAX) {
            return Err("zero point");
        }
        rows.push((pos, neg, g.zero));
        grids.push(g);
    }
    Ok((Stage::Affine(rows), grids))
}

/// step and sign: one grid over {0, 1} or {−1, 1}, the two codes.
fn threshold_stage(code: Code, a: Act, n: usize) -> (Stage, Vec<Grid>) {
    let (lo, hi) = match a.act {
        crate::model::Activation::Sign => (-1.0, 1.0),
        _ => (0.0, 1.0),
    };
    let g = grid(code, lo, hi, 0.0);
    let at = |v: f64| (v / g.scale).round() as i64 + g.zero;
    let stage = Stage::Threshold {
        low: at(lo),
        high: at(hi),
    };
    (stage, vec![g; n])
}

/// softmax: each unit's accumulator to logit × log2(e) in Q16, which must
/// not saturate over the box (logits within about ±22,000); outputs on
/// [0, 1] with all of the code range.
fn softmax_stage(
    code: Code,
    row_scale: &[f64],
    h: &[Interval],
) -> Result<(Stage, Vec<Grid>), &'static str> {
    let top = h
        .iter()
        .fold(0.0f64, |m, &(lo, hi)| m.max(lo.abs()).max(hi.abs()));
    if (top * 1.01 + 1.0) * LOG2_E * 65536.0 >= f64::from(i32::MAX) {
        return Err("softmax logits (in Q16)");
    }
    let mut rows = Vec::new();
    for &sw in row_scale {
        match Factor::of(sw * LOG2_E * 65536.0).filter(|f| f.value() < 2f64.powi(30)) {
            Some(f) => rows.push(f),
            None => return Err("softmax logit scale"),
        }
    }
    let g = Grid {
        scale: 1.0 / (code.max() - code.min()) as f64,
        zero: code.min(),
    };
    Ok((Stage::Softmax(rows), vec![g; row_scale.len()]))
}

/// The curved activations: one grid and one table over the union of the
/// units' h ranges, its step chosen so interpolation errs by about a
/// quarter of an i8 code (two i16 codes), at most [`MAX_TABLE`] entries.
fn table_stage(
    code: Code,
    a: Act,
    row_scale: &[f64],
    h: &[Interval],
    y: &[Interval],
) -> Result<(Stage, Vec<Grid>), &'static str> {
    let lo = h.iter().fold(f64::INFINITY, |m, r| m.min(r.0));
    let mut hi = h.iter().fold(f64::NEG_INFINITY, |m, r| m.max(r.1));
    if hi - lo < 1e-6 {
        hi = lo + 1e-6;
    }
    let ylo = y.iter().fold(f64::INFINITY, |m, r| m.min(r.0));
    let yhi = y.iter().fold(f64::NEG_INFINITY, |m, r| m.max(r.1));
    let g = grid(code, ylo, yhi, 0.0);
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
        .map(|k| ((a.f(lo + step * k as f64) / g.scale + g.zero as f64) * unit).round() as i64)
        .collect();
    let offset = (-lo * 256.0 / step).round();
    if offset.abs() > f64::from(i32::MAX) || table.iter().any(|v| v.abs() > 1 << 30) {
        return Err("table position");
    }
    let mut rows = Vec::new();
    for &sw in row_scale {
        let Some(f) = Factor::of(sw * 256.0 / step) else {
            return Err("table index multiplier");
        };
        rows.push((f, offset as i64));
    }
    let stage = Stage::Lookup {
        rows,
        table,
        lo,
        step,
    };
    Ok((stage, vec![g; row_scale.len()]))
}

/// Sub-box evaluations of the bound, at most, uniform split included.
const MAX_REFINE: usize = 6144;

/// A sub-box in the refinement heap, by its largest output bound.
struct Key(f64, usize);
impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.0.total_cmp(&other.0).is_eq()
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Affine-form work per sub-box, at most (weights × symbols); past it the
/// forms collapse to magnitudes.
const MAX_FORM_WORK: usize = 1 << 22;
/// Work of the whole bound pass (sub-boxes × weights × symbols), at most:
/// it runs in the compiler, unoptimised.
const MAX_BOUND_WORK: usize = 1 << 27;
/// Work of the range pass (sub-boxes × weights), at most.
const MAX_RANGE_WORK: usize = 1 << 26;

/// Symbols of the affine forms: each input's, two per unit; or 1 (plain
/// magnitudes) where that would be too much work per sub-box.
fn symbols(layers: &[IntLayer], inputs: usize) -> usize {
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
fn box_error(
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
struct Form(Vec<f64>);

impl Form {
    /// A form over `n` symbols; with `n == 1`, a plain magnitude (for
    /// networks too large for a symbol per unit: every operation then
    /// adds absolute values, the classic worst-case bound).
    fn zero(n: usize) -> Form {
        Form(vec![0.0; n.max(1)])
    }
    fn scalar(&self) -> bool {
        self.0.len() == 1
    }
    /// The largest value: Σ |coef|.
    fn mag(&self) -> f64 {
        self.0.iter().map(|c| c.abs()).sum()
    }
    fn add_scaled(&mut self, other: &Form, m: f64) {
        if self.scalar() {
            self.0[0] += (m * other.mag()).abs();
            return;
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a += m * b;
        }
    }
    fn scaled(&self, m: f64) -> Form {
        if self.scalar() {
            return Form(vec![(m * self.0[0]).abs()]);
        }
        Form(self.0.iter().map(|c| c * m).collect())
    }
    /// Adds `v ≥ 0` on symbol `sym` (one of the unit's own).
    fn add_own(&mut self, sym: usize, v: f64) {
        let i = if self.scalar() { 0 } else { sym };
        self.0[i] += v;
    }
    /// Only `v` on symbol `sym`.
    fn only(&mut self, sym: usize, v: f64) {
        self.0.iter_mut().for_each(|c| *c = 0.0);
        self.add_own(sym, v);
    }
}

/// (mid, radius) of an interval of slopes, widened to include 0 when a
/// clamp may scale the step by t ∈ [0, 1].
fn mid_rad((lo, hi): Interval, clamped: bool) -> (f64, f64) {
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
fn layer_error(
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
fn sum_errors(
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
struct LayerErrors<'a> {
    float: &'a Float,
    l: usize,
    layer: &'a IntLayer,
    /// The previous layer's values (intervals and errors).
    x: &'a [Unit],
    h_iv: &'a [Interval],
    y_iv: &'a [Interval],
    code: Code,
    base: usize,
    /// The sums' errors.
    eh: Vec<Form>,
}

impl LayerErrors<'_> {
    /// Unit i's output-stage symbol.
    fn post(&self, i: usize) -> usize {
        self.base + 2 * i + 1
    }

    /// The largest |accumulator| of unit i, for any input codes.
    fn acc_max(&self, i: usize) -> f64 {
        let max_abs_code = self.code.min().unsigned_abs() as f64;
        self.layer.w[i].iter().map(|v| v.abs() as f64).sum::<f64>() * max_abs_code
            + self.layer.b[i].abs() as f64
    }

    /// The values a grid's codes stand for, first to last.
    fn grid_range(&self, g: &Grid) -> Interval {
        (
            g.scale * (self.code.min() - g.zero) as f64,
            g.scale * (self.code.max() - g.zero) as f64,
        )
    }

    /// Requantisation: slope of f over the reach of h̃, one rounding.
    fn affine(&self, rows: &[(Factor, Factor, i64)], out: &mut [Unit]) {
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
    fn threshold(&self, low: i64, high: i64, out: &mut [Unit]) {
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
    fn lookup(&self, rows: &[(Factor, i64)], len: usize, lo: f64, step: f64, out: &mut [Unit]) {
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
    fn softmax(&self, rows: &[Factor], out: &mut [Unit]) {
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
    fn softmax_range(&self, e: &[f64]) -> Vec<Interval> {
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
        let b = split(&[(0.0, 1.0), (-2.0, 2.0)], MAX_BOXES);
        assert_eq!(b.len(), 64 * 64);
        let area: f64 = b
            .iter()
            .map(|s| (s[0].1 - s[0].0) * (s[1].1 - s[1].0))
            .sum();
        assert!((area - 4.0).abs() < 1e-9);
        assert_eq!(split(&[(0.0, 1.0); 13], MAX_BOXES).len(), 1);
    }
}
