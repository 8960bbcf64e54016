//! The declaration's own attributes, split from those that pass through to
//! the struct: `#[scalar(f32 | f64)]`, `#[unroll(..)]` and `#[weights("..")]`.

use crate::ctxt::Ctxt;
use crate::model::{Scalar, UNROLL_MAX_WEIGHTS};
use crate::suggest::edit_distance;
use syn::{Attribute, Ident, LitInt, LitStr};

/// What the attributes say, and the attributes left for the struct.
pub struct Attrs {
    pub scalar: Scalar,
    pub unroll_max: usize,
    /// `#[weights("file.safetensors")]`: the path as written.
    pub weights: Option<LitStr>,
    pub rest: Vec<Attribute>,
}

pub fn from_ast(cx: &Ctxt, attrs: &[Attribute]) -> Attrs {
    let mut out = Attrs {
        scalar: Scalar::F32,
        unroll_max: UNROLL_MAX_WEIGHTS,
        weights: None,
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
