//! Output stages: how the `i32` accumulator becomes the next layer's code
//! (one multiplier and shift, a threshold, a table, or an integer softmax).

use super::act::{Act, Kind};
use super::budget::MAX_TABLE;
use super::plan::{Factor, Grid, Interval, Stage};
use super::rows::grid;
use crate::ctxt::Ctxt;
use crate::model::{Code, Quantize};
use std::f64::consts::LOG2_E;

/// A layer's output stage and grids, or an error (reported) when a
/// multiplier, zero point, table position or logit cannot be held in 32
/// bits over the box.
pub(super) fn stage(
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
pub(super) fn affine_stage(
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
pub(super) fn threshold_stage(code: Code, a: Act, n: usize) -> (Stage, Vec<Grid>) {
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
pub(super) fn softmax_stage(
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
pub(super) fn table_stage(
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
