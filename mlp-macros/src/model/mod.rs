//! The resolved network: sizes as numbers, activations and losses as enums,
//! each with the span of the token it came from. `resolve.rs` builds it
//! from the syntax tree; `check.rs` and `expand/` read it.
//!
//! Each activation and each loss is described once, by a row of
//! [`ACTIVATIONS`] or [`LOSSES`]: its names, its range, its runtime type.

use proc_macro2::{Span, TokenStream};
use syn::{Attribute, Ident, Visibility};

/// Layers with at most this many weights are unrolled by default (see
/// BENCHMARKS.md: past a few hundred weights loops are as fast and compile
/// in a fraction of the time).
pub const UNROLL_MAX_WEIGHTS: usize = 256;

/// The largest width accepted for one layer. A 784-wide input or a layer of
/// a few thousand units is plausible for a network whose weights live in a
/// struct; past this the struct is unreasonable and compile times explode.
pub const MAX_WIDTH: usize = 65_536;

/// The largest parameter count accepted for one network: 16 Mi scalars,
/// 64 MiB in f32. Larger networks belong in a heap-allocated framework.
pub const MAX_PARAMS: usize = 1 << 24;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scalar {
    F32,
    F64,
}

impl Scalar {
    /// Bytes per value.
    pub fn bytes(self) -> usize {
        match self {
            Scalar::F32 => 4,
            Scalar::F64 => 8,
        }
    }

    /// The Rust type, as written in `#[scalar(..)]`.
    pub fn name(self) -> &'static str {
        match self {
            Scalar::F32 => "f32",
            Scalar::F64 => "f64",
        }
    }
}

/// The code type of an integer network's activations (`#[quantize(..,
/// activations = i16)]`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Code {
    I8,
    I16,
}

impl Code {
    pub fn name(self) -> &'static str {
        match self {
            Code::I8 => "i8",
            Code::I16 => "i16",
        }
    }
    pub fn min(self) -> i64 {
        match self {
            Code::I8 => -128,
            Code::I16 => -32768,
        }
    }
    pub fn max(self) -> i64 {
        match self {
            Code::I8 => 127,
            Code::I16 => 32767,
        }
    }
    /// Fraction bits of lookup-table entries (mlp-runtime's `Code::TABLE_BITS`).
    pub fn table_bits(self) -> u32 {
        match self {
            Code::I8 => 8,
            Code::I16 => 0,
        }
    }
}

/// One `#[quantize(Name, input = [..], activations = ..)]`.
pub struct Quantize {
    pub ident: Ident,
    pub code: Code,
    /// The ranges as written: one per input, or one for all.
    pub ranges: Spanned<Vec<Spanned<(f64, f64)>>>,
    /// The whole attribute, for errors about it.
    pub attr: TokenStream,
}

/// How a layer's weights start out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Init {
    /// He uniform, for relu-like activations.
    He,
    /// Glorot uniform, for the rest.
    Glorot,
}

/// Everything the macro knows about one activation.
pub struct ActivationRow {
    pub activation: Activation,
    /// The canonical name first, then aliases.
    pub names: &'static [&'static str],
    /// The zero-sized type in `mlp::__private` that computes it.
    pub runtime: &'static str,
    /// Range of f, as the notes write it, for error messages.
    pub range: &'static str,
    pub init: Init,
    /// For a parametric activation, the default of its parameter α
    /// (`leaky_relu` alone means `leaky_relu(0.01)`).
    pub param: Option<f64>,
}

/// Defines [`Activation`] and [`ACTIVATIONS`] from one list, in one order,
/// so every variant has exactly one row (`Activation::row` indexes by the
/// discriminant; there is no fallback to miss a row with).
macro_rules! activations {
    ($( $variant:ident: [$($name:literal),+], $runtime:literal, $range:literal, $init:ident $(, alpha $alpha:literal)?; )*) => {
        /// An activation of the language: one per row of [`ACTIVATIONS`].
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub enum Activation {
            $($variant),*
        }

        /// The activations of the language, in [`Activation`]'s order.
        pub const ACTIVATIONS: &[ActivationRow] = &[$(
            ActivationRow {
                activation: Activation::$variant,
                names: &[$($name),+],
                runtime: $runtime,
                range: $range,
                init: Init::$init,
                param: activations!(@alpha $($alpha)?),
            }
        ),*];
    };
    (@alpha) => { None };
    (@alpha $alpha:literal) => { Some($alpha) };
}

// The one place an activation is declared. Adding one: a line here, a type
// of that `runtime` name in mlp-runtime's `activation/` (re-exported by
// `__private`), and its arms wherever the compiler then points (the
// quantiser's `quant/act.rs` matches are exhaustive). ARCHITECTURE.md,
// "Adding things", has the list; `model::tests` fails if a test list
// misses a row.
#[rustfmt::skip] // one row per line, read as a table
activations! {
    // variant  names                     runtime      range            init    (default α)
    Linear:    ["linear"],              "Linear",    "(-inf, inf)",   Glorot;
    Step:      ["step"],                "Step",      "{0, 1}",        Glorot;
    Sign:      ["sign"],                "Sign",      "{-1, 1}",       Glorot;
    Softsign:  ["softsign"],            "Softsign",  "(-1, 1)",       Glorot;
    Sigmoid:   ["sigmoid", "logistic"], "Sigmoid",   "(0, 1)",        Glorot;
    Tanh:      ["tanh"],                "Tanh",      "(-1, 1)",       Glorot;
    Relu:      ["relu"],                "Relu",      "[0, inf)",      He;
    Softplus:  ["softplus"],            "Softplus",  "(0, inf)",      He;
    Gaussian:  ["gaussian"],            "Gaussian",  "(0, 1]",        Glorot;
    Softmax:   ["softmax"],             "Softmax",   "(0, 1)",        Glorot;
    LeakyRelu: ["leaky_relu"],          "LeakyRelu", "(-inf, inf)",   He, alpha 0.01;
    Elu:       ["elu"],                 "Elu",       "(-alpha, inf)", He, alpha 1.0;
    Gelu:      ["gelu"],                "Gelu",      "[-0.17, inf)",  He;
    Silu:      ["silu", "swish"],       "Silu",      "[-0.28, inf)",  He;
}

impl Activation {
    /// This activation's row of [`ACTIVATIONS`].
    pub fn row(self) -> &'static ActivationRow {
        &ACTIVATIONS[self as usize]
    }

    /// The runtime's `OutputKind` variant of a layer of this activation:
    /// what `<Act as Activation>::OUTPUT_KIND` is (`model::tests` checks it
    /// against the runtime's types).
    pub fn output_kind(self) -> &'static str {
        match self {
            Activation::Sigmoid => "Probabilities",
            Activation::Softmax => "Distribution",
            _ => "Values",
        }
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        self.row().names[0]
    }

    /// Every name the declaration accepts, aliases included.
    pub fn all_names() -> impl Iterator<Item = &'static str> + Clone {
        ACTIVATIONS.iter().flat_map(|r| r.names.iter().copied())
    }

    /// The activation a name stands for.
    pub fn from_name(name: &str) -> Option<Activation> {
        ACTIVATIONS
            .iter()
            .find(|r| r.names.contains(&name))
            .map(|r| r.activation)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Loss {
    Mse,
    Sse,
    Bce,
    Ce,
    Huber,
}

/// Everything the macro knows about one loss.
pub struct LossRow {
    pub loss: Loss,
    pub name: &'static str,
    /// The runtime's `LossKind` variant.
    pub kind: &'static str,
}

/// The losses of the language. Adding one is a row here, a `LossKind`
/// variant in mlp-runtime, and its pairs in `rules.rs`.
pub const LOSSES: &[LossRow] = &[
    LossRow {
        loss: Loss::Mse,
        name: "mse",
        kind: "Mse",
    },
    LossRow {
        loss: Loss::Sse,
        name: "sse",
        kind: "Sse",
    },
    LossRow {
        loss: Loss::Bce,
        name: "bce",
        kind: "Bce",
    },
    LossRow {
        loss: Loss::Ce,
        name: "ce",
        kind: "Ce",
    },
    LossRow {
        loss: Loss::Huber,
        name: "huber",
        kind: "Huber",
    },
];

impl Loss {
    /// Names other libraries use, for the help line.
    pub const ALIASES: &'static [(&'static str, &'static str)] = &[
        ("binary_crossentropy", "bce"),
        ("binary_cross_entropy", "bce"),
        ("bce_with_logits", "bce"),
        ("log_loss", "bce"),
        ("logloss", "bce"),
        ("cross_entropy", "ce"),
        ("crossentropy", "ce"),
        ("categorical_crossentropy", "ce"),
        ("categorical_cross_entropy", "ce"),
        ("nll", "ce"),
        ("mean_squared_error", "mse"),
        ("l2", "mse"),
        ("quadratic", "sse"),
        ("squared", "sse"),
        ("smooth_l1", "huber"),
        ("huber_loss", "huber"),
    ];

    /// This loss's row of [`LOSSES`].
    pub fn row(self) -> &'static LossRow {
        LOSSES.iter().find(|r| r.loss == self).unwrap_or(&LOSSES[0]) // every variant has a row (tested)
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// Every name the declaration accepts.
    pub fn all_names() -> impl Iterator<Item = &'static str> + Clone {
        LOSSES.iter().map(|r| r.name)
    }

    /// The loss a name stands for.
    pub fn from_name(name: &str) -> Option<Loss> {
        LOSSES.iter().find(|r| r.name == name).map(|r| r.loss)
    }
}

/// A value with the span of the token that gave it.
#[derive(Clone, Copy, Debug)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

pub struct Layer {
    /// 1-based, as in W^l.
    pub index: usize,
    pub width: Spanned<usize>,
    pub activation: Spanned<Activation>,
    /// The activation's parameter α, for the parametric ones (the default
    /// where the declaration gives none).
    pub param: Option<f64>,
    /// `frozen`: the span of the keyword. Training leaves the layer's
    /// weights as they are.
    pub frozen: Option<Span>,
}

impl Layer {
    /// The activation as written canonically: `relu`, `leaky_relu(0.2)`.
    pub fn activation_text(&self) -> String {
        let name = self.activation.value.name();
        match self.param {
            Some(alpha) => format!("{name}({alpha:?})"),
            None => name.to_owned(),
        }
    }
}

pub struct Network {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    pub scalar: Scalar,
    /// Layers with at most this many weights are unrolled (`#[unroll(..)]`).
    pub unroll_max: usize,
    /// `#[weights("..")]`: the file to bake in as `TRAINED`.
    pub weights: Option<syn::LitStr>,
    /// `#[quantize(..)]`: integer versions to generate from the baked weights.
    pub quantize: Vec<Quantize>,
    /// `#[flush_subnormals]`: inputs, activations and supplied output
    /// gradients with subnormal values set to 0.
    pub flush_subnormals: bool,
    pub inputs: Spanned<usize>,
    pub layers: Vec<Layer>,
    pub loss: Option<Spanned<Loss>>,
    /// The loss's parameter: δ of `huber(δ)` (1 when written bare).
    pub loss_param: Option<f64>,
    /// The declaration's `<` and `>`, for errors about the spec as a whole.
    pub spec_tokens: TokenStream,
}

impl Network {
    pub fn output(&self) -> &Layer {
        // `resolve::network` never builds a network without a dense layer.
        &self.layers[self.layers.len() - 1]
    }

    /// Width of layer `l`'s input (layer 0 is the input).
    pub fn width_before(&self, l: usize) -> usize {
        if l == 1 {
            self.inputs.value
        } else {
            self.layers[l - 2].width.value
        }
    }

    /// Whether layer `l` is written out statement by statement (its weights
    /// are few enough) rather than as constant-bound loops. Every emitter
    /// that touches layer `l` — its sums, its activation, its δ, its update —
    /// asks this one question.
    pub fn unrolled(&self, l: usize) -> bool {
        self.width_before(l) * self.layers[l - 1].width.value <= self.unroll_max
    }

    /// The lowest layer that trains (not `frozen`): δ is computed from the
    /// output down to it and no further.
    pub fn lowest_trainable(&self) -> usize {
        self.layers
            .iter()
            .find(|l| l.frozen.is_none())
            .map_or(self.layers.len() + 1, |l| l.index)
    }

    /// Whether every layer has a useful derivative (no `step`/`sign`), so
    /// the gradient methods (`backward_from`, ...) exist.
    pub fn differentiable(&self) -> bool {
        self.layers
            .iter()
            .all(|l| !matches!(l.activation.value, Activation::Step | Activation::Sign))
    }

    /// Count of all weights and biases, saturating (checked against [`MAX_PARAMS`]).
    pub fn params(&self) -> usize {
        self.layers.iter().fold(0usize, |acc, layer| {
            let fan_in = self.width_before(layer.index);
            let n = layer.width.value;
            acc.saturating_add(n.saturating_mul(fan_in).saturating_add(n))
        })
    }

    /// Each layer's (units, inputs).
    pub fn layer_shapes(&self) -> Vec<(usize, usize)> {
        self.layers
            .iter()
            .map(|l| (l.width.value, self.width_before(l.index)))
            .collect()
    }

    /// The declaration as written, canonically: `input 2, dense 4 tanh,
    /// dense 1 sigmoid, loss bce`.
    pub fn declaration(&self) -> String {
        let mut parts = vec![format!("input {}", self.inputs.value)];
        for layer in &self.layers {
            let frozen = if layer.frozen.is_some() {
                " frozen"
            } else {
                ""
            };
            parts.push(format!(
                "dense {} {}{frozen}",
                layer.width.value,
                layer.activation_text()
            ));
        }
        match (self.loss, self.loss_param) {
            (Some(loss), Some(p)) => parts.push(format!("loss {}({p:?})", loss.value.name())),
            (Some(loss), None) => parts.push(format!("loss {}", loss.value.name())),
            (None, _) => {}
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests;
