//! Row quantisation: each layer's grids from its ranges, int8 rows with a
//! scale per output unit, i32 biases with the zero points folded in.

use super::act::Act;
use super::plan::{Grid, IntLayer, Interval};
use super::range::{union, BoxIntervals, Float};
use super::stage::stage;
use crate::ctxt::Ctxt;
use crate::model::{Code, Network, Quantize};

/// A grid over [lo, hi]: `2^bits − 1` steps (one spare, so the rounded
/// zero point still covers both ends), scale at least `floor`.
pub(super) fn grid(code: Code, lo: f64, hi: f64, floor: f64) -> Grid {
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

/// The integer layers: grids from the unions of the sub-boxes' intervals,
/// rows from [`int_rows`], output stages from [`stage`].
pub(super) fn int_layers(
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
pub(super) struct Rows {
    pub(super) w: Vec<Vec<i64>>,
    pub(super) b: Vec<i64>,
    pub(super) row_scale: Vec<f64>,
    pub(super) bias_target: Vec<f64>,
}

/// Layer `l`'s rows: the previous grids' scales folded in, quantised by
/// [`quantise_row`], the bias corrected at the centre of `range` (the
/// inputs' ranges) and the zero points folded into it; an error if an
/// accumulator could leave 32 bits for any input codes.
pub(super) fn int_rows(
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

/// A row of folded weights as int8 and its scale: the scale among a few
/// just above max|w|/127 whose rounding errors, weighted by each input's
/// half-range, sum least (the largest weight keeps its full 127 at the
/// first; a slightly larger scale often rounds the others better).
pub(super) fn quantise_row(
    folded: &[f64],
    prev: &[Grid],
    half: &[f64],
    bias: f64,
) -> (Vec<i64>, f64) {
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
pub(super) fn quantize_slack(lo: f64, hi: f64, g: &Grid, inv: f32) -> f64 {
    let xmax = lo.abs().max(hi.abs());
    xmax * (f64::from(inv) - 1.0 / g.scale).abs() + 2f64.powi(-23) * (xmax * f64::from(inv) + 1.0)
}
