//! The trait methods of [`Chain`] as inherent ones too (as generated
//! networks have them), so calling them needs no `use`.

use super::Chain;
use crate::network::{Differentiable, LossInputGradient, Network, Params, Trainable};

/// The trait methods as inherent ones too (as generated networks have
/// them), so calling them needs no `use`.
impl<A: Params, B, const MID: usize> Chain<A, B, MID> {
    /// [`Network::forward`]: `second.forward(&first.forward(x))`.
    #[inline]
    #[must_use]
    pub fn forward<const IN: usize, const OUT: usize>(
        &self,
        x: &[A::Scalar; IN],
    ) -> [A::Scalar; OUT]
    where
        Self: Network<IN, OUT, Scalar = A::Scalar>,
    {
        Network::forward(self, x)
    }

    /// [`Differentiable::backward_from`] through both parts.
    #[inline]
    pub fn backward_from<const IN: usize, const OUT: usize>(
        &self,
        x: &[A::Scalar; IN],
        dy: &[A::Scalar; OUT],
        grad: &mut Self,
    ) -> [A::Scalar; IN]
    where
        Self: Differentiable<IN, OUT, Scalar = A::Scalar>,
    {
        Differentiable::backward_from(self, x, dy, grad)
    }

    /// [`Differentiable::input_gradient`] through both parts.
    #[inline]
    #[must_use]
    pub fn input_gradient<const IN: usize, const OUT: usize>(
        &self,
        x: &[A::Scalar; IN],
        dy: &[A::Scalar; OUT],
    ) -> [A::Scalar; IN]
    where
        Self: Differentiable<IN, OUT, Scalar = A::Scalar>,
    {
        Differentiable::input_gradient(self, x, dy)
    }

    /// [`Differentiable::backward_with`] through both parts.
    #[inline]
    pub fn backward_with<const IN: usize, const OUT: usize, F>(
        &self,
        x: &[A::Scalar; IN],
        grad: &mut Self,
        dy: F,
    ) -> [A::Scalar; IN]
    where
        Self: Differentiable<IN, OUT, Scalar = A::Scalar>,
        F: FnOnce(&[A::Scalar; OUT]) -> [A::Scalar; OUT],
    {
        Differentiable::backward_with(self, x, grad, dy)
    }

    /// [`Differentiable::input_gradient_with`] through both parts.
    #[inline]
    #[must_use]
    pub fn input_gradient_with<const IN: usize, const OUT: usize, F>(
        &self,
        x: &[A::Scalar; IN],
        dy: F,
    ) -> [A::Scalar; IN]
    where
        Self: Differentiable<IN, OUT, Scalar = A::Scalar>,
        F: FnOnce(&[A::Scalar; OUT]) -> [A::Scalar; OUT],
    {
        Differentiable::input_gradient_with(self, x, dy)
    }

    /// [`Differentiable::backward_with_batch`] through both parts.
    #[inline]
    pub fn backward_with_batch<const IN: usize, const OUT: usize, const BATCH: usize, F>(
        &self,
        xs: &[[A::Scalar; IN]; BATCH],
        grad: &mut Self,
        dys: F,
    ) -> [[A::Scalar; IN]; BATCH]
    where
        Self: Differentiable<IN, OUT, Scalar = A::Scalar>,
        F: FnOnce(&[[A::Scalar; OUT]; BATCH]) -> [[A::Scalar; OUT]; BATCH],
    {
        Differentiable::backward_with_batch(self, xs, grad, dys)
    }

    /// [`Differentiable::backward_from_batch`] through both parts.
    #[inline]
    pub fn backward_from_batch<const IN: usize, const OUT: usize, const BATCH: usize>(
        &self,
        xs: &[[A::Scalar; IN]; BATCH],
        dys: &[[A::Scalar; OUT]; BATCH],
        grad: &mut Self,
    ) -> [[A::Scalar; IN]; BATCH]
    where
        Self: Differentiable<IN, OUT, Scalar = A::Scalar>,
    {
        Differentiable::backward_from_batch(self, xs, dys, grad)
    }
}

/// The training methods as inherent ones too, where the last part has a
/// loss.
impl<A: Params, B, const MID: usize> Chain<A, B, MID> {
    /// [`Trainable::loss`]: B's loss at A's output.
    #[inline]
    #[must_use]
    pub fn loss<const IN: usize, const OUT: usize>(
        &self,
        x: &[A::Scalar; IN],
        d: &[A::Scalar; OUT],
    ) -> A::Scalar
    where
        Self: Trainable<IN, OUT, Scalar = A::Scalar>,
    {
        Trainable::loss(self, x, d)
    }

    /// [`Trainable::backward`] through both parts.
    #[inline]
    pub fn backward<const IN: usize, const OUT: usize>(
        &self,
        x: &[A::Scalar; IN],
        d: &[A::Scalar; OUT],
        grad: &mut Self,
    ) -> A::Scalar
    where
        Self: Trainable<IN, OUT, Scalar = A::Scalar>,
    {
        Trainable::backward(self, x, d, grad)
    }

    /// [`Trainable::backward_batch`] through both parts.
    #[inline]
    pub fn backward_batch<const IN: usize, const OUT: usize, const BATCH: usize>(
        &self,
        xs: &[[A::Scalar; IN]; BATCH],
        ds: &[[A::Scalar; OUT]; BATCH],
        grad: &mut Self,
    ) -> A::Scalar
    where
        Self: Trainable<IN, OUT, Scalar = A::Scalar>,
    {
        Trainable::backward_batch(self, xs, ds, grad)
    }

    /// [`Trainable::train_step`] on both parts.
    #[inline]
    pub fn train_step<const IN: usize, const OUT: usize>(
        &mut self,
        x: &[A::Scalar; IN],
        d: &[A::Scalar; OUT],
        lr: A::Scalar,
    ) -> A::Scalar
    where
        Self: Trainable<IN, OUT, Scalar = A::Scalar>,
    {
        Trainable::train_step(self, x, d, lr)
    }

    /// [`LossInputGradient::train_step_and_input_gradient`] on both parts.
    #[inline]
    pub fn train_step_and_input_gradient<const IN: usize, const OUT: usize>(
        &mut self,
        x: &[A::Scalar; IN],
        d: &[A::Scalar; OUT],
        lr: A::Scalar,
    ) -> (A::Scalar, [A::Scalar; IN])
    where
        Self: LossInputGradient<IN, OUT, Scalar = A::Scalar>,
    {
        LossInputGradient::train_step_and_input_gradient(self, x, d, lr)
    }

    /// [`LossInputGradient::backward_and_input_gradient`] through both
    /// parts.
    #[inline]
    pub fn backward_and_input_gradient<const IN: usize, const OUT: usize>(
        &self,
        x: &[A::Scalar; IN],
        d: &[A::Scalar; OUT],
        grad: &mut Self,
    ) -> (A::Scalar, [A::Scalar; IN])
    where
        Self: LossInputGradient<IN, OUT, Scalar = A::Scalar>,
    {
        LossInputGradient::backward_and_input_gradient(self, x, d, grad)
    }

    /// [`LossInputGradient::backward_batch_and_input_gradients`] through
    /// both parts.
    #[inline]
    pub fn backward_batch_and_input_gradients<
        const IN: usize,
        const OUT: usize,
        const BATCH: usize,
    >(
        &self,
        xs: &[[A::Scalar; IN]; BATCH],
        ds: &[[A::Scalar; OUT]; BATCH],
        grad: &mut Self,
    ) -> (A::Scalar, [[A::Scalar; IN]; BATCH])
    where
        Self: LossInputGradient<IN, OUT, Scalar = A::Scalar>,
    {
        LossInputGradient::backward_batch_and_input_gradients(self, xs, ds, grad)
    }

    /// [`LossInputGradient::loss_input_gradient`] through both parts.
    #[inline]
    #[must_use]
    pub fn loss_input_gradient<const IN: usize, const OUT: usize>(
        &self,
        x: &[A::Scalar; IN],
        d: &[A::Scalar; OUT],
    ) -> [A::Scalar; IN]
    where
        Self: LossInputGradient<IN, OUT, Scalar = A::Scalar>,
    {
        LossInputGradient::loss_input_gradient(self, x, d)
    }
}
