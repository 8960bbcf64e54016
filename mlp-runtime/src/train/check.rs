//! Validation of samples against what a network's loss accepts, so bad data
//! is rejected with a clear message before it can reach the weights.

use crate::{LossKind, Scalar};
use core::fmt;

/// What is wrong with one sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SampleError {
    /// Input `index` is NaN or infinite.
    NonFiniteInput {
        /// Position in the input array.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// Target `index` is NaN or infinite.
    NonFiniteTarget {
        /// Position in the target array.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A `bce` (or sigmoid `ce`) target outside [0, 1].
    TargetOutsideUnit {
        /// Position in the target array.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A softmax `ce` target that is not a distribution (negative entries,
    /// or entries not summing to 1).
    NotADistribution {
        /// The targets' sum.
        sum: f64,
    },
}

impl fmt::Display for SampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SampleError::NonFiniteInput { index, value } => write!(f, "input {index} is {value}, not a finite number"),
            SampleError::NonFiniteTarget { index, value } => write!(f, "target {index} is {value}, not a finite number"),
            SampleError::TargetOutsideUnit { index, value } => {
                write!(f, "target {index} is {value}, outside [0, 1] (bce and ce targets are probabilities)")
            }
            SampleError::NotADistribution { sum } => write!(
                f,
                "targets are not a probability distribution (they sum to {sum}; softmax + ce needs non-negative targets summing to 1, e.g. one-hot)"
            ),
        }
    }
}

/// Checks one sample for a network trained with `loss` on outputs that
/// are softmax (`softmax` true) or not.
///
/// # Errors
/// The first problem found, in the order: inputs, then targets.
pub fn check_sample<T: Scalar, const IN: usize, const OUT: usize>(
    x: &[T; IN],
    d: &[T; OUT],
    loss: LossKind,
    softmax: bool,
) -> Result<(), SampleError> {
    if let Some((index, v)) = x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(SampleError::NonFiniteInput {
            index,
            value: v.to_f64(),
        });
    }
    if let Some((index, v)) = d.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(SampleError::NonFiniteTarget {
            index,
            value: v.to_f64(),
        });
    }
    if matches!(loss, LossKind::Bce | LossKind::Ce) {
        if let Some((index, v)) = d
            .iter()
            .enumerate()
            .find(|(_, v)| **v < T::ZERO || **v > T::ONE)
        {
            return Err(SampleError::TargetOutsideUnit {
                index,
                value: v.to_f64(),
            });
        }
    }
    if loss == LossKind::Ce && softmax {
        let sum: f64 = d.iter().map(|v| v.to_f64()).sum();
        // Tolerance: a one-hot or normalised target in f32 sums to 1 within
        // a few ulps per entry.
        let tolerance = 1e-5 * (OUT as f64).max(1.0);
        if (sum - 1.0).abs() > tolerance {
            return Err(SampleError::NotADistribution { sum });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_each_kind_of_bad_sample() {
        use LossKind::*;
        assert!(matches!(
            check_sample(&[1.0f64, f64::NAN], &[0.0], Mse, false),
            Err(SampleError::NonFiniteInput { index: 1, .. })
        ));
        assert!(matches!(
            check_sample(&[1.0f64], &[f64::INFINITY], Mse, false),
            Err(SampleError::NonFiniteTarget { index: 0, .. })
        ));
        assert!(matches!(
            check_sample(&[1.0f64], &[1.5], Bce, false),
            Err(SampleError::TargetOutsideUnit { index: 0, .. })
        ));
        assert!(check_sample(&[1.0f64], &[1.5], Mse, false).is_ok());
        assert!(matches!(
            check_sample(&[1.0f64], &[0.5, 0.4], Ce, true),
            Err(SampleError::NotADistribution { .. })
        ));
        assert!(
            check_sample(&[1.0f64], &[0.5, 0.4], Ce, false).is_ok(),
            "sigmoid + ce targets are independent"
        );
        assert!(check_sample(&[1.0f32], &[0.1, 0.2, 0.7], Ce, true).is_ok());
    }
}
