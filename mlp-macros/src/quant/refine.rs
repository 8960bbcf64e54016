//! Refinement over sub-boxes: the worst sub-box halved along its widest
//! side, with a heap keyed by its largest output bound.

use super::bound::box_error;
use super::plan::{Grid, IntLayer, Interval};
use super::range::{BoxIntervals, Float};
use crate::model::Code;

/// What the bound over sub-boxes needs besides the networks.
pub(super) struct Boxes<'a> {
    pub(super) input_box: &'a [Interval],
    pub(super) input: &'a [Grid],
    pub(super) input_inv: &'a [f32],
    pub(super) code: Code,
}

impl Boxes<'_> {
    /// The bound per output over `boxes`, refined: the worst sub-box
    /// halved along its widest side until `refine` have been evaluated.
    /// Sets each layer's `bound`; returns the number of live sub-boxes.
    pub(super) fn bound(
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

/// A sub-box in the refinement heap, by its largest output bound.
pub(super) struct Key(pub(super) f64, pub(super) usize);
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
