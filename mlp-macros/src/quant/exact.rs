//! Exact enumeration: when the input box holds few enough codes, the
//! integer network is run on every one (with the runtime's own kernels) and
//! compared with the float network's interval over each cell.

use super::budget::{MAX_CELLS, MAX_EVALUATIONS, MAX_EXACT_WORK};
use super::plan::{Grid, IntLayer, Interval, Stage};
use super::range::{split_into, Float};
use super::rows::quantize_slack;
use crate::model::Code;

/// The integer network on input codes, computed with the runtime's own
/// kernels (so exactly what `forward` returns).
pub(super) fn simulate(layers: &[IntLayer], code: Code, x: &[i32]) -> Vec<i32> {
    use mlp_runtime::__private::int::{softmax_codes, Affine, Lookup};
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
pub(super) fn exact_bound(
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
pub(super) fn advance(q: &mut [i64], ranges: &[(i64, i64)]) {
    for (v, &(a, b)) in q.iter_mut().zip(ranges) {
        if *v < b {
            *v += 1;
            return;
        }
        *v = a;
    }
}
