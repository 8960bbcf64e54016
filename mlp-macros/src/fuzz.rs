//! The macro never panics: thousands of generated and mutated declarations
//! go through parse -> model -> check -> expand as plain functions, and each
//! must come back as code or as errors.

use crate::model::{Activation, ACTIVATIONS};
use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use std::panic;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Words besides the activations' names (every name in `ACTIVATIONS`,
/// aliases included, is added by [`words`]).
const WORDS: &[&str] = &[
    "input",
    "dense",
    "loss",
    "struct",
    "pub",
    "crate",
    "mse",
    "sse",
    "bce",
    "ce",
    "huber",
    "scalar",
    "f32",
    "f64",
    "f16",
    "rleu",
    "Xor",
    "foo",
    "self",
    "type",
    "r#loss",
    "frozen",
    "weights",
    "flush_subnormals",
    "unroll",
    "quantize",
];
const LITERALS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "16",
    "65537",
    "99999999999999999999999",
    "1.5",
    "2u8",
    "3usize",
    "\"s\"",
    "'c'",
    "-1",
    "0.0",
    "1e308",
    "0.01",
];
const PUNCTS: &[char] = &[',', ';', '<', '>', '#', '!', ':', '=', '-', '.', '&'];

/// [`WORDS`] and every activation name.
fn words() -> Vec<&'static str> {
    let names = ACTIVATIONS.iter().flat_map(|r| r.names.iter().copied());
    WORDS.iter().copied().chain(names).collect()
}

/// A random valid declaration.
fn valid(rng: &mut Rng) -> String {
    // Every activation that can sit in a hidden layer of a trained network,
    // from the language's table, and the parametric ones with an α.
    let mut acts: Vec<String> = ACTIVATIONS
        .iter()
        .filter(|r| {
            !matches!(
                r.activation,
                Activation::Step | Activation::Sign | Activation::Softmax
            )
        })
        .flat_map(|r| r.names.iter().map(|n| (*n).to_owned()))
        .collect();
    acts.extend(["leaky_relu(0.2)".to_owned(), "elu(0.5)".to_owned()]);
    let mut s = String::new();
    if rng.below(2) == 0 {
        s.push_str("#[scalar(f64)] ");
    }
    if rng.below(3) == 0 {
        s.push_str("#[flush_subnormals] ");
    }
    if rng.below(2) == 0 {
        s.push_str("/// doc\n pub ");
    }
    s.push_str(&format!("struct N<input {}", 1 + rng.below(5)));
    for _ in 0..rng.below(3) {
        s.push_str(&format!(", dense {} {}", 1 + rng.below(6), rng.pick(&acts)));
        if rng.below(4) == 0 {
            s.push_str(" frozen");
        }
    }
    let (out, loss) = *rng.pick(&[
        ("sigmoid", "bce"),
        ("softmax", "ce"),
        ("sigmoid", "ce"),
        ("tanh", "mse"),
        ("softmax", "sse"),
        ("linear", ""),
        ("linear", "huber"),
        ("tanh", "huber(0.5)"),
        ("softmax", "huber(2)"),
    ]);
    let width = if out == "softmax" {
        2 + rng.below(3)
    } else {
        1 + rng.below(3)
    };
    s.push_str(&format!(", dense {width} {out}"));
    if !loss.is_empty() {
        s.push_str(&format!(", loss {loss}"));
    }
    s.push_str(">;");
    s
}

fn random_token(rng: &mut Rng) -> TokenTree {
    match rng.below(4) {
        0 => {
            let w = *rng.pick(&words());
            match w.strip_prefix("r#") {
                Some(raw) => TokenTree::Ident(Ident::new_raw(raw, Span::call_site())),
                None => TokenTree::Ident(Ident::new(w, Span::call_site())),
            }
        }
        1 => {
            let text = *rng.pick(LITERALS);
            text.parse::<TokenStream>()
                .ok()
                .and_then(|ts| ts.into_iter().next())
                .unwrap_or_else(|| Literal::u8_unsuffixed(7).into())
        }
        2 => TokenTree::Punct(Punct::new(
            *rng.pick(PUNCTS),
            if rng.below(2) == 0 {
                Spacing::Alone
            } else {
                Spacing::Joint
            },
        )),
        _ => {
            // Empty, or holding a literal: `(0.2)`, `[3]`, `("file")`.
            let inner = if rng.below(2) == 0 {
                TokenStream::new()
            } else {
                rng.pick(LITERALS).parse().unwrap_or_default()
            };
            TokenTree::Group(Group::new(
                *rng.pick(&[Delimiter::Parenthesis, Delimiter::Bracket, Delimiter::Brace]),
                inner,
            ))
        }
    }
}

/// Drops, duplicates, swaps or replaces a few tokens.
fn mutate(rng: &mut Rng, tokens: &mut Vec<TokenTree>) {
    for _ in 0..1 + rng.below(3) {
        if tokens.is_empty() {
            tokens.push(random_token(rng));
            continue;
        }
        let i = rng.below(tokens.len());
        match rng.below(5) {
            0 => {
                tokens.remove(i);
            }
            1 => {
                let t = tokens[i].clone();
                tokens.insert(i, t);
            }
            2 => {
                let j = rng.below(tokens.len());
                tokens.swap(i, j);
            }
            3 => tokens[i] = random_token(rng),
            _ => tokens.insert(i, random_token(rng)),
        }
    }
}

#[test]
fn no_declaration_makes_the_macro_panic() {
    const CASES: usize = 12_000;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut ok, mut err) = (0usize, 0usize);
    for case in 0..CASES {
        let source = valid(&mut rng);
        let mut tokens: Vec<TokenTree> = source
            .parse::<TokenStream>()
            .expect("valid Rust tokens")
            .into_iter()
            .collect();
        // One in six stays valid; the rest are mutated.
        if case % 6 != 0 {
            mutate(&mut rng, &mut tokens);
        }
        let input: TokenStream = tokens.into_iter().collect();
        let text = input.to_string();
        let outcome = panic::catch_unwind(|| {
            let valid = match syn::parse2::<crate::ast::Input>(input.clone()) {
                Ok(parsed) => parsed
                    .items
                    .iter()
                    .all(|item| crate::validate(item).is_ok()),
                Err(_) => false,
            };
            // The full pipeline, as the compiler runs it.
            (valid, crate::expand_all(input.clone()))
        });
        let Ok((valid, expansion)) = outcome else {
            panic!("the macro panicked on: {text}");
        };
        // Whatever came in, what goes out is Rust: the network, or errors
        // (with the stand-in struct), never tokens the compiler cannot read.
        if let Err(e) = syn::parse2::<syn::File>(expansion.clone()) {
            panic!("expansion of `{text}` is not Rust ({e}): {expansion}");
        }
        let has_errors = expansion.to_string().contains("compile_error");
        assert_eq!(
            has_errors, !valid,
            "`{text}`: an accepted declaration expands without errors, a rejected one with them"
        );
        if valid {
            ok += 1;
        } else {
            err += 1;
        }
    }
    // The generator exercises both sides.
    assert!(ok >= CASES / 6 && err >= CASES / 2, "ok {ok}, err {err}");
    eprintln!("{CASES} declarations: {ok} accepted, {err} rejected, no panic");
}
