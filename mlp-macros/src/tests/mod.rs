//! Unit tests of the pipeline: the rules `validate` applies (here) and
//! what the expansion contains (`expansion.rs`).

use super::*;
use quote::quote;

mod expansion;
mod walk;

fn errors_of(tokens: TokenStream) -> Vec<String> {
    let input: ast::Input = syn::parse2(tokens).expect("parses");
    match validate(&input.items[0]) {
        Ok(_) => Vec::new(),
        Err(e) => e.errors.into_iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn valid_declarations_validate() {
    assert!(
        errors_of(quote!(pub struct Xor<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;))
            .is_empty()
    );
    assert!(errors_of(quote!(struct Inf<input 2, dense 2 step, dense 1 sign>;)).is_empty());
    assert!(
        errors_of(quote!(#[scalar(f64)] struct C<input 4, dense 3 softmax, loss ce>;)).is_empty()
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
