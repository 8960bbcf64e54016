//! Metrics over a data set: mean loss, accuracy, mean squared error.

use super::data::Data;
use crate::activation::OutputKind;
use crate::{Network, Scalar, Trainable};

/// Mean loss over `data`.
pub fn mean_loss<N: Trainable<IN, OUT>, const IN: usize, const OUT: usize>(
    net: &N,
    data: Data<'_, N::Scalar, IN, OUT>,
) -> f64 {
    data.mean(|x, d| net.loss(x, d).to_f64())
}

/// Fraction of samples classified correctly. Softmax outputs (and any
/// output layer of several units other than sigmoid) are read by argmax
/// against the target's argmax; sigmoid outputs, and any single output, by
/// thresholding each output and target at 0.5 (every output must match).
pub fn accuracy<N: Network<IN, OUT>, const IN: usize, const OUT: usize>(
    net: &N,
    data: Data<'_, N::Scalar, IN, OUT>,
) -> f64 {
    let by_argmax = OUT > 1 && N::OUTPUT_KIND != OutputKind::Probabilities;
    let half = N::Scalar::from_f64(0.5);
    data.mean(|x, d| {
        let y = net.forward(x);
        let correct = if by_argmax {
            argmax(&y) == argmax(&d[..])
        } else {
            y.iter()
                .zip(d.iter())
                .all(|(&y, &d)| (y >= half) == (d >= half))
        };
        f64::from(u8::from(correct))
    })
}

/// Mean over samples and outputs of (y − d)²: the mean of the samples'
/// `mse` ([`crate::loss::mse`]).
pub fn mean_squared_error<N: Network<IN, OUT>, const IN: usize, const OUT: usize>(
    net: &N,
    data: Data<'_, N::Scalar, IN, OUT>,
) -> f64 {
    data.mean(|x, d| crate::loss::mse(&net.forward(x), d).to_f64())
}

/// Index of the largest value (the first of equals).
pub(super) fn argmax<T: Scalar>(v: &[T]) -> usize {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x > v[best] {
            best = i;
        }
    }
    best
}
