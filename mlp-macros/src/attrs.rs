//! The declaration's own attributes, split from those that pass through to
//! the struct: `#[scalar(f32 | f64)]`, `#[unroll(..)]`, `#[weights("..")]`,
//! `#[quantize(..)]` and `#[flush_subnormals]`.

use crate::ctxt::Ctxt;
use crate::model::{Code, Quantize, Scalar, Spanned, UNROLL_MAX_WEIGHTS};
use crate::suggest::{closest, edit_distance};
use quote::ToTokens;
use syn::parse::ParseStream;
use syn::{Attribute, Ident, LitInt, LitStr, Token};

/// What the attributes say, and the attributes left for the struct.
pub struct Attrs {
    pub scalar: Scalar,
    pub unroll_max: usize,
    /// `#[weights("file.safetensors")]`: the path as written.
    pub weights: Option<LitStr>,
    /// Each `#[quantize(..)]`, in order.
    pub quantize: Vec<Quantize>,
    /// `#[flush_subnormals]` was given.
    pub flush_subnormals: bool,
    pub rest: Vec<Attribute>,
}

pub fn from_ast(cx: &Ctxt, attrs: &[Attribute]) -> Attrs {
    let mut out = Attrs {
        scalar: Scalar::F32,
        unroll_max: UNROLL_MAX_WEIGHTS,
        weights: None,
        quantize: Vec::new(),
        flush_subnormals: false,
        rest: Vec::new(),
    };
    let mut seen_scalar = false;
    for attr in attrs {
        if attr.path().is_ident("scalar") {
            if seen_scalar {
                cx.error_spanned_by(attr, "`#[scalar(..)]` is given more than once");
            }
            seen_scalar = true;
            out.scalar = scalar(cx, attr).unwrap_or(out.scalar);
        } else if attr.path().is_ident("unroll") {
            out.unroll_max = unroll(cx, attr).unwrap_or(out.unroll_max);
        } else if attr.path().is_ident("weights") {
            if out.weights.is_some() {
                cx.error_spanned_by(attr, "`#[weights(..)]` is given more than once\nhelp: a network is baked from one file");
            }
            out.weights = weights(cx, attr).or(out.weights);
        } else if attr.path().is_ident("flush_subnormals") {
            if attr.meta.require_path_only().is_err() {
                cx.error_spanned_by(
                    attr,
                    "`#[flush_subnormals]` takes no arguments\nhelp: write `#[flush_subnormals]` on its own",
                );
            } else if out.flush_subnormals {
                cx.error_spanned_by(attr, "`#[flush_subnormals]` is given more than once");
            }
            out.flush_subnormals = true;
        } else if attr.path().is_ident("quantize") {
            match attr.parse_args_with(|input: ParseStream| quantize(input, attr)) {
                Ok(q) => out.quantize.push(q),
                // Our own messages carry their help and their whole span;
                // syn's ("expected `,`") get the attribute's help.
                Err(e) if e.to_string().contains("help:") => cx.error(e),
                Err(e) => cx.error_at(e.span(), with_help(&e.to_string(), QUANTIZE_HELP)),
            }
        } else if !is_misspelt_scalar(cx, attr) {
            out.rest.push(attr.clone());
        }
    }
    out
}

// #[scalar(f64)]
fn scalar(cx: &Ctxt, attr: &Attribute) -> Option<Scalar> {
    match attr.parse_args::<Ident>() {
        Ok(ty) if ty == "f32" => Some(Scalar::F32),
        Ok(ty) if ty == "f64" => Some(Scalar::F64),
        Ok(ty) => {
            cx.error_at(
                ty.span(),
                format!("unsupported scalar type `{ty}`\nhelp: use `#[scalar(f32)]` (the default) or `#[scalar(f64)]`"),
            );
            None
        }
        Err(_) => {
            cx.error_spanned_by(
                attr,
                "expected `#[scalar(f32)]` or `#[scalar(f64)]`\nhelp: the scalar attribute takes one type name",
            );
            None
        }
    }
}

// #[weights("data/iris.safetensors")]
fn weights(cx: &Ctxt, attr: &Attribute) -> Option<LitStr> {
    match attr.parse_args::<LitStr>() {
        Ok(path) => Some(path),
        Err(_) => {
            cx.error_spanned_by(
                attr,
                "expected `#[weights(\"path/to/file.safetensors\")]`\nhelp: the path is a string literal, relative to the crate's Cargo.toml",
            );
            None
        }
    }
}

/// `#[scalr(f64)]` would otherwise reach the struct and fail as an unknown
/// attribute with no hint.
fn is_misspelt_scalar(cx: &Ctxt, attr: &Attribute) -> bool {
    let Some(name) = attr.path().get_ident() else {
        return false;
    };
    let text = name.to_string();
    if edit_distance(&text, "scalar") > 2 {
        return false;
    }
    cx.error_at(
        name.span(),
        format!(
            "unknown attribute `{text}`\nhelp: did you mean `#[scalar(f32)]` or `#[scalar(f64)]`?"
        ),
    );
    true
}

/// `#[unroll(always | never | max_weights = N)]`: by default layers with at
/// most [`UNROLL_MAX_WEIGHTS`] weights are written out statement by
/// statement and larger ones become constant-bound loops; the attribute
/// moves that threshold for the whole network.
fn unroll(cx: &Ctxt, attr: &Attribute) -> Option<usize> {
    const HELP: &str =
        "help: write `#[unroll(always)]`, `#[unroll(never)]` or `#[unroll(max_weights = 1024)]`";
    let mut max = None;
    let parsed = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("always") {
            max = Some(usize::MAX);
        } else if meta.path.is_ident("never") {
            max = Some(0);
        } else if meta.path.is_ident("max_weights") {
            let lit: LitInt = meta.value()?.parse()?;
            max = Some(lit.base10_parse()?);
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
    max
}

const QUANTIZE_HELP: &str = "help: write `#[quantize(NetI8, input = [0.0..1.0])]`, with one range per input or a single range for every input, and optionally `activations = i16`";

/// `msg`, with `help` appended unless it has a help line of its own.
fn with_help(msg: &str, help: &str) -> String {
    if msg.contains("help:") {
        msg.to_owned()
    } else {
        format!("{msg}\n{help}")
    }
}

/// `#[quantize(SineI8, input = [0.0..6.25], activations = i16)]`.
fn quantize(input: ParseStream, attr: &Attribute) -> syn::Result<Quantize> {
    let ident: Ident = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected the name of the integer type first, as in `#[quantize(NetI8, input = [0.0..1.0])]`",
        )
    })?;
    let mut code = None;
    let mut ranges = None;
    while !input.is_empty() {
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        let key: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        if (key == "input" && ranges.is_some()) || (key == "activations" && code.is_some()) {
            return Err(syn::Error::new(
                key.span(),
                format!("`{key}` is given more than once\nhelp: each `#[quantize]` has one input box and one activation type; repeat the attribute for another integer network"),
            ));
        }
        if key == "input" {
            let content;
            let brackets = syn::bracketed!(content in input);
            let mut list = Vec::new();
            while !content.is_empty() {
                list.push(range(&content)?);
                if content.is_empty() {
                    break;
                }
                content.parse::<Token![,]>()?;
            }
            if list.is_empty() {
                return Err(syn::Error::new(
                    brackets.span.join(),
                    "the input box is empty\nhelp: give one range per input, as in `input = [0.0..1.0, -1.0..1.0]`, or a single range for every input",
                ));
            }
            ranges = Some(Spanned {
                value: list,
                span: brackets.span.join(),
            });
        } else if key == "activations" {
            let ty: Ident = input.parse()?;
            code = Some(match ty.to_string().as_str() {
                "i8" => Code::I8,
                "i16" => Code::I16,
                other => {
                    return Err(syn::Error::new(
                        ty.span(),
                        format!("unsupported activation type `{other}`\nhelp: use `activations = i8` (the default) or `activations = i16`"),
                    ))
                }
            });
        } else {
            let text = key.to_string();
            let hint = closest(&text, ["input", "activations"].into_iter())
                .map_or_else(String::new, |n| format!("did you mean `{n}`? "));
            return Err(syn::Error::new(
                key.span(),
                format!("unknown option `{text}` of `#[quantize]`\nhelp: {hint}the options are `input = [LO..HI, ...]` and `activations = i8 | i16`"),
            ));
        }
    }
    let Some(ranges) = ranges else {
        return Err(syn::Error::new_spanned(
            attr.to_token_stream(),
            format!("`#[quantize({ident}, ..)]` needs the input box, the ranges the integer network must cover\nhelp: add `input = [LO..HI, ...]`, one range per input or a single range for every input"),
        ));
    };
    Ok(Quantize {
        ident,
        code: code.unwrap_or(Code::I8),
        ranges,
        attr: attr.to_token_stream(),
    })
}

/// `LO..HI` with float (or integer) literals, either optionally negative:
/// finite, LO < HI.
fn range(input: ParseStream) -> syn::Result<Spanned<(f64, f64)>> {
    let (lo, lo_tokens) = bound(input)?;
    let dots: Token![..] = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected `..` between the bounds of a range, as in `0.0..1.0`",
        )
    })?;
    let (hi, hi_tokens) = bound(input)?;
    let tokens = quote::quote!(#lo_tokens #dots #hi_tokens);
    if lo >= hi {
        return Err(syn::Error::new_spanned(
            tokens,
            format!("the range `{lo:?}..{hi:?}` is empty\nhelp: the lower bound must be below the upper bound"),
        ));
    }
    let span = lo_tokens
        .into_iter()
        .next()
        .map_or_else(proc_macro2::Span::call_site, |t| t.span());
    Ok(Spanned {
        value: (lo, hi),
        span,
    })
}

/// A finite number literal, optionally negated, with its tokens.
fn bound(input: ParseStream) -> syn::Result<(f64, proc_macro2::TokenStream)> {
    let neg: Option<Token![-]> = input.parse()?;
    let lit: syn::Lit = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected a number literal as a range bound, as in `-1.0..1.0`\nhelp: the box is read at compile time, so each bound is a literal",
        )
    })?;
    let value = match &lit {
        syn::Lit::Float(f) => f.base10_parse::<f64>()?,
        syn::Lit::Int(i) => i.base10_parse::<f64>()?,
        other => {
            return Err(syn::Error::new(
                other.span(),
                "expected a number literal as a range bound, as in `-1.0..1.0`\nhelp: the box is read at compile time, so each bound is a literal",
            ))
        }
    };
    let tokens = quote::quote!(#neg #lit);
    if !value.is_finite() {
        return Err(syn::Error::new_spanned(
            tokens,
            format!("the bound `{}` is not a finite number\nhelp: the box must be bounded: give finite bounds the inputs stay within", lit.to_token_stream()),
        ));
    }
    Ok((if neg.is_some() { -value } else { value }, tokens))
}
