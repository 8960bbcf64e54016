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
mod bound;
mod budget;
mod exact;
mod plan;
mod range;
mod refine;
mod rows;
mod stage;

use crate::bake::Values;
use crate::ctxt::Ctxt;
use crate::model::{Network, Quantize};
use bound::symbols;
use budget::{MAX_BOUND_WORK, MAX_BOXES, MAX_RANGE_WORK, MAX_REFINE};
use exact::exact_bound;
use plan::Interval;
pub use plan::{Factor, Grid, Plan, Stage};
use range::{split, Float};
use refine::Boxes;
use rows::{grid, int_layers};

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

#[cfg(test)]
mod tests {
    use super::budget::MAX_BOXES;
    use super::plan::Factor;
    use super::range::split;
    use super::rows::grid;
    use crate::model::Code;

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
