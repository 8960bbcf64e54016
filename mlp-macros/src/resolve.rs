//! From syntax to model: sizes parsed, names looked up in the tables of
//! `model.rs`. Every problem is reported into the `Ctxt` and resolution
//! carries on, so one build lists every mistake (serde_derive's "parse
//! strictly, resolve loosely"). The order and repetition of specs are rules
//! of `check.rs`; here the first `input` and the first `loss` are taken.

use crate::ast::{kw, Item, Spec};
use crate::attrs;
use crate::ctxt::Ctxt;
use crate::model::{Activation, Layer, Loss, Network, Spanned, MAX_WIDTH};
use crate::suggest::{backticked, closest, unknown_name};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::{Ident, Lit};

/// The network an item declares, or `None` when none can be assembled (no
/// valid `input`, or no dense layer); the reason has been reported.
pub fn network(cx: &Ctxt, item: &Item) -> Option<Network> {
    let attrs = attrs::from_ast(cx, &item.attrs);
    let (lt, gt) = (item.lt, item.gt);
    let spec_tokens = quote!(#lt #gt);
    let specs = specs(cx, &item.specs);
    let inputs = require_input(cx, item, specs.inputs, &spec_tokens)?;
    if specs.layers.is_empty() {
        if !cx.has_errors() {
            cx.error_spanned_by(
                &spec_tokens,
                "a network needs at least one `dense N activation` layer\nhelp: add the output layer, as in `dense 1 sigmoid`",
            );
        }
        return None;
    }
    Some(Network {
        attrs: attrs.rest,
        vis: item.vis.clone(),
        ident: item.ident.clone(),
        scalar: attrs.scalar,
        unroll_max: attrs.unroll_max,
        weights: attrs.weights,
        quantize: attrs.quantize,
        flush_subnormals: attrs.flush_subnormals,
        inputs,
        layers: specs.layers,
        loss: specs.loss.flatten().map(|(loss, _)| loss),
        loss_param: specs.loss.flatten().and_then(|(_, param)| param),
        spec_tokens,
    })
}

/// What the specs say, each part `None` where it was missing and
/// `Some(None)` where it was present but invalid (and reported).
struct Specs {
    inputs: Option<Option<Spanned<usize>>>,
    layers: Vec<Layer>,
    loss: Option<Option<(Spanned<Loss>, Option<f64>)>>,
}

fn specs(cx: &Ctxt, specs: &[Spec]) -> Specs {
    let mut out = Specs {
        inputs: None,
        layers: Vec::new(),
        loss: None,
    };
    for spec in specs {
        if spec.is(kw::INPUT) {
            // input 2
            let size = size_arg(cx, spec, "input N");
            out.inputs = out.inputs.or(Some(size));
        } else if spec.is(kw::DENSE) {
            // dense 4 relu
            if let Some(layer) = dense_args(cx, spec, out.layers.len() + 1) {
                out.layers.push(layer);
            }
        } else if spec.is(kw::LOSS) {
            // loss bce
            let name = loss_arg(cx, spec);
            out.loss = out.loss.or(Some(name));
        } else {
            unknown_kind(cx, &spec.kind);
        }
    }
    out
}

/// The input size; reports a missing `input N` (an invalid one was
/// reported where it was parsed).
fn require_input(
    cx: &Ctxt,
    item: &Item,
    inputs: Option<Option<Spanned<usize>>>,
    spec_tokens: &TokenStream,
) -> Option<Spanned<usize>> {
    if let Some(size) = inputs {
        return size;
    }
    let at = item
        .specs
        .first()
        .map_or(spec_tokens.clone(), |s| s.kind.to_token_stream());
    cx.error_spanned_by(
        at,
        "missing `input N`\nhelp: the list starts with the number of inputs, as in `<input 2, dense 1 sigmoid>`",
    );
    None
}

fn unknown_kind(cx: &Ctxt, kind: &Ident) {
    let text = kind.to_string();
    let help = match closest(&text, kw::ALL.into_iter()) {
        Some(best) => format!("help: did you mean `{best}`?"),
        None => "help: each entry is `input N`, `dense N activation` or `loss name`".to_owned(),
    };
    cx.error_at(kind.span(), format!("unknown layer kind `{text}`\n{help}"));
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
    extra_tokens(cx, spec, 1, syntax);
    Some(size)
}

/// `N ACT[(α)] [frozen]` in `dense N ACT`.
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
    let all = || backticked(Activation::all_names());
    let activation = match spec.args.get(1) {
        Some(TokenTree::Ident(name)) => activation_from_ident(cx, name),
        Some(other) => {
            let msg = format!(
                "expected an activation name after the size\nhelp: one of {}",
                all()
            );
            cx.error_spanned_by(other, msg);
            None
        }
        None => {
            let msg = format!("`dense` needs an activation after its size\nhelp: write `{SYNTAX}`; activations: {}", all());
            cx.error_spanned_by(spec.tokens(), msg);
            None
        }
    };
    let mut next = 2;
    let param = activation.and_then(|act| {
        let group = match spec.args.get(next) {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => Some(g),
            _ => None,
        };
        next += usize::from(group.is_some());
        activation_param(cx, act, group)
    });
    let frozen = match spec.args.get(next) {
        Some(TokenTree::Ident(id)) if id == "frozen" => {
            next += 1;
            Some(id.span())
        }
        _ => None,
    };
    extra_tokens(cx, spec, next, SYNTAX);
    Some(Layer {
        index,
        width: width?,
        activation: activation?,
        param: param.unwrap_or(None),
        frozen,
    })
}

/// The α of `leaky_relu(0.2)`: `Some(None)` for an activation without a
/// parameter, `Some(Some(default))` for a parametric one written bare, and
/// `None` after reporting a bad parameter.
fn activation_param(
    cx: &Ctxt,
    act: Spanned<Activation>,
    group: Option<&proc_macro2::Group>,
) -> Option<Option<f64>> {
    let name = act.value.name();
    let default = act.value.row().param;
    let Some(group) = group else {
        return Some(default);
    };
    let Some(default) = default else {
        cx.error_spanned_by(
            group,
            format!("`{name}` takes no parameter\nhelp: write `{name}`; of the activations only `leaky_relu(α)` and `elu(α)` take one"),
        );
        return None;
    };
    let what = format!("`{name}`'s parameter α");
    let example = format!("{name}({default:?})");
    let bare = format!("`{name}` alone for α = {default:?}");
    positive_literal(cx, group, &what, &example, &bare).map(Some)
}

/// `NAME` in `loss NAME`, with `huber`'s optional `(δ)`.
fn loss_arg(cx: &Ctxt, spec: &Spec) -> Option<(Spanned<Loss>, Option<f64>)> {
    let all = || backticked(Loss::all_names());
    let loss = match spec.args.first() {
        Some(TokenTree::Ident(name)) => loss_from_ident(cx, name),
        Some(other) => {
            cx.error_spanned_by(
                other,
                format!("expected a loss name\nhelp: one of {}", all()),
            );
            None
        }
        None => {
            let msg = format!(
                "`loss` needs a name\nhelp: write `loss NAME`, one of {}",
                all()
            );
            cx.error_at(spec.kind.span(), msg);
            None
        }
    };
    let group = match spec.args.get(1) {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => Some(g),
        _ => None,
    };
    extra_tokens(cx, spec, 1 + usize::from(group.is_some()), "loss name");
    let loss = loss?;
    let param = match (loss.value, group) {
        (Loss::Huber, None) => Some(1.0),
        (Loss::Huber, Some(group)) => Some(positive_literal(
            cx,
            group,
            "`huber`'s δ",
            "huber(1.0)",
            "`huber` alone for δ = 1",
        )?),
        (_, None) => None,
        (other, Some(group)) => {
            let name = other.name();
            cx.error_spanned_by(group, format!("`{name}` takes no parameter\nhelp: write `loss {name}`; of the losses only `huber(δ)` takes one"));
            return None;
        }
    };
    Some((loss, param))
}

/// A positive, finite number literal in `group`, as in `(0.5)`; errors say
/// `what` must be one, with `example` and `bare` in the help line.
fn positive_literal(
    cx: &Ctxt,
    group: &proc_macro2::Group,
    what: &str,
    example: &str,
    bare: &str,
) -> Option<f64> {
    let help = format!("help: write a positive number, as in `{example}`, or {bare}");
    let tokens: Vec<TokenTree> = group.stream().into_iter().collect();
    let (negative, lit) = match tokens.as_slice() {
        [TokenTree::Literal(l)] => (false, l),
        [TokenTree::Punct(p), TokenTree::Literal(l)] if p.as_char() == '-' => (true, l),
        _ => {
            cx.error_spanned_by(group, format!("{what} must be a number literal\n{help}"));
            return None;
        }
    };
    let value = match syn::parse2::<Lit>(TokenTree::Literal(lit.clone()).into()) {
        Ok(Lit::Float(f)) => f.base10_parse::<f64>().ok(),
        Ok(Lit::Int(i)) => i.base10_parse::<u32>().ok().map(f64::from),
        _ => None,
    };
    match value.map(|v| if negative { -v } else { v }) {
        Some(v) if v > 0.0 && v.is_finite() => Some(v),
        Some(v) => {
            cx.error_spanned_by(group, format!("{what} must be positive, not {v:?}\n{help}"));
            None
        }
        None => {
            cx.error_spanned_by(group, format!("{what} must be a number literal\n{help}"));
            None
        }
    }
}

fn loss_from_ident(cx: &Ctxt, name: &Ident) -> Option<Spanned<Loss>> {
    let text = name.to_string();
    let found = Loss::from_name(&text);
    if found.is_none() {
        let alias = Loss::ALIASES
            .iter()
            .find(|(alias, _)| text.eq_ignore_ascii_case(alias));
        match alias {
            Some((_, name_here)) => cx.error_at(
                name.span(),
                format!("unknown loss `{text}`\nhelp: this crate calls it `{name_here}`"),
            ),
            None => unknown_name(cx, name, "loss", Loss::all_names()),
        }
    }
    found.map(|value| Spanned {
        value,
        span: name.span(),
    })
}

fn activation_from_ident(cx: &Ctxt, name: &Ident) -> Option<Spanned<Activation>> {
    let found = Activation::from_name(&name.to_string());
    if found.is_none() {
        unknown_name(cx, name, "activation", Activation::all_names());
    }
    found.map(|value| Spanned {
        value,
        span: name.span(),
    })
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

/// Reports tokens from `spec.args[from]` on; recognises a missing comma.
fn extra_tokens(cx: &Ctxt, spec: &Spec, from: usize, syntax: &str) {
    let Some(extra) = spec.args.get(from) else {
        return;
    };
    match extra {
        TokenTree::Ident(id) if kw::ALL.iter().any(|k| id == k) => cx.error_at(
            id.span(),
            format!("expected `,` before `{id}`\nhelp: separate the layers with commas"),
        ),
        _ => {
            let rest: TokenStream = spec.args[from..].iter().cloned().collect();
            let frozen = if spec.is(kw::DENSE) {
                ", and `frozen` after it to keep the layer's weights fixed"
            } else {
                ""
            };
            cx.error_spanned_by(
                rest,
                format!("unexpected tokens after `{syntax}`\nhelp: write `{syntax}`{frozen}"),
            );
        }
    }
}
