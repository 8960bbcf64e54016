//! The plan types: what the quantiser decides and `expand/int.rs` writes
//! out as literals (grids, factors, output stages, layers).

use super::act::Act;
use crate::model::Code;
use proc_macro2::Ident;

/// [lo, hi].
pub(super) type Interval = (f64, f64);

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
    pub(super) fn of(m: f64) -> Option<Factor> {
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
    pub fn runtime(self) -> mlp_runtime::__private::int::Scale {
        mlp_runtime::__private::int::Scale {
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
