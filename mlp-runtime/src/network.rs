//! The traits every generated network implements, so that generic code
//! (optimisers, training loops, gradient checks) works with any of them.
//!
//! Generated networks also have inherent methods and constants of the same
//! names, so users who only call `net.forward(..)` never import these.

use crate::activation::OutputKind;
use crate::Scalar;
use core::marker::PhantomData;

/// A network's parameters, seen as one flat slice.
///
/// The order of the slice is the order of the struct's fields: `w1` row by
/// row, `b1`, `w2`, `b2`, and so on. A value of the network's own type
/// doubles as a gradient buffer or optimiser state of the same shape.
///
/// ```
/// use mlp::{network, Params};
///
/// network! { struct Tiny<input 2, dense 1 linear>; }
///
/// let mut net = Tiny::zeroed();
/// net.params_mut().copy_from_slice(&[1.0, 2.0, 0.5]);
/// assert_eq!((net.w1, net.b1), ([[1.0, 2.0]], [0.5]));
/// assert_eq!(Tiny::DECLARATION, "input 2, dense 1 linear");
/// ```
///
/// # Safety
///
/// Implementors guarantee that `Self` is `#[repr(C)]` (optionally with a
/// larger `align`) and consists only of (nested) arrays of `Self::Scalar`,
/// `PARAMS` scalars in all, with no other fields. Then the first
/// `PARAMS` scalars' bytes of `Self` hold exactly those scalars in field
/// order, with no padding between them, and at most trailing padding
/// (fewer bytes than the alignment) follows; the provided methods rely on
/// that, and read only those first bytes (the sizes are also asserted at
/// compile time, by a constant no implementation can override). The
/// macro aligns a network with a wide layer to 64 bytes.
///
/// The `network!` macro upholds this by construction; implementing it by
/// hand is not intended. The trait is not sealed: generated impls live in
/// the user's crate, so a seal would be a `#[doc(hidden)]` path that anyone
/// can name, a promise no stronger than `unsafe`. `unsafe` is the honest
/// marker that an impl vouches for the layout.
pub unsafe trait Params: Clone + Send + Sync {
    /// The scalar type, `f32` or `f64`.
    type Scalar: Scalar;
    /// Count of all weights and biases.
    const PARAMS: usize;
    /// The declaration the network was generated from, canonically
    /// written: `"input 2, dense 4 tanh, dense 1 sigmoid, loss bce"`.
    const DECLARATION: &'static str;
    /// Each layer's (units, inputs): the shape of `w{l}` is
    /// `[[T; inputs]; units]` and of `b{l}` is `[T; units]`.
    const LAYER_SHAPES: &'static [(usize, usize)];
    /// Whether each layer is `frozen` (parallel to `LAYER_SHAPES`): its
    /// parameters are never changed by training. Generated `backward` adds
    /// nothing for them; the optimisers in `optim` step only the ranges
    /// [`Params::trainable`] yields, so weight decay leaves them alone too.
    const FROZEN: &'static [bool] = &[];

    /// A network whose every weight and bias is zero.
    #[must_use]
    fn zeroed() -> Self;

    /// Re-initialises every weight as `new` does (He or Glorot per layer)
    /// and sets the biases to zero, in place: with `boxed::new` (feature `alloc`)
    /// this creates large networks directly on the heap.
    fn init<R: rand::Rng + ?Sized>(&mut self, rng: &mut R);

    /// All parameters, in field order.
    #[inline]
    #[must_use]
    fn params(&self) -> &[Self::Scalar] {
        let () = Flat::<Self>::CHECKED;
        // SAFETY: by the trait's contract `Self` starts with `PARAMS`
        // contiguous scalars and has no padding before or between them
        // (sizes checked above at compile time), so the pointer is valid
        // and aligned for `PARAMS` reads of `Self::Scalar`, and the slice
        // borrows `self` for its lifetime.
        unsafe {
            core::slice::from_raw_parts((self as *const Self).cast::<Self::Scalar>(), Self::PARAMS)
        }
    }

    /// All parameters, in field order, mutably.
    #[inline]
    fn params_mut(&mut self) -> &mut [Self::Scalar] {
        let () = Flat::<Self>::CHECKED;
        // SAFETY: as in `params`; the exclusive borrow of `self` makes the
        // mutable slice unique, and every bit pattern is a valid float, so
        // any write through it leaves `Self` valid.
        unsafe {
            core::slice::from_raw_parts_mut(
                (self as *mut Self).cast::<Self::Scalar>(),
                Self::PARAMS,
            )
        }
    }

    /// The ranges of the flat view that training may change: every
    /// parameter except those of `frozen` layers, adjacent layers merged
    /// (one range for a network with nothing frozen).
    #[inline]
    #[must_use]
    fn trainable() -> TrainableRanges<Self> {
        TrainableRanges {
            layer: 0,
            offset: 0,
            net: PhantomData,
        }
    }

    /// Sets every parameter to zero (to reuse a value as a gradient buffer).
    #[inline]
    fn set_zero(&mut self) {
        self.params_mut().fill(Self::Scalar::ZERO);
    }
}

/// The ranges of [`Params::trainable`].
#[derive(Clone, Debug)]
pub struct TrainableRanges<N> {
    layer: usize,
    offset: usize,
    net: PhantomData<N>,
}

impl<N: Params> Iterator for TrainableRanges<N> {
    type Item = core::ops::Range<usize>;

    fn next(&mut self) -> Option<Self::Item> {
        let frozen = |l: usize| N::FROZEN.get(l).copied().unwrap_or(false);
        let size = |l: usize| N::LAYER_SHAPES[l].0 * (N::LAYER_SHAPES[l].1 + 1);
        let layers = N::LAYER_SHAPES.len();
        while self.layer < layers && frozen(self.layer) {
            self.offset += size(self.layer);
            self.layer += 1;
        }
        let start = self.offset;
        while self.layer < layers && !frozen(self.layer) {
            self.offset += size(self.layer);
            self.layer += 1;
        }
        (self.offset > start).then_some(start..self.offset)
    }
}

/// The layout assertion behind the flat view: an inherent constant of a
/// private type, so an implementation of `Params` cannot override it.
struct Flat<N>(PhantomData<N>);

impl<N: Params> Flat<N> {
    /// Evaluated (at compile time) wherever the flat view is used: `N` is
    /// `PARAMS` scalars, aligned at least as a scalar, then only the
    /// trailing padding its alignment asks for.
    const CHECKED: () = {
        let (size, align) = (core::mem::size_of::<N>(), core::mem::align_of::<N>());
        let scalars = N::PARAMS * core::mem::size_of::<N::Scalar>();
        assert!(align % core::mem::align_of::<N::Scalar>() == 0);
        assert!(size >= scalars && size - scalars < align);
    };
}

/// A network's loss, as declared (see the crate docs for the formulas).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[allow(missing_docs)]
pub enum LossKind {
    Mse,
    Sse,
    Bce,
    Ce,
    Huber,
}

/// Inference: a network mapping `IN` inputs to `OUT` outputs.
pub trait Network<const IN: usize, const OUT: usize>: Params {
    /// Number of inputs.
    const INPUTS: usize = IN;
    /// Number of outputs.
    const OUTPUTS: usize = OUT;
    /// What the output layer's activation produces (decides how accuracy
    /// reads outputs and which targets a loss accepts).
    const OUTPUT_KIND: OutputKind;

    /// The network's output for input `x`.
    #[must_use]
    fn forward(&self, x: &[Self::Scalar; IN]) -> [Self::Scalar; OUT];
}

/// Training: a network declared with a loss.
pub trait Trainable<const IN: usize, const OUT: usize>: Network<IN, OUT> {
    /// The declared loss (decides which targets are valid).
    const LOSS: LossKind;

    /// The loss of one sample (input `x`, target `d`).
    #[must_use]
    fn loss(&self, x: &[Self::Scalar; IN], d: &[Self::Scalar; OUT]) -> Self::Scalar;

    /// Adds (`grad += ∇L`) this sample's gradient of the loss into `grad`
    /// and returns the loss. `grad` is a value of the network's own type
    /// used as a buffer; zero it to start a new sum.
    fn backward(
        &self,
        x: &[Self::Scalar; IN],
        d: &[Self::Scalar; OUT],
        grad: &mut Self,
    ) -> Self::Scalar;

    /// Adds (`grad += mean ∇L`) the mean gradient of a fixed batch into
    /// `grad` and returns the batch's mean loss (each layer computed for the whole batch at once;
    /// equal to `B` calls of `backward` scaled by 1/B up to rounding).
    fn backward_batch<const B: usize>(
        &self,
        xs: &[[Self::Scalar; IN]; B],
        ds: &[[Self::Scalar; OUT]; B],
        grad: &mut Self,
    ) -> Self::Scalar;

    /// One step of stochastic gradient descent with learning rate `lr`;
    /// returns the loss before the step.
    fn train_step(
        &mut self,
        x: &[Self::Scalar; IN],
        d: &[Self::Scalar; OUT],
        lr: Self::Scalar,
    ) -> Self::Scalar;
}

/// The input gradient of a network's declared loss, ∂L/∂x: implemented by
/// every generated network with a loss, and by a [`Chain`](crate::Chain)
/// whose last part has one (which is how a chain trains on that loss).
pub trait LossInputGradient<const IN: usize, const OUT: usize>: Trainable<IN, OUT> {
    /// ∂L/∂x for one sample (input `x`, target `d`), with no
    /// parameter-gradient work: what `backward_from` returns for
    /// dy = ∂L/∂y, but computed from the loss's own closed-form output δ
    /// (`backward`'s), so it never divides by a probability.
    #[must_use]
    fn loss_input_gradient(
        &self,
        x: &[Self::Scalar; IN],
        d: &[Self::Scalar; OUT],
    ) -> [Self::Scalar; IN];

    /// `backward` (the gradient added into `grad`, the loss returned) and
    /// `loss_input_gradient` together. Generated networks run one forward
    /// pass for both; this default calls the two methods.
    fn backward_and_input_gradient(
        &self,
        x: &[Self::Scalar; IN],
        d: &[Self::Scalar; OUT],
        grad: &mut Self,
    ) -> (Self::Scalar, [Self::Scalar; IN]) {
        (self.backward(x, d, grad), self.loss_input_gradient(x, d))
    }

    /// `backward_batch` (the batch's mean gradient added into `grad`, its
    /// mean loss returned) and each sample's input gradient of that mean
    /// loss, ∂(mean L)/∂xₖ = (1/B) ∂Lₖ/∂xₖ. Generated networks run one
    /// forward pass over the batch for both; this default calls
    /// `backward_batch` and `loss_input_gradient` per sample.
    fn backward_batch_and_input_gradients<const B: usize>(
        &self,
        xs: &[[Self::Scalar; IN]; B],
        ds: &[[Self::Scalar; OUT]; B],
        grad: &mut Self,
    ) -> (Self::Scalar, [[Self::Scalar; IN]; B]) {
        let loss = self.backward_batch(xs, ds, grad);
        let inv = Self::Scalar::ONE / Self::Scalar::from_f64(B as f64);
        let dxs =
            core::array::from_fn(|k| self.loss_input_gradient(&xs[k], &ds[k]).map(|g| g * inv));
        (loss, dxs)
    }

    /// `train_step` (one SGD step, the loss before it returned) and
    /// `loss_input_gradient` at the weights before the step. Generated
    /// networks run one forward pass for both; this default calls the two
    /// methods.
    fn train_step_and_input_gradient(
        &mut self,
        x: &[Self::Scalar; IN],
        d: &[Self::Scalar; OUT],
        lr: Self::Scalar,
    ) -> (Self::Scalar, [Self::Scalar; IN]) {
        let dx = self.loss_input_gradient(x, d);
        (self.train_step(x, d, lr), dx)
    }
}

/// Gradients from any objective: the output gradient `dy = ∂J/∂y` in,
/// the parameter gradient added into a buffer and the input gradient out.
/// Implemented by every generated network without a `step` or `sign`
/// layer, with or without a loss; the methods are inherent too.
///
/// ```
/// mlp::network! { pub struct Policy<input 2, dense 8 tanh, dense 2 linear>; }
/// use mlp::{Differentiable, Params};
///
/// let net = Policy::new(&mut <mlp::rand::rngs::SmallRng as mlp::rand::SeedableRng>::seed_from_u64(1));
/// let mut grad = Policy::zeroed();
/// // Raise output 0 (gradient ascent on J = y₀): dy = ∂J/∂y = [1, 0].
/// let dx = net.backward_from(&[0.5, -0.5], &[1.0, 0.0], &mut grad);
/// assert_eq!(dx, net.input_gradient(&[0.5, -0.5], &[1.0, 0.0]));
/// assert!(grad.params().iter().any(|&g| g != 0.0));
/// ```
pub trait Differentiable<const IN: usize, const OUT: usize>: Network<IN, OUT> {
    /// Adds (`grad += ∂⟨dy, y(x)⟩/∂θ`) the parameter gradient of ⟨dy, y(x)⟩
    /// into `grad` (nothing for `frozen` layers) and returns the input
    /// gradient ∂⟨dy, y(x)⟩/∂x.
    fn backward_from(
        &self,
        x: &[Self::Scalar; IN],
        dy: &[Self::Scalar; OUT],
        grad: &mut Self,
    ) -> [Self::Scalar; IN];

    /// The input gradient ∂⟨dy, y(x)⟩/∂x alone, with no parameter-gradient
    /// work.
    #[must_use]
    fn input_gradient(
        &self,
        x: &[Self::Scalar; IN],
        dy: &[Self::Scalar; OUT],
    ) -> [Self::Scalar; IN];

    /// Adds the sum over the batch of `backward_from`'s parameter gradients
    /// into `grad` and returns each sample's input gradient.
    fn backward_from_batch<const B: usize>(
        &self,
        xs: &[[Self::Scalar; IN]; B],
        dys: &[[Self::Scalar; OUT]; B],
        grad: &mut Self,
    ) -> [[Self::Scalar; IN]; B];

    /// `backward_from` with dy computed from the output: calls `dy` with
    /// y = `forward(x)` and backpropagates what it returns. Generated
    /// networks and chains run the forward pass once (this default runs it
    /// twice); the values are those of `forward` then `backward_from`.
    ///
    /// ```
    /// mlp::network! { pub struct Net<input 2, dense 8 tanh, dense 2 linear>; }
    /// use mlp::{Differentiable, Network, Params};
    ///
    /// let net = Net::new(&mut <mlp::rand::rngs::SmallRng as mlp::rand::SeedableRng>::seed_from_u64(1));
    /// let (x, target) = ([0.5, -0.5], [1.0, 0.0]);
    /// let mut grad = Net::zeroed();
    /// // An objective of your own, J = Σ |y − target|³ / 3: ∂J/∂y = |r|·r.
    /// let mut j = 0.0;
    /// let dx = net.backward_with(&x, &mut grad, |y| {
    ///     let r = [y[0] - target[0], y[1] - target[1]];
    ///     j = r.iter().map(|r: &f32| r.abs().powi(3) / 3.0).sum();
    ///     [r[0].abs() * r[0], r[1].abs() * r[1]]
    /// });
    /// let y = net.forward(&x);
    /// let dy = [(y[0] - target[0]).abs() * (y[0] - target[0]), (y[1] - target[1]).abs() * (y[1] - target[1])];
    /// let mut again = Net::zeroed();
    /// assert_eq!(dx, net.backward_from(&x, &dy, &mut again));
    /// assert_eq!(grad.params(), again.params());
    /// assert!(j > 0.0);
    /// ```
    fn backward_with<F>(&self, x: &[Self::Scalar; IN], grad: &mut Self, dy: F) -> [Self::Scalar; IN]
    where
        F: FnOnce(&[Self::Scalar; OUT]) -> [Self::Scalar; OUT],
    {
        let dy = dy(&self.forward(x));
        self.backward_from(x, &dy, grad)
    }

    /// `input_gradient` with dy computed from the output, as in
    /// [`backward_with`](Self::backward_with).
    #[must_use]
    fn input_gradient_with<F>(&self, x: &[Self::Scalar; IN], dy: F) -> [Self::Scalar; IN]
    where
        F: FnOnce(&[Self::Scalar; OUT]) -> [Self::Scalar; OUT],
    {
        let dy = dy(&self.forward(x));
        self.input_gradient(x, &dy)
    }

    /// `backward_from_batch` with the output gradients computed from the
    /// outputs, as in [`backward_with`](Self::backward_with): `dys` gets
    /// the batch's outputs, sample-major. Generated networks and chains
    /// run the forward pass once, for the whole batch (so `dys` sees
    /// `forward_batch`'s values); this default runs `forward` per sample,
    /// then `backward_from_batch`.
    fn backward_with_batch<const B: usize, F>(
        &self,
        xs: &[[Self::Scalar; IN]; B],
        grad: &mut Self,
        dys: F,
    ) -> [[Self::Scalar; IN]; B]
    where
        F: FnOnce(&[[Self::Scalar; OUT]; B]) -> [[Self::Scalar; OUT]; B],
    {
        let dys = dys(&core::array::from_fn(|k| self.forward(&xs[k])));
        self.backward_from_batch(xs, &dys, grad)
    }
}

/// Never implemented: the bound of the gradient methods a network with a
/// `step` or `sign` layer has, so that calling one explains itself.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` has a `step` or `sign` layer, so it has no gradient",
    label = "not differentiable",
    note = "step and sign have derivative zero everywhere, so no gradient flows back through them; use `sigmoid`, `tanh` or `softsign` to train through that layer"
)]
pub trait AllLayersDifferentiable<Marker> {}

/// Never implemented: the bound of the training methods that a network
/// declared without a loss carries, so that calling one of them is an error
/// that says what is missing rather than "no method named `train_step`".
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` was declared without a loss, so it cannot be trained",
    label = "inference-only network",
    note = "add a loss at the end of its declaration, as in `struct Net<input 2, dense 1 sigmoid, loss bce>;`"
)]
pub trait DeclaredWithLoss<Marker> {}
