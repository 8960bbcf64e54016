//! The integer networks of `#[quantize(..)]`: a struct of int8 weights,
//! i32 biases and output stages, `TRAINED` with every value a literal, and
//! `forward` over codes (calls into mlp-runtime's `int`, integer only).

use super::code::{lit, name};
use crate::model::Network;
use crate::quant::{Factor, Plan, Stage};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// Every integer type of a network: the struct definitions, and their
/// impls (which go inside the expansion's scope).
pub fn types(net: &Network, plans: &[Plan]) -> (TokenStream, TokenStream) {
    plans.iter().map(|p| one(net, p)).unzip()
}

/// An unsuffixed integer literal, negated where negative.
fn int(v: i64) -> TokenStream {
    let l = Literal::u64_unsuffixed(v.unsigned_abs());
    if v < 0 {
        quote!(-#l)
    } else {
        quote!(#l)
    }
}

/// An `f32` literal that reads back as exactly `v` (as `TRAINED` writes
/// weights).
fn f32_lit(v: f32) -> TokenStream {
    super::weights::float(v.is_sign_negative(), format!("{:?}", v.abs()))
}

fn factor(f: Factor) -> TokenStream {
    let (m, s) = (int(f.multiplier), int(i64::from(f.shift)));
    quote!(mlp::int::Scale { multiplier: #m, shift: #s })
}

fn one(net: &Network, plan: &Plan) -> (TokenStream, TokenStream) {
    let ident = &plan.ident;
    let vis = &net.vis;
    let code = format_ident!("{}", plan.code.name());
    let (n_in, n_out) = (net.inputs.value, net.output().width.value);
    let (inputs, outputs) = (lit(n_in), lit(n_out));

    let mut fields = Vec::new();
    let mut values = Vec::new();
    let mut steps = Vec::new();
    for (k, layer) in plan.layers.iter().enumerate() {
        let l = k + 1;
        let (w, b) = (name("w", l), name("b", l));
        let (n, m) = (lit(layer.w.len()), lit(layer.w[0].len()));
        let rows = layer.w.iter().map(|row| {
            let row = row.iter().map(|&v| int(v));
            quote!([#(#row),*])
        });
        let biases = layer.b.iter().map(|&v| int(v));
        let w_doc = format!("Layer {l} weights, int8: `{w}[i][j]` joins input code `j` to unit `i`, in units of the row's scale.");
        let b_doc = format!(
            "Layer {l} biases in the accumulator's units, the inputs' zero points folded in."
        );
        fields.push(quote! {
            #[doc = #w_doc]
            pub #w: [[i8; #m]; #n],
            #[doc = #b_doc]
            pub #b: [i32; #n],
        });
        values.push(quote!(#w: [#(#rows),*], #b: [#(#biases),*],));
        let input = if l == 1 {
            quote!(x)
        } else {
            let y = name("y", l - 1);
            quote!(&#y)
        };
        let acc = quote!(mlp::int::accumulate(&self.#w, &self.#b, #input));
        let y = name("y", l);
        let step = match &layer.stage {
            Stage::Affine(rows) => {
                let a = name("a", l);
                let doc = format!("Layer {l} output stage: requantisation per unit (`code = clamp(offset + scale · acc)`).");
                fields.push(quote!(#[doc = #doc] #a: [::mlp::__private::int::Affine; #n],));
                let rows = rows.iter().map(|&(pos, neg, zero)| {
                    let (pos, neg, zero) = (factor(pos), factor(neg), int(zero));
                    quote!(mlp::int::Affine { pos: #pos, neg: #neg, offset: #zero })
                });
                values.push(quote!(#a: [#(#rows),*],));
                quote!(mlp::int::affine(&#acc, &self.#a))
            }
            Stage::Lookup { rows, table, .. } => {
                let (p, t) = (name("p", l), name("t", l));
                let len = lit(table.len());
                let doc = format!(
                    "Layer {l} table positions: accumulator to 1/256ths of a step of `{t}`."
                );
                let t_doc = format!(
                    "Layer {l}'s activation at evenly spaced points, in codes × 2^TABLE_BITS."
                );
                fields.push(quote! {
                    #[doc = #doc]
                    #p: [::mlp::__private::int::Lookup; #n],
                    #[doc = #t_doc]
                    #t: [i32; #len],
                });
                let rows = rows.iter().map(|&(f, offset)| {
                    let (f, offset) = (factor(f), int(offset));
                    quote!(mlp::int::Lookup { index: #f, offset: #offset })
                });
                let entries = table.iter().map(|&v| int(v));
                values.push(quote!(#p: [#(#rows),*], #t: [#(#entries),*],));
                quote!(mlp::int::lookup(&#acc, &self.#p, &self.#t))
            }
            Stage::Threshold { low, high } => {
                let c = name("c", l);
                let doc = format!(
                    "Layer {l}: the codes of f = low and f = high ({}).",
                    layer.act.act.name()
                );
                fields.push(quote!(#[doc = #doc] #c: [#code; 2],));
                let (low, high) = (int(*low), int(*high));
                values.push(quote!(#c: [#low, #high],));
                quote!(mlp::int::threshold(&#acc, self.#c[0], self.#c[1]))
            }
            Stage::Softmax(rows) => {
                let s = name("s", l);
                let doc = format!(
                    "Layer {l}: accumulator to logit · log2(e) · 2^16, per unit (integer softmax)."
                );
                fields.push(quote!(#[doc = #doc] #s: [::mlp::__private::int::Scale; #n],));
                let rows = rows.iter().map(|&f| factor(f));
                values.push(quote!(#s: [#(#rows),*],));
                quote!(mlp::int::softmax(&#acc, &self.#s))
            }
        };
        steps.push(quote!(let #y: [#code; #n] = #step;));
    }
    let y_out = name("y", plan.layers.len());

    let in_scale = plan.input.iter().map(|g| f32_lit(g.scale as f32));
    let in_inv = plan.input_inv.iter().map(|&v| f32_lit(v));
    let in_zero = plan.input.iter().map(|g| int(g.zero));
    let out_scale = plan.output().iter().map(|g| f32_lit(g.scale as f32));
    let out_zero = plan.output().iter().map(|g| int(g.zero));
    let bound = plan.bound.iter().map(|&b| f32_lit(round_up_f32(b)));
    let input_box = plan.input_box.iter().map(|&(lo, hi)| {
        let (lo, hi) = (f32_lit(lo as f32), f32_lit(hi as f32));
        quote!([#lo, #hi])
    });

    let docs = docs(net, plan);
    let float_ty = &net.ident;
    let trained_doc = format!(
        "`{}::TRAINED` quantised at compile time: put it in flash with `static NET: {ident} = {ident}::TRAINED;`.",
        net.ident
    );
    let method = match plan.cells {
        Some(cells) => format!("the smaller of interval propagation over {} sub-boxes and an evaluation of the integer network on each of the box's {cells} input code vectors against the float network's interval over the inputs that quantise to it", plan.boxes),
        None => format!("interval propagation over {} sub-boxes", plan.boxes),
    };
    let bound_doc = format!(
        "For every input `x` in the box, `|forward_f32(x)[k] − {float_ty}::TRAINED.forward(x)[k]| ≤ ERROR_BOUND[k]`, up to the float network's own f32 rounding. Computed by the macro: {method} (README, \"Integer networks for chips without an FPU\")."
    );
    let item = quote! {
        #(#[doc = #docs])*
        #[derive(Clone, Debug, PartialEq)]
        #vis struct #ident {
            #(#fields)*
        }
    };
    let imp = quote! {
        #[automatically_derived]
        impl #ident {
            /// Number of inputs.
            pub const INPUTS: usize = #inputs;
            /// Number of outputs.
            pub const OUTPUTS: usize = #outputs;
            /// The declared input box: `[lo, hi]` per input. Inside it the
            /// integer network never saturates and `ERROR_BOUND` holds.
            pub const INPUT_BOX: [[f32; 2]; #inputs] = [#(#input_box),*];
            /// Input `j` is the code `q` standing for `INPUT_SCALE[j] · (q − INPUT_ZERO[j])`.
            pub const INPUT_SCALE: [f32; #inputs] = [#(#in_scale),*];
            /// `1 / INPUT_SCALE`, rounded to f32, as [`Self::quantize`] multiplies by it.
            pub const INPUT_INV_SCALE: [f32; #inputs] = [#(#in_inv),*];
            /// The input codes' zero points.
            pub const INPUT_ZERO: [i32; #inputs] = [#(#in_zero),*];
            /// Output `k` is the code `q` standing for `OUTPUT_SCALE[k] · (q − OUTPUT_ZERO[k])`.
            pub const OUTPUT_SCALE: [f32; #outputs] = [#(#out_scale),*];
            /// The output codes' zero points.
            pub const OUTPUT_ZERO: [i32; #outputs] = [#(#out_zero),*];
            #[doc = #bound_doc]
            pub const ERROR_BOUND: [f32; #outputs] = [#(#bound),*];

            #[doc = #trained_doc]
            pub const TRAINED: Self = Self { #(#values)* };

            /// The outputs' codes for the inputs' codes, in integer
            /// arithmetic only (no float operation; never panics).
            #[must_use]
            pub fn forward(&self, x: &[#code; #inputs]) -> [#code; #outputs] {
                #(#steps)*
                #y_out
            }

            /// Input codes for `x`: `round(x / INPUT_SCALE) + INPUT_ZERO`,
            /// saturated, so a value outside [`Self::INPUT_BOX`] becomes
            /// the code of the nearest bound (and NaN the zero point).
            /// Uses f32 arithmetic.
            #[must_use]
            pub fn quantize(x: &[f32; #inputs]) -> [#code; #inputs] {
                mlp::int::quantize(x, &Self::INPUT_INV_SCALE, &Self::INPUT_ZERO)
            }

            /// The values output codes stand for: `OUTPUT_SCALE · (y − OUTPUT_ZERO)`.
            #[must_use]
            pub fn dequantize(y: &[#code; #outputs]) -> [f32; #outputs] {
                mlp::int::dequantize(y, &Self::OUTPUT_SCALE, &Self::OUTPUT_ZERO)
            }

            /// `dequantize(forward(quantize(x)))`: the integer network as a
            /// float function, within [`Self::ERROR_BOUND`] of the float
            /// network inside the box.
            #[must_use]
            pub fn forward_f32(&self, x: &[f32; #inputs]) -> [f32; #outputs] {
                Self::dequantize(&self.forward(&Self::quantize(x)))
            }
        }
    };
    (item, imp)
}

/// The smallest f32 at least `v`.
fn round_up_f32(v: f64) -> f32 {
    let f = v as f32;
    if f64::from(f) >= v {
        f
    } else {
        f32::from_bits(f.to_bits() + 1)
    }
}

/// The type's rustdoc: what it is, and a table of its layers.
fn docs(net: &Network, plan: &Plan) -> Vec<String> {
    let code = plan.code.name();
    let mut d = vec![
        format!(
            "Integer-only version of [`{}`], quantised at compile time from its baked weights by `#[quantize]`: int8 weights (one scale per unit), i32 accumulators, {code} activations.",
            net.ident
        ),
        String::new(),
        format!(
            "Input box: {}. Error bound (`ERROR_BOUND`): {}.",
            plan.input_box
                .iter()
                .map(|(lo, hi)| format!("[{lo}, {hi}]"))
                .collect::<Vec<_>>()
                .join(" × "),
            plan.bound
                .iter()
                .map(|b| format!("{:.3e}", b))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        String::new(),
        match plan.cells {
            Some(cells) => format!("The bound comes from evaluating the integer network on each of the box's {cells} input code vectors; the last column, from interval propagation over sub-boxes, is looser."),
            None => format!("The bound comes from interval propagation over {} sub-boxes, as does the last column.", plan.boxes),
        },
        String::new(),
        "| layer | units | activation | weights | output stage | output codes | bound after the layer (intervals) |".to_owned(),
        "|---|--:|---|---|---|---|--:|".to_owned(),
    ];
    for (k, (layer, decl)) in plan.layers.iter().zip(&net.layers).enumerate() {
        let n = layer.w.len();
        let stage = match &layer.stage {
            Stage::Affine(_) => "requantise: 31-bit multiplier, one rounding".to_owned(),
            Stage::Lookup {
                table, lo, step, ..
            } => format!(
                "table of {} × i32 over h ∈ [{:.3}, {:.3}], interpolated",
                table.len(),
                lo,
                lo + step * (table.len() - 1) as f64
            ),
            Stage::Threshold { .. } => "sign of the accumulator".to_owned(),
            Stage::Softmax(_) => "integer softmax (2^x table of 65 × i32, Q15)".to_owned(),
        };
        let (smin, smax) = layer.out.iter().fold((f64::INFINITY, 0.0f64), |(a, b), g| {
            (a.min(g.scale), b.max(g.scale))
        });
        let scales = if (smax - smin).abs() <= 1e-12 * smax {
            format!("{code}, scale {smin:.3e}")
        } else {
            format!("{code}, scale {smin:.3e} to {smax:.3e} per unit")
        };
        d.push(format!(
            "| {} | {n} | {} | {n} × {} int8, i32 bias | {stage} | {scales} | {:.3e} |",
            k + 1,
            decl.activation_text(),
            layer.w[0].len(),
            layer.bound
        ));
    }
    d.extend([
        String::new(),
        "# Real-time contract".to_owned(),
        String::new(),
        "`forward` does the same integer work for any input, allocates nothing, takes no lock, makes no system call and, in a release build with fat LTO, has no panic path (proven in CI for integer networks of this kind). Scope and measurements: [`mlp::realtime`].".to_owned(),
    ]);
    d
}
