//! The `network!` proc macro of the `mlp` crate. Use it through `mlp`, which
//! also provides the runtime the generated code calls.
//!
//! One stage per module: `ast` (parse) -> `resolve` (names and sizes into
//! the `model`, with spans; `attrs` for the declaration's attributes,
//! `suggest` for help lines) -> `check` (rules over the whole declaration,
//! with `rules`, the table of (activation, loss) pairs; `bake` reads a
//! `#[weights]` file) -> `expand` (emit),
//! or `fallback` when any stage reported an error. Every stage is a plain
//! function over `proc_macro2` types, so unit tests call them directly.
//! ARCHITECTURE.md at the repository root says which file owns which fact.

mod ast;
mod attrs;
mod bake;
mod check;
mod ctxt;
mod expand;
mod fallback;
#[cfg(test)]
mod fuzz;
mod model;
mod quant;
mod resolve;
mod rules;
mod suggest;

use proc_macro2::TokenStream;

/// Declares one or more networks. See the `mlp` crate for the language.
#[proc_macro]
pub fn network(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand_all(input.into()).into()
}

/// parse -> resolve -> check -> expand, for every item of the invocation.
fn expand_all(input: TokenStream) -> TokenStream {
    match syn::parse2::<ast::Input>(input) {
        Ok(parsed) => parsed.items.iter().map(expand_item).collect(),
        Err(err) => err.to_compile_error(),
    }
}

fn expand_item(item: &ast::Item) -> TokenStream {
    match validate(item) {
        Ok(checked) => expand::network(&checked),
        Err(failed) => fallback::expand(item, failed.net.as_deref(), &failed.errors),
    }
}

/// A declaration that did not pass: every error found in it, and the
/// network if it resolved (only a rule failed), for the fallback.
struct Failed {
    errors: syn::Error,
    net: Option<Box<model::Network>>,
}

/// The resolve and check stages: a checked network ready to expand, or
/// every error found in the declaration.
fn validate(item: &ast::Item) -> Result<check::Checked, Failed> {
    let cx = ctxt::Ctxt::new();
    check::check_order(&cx, item);
    let net = resolve::network(&cx, item);
    let rule = net.as_ref().and_then(|net| check::check(&cx, net));
    // Only a network that passed every rule is worth reading a file for.
    let baked = net
        .as_ref()
        .filter(|_| !cx.has_errors())
        .and_then(|net| bake::read(&cx, net));
    let int = match (&net, &baked) {
        (Some(net), Some(baked)) => quant::plans(&cx, net, &baked.values),
        _ => Vec::new(),
    };
    if let Err(errors) = cx.check() {
        return Err(Failed {
            errors,
            net: net.map(Box::new),
        });
    }
    // `resolve::network` returns `None` only after reporting an error.
    match net {
        Some(net) => Ok(check::Checked {
            net,
            rule,
            baked,
            int,
        }),
        None => Err(Failed {
            errors: syn::Error::new(item.ident.span(), "invalid network declaration"),
            net: None,
        }),
    }
}

#[cfg(test)]
mod tests;
