//! Two networks as one: [`Chain`]. Here the type, its flat view
//! ([`Params`]) and `forward`; its gradient and training methods in
//! `gradients.rs`, their inherent copies in `inherent.rs`.

use crate::activation::OutputKind;
use crate::network::{Network, Params};
use core::marker::PhantomData;

mod gradients;
mod inherent;

/// Network `A` followed by network `B` (B's input is A's `MID` outputs),
/// as one network: `forward` is `B(A(x))`, the gradient methods of
/// [`Differentiable`](crate::Differentiable) flow through both, B's declared loss (if it has one)
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
/// [`Trainable`](crate::Trainable) (`loss`, `backward`, `backward_batch`, `train_step`, so
/// `Fit` too) and [`LossInputGradient`](crate::LossInputGradient), through B's `backward` and its
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
