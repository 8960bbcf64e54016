//! Small builders shared by the emitters: names, literals, paths into the
//! runtime, and code that is either straight-line with literal indices
//! (small layers) or a loop with constant bounds (large layers), from one
//! closure that is given the index to use.

use crate::model::{Activation, Layer};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

/// An unsuffixed integer literal, `0`, `1`, ... (`2`, not `2usize`).
pub fn lit(i: usize) -> TokenStream {
    let l = Literal::usize_unsuffixed(i);
    quote!(#l)
}

/// A float literal for a constant the code needs, `2.0`, `0.5`, ...
pub fn float(x: f64) -> TokenStream {
    let l = Literal::f64_unsuffixed(x);
    quote!(#l)
}

/// Methods that exist only so that calling one is an error that explains
/// itself: each takes `arguments` values of any types (the first's type
/// `X`), and `bound` (over `X`) names a trait that is never implemented,
/// whose `on_unimplemented` message says why. `mutable`: `&mut self`.
pub fn never_methods(bound: &TokenStream, methods: &[(&str, bool, usize)]) -> TokenStream {
    let methods = methods.iter().map(|&(method, mutable, arguments)| {
        let method = format_ident!("{method}");
        let receiver = if mutable {
            quote!(&mut self)
        } else {
            quote!(&self)
        };
        let types: Vec<Ident> = (0..arguments)
            .map(|i| match i {
                0 => format_ident!("X"),
                _ => format_ident!("A{i}"),
            })
            .collect();
        let values = (0..arguments).map(|i| format_ident!("_a{i}"));
        quote! {
            #[doc(hidden)]
            pub fn #method<#(#types),*>(#receiver, #(#values: #types),*) -> ! where Self: #bound {
                ::core::unreachable!()
            }
        }
    });
    quote!(#(#methods)*)
}

/// The impls of one declaration (not its type definitions, which must be
/// nameable), inside `const _: () = { .. };` as serde_derive emits them:
/// there `mlp` names the runtime's `::mlp::__private`, so generated code
/// reads `mlp::Relu`, and the forward trace's helpers stay out of the
/// user's namespace. Lints meant for hand-written code are off inside.
pub fn scoped(body: TokenStream) -> TokenStream {
    quote! {
        #[allow(clippy::all, clippy::pedantic, clippy::nursery)]
        const _: () = {
            use ::mlp::__private as mlp;
            #body
        };
    }
}

/// `mlp::name`: an item of the runtime that generated code calls (inside
/// [`scoped`]).
pub fn runtime(name: &str) -> TokenStream {
    let ident = format_ident!("{}", name);
    quote!(mlp::#ident)
}

/// The runtime's type for `act`, e.g. `mlp::Relu`.
pub fn activation_type(act: Activation) -> TokenStream {
    runtime(act.row().runtime)
}

/// Layer `l`'s activation as a runtime value: `mlp::Relu`, or
/// with its parameter, `mlp::LeakyRelu(0.2)`.
pub fn activation_value(layer: &Layer) -> TokenStream {
    let ty = activation_type(layer.activation.value);
    match layer.param {
        Some(alpha) => {
            let alpha = float(alpha);
            quote!(#ty(#alpha))
        }
        None => ty,
    }
}

/// `h3`, `y3`, `delta3`, `w3`, `b3`: the names of layer `l`'s values.
pub fn name(prefix: &str, l: usize) -> Ident {
    format_ident!("{}{}", prefix, l)
}

/// The array feeding layer `l`: `x` for layer 1, else `y{l-1}`.
pub fn input_of(l: usize) -> Ident {
    if l == 1 {
        format_ident!("x")
    } else {
        name("y", l - 1)
    }
}

/// `[f(0), f(1), ...]`, or a loop filling an array when not `unrolled`.
pub fn array(n: usize, unrolled: bool, f: impl Fn(&TokenStream) -> TokenStream) -> TokenStream {
    if unrolled {
        let items = (0..n).map(|i| f(&lit(i)));
        quote!([#(#items),*])
    } else {
        let body = f(&quote!(__i));
        let n = lit(n);
        quote!({
            let mut __v = [0.0; #n];
            for __i in 0..#n {
                __v[__i] = #body;
            }
            __v
        })
    }
}

/// `f(0) + f(1) + ...` (an expression to use as the left operand of `+`,
/// or inside parentheses), or a loop summing into an accumulator when not
/// `unrolled`. Sums are in index order either way.
pub fn sum(n: usize, unrolled: bool, f: impl Fn(&TokenStream) -> TokenStream) -> TokenStream {
    if unrolled {
        let terms = (0..n).map(|j| f(&lit(j)));
        quote!(#(#terms)+*)
    } else {
        let term = f(&quote!(__j));
        let n = lit(n);
        quote!({
            let mut __s = 0.0;
            for __j in 0..#n {
                __s += #term;
            }
            __s
        })
    }
}

/// Σ_j t_j for `n ≥ 1` terms, unrolled in the runtime's `linalg::dot`
/// order, so unrolled and looped layers compute the same bits: four
/// running partial sums over j mod 4, combined `(p0 + p2) + (p1 + p3)`,
/// then the last `n mod 4` terms one by one (below four terms, the running
/// sum).
pub fn dot_sum(n: usize, f: impl Fn(&TokenStream) -> TokenStream) -> TokenStream {
    let t = |j: usize| f(&lit(j));
    let chunks = n / 4;
    let (head, from) = if chunks == 0 {
        (t(0), 1)
    } else {
        let p: Vec<TokenStream> = (0..4)
            .map(|l| {
                let terms = (0..chunks).map(|c| t(4 * c + l));
                quote!((#(#terms)+*))
            })
            .collect();
        let (p0, p1, p2, p3) = (&p[0], &p[1], &p[2], &p[3]);
        (quote!(((#p0 + #p2) + (#p1 + #p3))), 4 * chunks)
    };
    let rest = (from..n).map(t);
    quote!(#head #(+ #rest)*)
}

/// One statement per (i, j) of an `rows x cols` matrix, or a double loop.
pub fn for_each_ij(
    rows: usize,
    cols: usize,
    unrolled: bool,
    f: impl Fn(&TokenStream, &TokenStream) -> TokenStream,
) -> TokenStream {
    if unrolled {
        let stmts = (0..rows)
            .flat_map(|i| (0..cols).map(move |j| (i, j)))
            .map(|(i, j)| f(&lit(i), &lit(j)));
        quote!(#(#stmts)*)
    } else {
        let body = f(&quote!(__i), &quote!(__j));
        let (rows, cols) = (lit(rows), lit(cols));
        quote! {
            for __i in 0..#rows {
                for __j in 0..#cols {
                    #body
                }
            }
        }
    }
}

/// One statement per i, or a loop.
pub fn for_each_i(
    n: usize,
    unrolled: bool,
    f: impl Fn(&TokenStream) -> TokenStream,
) -> TokenStream {
    if unrolled {
        let stmts = (0..n).map(|i| f(&lit(i)));
        quote!(#(#stmts)*)
    } else {
        let body = f(&quote!(__i));
        let n = lit(n);
        quote! {
            for __i in 0..#n {
                #body
            }
        }
    }
}
