//! [`Chain`]'s gradient methods ([`Differentiable`]) and, where its last
//! part has a loss, its training methods ([`Trainable`],
//! [`LossInputGradient`]): each runs each part's forward pass once, A
//! handing its output to B through `backward_with`.

use super::Chain;
use crate::network::{Differentiable, LossInputGradient, LossKind, Trainable};
use crate::Scalar;

impl<A, B, const IN: usize, const MID: usize, const OUT: usize> Differentiable<IN, OUT>
    for Chain<A, B, MID>
where
    A: Differentiable<IN, MID>,
    B: Differentiable<MID, OUT, Scalar = A::Scalar>,
{
    /// B's `backward_from` at A's output, whose input gradient is A's dy
    /// (A's `backward_with`, so A's forward pass runs once).
    #[inline]
    fn backward_from(
        &self,
        x: &[Self::Scalar; IN],
        dy: &[Self::Scalar; OUT],
        grad: &mut Self,
    ) -> [Self::Scalar; IN] {
        let second = &mut grad.second;
        self.first.backward_with(x, &mut grad.first, |hidden| {
            self.second.backward_from(hidden, dy, second)
        })
    }

    #[inline]
    fn input_gradient(
        &self,
        x: &[Self::Scalar; IN],
        dy: &[Self::Scalar; OUT],
    ) -> [Self::Scalar; IN] {
        self.first
            .input_gradient_with(x, |hidden| self.second.input_gradient(hidden, dy))
    }

    /// Each part's `backward_with`: one forward pass of each.
    #[inline]
    fn backward_with<F>(&self, x: &[Self::Scalar; IN], grad: &mut Self, dy: F) -> [Self::Scalar; IN]
    where
        F: FnOnce(&[Self::Scalar; OUT]) -> [Self::Scalar; OUT],
    {
        let second = &mut grad.second;
        self.first.backward_with(x, &mut grad.first, |hidden| {
            self.second.backward_with(hidden, second, dy)
        })
    }

    #[inline]
    fn input_gradient_with<F>(&self, x: &[Self::Scalar; IN], dy: F) -> [Self::Scalar; IN]
    where
        F: FnOnce(&[Self::Scalar; OUT]) -> [Self::Scalar; OUT],
    {
        self.first
            .input_gradient_with(x, |hidden| self.second.input_gradient_with(hidden, dy))
    }

    #[inline]
    fn backward_from_batch<const BATCH: usize>(
        &self,
        xs: &[[Self::Scalar; IN]; BATCH],
        dys: &[[Self::Scalar; OUT]; BATCH],
        grad: &mut Self,
    ) -> [[Self::Scalar; IN]; BATCH] {
        let second = &mut grad.second;
        self.first
            .backward_with_batch(xs, &mut grad.first, |hidden| {
                self.second.backward_from_batch(hidden, dys, second)
            })
    }

    #[inline]
    fn backward_with_batch<const BATCH: usize, F>(
        &self,
        xs: &[[Self::Scalar; IN]; BATCH],
        grad: &mut Self,
        dys: F,
    ) -> [[Self::Scalar; IN]; BATCH]
    where
        F: FnOnce(&[[Self::Scalar; OUT]; BATCH]) -> [[Self::Scalar; OUT]; BATCH],
    {
        let second = &mut grad.second;
        self.first
            .backward_with_batch(xs, &mut grad.first, |hidden| {
                self.second.backward_with_batch(hidden, second, dys)
            })
    }
}

/// A chain trains on its last part's declared loss: B's `backward` (or
/// `backward_batch`) for B's gradient, B's [`LossInputGradient`] as A's dy
/// for A's. Each method runs each part's forward pass once (B's
/// `backward_and_input_gradient`, `backward_batch_and_input_gradients`,
/// `train_step_and_input_gradient`).
impl<A, B, const IN: usize, const MID: usize, const OUT: usize> Trainable<IN, OUT>
    for Chain<A, B, MID>
where
    A: Differentiable<IN, MID>,
    B: LossInputGradient<MID, OUT, Scalar = A::Scalar>,
{
    const LOSS: LossKind = B::LOSS;

    #[inline]
    fn loss(&self, x: &[Self::Scalar; IN], d: &[Self::Scalar; OUT]) -> Self::Scalar {
        self.second.loss(&self.first.forward(x), d)
    }

    #[inline]
    fn backward(
        &self,
        x: &[Self::Scalar; IN],
        d: &[Self::Scalar; OUT],
        grad: &mut Self,
    ) -> Self::Scalar {
        self.backward_and_input_gradient(x, d, grad).0
    }

    /// B's mean gradient from its own `backward_batch`; A's from
    /// `backward_from_batch` with each sample's ∂L/∂h scaled by 1/BATCH
    /// (the mean's input gradient), so both parts get the batch mean.
    #[inline]
    fn backward_batch<const BATCH: usize>(
        &self,
        xs: &[[Self::Scalar; IN]; BATCH],
        ds: &[[Self::Scalar; OUT]; BATCH],
        grad: &mut Self,
    ) -> Self::Scalar {
        self.backward_batch_and_input_gradients(xs, ds, grad).0
    }

    /// SGD on both parts: `train_step_and_input_gradient`'s step.
    fn train_step(
        &mut self,
        x: &[Self::Scalar; IN],
        d: &[Self::Scalar; OUT],
        lr: Self::Scalar,
    ) -> Self::Scalar {
        self.train_step_and_input_gradient(x, d, lr).0
    }
}

impl<A, B, const IN: usize, const MID: usize, const OUT: usize> LossInputGradient<IN, OUT>
    for Chain<A, B, MID>
where
    A: Differentiable<IN, MID>,
    B: LossInputGradient<MID, OUT, Scalar = A::Scalar>,
{
    #[inline]
    fn loss_input_gradient(
        &self,
        x: &[Self::Scalar; IN],
        d: &[Self::Scalar; OUT],
    ) -> [Self::Scalar; IN] {
        self.first
            .input_gradient_with(x, |hidden| self.second.loss_input_gradient(hidden, d))
    }

    /// SGD on both parts: B's own `train_step_and_input_gradient` (its δs
    /// and ∂L/∂h from its weights before the step), and A's trainable
    /// parameters moved by `Sgd`'s update from a gradient of A's size on
    /// the stack (each weight `w − lr·g`, where a generated `train_step`
    /// rounds `w − (lr·δ)·x`). One forward pass of each part.
    fn train_step_and_input_gradient(
        &mut self,
        x: &[Self::Scalar; IN],
        d: &[Self::Scalar; OUT],
        lr: Self::Scalar,
    ) -> (Self::Scalar, [Self::Scalar; IN]) {
        let (mut grad, mut loss) = (A::zeroed(), Self::Scalar::ZERO);
        let second = &mut self.second;
        let dx = self.first.backward_with(x, &mut grad, |hidden| {
            let (l, d_hidden) = second.train_step_and_input_gradient(hidden, d, lr);
            loss = l;
            d_hidden
        });
        for range in A::trainable() {
            let (Some(p), Some(g)) = (
                self.first.params_mut().get_mut(range.clone()),
                grad.params().get(range),
            ) else {
                continue;
            };
            crate::optim::sgd_update(p, g, lr, Self::Scalar::ZERO);
        }
        (loss, dx)
    }

    /// B's `backward_batch_and_input_gradients` at A's outputs, whose
    /// input gradients (of the mean loss) are A's dys: one forward pass of
    /// each part over the batch.
    #[inline]
    fn backward_batch_and_input_gradients<const BATCH: usize>(
        &self,
        xs: &[[Self::Scalar; IN]; BATCH],
        ds: &[[Self::Scalar; OUT]; BATCH],
        grad: &mut Self,
    ) -> (Self::Scalar, [[Self::Scalar; IN]; BATCH]) {
        let (second, mut loss) = (&mut grad.second, Self::Scalar::ZERO);
        let dxs = self
            .first
            .backward_with_batch(xs, &mut grad.first, |hidden| {
                let (l, d_hidden) = self
                    .second
                    .backward_batch_and_input_gradients(hidden, ds, second);
                loss = l;
                d_hidden
            });
        (loss, dxs)
    }

    /// B's `backward_and_input_gradient` at A's output, whose input
    /// gradient is A's dy: one forward pass of each part.
    #[inline]
    fn backward_and_input_gradient(
        &self,
        x: &[Self::Scalar; IN],
        d: &[Self::Scalar; OUT],
        grad: &mut Self,
    ) -> (Self::Scalar, [Self::Scalar; IN]) {
        let (second, mut loss) = (&mut grad.second, Self::Scalar::ZERO);
        let dx = self.first.backward_with(x, &mut grad.first, |hidden| {
            let (l, d_hidden) = self.second.backward_and_input_gradient(hidden, d, second);
            loss = l;
            d_hidden
        });
        (loss, dx)
    }
}
