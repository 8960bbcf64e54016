//! A data set as two slices, and the checks run on it before training
//! (shapes, finite values, targets the declared loss accepts).

use super::check::{check_sample, SampleError};
use crate::activation::OutputKind;
use crate::Trainable;
use core::fmt;

/// Input/target pairs as two parallel slices of fixed-size arrays.
#[derive(Clone, Copy, Debug)]
pub struct Data<'a, T, const IN: usize, const OUT: usize> {
    /// One input per sample.
    pub inputs: &'a [[T; IN]],
    /// One target per sample, same order.
    pub targets: &'a [[T; OUT]],
}

impl<'a, T, const IN: usize, const OUT: usize> Data<'a, T, IN, OUT> {
    /// Pairs `inputs[i]` with `targets[i]`.
    ///
    /// # Panics
    /// If the slices differ in length (a programming error, not a data
    /// error: the two come from the same place in the caller's code).
    #[must_use]
    pub fn new(inputs: &'a [[T; IN]], targets: &'a [[T; OUT]]) -> Self {
        assert!(
            inputs.len() == targets.len(),
            "Data::new: {} inputs but {} targets; each sample needs one of each",
            inputs.len(),
            targets.len()
        );
        Data { inputs, targets }
    }
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.inputs.len()
    }
    /// True if there are no samples.
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// The mean of `f(x, d)` over the samples (0 for no samples).
    pub(super) fn mean(&self, f: impl Fn(&[T; IN], &[T; OUT]) -> f64) -> f64 {
        let total: f64 = self
            .inputs
            .iter()
            .zip(self.targets)
            .map(|(x, d)| f(x, d))
            .sum();
        total / self.len().max(1) as f64
    }
}

/// A sample rejected before training, and where it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DataError {
    /// `"training"` or `"validation"`.
    pub set: &'static str,
    /// The sample's index in its set.
    pub index: usize,
    /// What is wrong with it.
    pub problem: SampleError,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} sample {}: {}", self.set, self.index, self.problem)
    }
}
#[cfg(feature = "std")]
impl std::error::Error for DataError {}
#[cfg(feature = "std")]
impl std::error::Error for SampleError {}

/// Checks every sample of `data` for a network of type `N`.
///
/// # Errors
/// The first invalid sample, with its index.
pub fn check_data<N: Trainable<IN, OUT>, const IN: usize, const OUT: usize>(
    data: Data<'_, N::Scalar, IN, OUT>,
    set: &'static str,
) -> Result<(), DataError> {
    let softmax = N::OUTPUT_KIND == OutputKind::Distribution;
    for (index, (x, d)) in data.inputs.iter().zip(data.targets).enumerate() {
        check_sample(x, d, N::LOSS, softmax).map_err(|problem| DataError {
            set,
            index,
            problem,
        })?;
    }
    Ok(())
}
