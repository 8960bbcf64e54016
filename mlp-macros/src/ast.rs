//! Syntax of the declaration language, parsed strictly but shallowly.
//!
//! ```text
//! network! { ITEM* }
//! ITEM := ATTR* VIS struct NAME < SPEC (, SPEC)* ,? > ;
//! SPEC := IDENT TOKEN*          // input 2 | dense 4 relu | loss bce
//! ```
//!
//! A spec is kept as its leading word and the raw tokens after it; the model
//! stage decides what they mean, so that one build can report every mistake
//! in a declaration instead of stopping at the first (serde_derive's
//! "parse strictly, resolve loosely").

use proc_macro2::{TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, Token, Visibility};

/// The words that start a spec: the language's only keywords.
pub mod kw {
    /// `input N`
    pub const INPUT: &str = "input";
    /// `dense N activation`
    pub const DENSE: &str = "dense";
    /// `loss name`
    pub const LOSS: &str = "loss";
    /// All of them, for suggestions.
    pub const ALL: [&str; 3] = [INPUT, DENSE, LOSS];
}

/// Everything inside `network! { ... }`.
pub struct Input {
    pub items: Vec<Item>,
}

/// `#[attrs] pub struct Name<specs>;`
pub struct Item {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    pub specs: Vec<Spec>,
    /// The `<` ... `>` of the declaration, for errors about the spec as a whole.
    pub lt: Token![<],
    pub gt: Token![>],
}

/// One comma-separated part of the spec: `dense 4 relu`.
pub struct Spec {
    /// The leading word: `input`, `dense`, `loss` (or a mistake).
    pub kind: Ident,
    /// The tokens after it, up to the next `,` or the closing `>`.
    pub args: Vec<TokenTree>,
}

impl Spec {
    /// Whether the spec starts with keyword `kw`.
    pub fn is(&self, kw: &str) -> bool {
        self.kind == kw
    }

    /// The spec's tokens, for spanning an error over all of it.
    pub fn tokens(&self) -> TokenStream {
        let mut ts = TokenStream::from(TokenTree::Ident(self.kind.clone()));
        ts.extend(self.args.iter().cloned());
        ts
    }
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut items = Vec::new();
        while !input.is_empty() {
            items.push(input.parse()?);
        }
        Ok(Input { items })
    }
}

impl Parse for Item {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        // #[doc = ".."] #[scalar(f64)] pub struct Xor<...>;
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        if !input.peek(Token![struct]) {
            return Err(input.error(
                "expected `struct`\nhelp: a network is declared as `struct Name<input N, dense N activation, ..., loss name>;`",
            ));
        }
        input.parse::<Token![struct]>()?;
        let ident: Ident = input.parse()?;
        if !input.peek(Token![<]) {
            return Err(input.error(
                "expected `<` after the network's name\nhelp: write the layers in angle brackets, as in `struct Name<input 2, dense 1 sigmoid, loss bce>;`",
            ));
        }
        let lt: Token![<] = input.parse()?;
        let specs = parse_specs(input)?;
        let gt: Token![>] = input.parse()?;
        if !input.peek(Token![;]) {
            let span = if input.is_empty() {
                gt.span
            } else {
                input.span()
            };
            return Err(syn::Error::new(
                span,
                "expected `;` after the declaration's closing `>`",
            ));
        }
        input.parse::<Token![;]>()?;
        Ok(Item {
            attrs,
            vis,
            ident,
            specs,
            lt,
            gt,
        })
    }
}

/// `input 2, dense 4 relu, loss bce` up to (not including) the closing `>`.
fn parse_specs(input: ParseStream) -> syn::Result<Vec<Spec>> {
    let mut specs = Vec::new();
    while !input.peek(Token![>]) {
        if input.is_empty() || input.peek(Token![;]) {
            return Err(input.error("expected `>` to close the network's layer list"));
        }
        specs.push(parse_spec(input)?);
        if input.peek(Token![>]) {
            break;
        }
        if input.peek(Token![;]) || input.is_empty() {
            return Err(input.error("expected `>` to close the network's layer list"));
        }
        if !input.peek(Token![,]) {
            return Err(input.error("expected `,` between layers or `>` to close the list"));
        }
        input.parse::<Token![,]>()?;
    }
    Ok(specs)
}

fn parse_spec(input: ParseStream) -> syn::Result<Spec> {
    if !input.peek(Ident::peek_any) {
        return Err(input.error("expected a layer: `input N`, `dense N activation` or `loss name`"));
    }
    let kind = input.call(Ident::parse_any)?;
    let mut args = Vec::new();
    while !input.is_empty()
        && !input.peek(Token![,])
        && !input.peek(Token![>])
        && !input.peek(Token![;])
    {
        args.push(input.parse::<TokenTree>()?);
    }
    Ok(Spec { kind, args })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn parses_items_and_specs() {
        let input: Input = syn::parse2(quote! {
            /// Doc.
            #[scalar(f64)]
            pub struct Xor<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;
            struct Other<input 1, dense 1 linear,>;
        })
        .unwrap();
        assert_eq!(input.items.len(), 2);
        let xor = &input.items[0];
        assert_eq!(xor.ident, "Xor");
        assert_eq!(xor.attrs.len(), 2);
        assert_eq!(xor.specs.len(), 4);
        assert_eq!(xor.specs[1].kind, "dense");
        assert_eq!(xor.specs[1].args.len(), 2);
        assert_eq!(input.items[1].specs.len(), 2);
    }

    #[test]
    fn reports_malformed_syntax() {
        let cases = [
            (quote! { pub Xor<input 2>; }, "expected `struct`"),
            (quote! { struct Xor<input 2, dense 1 relu> }, "expected `;`"),
            (quote! { struct Xor<input 2 dense 1 relu>; }, ""),
            (quote! { struct Xor(input 2); }, "expected `<`"),
            (quote! { struct Xor<input 2, 3>; }, "expected a layer"),
            (quote! { struct Xor<input 2, dense 1 relu; }, "expected `>`"),
        ];
        for (tokens, want) in cases {
            let err = syn::parse2::<Input>(tokens.clone()).err();
            // `input 2 dense 1 relu` parses (one spec with many args); the
            // model stage rejects it with a pointed message.
            if want.is_empty() {
                assert!(err.is_none(), "{tokens}");
                continue;
            }
            let msg = err.unwrap_or_else(|| panic!("{tokens} parsed")).to_string();
            assert!(msg.contains(want), "{tokens}: {msg}");
        }
    }
}
