//! Two networks as one: [`Chain`].

use crate::activation::OutputKind;
use crate::network::{Differentiable, LossInputGradient, LossKind, Network, Params, Trainable};
use crate::Scalar;
use core::marker::PhantomData;

/// Network `A` followed by network `B` (B's input is A's `MID` outputs),
/// as one network: `forward` is `B(A(x))`, the gradient methods of
/// [`Differentiable`] flow through both, B's declared loss (if it has one)
/// trains both, and [`Params`] sees A's parameters then B's as one flat
/// slice, so one optimiser steps both, one buffer holds both gradients and
/// `weights::save` writes both.
///
/// ```
/// use mlp::{network, optim::{Adam, Optimizer}, Chain, Params};
///
/// network! {
///     pub struct Encoder<input 3, dense 4 tanh>;
///     pub struct Head<input 4, dense 2 sigmoid>;
/// }
/// type Model = Chain<Encoder, Head, 4>;
///
/// let mut rng = <mlp::rand::rngs::SmallRng as mlp::rand::SeedableRng>::seed_from_u64(1);
/// let mut model = Model::new(Encoder::new(&mut rng), Head::new(&mut rng));
/// let (mut grad, mut adam) = (Model::zeroed(), Adam::new(0.01));
/// let x = [0.5, -0.5, 1.0];
/// let before = model.forward(&x)[0];
/// for _ in 0..50 {
///     grad.set_zero();
///     model.backward_from(&x, &[-1.0, 0.0], &mut grad); // raise output 0
///     adam.step(&mut model, &grad); // both networks, one optimiser
/// }
/// assert!(model.forward(&x)[0] > before);
/// assert_eq!(Model::PARAMS, Encoder::PARAMS + Head::PARAMS);
/// ```
///
/// Everything else comes from the parts: `model.first` and `model.second`
/// are the networks themselves. The gradient methods run each part's
/// forward pass once: A's `backward_with` (or `input_gradient_with`, or
/// `backward_with_batch`) hands A's output to B's method, whose input
/// gradient is A's dy.
///
/// Where B has a declared loss, the chain trains on it: it is
/// [`Trainable`] (`loss`, `backward`, `backward_batch`, `train_step`, so
/// `Fit` too) and [`LossInputGradient`], through B's `backward` and its
/// `loss_input_gradient` as A's dy (`backward`, `backward_batch` and
/// `train_step` run each part's forward pass once, through B's
/// `backward_and_input_gradient`, `backward_batch_and_input_gradients` and
/// `train_step_and_input_gradient`). Its `train_step` is SGD on both
/// parts, with a gradient of
/// A's size on the stack. For an objective of your own, hand
/// `backward_from` its ∂L/∂y; for cross-entropy of your own, end B in
/// `linear` and pass softmax(z) − d, the gradient with respect to the
/// logits z, rather than −d/y through a softmax output (a probability can
/// round to 0).
///
/// # The flat view's condition
///
/// The flat slice needs B's parameters to start right where A's end. The
/// macro aligns a network with a looped (wide) layer to 64 bytes, and that
/// can break it: such an A ends in padding unless its parameters fill
/// whole 64-byte lines, and such a B starts at the next multiple of 64
/// bytes. A chain whose parts do that still runs `forward` and the
/// gradient methods, but any use of its [`Params`] (an optimiser, a
/// gradient buffer's `set_zero`, a weight file) is a compile error that
/// says so. Networks whose layers are all unrolled (small ones, or any
/// declared `#[unroll(always)]`) have no padding, so two of them always
/// chain; so do looped parts when the first one's parameters fill whole
/// lines (both checked in `tests/grad/chain.rs`).
#[repr(C)]
#[derive(Clone, Debug, PartialEq)]
pub struct Chain<A, B, const MID: usize> {
    /// The first network, whose `MID` outputs are `second`'s input.
    pub first: A,
    /// The second network.
    pub second: B,
}

impl<A, B, const MID: usize> Chain<A, B, MID> {
    /// `first` followed by `second`.
    pub const fn new(first: A, second: B) -> Self {
        Chain { first, second }
    }

    /// [`Params::zeroed`]: both parts zero (a gradient buffer), callable
    /// without importing the trait, as on generated networks.
    ///
    /// ```
    /// mlp::network! {
    ///     pub struct A<input 2, dense 3 tanh>;
    ///     pub struct B<input 3, dense 1 linear>;
    /// }
    /// let grad = mlp::Chain::<A, B, 3>::zeroed(); // no `use mlp::Params`
    /// assert_eq!(grad.first.w1, [[0.0; 2]; 3]);
    /// ```
    #[must_use]
    pub fn zeroed() -> Self
    where
        Self: Params,
    {
        <Self as Params>::zeroed()
    }
}

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

/// Compile-time concatenations of two networks' layer tables: a generic
/// type's constants can build arrays only of a fixed size, so each is
/// built in a buffer of `MAX_*` entries and sliced to its length.
struct Joined<A, B>(PhantomData<(A, B)>);

/// Layers a chain can have (each part a chain too, to any depth).
const MAX_LAYERS: usize = 64;
/// Bytes of a chain's declaration.
const MAX_DECLARATION: usize = 4096;
/// Between the two parts' declarations: `frozen`-aware readers (weight
/// files) see the layers of A then of B, as in the one network declared
/// with all of them.
const SEPARATOR: &[u8] = b", then ";

impl<A: Params, B: Params> Joined<A, B> {
    const LAYERS: usize = {
        let n = A::LAYER_SHAPES.len() + B::LAYER_SHAPES.len();
        assert!(n <= MAX_LAYERS, "a Chain has at most 64 layers");
        n
    };
    const SHAPES: [(usize, usize); MAX_LAYERS] = {
        let (a, b) = (A::LAYER_SHAPES, B::LAYER_SHAPES);
        let mut out = [(0, 0); MAX_LAYERS];
        let mut i = 0;
        while i < Self::LAYERS {
            out[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
            i += 1;
        }
        out
    };
    /// `FROZEN` may be shorter than the layers (empty: nothing frozen).
    const FROZEN: [bool; MAX_LAYERS] = {
        let (a, b, n_a) = (A::FROZEN, B::FROZEN, A::LAYER_SHAPES.len());
        let mut out = [false; MAX_LAYERS];
        let mut i = 0;
        while i < Self::LAYERS {
            out[i] = if i < n_a {
                i < a.len() && a[i]
            } else {
                i - n_a < b.len() && b[i - n_a]
            };
            i += 1;
        }
        out
    };
    const DECLARATION_LEN: usize = {
        let n = A::DECLARATION.len() + SEPARATOR.len() + B::DECLARATION.len();
        assert!(
            n <= MAX_DECLARATION,
            "a Chain's declaration is at most 4096 bytes"
        );
        n
    };
    const DECLARATION: [u8; MAX_DECLARATION] = {
        let (a, b) = (A::DECLARATION.as_bytes(), B::DECLARATION.as_bytes());
        let mut out = [0; MAX_DECLARATION];
        let mut i = 0;
        while i < Self::DECLARATION_LEN {
            out[i] = if i < a.len() {
                a[i]
            } else if i < a.len() + SEPARATOR.len() {
                SEPARATOR[i - a.len()]
            } else {
                b[i - a.len() - SEPARATOR.len()]
            };
            i += 1;
        }
        out
    };
}

// SAFETY: `Chain` is `#[repr(C)]` with two fields, A then B, each a
// `Params` type of the same scalar, so A's `A::PARAMS` scalars lie
// contiguous from offset 0 (A's contract). `PARAMS` below asserts at
// compile time that `second` starts exactly where they end, so B's
// `B::PARAMS` contiguous scalars follow with no gap (B's contract): the
// first `PARAMS` scalars of a chain are A's then B's, in field order.
// After them come only B's trailing padding and the chain's own, and
// `Flat::CHECKED` (evaluated by every flat view, from `PARAMS`) asserts
// that this is fewer bytes than the alignment.
unsafe impl<A, B, const MID: usize> Params for Chain<A, B, MID>
where
    A: Params,
    B: Params<Scalar = A::Scalar>,
{
    type Scalar = A::Scalar;
    const PARAMS: usize = {
        assert!(
            core::mem::offset_of!(Self, second) == A::PARAMS * core::mem::size_of::<A::Scalar>(),
            "this Chain has no flat parameter view: padding lies between the first network's \
             parameters and the second's (a part with a looped layer is aligned to 64 bytes). \
             Declare the looped parts `#[unroll(always)]`, or step each part with its own \
             optimiser; `forward` and the gradient methods work either way (see `Chain`'s docs)"
        );
        A::PARAMS + B::PARAMS
    };
    const DECLARATION: &'static str = {
        let bytes = Joined::<A, B>::DECLARATION
            .split_at(Joined::<A, B>::DECLARATION_LEN)
            .0;
        match core::str::from_utf8(bytes) {
            Ok(s) => s,
            // Two whole strings and an ASCII separator.
            Err(_) => panic!("a declaration is UTF-8"),
        }
    };
    const LAYER_SHAPES: &'static [(usize, usize)] =
        Joined::<A, B>::SHAPES.split_at(Joined::<A, B>::LAYERS).0;
    const FROZEN: &'static [bool] = Joined::<A, B>::FROZEN.split_at(Joined::<A, B>::LAYERS).0;

    fn zeroed() -> Self {
        Chain::new(A::zeroed(), B::zeroed())
    }

    /// A's layers, then B's, as each network's `init` does.
    fn init<R: rand::Rng + ?Sized>(&mut self, rng: &mut R) {
        self.first.init(rng);
        self.second.init(rng);
    }
}

impl<A, B, const IN: usize, const MID: usize, const OUT: usize> Network<IN, OUT>
    for Chain<A, B, MID>
where
    A: Network<IN, MID>,
    B: Network<MID, OUT, Scalar = A::Scalar>,
{
    const OUTPUT_KIND: OutputKind = B::OUTPUT_KIND;

    #[inline]
    fn forward(&self, x: &[Self::Scalar; IN]) -> [Self::Scalar; OUT] {
        self.second.forward(&self.first.forward(x))
    }
}

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
