//! Tiny multilayer perceptrons declared inline and specialised at compile time.
//!
//! The [`network!`] macro turns a one-line declaration into a struct with
//! fixed-size weight arrays and straight-line forward and backward code:
//!
//! ```
//! use mlp::network;
//! use mlp::rand::SeedableRng;
//!
//! network! {
//!     /// Learns XOR.
//!     pub struct Xor<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>;
//! }
//!
//! let mut rng = mlp::rand::rngs::SmallRng::seed_from_u64(7);
//! let mut net = Xor::new(&mut rng);
//! let loss = net.train_step(&[1.0, 0.0], &[1.0], 0.5); // one SGD step
//! let y: [f32; 1] = net.forward(&[1.0, 0.0]);
//! assert!(loss > 0.0 && y[0] > 0.0 && y[0] < 1.0);
//! ```
//!
//! # The declaration
//!
//! `network! { ITEM* }`, each item `ATTR* VIS struct NAME<SPEC>;` where SPEC
//! is a comma-separated list:
//!
//! - `input N` — first, exactly once, N ≥ 1;
//! - `dense N ACT` — one or more, N ≥ 1, optionally followed by `frozen`;
//! - `loss LOSS` — optional, last; without it the network is inference-only.
//!
//! Activations: `linear`, `step`, `sign`, `softsign`, `sigmoid` (alias
//! `logistic`), `tanh`, `relu`, `softplus`, `gaussian` (e^(−h²)), `softmax`
//! (output layer only, N ≥ 2), `leaky_relu(α)`, `elu(α)` (α optional:
//! 0.01 and 1), `gelu` (exact, with erf), `silu` (alias `swish`). A
//! trailing `frozen` (`dense 16 tanh frozen`) keeps a layer fixed while the
//! others train. Losses, per sample:
//!
//! | name | formula | natural output |
//! |---|---|---|
//! | `mse` | (1/K) Σ_k (y_k − d_k)² | any |
//! | `sse` | ½ Σ_k (y_k − d_k)² | any |
//! | `bce` | −Σ_k [d_k ln y_k + (1 − d_k) ln(1 − y_k)] | `sigmoid` |
//! | `ce`  | −Σ_k d_k ln y_k | `softmax` (also `sigmoid`) |
//!
//! `#[scalar(f64)]` selects `f64` (the default is `f32`); doc comments and
//! other attributes pass through to the struct. A declaration that cannot
//! train (softmax with `bce`, `ce` on a `relu` output, `step` in a network
//! with a loss, ...) is a compile error saying why and what to write instead:
//!
//! ```compile_fail
//! mlp::network! { struct Bad<input 2, dense 3 softmax, loss bce>; }
//! ```
//!
//! # What a declaration generates
//!
//! For `pub struct Xor<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;`:
//!
//! - public fields `w1: [[f32; 2]; 2]`, `b1: [f32; 2]`, `w2: [[f32; 2]; 1]`,
//!   `b2: [f32; 1]`, where `w1[i][j]` is the weight from input `j` to unit
//!   `i` of layer 1, and nothing else; `Clone`, `Debug`, `PartialEq`;
//! - constants `INPUTS`, `OUTPUTS`, `PARAMS`;
//! - `new(&mut impl Rng)` (He or Glorot per layer, biases zero), `zeroed()`;
//! - `forward(&self, &[f32; 2]) -> [f32; 1]`;
//! - with a loss: `loss(&self, x, d)`, `backward(&self, x, d, &mut grad)`
//!   (adds the gradient into a buffer of the same type and returns the
//!   loss) and `train_step(&mut self, x, d, lr)` (one SGD step, returns the
//!   loss before it);
//! - implementations of [`Params`], [`Network`] and (with a loss)
//!   [`Trainable`], for generic code.
//!
//! Attributes of a declaration: `#[scalar(f64)]`; `#[unroll(always |
//! never | max_weights = N)]`; `#[flush_subnormals]` (inputs, activations
//! and supplied output gradients with subnormal values set to 0: see
//! [`realtime`]); `#[weights("file.safetensors")]`, which
//! bakes trained weights in as `pub const TRAINED: Self` (see [`weights`]);
//! and with it `#[quantize(NameI8, input = [LO..HI, ...])]` (repeatable,
//! optional `activations = i16`), which also generates `NameI8`, an
//! integer-only copy of the trained network for chips without an FPU:
//! `forward` over `i8`/`i16` codes computed with integer arithmetic only
//! (kernels in the runtime, not a public API), `quantize`/`dequantize`/`forward_f32`,
//! its scales and zero points, and `ERROR_BOUND`, a compile-time bound on
//! its distance from the float network over the input box (README,
//! "Integer networks for chips without an FPU").
//!
//! The output layer's δ is the closed form of its (activation, loss) pair —
//! `y − d` for sigmoid+bce and softmax+ce — and `bce`/`ce` are computed from
//! the pre-activations, so losses stay finite for any finite input. Nothing
//! allocates.
#![no_std]
#![warn(missing_docs)]

#[cfg(feature = "std")]
extern crate std;

pub use mlp_macros::network;
pub mod realtime;
pub use mlp_runtime::{activation, loss, optim, rand, simd, weights};
#[cfg(feature = "alloc")]
pub use mlp_runtime::{boxed, data, train};
pub use mlp_runtime::{
    Chain, Differentiable, LossInputGradient, LossKind, Network, Params, Scalar, Trainable,
    TrainableRanges,
};
// Also in their modules (`activation`, `weights`): one page each, there.
#[doc(no_inline)]
pub use mlp_runtime::{OutputKind, WeightsError};

#[doc(hidden)]
pub use mlp_runtime::__private;

/// The README's code blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
