//! What the expansion contains: straight-line code for small networks,
//! loops for large ones, no float in integer networks, generated docs, and
//! a snapshot of one whole expansion.

use super::super::*;
use super::walk::{expanded, function, inherent, method};
use quote::quote;

#[test]
fn odd_quantize_attributes_never_panic() {
    let attrs = [
        quote!(#[quantize]),
        quote!(#[quantize()]),
        quote!(#[quantize(Q)]),
        quote!(#[quantize(Q,)]),
        quote!(#[quantize(Q, input)]),
        quote!(#[quantize(Q, input = 3)]),
        quote!(#[quantize(Q, input = [])]),
        quote!(#[quantize(Q, input = [..])]),
        quote!(#[quantize(Q, input = [1.0..])]),
        quote!(#[quantize(Q, input = [-..1.0])]),
        quote!(#[quantize(Q, input = ["a".."b"])]),
        quote!(#[quantize(1, input = [0.0..1.0])]),
        quote!(#[quantize(Q, input = [0.0..1.0], input = [0.0..2.0])]),
        quote!(#[quantize(Q, input = [0.0..1.0], activations = )]),
        quote!(#[quantize(Q, input = [-1e300..1e300])]),
        quote!(#[quantize(Q, input = [0.0..1e-300])]),
        quote!(#[quantize(Q, input = [1e15..1.0000000000001e15])]),
        quote!(#[quantize(Q, input = [-1e30..-1e29, 5e-324..1e-300])]),
        quote!(#[quantize(Q, activations = i16, input = [1e9..2e9, 0..1])]),
    ];
    for attr in attrs {
        for weights in [
            quote!(),
            quote!(#[weights("../tests/fixtures/quant/tanh_linear.safetensors")]),
        ] {
            let tokens = quote!(#weights #attr struct N<input 2, dense 8 tanh, dense 1 linear>;);
            let out = expand_all(tokens.clone());
            syn::parse2::<syn::File>(out.clone())
                .unwrap_or_else(|e| panic!("{tokens}: not Rust: {e}\n{out}"));
            // Either errors, or bounds and scales that are positive
            // finite literals (a non-finite one would not print as a literal).
            let text = out.to_string();
            if !text.contains("compile_error") {
                let file: syn::File = syn::parse2(out.clone()).unwrap();
                let mut consts = Consts::default();
                syn::visit::Visit::visit_file(&mut consts, &file);
                for name in [
                    "ERROR_BOUND",
                    "INPUT_SCALE",
                    "OUTPUT_SCALE",
                    "INPUT_INV_SCALE",
                ] {
                    let values = &consts.0[name];
                    assert!(!values.is_empty(), "{tokens}: {name}");
                    for v in values {
                        assert!(v.is_finite() && *v > 0.0, "{tokens}: {name} has {v}");
                    }
                }
            }
            if std::env::var_os("MLP_SHOW").is_some() {
                let first = text
                    .find("compile_error")
                    .map(|i| &text[i..(i + 200).min(text.len())]);
                eprintln!("{attr} {weights}: {first:?}");
            }
        }
    }
}

/// The float literals of each associated constant, by name.
#[derive(Default)]
struct Consts(std::collections::HashMap<String, Vec<f64>>);

impl<'ast> syn::visit::Visit<'ast> for Consts {
    fn visit_impl_item_const(&mut self, c: &'ast syn::ImplItemConst) {
        let mut floats = Floats::default();
        syn::visit::Visit::visit_expr(&mut floats, &c.expr);
        let values = floats
            .0
            .iter()
            .filter_map(|f| f.parse::<f64>().ok())
            .collect();
        self.0.insert(c.ident.to_string(), values);
    }
}

/// Float literals and `f32`/`f64` path segments under a node.
#[derive(Default)]
struct Floats(Vec<String>);

impl<'ast> syn::visit::Visit<'ast> for Floats {
    fn visit_lit_float(&mut self, l: &'ast syn::LitFloat) {
        self.0.push(l.to_string());
    }
    fn visit_path_segment(&mut self, s: &'ast syn::PathSegment) {
        if s.ident == "f32" || s.ident == "f64" {
            self.0.push(s.ident.to_string());
        }
        syn::visit::visit_path_segment(self, s);
    }
}

#[test]
fn integer_networks_have_no_float_in_forward_or_trained() {
    // Unit tests run in mlp-macros/, which the path is relative to.
    for code in [quote!(), quote!(, activations = i16)] {
        let file = expanded(quote!(
            #[weights("../data/int/iris_unit.safetensors")]
            #[quantize(IrisInt, input = [0.0..1.0] #code)]
            pub struct Iris<input 4, dense 16 tanh, dense 3 softmax>;
        ));
        let imp = inherent(&file, "IrisInt");
        for it in &imp.items {
            let mut floats = Floats::default();
            match it {
                syn::ImplItem::Fn(f) if f.sig.ident == "forward" => {
                    syn::visit::Visit::visit_impl_item_fn(&mut floats, f);
                }
                syn::ImplItem::Const(c) if c.ident == "TRAINED" => {
                    syn::visit::Visit::visit_impl_item_const(&mut floats, c);
                }
                _ => continue,
            }
            assert!(
                floats.0.is_empty(),
                "{code}: {:?} in {}",
                floats.0,
                quote!(#it)
            );
        }
        let docs = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == "IrisInt" => {
                    let attrs = &s.attrs;
                    Some(quote!(#(#attrs)*).to_string())
                }
                _ => None,
            })
            .expect("struct IrisInt");
        assert!(
            docs.contains("| 1 | 16 | tanh | 16 × 4 int8, i32 bias | table of"),
            "{docs}"
        );
        assert!(docs.contains("| 2 | 3 | softmax |"), "{docs}");
    }
}

/// Counts `for` loops and finds the initialiser of `let {local} = ..`.
#[derive(Default)]
struct Scan {
    loops: usize,
    local: Option<(String, Option<syn::Expr>)>,
}

impl<'ast> syn::visit::Visit<'ast> for Scan {
    fn visit_expr_for_loop(&mut self, e: &'ast syn::ExprForLoop) {
        self.loops += 1;
        syn::visit::visit_expr_for_loop(self, e);
    }
    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let (Some((want, found)), syn::Pat::Type(p)) = (&mut self.local, &l.pat) {
            if matches!(&*p.pat, syn::Pat::Ident(i) if i.ident == want.as_str()) {
                *found = l.init.as_ref().map(|i| (*i.expr).clone());
            }
        }
        syn::visit::visit_local(self, l);
    }
}

fn scan(block: &syn::Block, local: &str) -> Scan {
    let mut s = Scan {
        loops: 0,
        local: Some((local.to_owned(), None)),
    };
    syn::visit::Visit::visit_block(&mut s, block);
    s
}

#[test]
fn small_networks_are_straight_line_code() {
    let file = expanded(quote!(pub struct Xor<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;));
    for name in ["forward", "loss", "backward", "train_step"] {
        assert_eq!(
            scan(method(&file, name), "").loops,
            0,
            "`{name}` has a loop"
        );
    }
    assert_eq!(scan(function(&file, "trace"), "").loops, 0);
    // Layer 1's pre-activations are written out, one sum per unit, once:
    // in the forward trace every method starts from.
    let h1 = scan(function(&file, "trace"), "h1")
        .local
        .unwrap()
        .1
        .unwrap();
    let want: syn::Expr = syn::parse_quote!([
        net.w1[0][0] * x[0] + net.w1[0][1] * x[1] + net.b1[0],
        net.w1[1][0] * x[0] + net.w1[1][1] * x[1] + net.b1[1]
    ]);
    assert_eq!(h1, want);
    // sigmoid + bce: the fused δ, with no derivative call.
    let delta2 = scan(method(&file, "backward"), "delta2")
        .local
        .unwrap()
        .1
        .unwrap();
    assert_eq!(delta2, syn::parse_quote!([y2[0] - d[0]]));
}

#[test]
fn mse_over_two_outputs_drops_the_unit_factor() {
    let file = expanded(quote!(struct R<input 1, dense 2 linear, loss mse>;));
    let delta = scan(method(&file, "backward"), "delta1")
        .local
        .unwrap()
        .1
        .unwrap();
    let text = quote!(#delta).to_string();
    assert!(!text.contains("1.0 *") && !text.contains("1f64"), "{text}");
    let file = expanded(quote!(struct R<input 1, dense 4 linear, loss mse>;));
    let delta = scan(method(&file, "backward"), "delta1")
        .local
        .unwrap()
        .1
        .unwrap();
    let syn::Expr::Array(a) = delta else {
        panic!("an array")
    };
    let first: syn::Expr =
        syn::parse_quote!(0.5 * (y1[0] - d[0]) * mlp::Elementwise::df(mlp::Linear, h1[0], y1[0]));
    assert_eq!(a.elems[0], first);
}

#[test]
fn large_layers_become_loops_and_stay_small() {
    let tokens = quote!(struct Big<input 784, dense 128 sigmoid, dense 10 softmax, loss ce>;);
    let size = expand_all(tokens.clone()).to_string().len();
    assert!(size < 40_000, "expansion stays small: {size} bytes");
    let file = expanded(tokens);
    // The wide layers go to the runtime's blocked kernel, not per unit.
    let trace = function(&file, "trace");
    let text = quote!(#trace).to_string();
    assert_eq!(text.matches("linalg :: dense").count(), 2, "{text}");
    // Their updates too: the runtime's loops, compiled per instruction set.
    let step = method(&file, "train_step");
    let text = quote!(#step).to_string();
    assert_eq!(text.matches("linalg :: sgd_outer").count(), 2, "{text}");
    let backward = method(&file, "backward");
    let text = quote!(#backward).to_string();
    assert_eq!(text.matches("linalg :: add_outer").count(), 2, "{text}");
}

/// The struct's doc comment, as rustdoc joins it.
fn struct_docs(file: &syn::File) -> String {
    let syn::Item::Struct(item) = &file.items[0] else {
        panic!("the struct comes first")
    };
    let lines: Vec<String> = item
        .attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    lines.join("\n")
}

#[test]
fn networks_document_their_layers_and_deltas() {
    let docs = struct_docs(&expanded(quote! {
        /// Learns XOR.
        pub struct Xor<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;
    }));
    assert!(
        docs.starts_with(" Learns XOR.\n"),
        "the user's doc comes first: {docs}"
    );
    for want in [
        "| 1 | 2 | `relu` | `w1`: 2 × 2 | `b1`: 2 | unrolled | trains |",
        "| 2 | 1 | `sigmoid` | `w2`: 1 × 2 | `b2`: 1 | unrolled | trains |",
        "2 inputs, 9 parameters, 36 bytes (f32).",
        "# Loss: `bce`",
        "L = Σₖ softplus(h²ₖ) − dₖ·h²ₖ",
        "- δ² = y² − d (sigmoid + bce, fused: the loss's derivative cancels f′)",
        "- δ¹ = relu′(h¹) ⊙ (W²)ᵀ δ²",
    ] {
        assert!(docs.contains(want), "missing `{want}` in:\n{docs}");
    }

    let docs = struct_docs(&expanded(quote! {
        #[scalar(f64)]
        struct S<input 4, dense 3 tanh frozen, dense 300 leaky_relu(0.2), dense 3 softmax, loss sse>;
    }));
    for want in [
        "| 1 | 3 | `tanh` | `w1`: 3 × 4 | `b1`: 3 | unrolled | frozen |",
        "| 2 | 300 | `leaky_relu(0.2)` | `w2`: 300 × 3 | `b2`: 300 | loops | trains |",
        "| 3 | 3 | `softmax` | `w3`: 3 × 300 | `b3`: 3 | loops | trains |",
        "L = ½ Σₖ (y³ₖ − dₖ)²",
        "- δ³ = y³ ⊙ (g − (g · y³)), the softmax Jacobian applied to g = (y³ − d) (softmax + sse)",
        "- δ² = leaky_relu′(h²) ⊙ (W³)ᵀ δ³",
        "- δ¹ is not computed: no layer at or below 1 trains",
        "bytes (f64)",
    ] {
        assert!(docs.contains(want), "missing `{want}` in:\n{docs}");
    }

    let docs = struct_docs(&expanded(quote! {
        struct C<input 2, dense 3 sigmoid, loss ce>;
    }));
    assert!(
        docs.contains("- δ¹ = −d ⊙ (1 − y¹) (sigmoid + ce, fused: −d/y · y(1 − y))"),
        "{docs}"
    );
    let docs = struct_docs(&expanded(quote! {
        struct M<input 2, dense 3 tanh, loss mse>;
    }));
    assert!(
        docs.contains("- δ¹ = (2/3)·(y¹ − d) ⊙ tanh′(h¹) (tanh + mse)"),
        "{docs}"
    );
    assert!(docs.contains("L = (1/3) Σₖ (y¹ₖ − dₖ)²"), "{docs}");
    // Without a loss: trains through `backward_from`, whose formulas show.
    let docs = struct_docs(&expanded(
        quote!(struct I<input 2, dense 3 relu, dense 2 softmax>;),
    ));
    for want in [
        "| 1 | 3 | `relu` | `w1`: 3 × 2 | `b1`: 3 | unrolled | trains |",
        "- δ² = y² ⊙ (dy − ⟨dy, y²⟩) (the softmax Jacobian times dy)",
        "- δ¹ = relu′(h¹) ⊙ (W²)ᵀ δ²",
        "- dx = (W¹)ᵀ δ¹, returned",
    ] {
        assert!(
            docs.contains(want) && !docs.contains("# Loss"),
            "missing `{want}` in:\n{docs}"
        );
    }
    // With `step`: no gradient, inference only.
    let docs = struct_docs(&expanded(quote!(struct T<input 2, dense 3 step>;)));
    assert!(
        docs.contains("| inference only |") && !docs.contains("backward_from"),
        "{docs}"
    );
}

/// The full expansion of one small network, pretty-printed, so that any
/// change to generated code shows in review. After an intended change:
/// `UPDATE_SNAPSHOTS=1 cargo test -p mlp-macros`, then read the diff.
#[test]
fn expansion_snapshot() {
    let file = expanded(quote! {
        /// Learns XOR.
        pub struct Xor<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;
    });
    let text = prettyplease::unparse(&file);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/xor.expanded.rs"
    );
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &text).expect("write snapshot");
    }
    let stored = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        stored == text,
        "the expansion differs from {path}; rerun with UPDATE_SNAPSHOTS=1 and review the diff.\nnew expansion:\n{text}"
    );
}
