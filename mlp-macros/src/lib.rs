//! The `network!` proc macro of the `mlp` crate. Use it through `mlp`, which
//! also provides the runtime the generated code calls.
//!
//! One stage per module: `ast` (parse) -> `model` (resolve names and sizes,
//! with spans) -> `check` (rules over the whole network, with `rules`, the
//! table of (activation, loss) pairs) -> `expand` (emit), or `fallback` when
//! any stage reported an error. Every stage is a plain function over
//! `proc_macro2` types, so unit tests call them directly.

mod ast;
mod check;
mod ctxt;
mod expand;
mod fallback;
mod model;
#[cfg(test)]
mod proptest;
mod rules;

use proc_macro2::TokenStream;

/// Declares one or more networks. See the `mlp` crate for the language.
#[proc_macro]
pub fn network(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand_all(input.into()).into()
}

/// parse -> model -> check -> expand, for every item of the invocation.
fn expand_all(input: TokenStream) -> TokenStream {
    match syn::parse2::<ast::Input>(input) {
        Ok(parsed) => parsed.items.iter().map(expand_item).collect(),
        Err(err) => err.to_compile_error(),
    }
}

fn expand_item(item: &ast::Item) -> TokenStream {
    match validate(item) {
        Ok(net) => expand::network(&net),
        Err(err) => fallback::expand(item, &err),
    }
}

/// The model and check stages: a network that can be expanded, or every
/// error found in the declaration.
fn validate(item: &ast::Item) -> syn::Result<model::Network> {
    let cx = ctxt::Ctxt::new();
    let net = model::Network::from_ast(&cx, item);
    if let Some(net) = &net {
        check::check(&cx, net);
    }
    cx.check()?;
    // `from_ast` returns `None` only after reporting an error.
    net.ok_or_else(|| syn::Error::new(item.ident.span(), "invalid network declaration"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn errors_of(tokens: TokenStream) -> Vec<String> {
        let input: ast::Input = syn::parse2(tokens).expect("parses");
        match validate(&input.items[0]) {
            Ok(_) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn valid_declarations_validate() {
        assert!(errors_of(
            quote!(pub struct Xor<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;)
        )
        .is_empty());
        assert!(errors_of(quote!(struct Inf<input 2, dense 2 step, dense 1 sign>;)).is_empty());
        assert!(
            errors_of(quote!(#[scalar(f64)] struct C<input 4, dense 3 softmax, loss ce>;))
                .is_empty()
        );
    }

    #[test]
    fn errors_accumulate() {
        let errs = errors_of(quote!(struct Bad<input 0, dense 2 rleu, dense 1 softmax, loss bce>;));
        assert_eq!(errs.len(), 4, "{errs:#?}");
        assert!(errs[0].contains("rleu") && errs[0].contains("did you mean `relu`"));
        assert!(errs
            .iter()
            .any(|e| e.contains("input size must be at least 1")));
        assert!(errs.iter().any(|e| e.contains("single unit")));
        assert!(errs
            .iter()
            .any(|e| e.contains("`bce` cannot train a `softmax` output")));
    }

    #[test]
    fn structural_mistakes_are_reported() {
        let cases = [
            (
                quote!(struct A<dense 2 relu, loss mse>;),
                "missing `input N`",
            ),
            (quote!(struct A<input 2, loss mse>;), "at least one `dense"),
            (
                quote!(struct A<input 2, input 2, dense 1 linear>;),
                "more than once",
            ),
            (
                quote!(struct A<input 2, loss mse, dense 1 linear>;),
                "`loss` must come last",
            ),
            (
                quote!(struct A<input 2 dense 1 linear>;),
                "expected `,` before `dense`",
            ),
            (
                quote!(struct A<input N, dense 1 linear>;),
                "integer literal",
            ),
            (
                quote!(struct A<input 2, dense 1 linear, loss l2>;),
                "unknown loss `l2`",
            ),
            (
                quote!(struct A<input 2, dens 1 linear>;),
                "did you mean `dense`",
            ),
            (
                quote!(#[scalar(f16)] struct A<input 2, dense 1 linear>;),
                "unsupported scalar type `f16`",
            ),
            (
                quote!(struct A<input 2, dense 2 step, dense 1 sigmoid, loss bce>;),
                "`step` cannot be trained",
            ),
            (
                quote!(struct A<input 2, dense 2 softmax, dense 1 sigmoid>;),
                "only allowed on the output",
            ),
            (
                quote!(struct A<input 2, dense 1 relu, loss ce>;),
                "`ce` needs outputs that are probabilities",
            ),
            (
                quote!(struct A<input 100000, dense 1 relu>;),
                "larger than the limit",
            ),
            (
                quote!(struct A<input 60000, dense 60000 relu>;),
                "parameters, more than the limit",
            ),
        ];
        for (tokens, want) in cases {
            let errs = errors_of(tokens.clone());
            assert!(errs.iter().any(|e| e.contains(want)), "{tokens}: {errs:#?}");
        }
    }

    #[test]
    fn expansion_of_xor_is_straight_line() {
        let out =
            expand_all(quote!(pub struct Xor<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;))
                .to_string();
        assert!(!out.contains("compile_error"), "{out}");
        assert!(!out.contains("for __i"), "small layers are unrolled: {out}");
        assert!(
            out.contains("self . w1 [0] [0] * x [0] + self . w1 [0] [1] * x [1]"),
            "{out}"
        );
        assert!(
            out.contains("y2 [0] - d [0]"),
            "fused sigmoid+bce delta: {out}"
        );
        assert!(out.contains("bce_logit (h2 [0] , d [0])"), "{out}");
    }

    #[test]
    fn large_layers_become_loops() {
        let out = expand_all(
            quote!(struct Big<input 784, dense 128 sigmoid, dense 10 softmax, loss ce>;),
        )
        .to_string();
        assert!(out.contains("for __i in 0 .. 128"), "{out}");
        assert!(
            out.len() < 40_000,
            "expansion stays small: {} bytes",
            out.len()
        );
    }
}
