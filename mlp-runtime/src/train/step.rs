//! One gradient step outside `Fit`: the mean gradient of a batch
//! (`batch_gradient`) and a step that checks the sample first (`checked_step`).

use super::check::{check_sample, SampleError};
use super::chunks::sum_backward;
use super::data::Data;
use crate::activation::OutputKind;
use crate::{Scalar, Trainable};
use core::fmt;

/// Overwrites `grad` with the mean gradient over the samples `indices` of
/// `data` (it is zeroed first, unlike `backward`, which adds), and returns
/// their mean loss.
pub fn batch_gradient<N, const IN: usize, const OUT: usize>(
    net: &N,
    data: Data<'_, N::Scalar, IN, OUT>,
    indices: &[usize],
    grad: &mut N,
) -> N::Scalar
where
    N: Trainable<IN, OUT>,
{
    grad.set_zero();
    let loss = sum_backward(net, data, indices, grad);
    if indices.is_empty() {
        return loss;
    }
    let scale = N::Scalar::ONE / N::Scalar::from_f64(indices.len() as f64);
    for g in grad.params_mut() {
        *g *= scale;
    }
    loss * scale
}

/// Why [`checked_step`] did not step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StepError {
    /// The sample is invalid for the network's loss; nothing changed.
    Sample(SampleError),
    /// The step made the loss or a weight non-finite, and was undone.
    Diverged,
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepError::Sample(e) => write!(f, "invalid sample: {e}"),
            StepError::Diverged => write!(
                f,
                "the step made the loss or a weight non-finite and was undone (try a lower learning rate)"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for StepError {}

/// One SGD step that first checks the sample and afterwards the weights:
/// a rejected sample leaves `net` bit-identical, and a step that would make
/// any weight non-finite is undone.
///
/// # Errors
/// [`StepError::Sample`] with the sample's problem, or
/// [`StepError::Diverged`] if the step was undone.
pub fn checked_step<N: Trainable<IN, OUT>, const IN: usize, const OUT: usize>(
    net: &mut N,
    x: &[N::Scalar; IN],
    d: &[N::Scalar; OUT],
    lr: N::Scalar,
) -> Result<N::Scalar, StepError> {
    let softmax = N::OUTPUT_KIND == OutputKind::Distribution;
    check_sample(x, d, N::LOSS, softmax).map_err(StepError::Sample)?;
    let before = net.clone();
    let loss = net.train_step(x, d, lr);
    if !loss.is_finite() || net.params().iter().any(|p| !p.is_finite()) {
        *net = before;
        return Err(StepError::Diverged);
    }
    Ok(loss)
}
