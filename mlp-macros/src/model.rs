//! The resolved network: sizes as numbers, activations and losses as enums,
//! each with the span of the token it came from.
//!
//! `Network::from_ast` reports every problem it finds into the `Ctxt` and
//! carries on; it returns `None` only when no network can be assembled at
//! all (no `input`, or no dense layer), and then later stages are skipped.

use crate::ast::{Item, Spec};
use crate::ctxt::Ctxt;
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::{Attribute, Ident, Lit, LitInt, Visibility};

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

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Activation {
    Linear,
    Step,
    Sign,
    Softsign,
    Sigmoid,
    Tanh,
    Relu,
    Softplus,
    Gaussian,
    Softmax,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Loss {
    Mse,
    Sse,
    Bce,
    Ce,
}

impl Activation {
    /// Every name the declaration accepts, with what it means.
    pub const NAMES: &'static [(&'static str, Activation)] = &[
        ("linear", Activation::Linear),
        ("step", Activation::Step),
        ("sign", Activation::Sign),
        ("softsign", Activation::Softsign),
        ("sigmoid", Activation::Sigmoid),
        ("logistic", Activation::Sigmoid),
        ("tanh", Activation::Tanh),
        ("relu", Activation::Relu),
        ("softplus", Activation::Softplus),
        ("gaussian", Activation::Gaussian),
        ("softmax", Activation::Softmax),
    ];

    /// The canonical name, also the name of its runtime function.
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("?", |(n, _)| n)
    }

    /// Range of f, as the notes write it, for error messages.
    pub fn range(self) -> &'static str {
        match self {
            Activation::Linear => "(-inf, inf)",
            Activation::Step => "{0, 1}",
            Activation::Sign => "{-1, 1}",
            Activation::Softsign | Activation::Tanh => "(-1, 1)",
            Activation::Sigmoid | Activation::Softmax => "(0, 1)",
            Activation::Relu => "[0, inf)",
            Activation::Softplus => "(0, inf)",
            Activation::Gaussian => "(0, 1]",
        }
    }

    /// Whether He initialisation suits it (relu-like) rather than Glorot.
    pub fn relu_like(self) -> bool {
        matches!(self, Activation::Relu | Activation::Softplus)
    }
}

impl Loss {
    pub const NAMES: &'static [(&'static str, Loss)] = &[
        ("mse", Loss::Mse),
        ("sse", Loss::Sse),
        ("bce", Loss::Bce),
        ("ce", Loss::Ce),
    ];

    /// The canonical name.
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, l)| *l == self)
            .map_or("?", |(n, _)| n)
    }

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
    ];
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
}

pub struct Network {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    pub scalar: Scalar,
    /// Layers with at most this many weights are unrolled (`#[unroll(..)]`).
    pub unroll_max: usize,
    pub inputs: Spanned<usize>,
    pub layers: Vec<Layer>,
    pub loss: Option<Spanned<Loss>>,
    /// The declaration's `<` and `>`, for errors about the spec as a whole.
    pub spec_tokens: TokenStream,
}

impl Network {
    pub fn output(&self) -> &Layer {
        self.layers
            .last()
            .expect("a network has at least one dense layer")
    }

    /// Width of layer `l`'s input (layer 0 is the input).
    pub fn width_before(&self, l: usize) -> usize {
        if l == 1 {
            self.inputs.value
        } else {
            self.layers[l - 2].width.value
        }
    }

    /// Count of all weights and biases, saturating (checked against [`MAX_PARAMS`]).
    pub fn params(&self) -> usize {
        self.layers.iter().fold(0usize, |acc, layer| {
            let fan_in = self.width_before(layer.index);
            let n = layer.width.value;
            acc.saturating_add(n.saturating_mul(fan_in).saturating_add(n))
        })
    }

    pub fn from_ast(cx: &Ctxt, item: &Item) -> Option<Network> {
        let (scalar, attrs) = scalar_from_attrs(cx, &item.attrs);
        let (unroll_max, attrs) = unroll_from_attrs(cx, attrs);
        let (lt, gt) = (item.lt, item.gt);
        let spec_tokens = quote!(#lt #gt);
        let mut inputs: Option<Spanned<usize>> = None;
        let mut saw_input = false;
        let mut layers = Vec::new();
        let mut loss: Option<Spanned<Loss>> = None;
        let mut loss_spec: Option<&Spec> = None;
        for (pos, spec) in item.specs.iter().enumerate() {
            let kind = spec.kind.to_string();
            if let Some(prev) = loss_spec {
                if kind != "loss" {
                    cx.error_spanned_by(
                        prev.tokens(),
                        format!(
                            "`loss` must come last, after every dense layer\nhelp: move `{}` to the end of the list",
                            prev.tokens()
                        ),
                    );
                    loss_spec = None;
                }
            }
            match kind.as_str() {
                // input 2
                "input" => {
                    saw_input = true;
                    if let Some(size) = size_arg(cx, spec, "input N") {
                        if inputs.is_some() {
                            cx.error_spanned_by(
                                spec.tokens(),
                                "`input` is declared more than once\nhelp: a network has exactly one `input N`, first in the list",
                            );
                        } else if pos != 0 {
                            cx.error_spanned_by(
                                spec.tokens(),
                                "`input` must come first\nhelp: move `input N` to the start of the list",
                            );
                            inputs = Some(size);
                        } else {
                            inputs = Some(size);
                        }
                    }
                }
                // dense 4 relu
                "dense" => {
                    if let Some(layer) = dense_args(cx, spec, layers.len() + 1) {
                        layers.push(layer);
                    }
                }
                // loss bce
                "loss" => {
                    if loss.is_some() {
                        cx.error_spanned_by(
                            spec.tokens(),
                            "`loss` is declared more than once\nhelp: a network has at most one loss, last in the list",
                        );
                    } else if let Some(l) = loss_arg(cx, spec) {
                        loss = Some(l);
                    }
                    loss_spec = Some(spec);
                }
                other => {
                    let help = match closest(other, ["input", "dense", "loss"].into_iter()) {
                        Some(best) => format!("help: did you mean `{best}`?"),
                        None => {
                            "help: each entry is `input N`, `dense N activation` or `loss name`"
                                .to_owned()
                        }
                    };
                    cx.error_at(
                        spec.kind.span(),
                        format!("unknown layer kind `{other}`\n{help}"),
                    );
                }
            }
        }
        let Some(inputs) = inputs else {
            if saw_input {
                return None; // its size was reported as invalid
            }
            let at = item
                .specs
                .first()
                .map_or(spec_tokens.clone(), |s| s.kind.to_token_stream());
            cx.error_spanned_by(
                at,
                "missing `input N`\nhelp: the list starts with the number of inputs, as in `<input 2, dense 1 sigmoid>`",
            );
            return None;
        };
        if layers.is_empty() {
            if !cx.has_errors() {
                cx.error_spanned_by(
                    &spec_tokens,
                    "a network needs at least one `dense N activation` layer\nhelp: add the output layer, as in `dense 1 sigmoid`",
                );
            }
            return None;
        }
        Some(Network {
            attrs,
            vis: item.vis.clone(),
            ident: item.ident.clone(),
            scalar,
            unroll_max,
            inputs,
            layers,
            loss,
            spec_tokens,
        })
    }
}

/// Splits `#[scalar(..)]` from the attributes that pass through to the struct.
/// Splits `#[unroll(always | never | max_weights = N)]` from the rest.
///
/// By default layers with at most [`UNROLL_MAX_WEIGHTS`] weights are written
/// out statement by statement and larger ones become constant-bound loops;
/// the attribute moves that threshold for the whole network.
fn unroll_from_attrs(cx: &Ctxt, attrs: Vec<Attribute>) -> (usize, Vec<Attribute>) {
    const HELP: &str =
        "help: write `#[unroll(always)]`, `#[unroll(never)]` or `#[unroll(max_weights = 1024)]`";
    let mut max = UNROLL_MAX_WEIGHTS;
    let mut rest = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("unroll") {
            rest.push(attr);
            continue;
        }
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("always") {
                max = usize::MAX;
            } else if meta.path.is_ident("never") {
                max = 0;
            } else if meta.path.is_ident("max_weights") {
                let lit: LitInt = meta.value()?.parse()?;
                max = lit.base10_parse()?;
            } else {
                return Err(meta.error(format!("unknown unroll setting\n{HELP}")));
            }
            Ok(())
        });
        if let Err(e) = parsed {
            let msg = e.to_string();
            let msg = if msg.contains("help:") {
                msg
            } else {
                format!("{msg}\n{HELP}")
            };
            cx.error_at(e.span(), msg);
        }
    }
    (max, rest)
}

fn scalar_from_attrs(cx: &Ctxt, attrs: &[Attribute]) -> (Scalar, Vec<Attribute>) {
    let mut scalar = Scalar::F32;
    let mut seen = false;
    let mut rest = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("scalar") {
            // `#[scalr(f64)]` would otherwise reach the struct and fail as an
            // unknown attribute with no hint.
            if let Some(name) = attr.path().get_ident() {
                let text = name.to_string();
                if text != "scalar" && edit_distance(&text, "scalar") <= 2 {
                    cx.error_at(
                        name.span(),
                        format!("unknown attribute `{text}`\nhelp: did you mean `#[scalar(f32)]` or `#[scalar(f64)]`?"),
                    );
                    continue;
                }
            }
            rest.push(attr.clone());
            continue;
        }
        if seen {
            cx.error_spanned_by(attr, "`#[scalar(..)]` is given more than once");
        }
        seen = true;
        match attr.parse_args::<Ident>() {
            Ok(ty) if ty == "f32" => scalar = Scalar::F32,
            Ok(ty) if ty == "f64" => scalar = Scalar::F64,
            Ok(ty) => cx.error_at(
                ty.span(),
                format!("unsupported scalar type `{ty}`\nhelp: use `#[scalar(f32)]` (the default) or `#[scalar(f64)]`"),
            ),
            Err(_) => cx.error_spanned_by(
                attr,
                "expected `#[scalar(f32)]` or `#[scalar(f64)]`\nhelp: the scalar attribute takes one type name",
            ),
        }
    }
    (scalar, rest)
}

/// `N` in `input N`; reports and returns `None` if it is not a valid size.
fn size_arg(cx: &Ctxt, spec: &Spec, syntax: &str) -> Option<Spanned<usize>> {
    let Some(first) = spec.args.first() else {
        cx.error_at(
            spec.kind.span(),
            format!("`{}` needs a size\nhelp: write `{syntax}`", spec.kind),
        );
        return None;
    };
    let size = parse_size(cx, first)?;
    if let Some(extra) = spec.args.get(1) {
        extra_tokens(cx, spec, 1, extra, syntax);
    }
    Some(size)
}

/// `N ACT` in `dense N ACT`.
fn dense_args(cx: &Ctxt, spec: &Spec, index: usize) -> Option<Layer> {
    const SYNTAX: &str = "dense N activation";
    let Some(first) = spec.args.first() else {
        cx.error_at(
            spec.kind.span(),
            format!("`dense` needs a size and an activation\nhelp: write `{SYNTAX}`, as in `dense 4 relu`"),
        );
        return None;
    };
    let width = parse_size(cx, first);
    let activation = match spec.args.get(1) {
        Some(TokenTree::Ident(name)) => activation_from_ident(cx, name),
        Some(other) => {
            cx.error_spanned_by(
                other,
                format!(
                    "expected an activation name after the size\nhelp: one of {}",
                    names(Activation::NAMES)
                ),
            );
            None
        }
        None => {
            cx.error_spanned_by(
                spec.tokens(),
                format!("`dense` needs an activation after its size\nhelp: write `{SYNTAX}`; activations: {}", names(Activation::NAMES)),
            );
            None
        }
    };
    if let Some(extra) = spec.args.get(2) {
        extra_tokens(cx, spec, 2, extra, SYNTAX);
    }
    Some(Layer {
        index,
        width: width?,
        activation: activation?,
    })
}

/// `NAME` in `loss NAME`.
fn loss_arg(cx: &Ctxt, spec: &Spec) -> Option<Spanned<Loss>> {
    let loss = match spec.args.first() {
        Some(TokenTree::Ident(name)) => {
            let text = name.to_string();
            let found = Loss::NAMES.iter().find(|(n, _)| *n == text);
            if found.is_none() {
                match Loss::ALIASES
                    .iter()
                    .find(|(alias, _)| text.eq_ignore_ascii_case(alias))
                {
                    Some((_, name_here)) => cx.error_at(
                        name.span(),
                        format!("unknown loss `{text}`\nhelp: this crate calls it `{name_here}`"),
                    ),
                    None => unknown_name(cx, name, "loss", Loss::NAMES),
                }
            }
            found.map(|&(_, value)| Spanned {
                value,
                span: name.span(),
            })
        }
        Some(other) => {
            cx.error_spanned_by(
                other,
                format!("expected a loss name\nhelp: one of {}", names(Loss::NAMES)),
            );
            None
        }
        None => {
            cx.error_at(
                spec.kind.span(),
                format!(
                    "`loss` needs a name\nhelp: write `loss NAME`, one of {}",
                    names(Loss::NAMES)
                ),
            );
            None
        }
    };
    if let Some(extra) = spec.args.get(1) {
        extra_tokens(cx, spec, 1, extra, "loss name");
    }
    loss
}

fn activation_from_ident(cx: &Ctxt, name: &Ident) -> Option<Spanned<Activation>> {
    let text = name.to_string();
    let found = Activation::NAMES.iter().find(|(n, _)| *n == text);
    if found.is_none() {
        unknown_name(cx, name, "activation", Activation::NAMES);
    }
    found.map(|&(_, value)| Spanned {
        value,
        span: name.span(),
    })
}

fn unknown_name<T>(cx: &Ctxt, name: &Ident, what: &str, table: &[(&str, T)]) {
    let text = name.to_string();
    let help = match closest(&text, table.iter().map(|(n, _)| *n)) {
        Some(best) => format!("help: did you mean `{best}`? valid names: {}", names(table)),
        None => format!("help: valid names: {}", names(table)),
    };
    cx.error_at(name.span(), format!("unknown {what} `{text}`\n{help}"));
}

/// A size: a plain integer literal.
fn parse_size(cx: &Ctxt, token: &TokenTree) -> Option<Spanned<usize>> {
    const NOT_A_SIZE: &str = "expected a size (an integer literal such as `4`)\nhelp: sizes must be written as literals; constants and expressions are not supported";
    // `LitInt::from(Literal)` panics on other literal kinds: go through `Lit`.
    let lit = match token {
        TokenTree::Literal(lit) => syn::parse2::<Lit>(TokenTree::Literal(lit.clone()).into()).ok(),
        _ => None,
    };
    let Some(Lit::Int(lit)) = lit else {
        cx.error_spanned_by(token, NOT_A_SIZE);
        return None;
    };
    if !(lit.suffix().is_empty() || lit.suffix() == "usize") {
        cx.error_at(
            lit.span(),
            format!("unexpected suffix `{}` on a size\nhelp: write the size as a plain integer, as in `4`", lit.suffix()),
        );
        return None;
    }
    match lit.base10_parse::<usize>() {
        Ok(value) => Some(Spanned {
            value,
            span: lit.span(),
        }),
        Err(_) => {
            cx.error_at(lit.span(), format!("size `{lit}` does not fit in a `usize`\nhelp: layers may have at most {MAX_WIDTH} units"));
            None
        }
    }
}

/// Reports tokens after a spec's arguments; recognises a missing comma.
fn extra_tokens(cx: &Ctxt, spec: &Spec, from: usize, extra: &TokenTree, syntax: &str) {
    let rest: proc_macro2::TokenStream = spec.args[from..].iter().cloned().collect();
    match extra {
        TokenTree::Ident(id) if ["input", "dense", "loss"].contains(&id.to_string().as_str()) => cx
            .error_at(
                id.span(),
                format!("expected `,` before `{id}`\nhelp: separate the layers with commas"),
            ),
        _ => cx.error_spanned_by(
            rest,
            format!("unexpected tokens after `{syntax}`\nhelp: write `{syntax}`"),
        ),
    }
}

/// "`a`, `b`, `c`" for a help line.
fn names<T>(table: &[(&str, T)]) -> String {
    let list: Vec<String> = table.iter().map(|(n, _)| format!("`{n}`")).collect();
    list.join(", ")
}

/// The candidate nearest to `word` by edit distance, if near enough to be a typo.
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .map(|c| (edit_distance(&word, c), c))
        .filter(|&(d, c)| {
            d <= (c.len().max(word.len()) / 3).max(1) || c.starts_with(&word) || word.starts_with(c)
        })
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance, counting an adjacent swap as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_name() {
        let acts = || Activation::NAMES.iter().map(|(n, _)| *n);
        assert_eq!(closest("rleu", acts()), Some("relu"));
        assert_eq!(closest("sigmod", acts()), Some("sigmoid"));
        assert_eq!(closest("Tanh", acts()), Some("tanh"));
        assert_eq!(closest("softmx", acts()), Some("softmax"));
        assert_eq!(closest("banana", acts()), None);
        assert_eq!(
            closest("dens", ["input", "dense", "loss"].into_iter()),
            Some("dense")
        );
    }

    #[test]
    fn edit_distance_counts_swaps_once() {
        assert_eq!(edit_distance("relu", "rleu"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
