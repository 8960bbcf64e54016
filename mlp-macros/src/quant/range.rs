//! Interval ranges: the float network in `f64`, propagated over the input
//! box and its sub-boxes (`split`).

use super::act::{Act, Kind};
use super::plan::Interval;
use crate::bake::Values;
use crate::model::Network;

/// The float network, in `f64`.
pub(super) struct Float {
    pub(super) acts: Vec<Act>,
    /// Per layer: rows of weights, biases.
    pub(super) w: Vec<Vec<Vec<f64>>>,
    pub(super) b: Vec<Vec<f64>>,
}

impl Float {
    pub(super) fn new(net: &Network, values: &Values) -> Float {
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
    pub(super) fn output_interval(
        &self,
        x: &[Interval],
        a: &mut Vec<Interval>,
        b: &mut Vec<Interval>,
    ) {
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
    pub(super) fn intervals(&self, x: &[Interval]) -> Vec<(Vec<Interval>, Vec<Interval>)> {
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
pub(super) fn softmax_range(h: &[(f64, f64)]) -> Vec<(f64, f64)> {
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
pub(super) fn split(bounds: &[Interval], max: usize) -> Vec<Vec<Interval>> {
    let n = bounds.len();
    let mut k = 1usize;
    while (k + 1).checked_pow(n as u32).is_some_and(|c| c <= max) {
        k += 1;
    }
    split_into(bounds, k)
}

/// The sub-boxes of `bounds`, `k` cuts per dimension.
pub(super) fn split_into(bounds: &[Interval], k: usize) -> Vec<Vec<Interval>> {
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

/// Per layer, each unit's h and y intervals over one box.
pub(super) type BoxIntervals = Vec<(Vec<Interval>, Vec<Interval>)>;

/// The union over sub-boxes of layer `l`'s h intervals (`which == 0`) or
/// y intervals (`which == 1`), unit by unit.
pub(super) fn union(per_box: &[BoxIntervals], l: usize, which: usize) -> Vec<Interval> {
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
