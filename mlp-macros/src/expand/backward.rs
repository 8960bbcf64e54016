//! The loss, the δ of every layer, and what is done with them: added into a
//! gradient buffer (`backward`) or applied as an SGD step (`train_step`).
//!
//! δ^L comes from the rules table; hidden layers use
//! δ^l = f'_l(h^l) ⊙ (W^(l+1))ᵀ δ^(l+1) (course notes 002, "Backpropagation
//! Equations"), and ∂L/∂w^l_ij = δ^l_i y^(l-1)_j, ∂L/∂b^l_i = δ^l_i.

use super::code::{array, float, for_each_i, for_each_ij, lit, name, sum};
use super::forward::{derivative, input_of, unrolled};
use crate::model::Network;
use crate::rules::{Delta, Rule, Value};
use proc_macro2::TokenStream;
use quote::quote;

/// The per-sample loss as an expression over `h{L}`, `y{L}` and `d`.
pub fn loss_value(net: &Network, rule: Rule) -> TokenStream {
    let out = net.output();
    let (k, unroll) = (out.width.value, out_unrolled(net));
    let (h, y) = (name("h", out.index), name("y", out.index));
    match rule.value {
        Value::BceLogit => sum(
            k,
            unroll,
            |k| quote!(::mlp::__private::bce_logit(#h[#k], d[#k])),
        ),
        Value::CeSigmoidLogit => sum(
            k,
            unroll,
            |k| quote!(::mlp::__private::ce_sigmoid_logit(#h[#k], d[#k])),
        ),
        Value::CeSoftmaxLogits => quote!(::mlp::__private::ce_softmax_logits(&#h, d)),
        Value::Mse => {
            let total = sum(
                k,
                unroll,
                |k| quote!(::mlp::__private::sq_err(#y[#k], d[#k])),
            );
            let k = float(k as f64);
            quote!(#total / #k)
        }
        Value::Sse => {
            let total = sum(
                k,
                unroll,
                |k| quote!(::mlp::__private::sq_err(#y[#k], d[#k])),
            );
            quote!(0.5 * #total)
        }
    }
}

/// Whether the loss needs the output activations `y{L}` (not just `h{L}`).
pub fn loss_needs_y(rule: Rule) -> bool {
    matches!(rule.value, Value::Mse | Value::Sse)
}

fn out_unrolled(net: &Network) -> bool {
    net.output().width.value <= net.unroll_max
}

/// `let delta{L} = ..;` then each hidden `let delta{l} = ..;`, output first.
pub fn deltas(net: &Network, rule: Rule, ty: &TokenStream) -> TokenStream {
    let out = net.output();
    let (l_out, k) = (out.index, out.width.value);
    let unroll = out_unrolled(net);
    let (h, y, delta) = (name("h", l_out), name("y", l_out), name("delta", l_out));
    // ∂L/∂y_k for the squared losses.
    let grad_y = |k: &TokenStream| match rule.value {
        Value::Mse => {
            let scale = float(2.0 / k_f64(net));
            quote!(#scale * (#y[#k] - d[#k]))
        }
        _ => quote!((#y[#k] - d[#k])),
    };
    let output = match rule.delta {
        Delta::YMinusD => {
            let v = array(k, unroll, |k| quote!(#y[#k] - d[#k]));
            quote!(let #delta: [#ty; #k] = #v;)
        }
        Delta::SigmoidCe => {
            let v = array(k, unroll, |k| quote!(-d[#k] * (1.0 - #y[#k])));
            quote!(let #delta: [#ty; #k] = #v;)
        }
        Delta::Chain => {
            let act = out.activation.value;
            let v = array(k, unroll, |k| {
                let g = grad_y(k);
                let df = derivative(act, &quote!(#h[#k]), &quote!(#y[#k]));
                quote!(#g * #df)
            });
            quote!(let #delta: [#ty; #k] = #v;)
        }
        Delta::SoftmaxJacobian => {
            let g = array(k, unroll, grad_y);
            let gy = sum(k, unroll, |j| quote!(__g[#j] * #y[#j]));
            let v = array(k, unroll, |i| quote!(#y[#i] * (__g[#i] - __gy)));
            quote! {
                let __g: [#ty; #k] = #g;
                let __gy: #ty = #gy;
                let #delta: [#ty; #k] = #v;
            }
        }
    };
    let hidden = (1..l_out).rev().map(|l| hidden_delta(net, l, ty));
    quote!(#output #(#hidden)*)
}

fn k_f64(net: &Network) -> f64 {
    // Widths are bounded by MAX_WIDTH, so the conversion is exact.
    net.output().width.value as f64
}

/// δ^l_i = f'(h^l_i) Σ_k w^(l+1)_ki δ^(l+1)_k.
fn hidden_delta(net: &Network, l: usize, ty: &TokenStream) -> TokenStream {
    let layer = &net.layers[l - 1];
    let n = layer.width.value;
    let next_n = net.layers[l].width.value;
    let unroll = unrolled(net, l + 1);
    let (h, y, delta) = (name("h", l), name("y", l), name("delta", l));
    let (w_next, delta_next) = (name("w", l + 1), name("delta", l + 1));
    if !unroll {
        // (W^(l+1))ᵀ δ^(l+1) accumulated row by row of W: the same order of
        // additions as the running sum, but each step is a contiguous
        // multiply-add over all units i, which vectorises.
        let (n_lit, next_lit) = (lit(n), lit(next_n));
        let df = derivative(layer.activation.value, &quote!(#h[__i]), &quote!(#y[__i]));
        return quote! {
            let #delta: [#ty; #n] = {
                let mut __back: [#ty; #n] = [0.0; #n_lit];
                for __k in 0..#next_lit {
                    let __d = #delta_next[__k];
                    for __i in 0..#n_lit {
                        __back[__i] += self.#w_next[__k][__i] * __d;
                    }
                }
                for __i in 0..#n_lit {
                    __back[__i] *= #df;
                }
                __back
            };
        };
    }
    let v = array(n, unroll, |i| {
        let back = sum(
            next_n,
            unroll,
            |k| quote!(self.#w_next[#k][#i] * #delta_next[#k]),
        );
        let df = derivative(layer.activation.value, &quote!(#h[#i]), &quote!(#y[#i]));
        quote!(#df * #back)
    });
    quote!(let #delta: [#ty; #n] = #v;)
}

/// What to do with each parameter's gradient g = δ^l_i y^(l-1)_j (or δ^l_i).
pub enum Apply {
    /// `grad.w += g` (backward).
    Accumulate,
    /// `self.w -= (lr * δ_i) * y_j` (train_step). The scaled δ is one value
    /// per row, so the update costs one multiply per weight (measured 5-8%
    /// faster on 16-64-64-8 and 784-128-10 than `lr * (δ_i * y_j)`); it
    /// differs from `backward` + SGD by the rounding of that product only.
    Sgd,
}

/// One statement (or loop) per parameter of every layer.
pub fn apply(net: &Network, mode: &Apply) -> TokenStream {
    let stmts = net.layers.iter().map(|layer| {
        let l = layer.index;
        let unroll = unrolled(net, l);
        let (w, b, delta) = (name("w", l), name("b", l), name("delta", l));
        let input = input_of(l);
        let n = layer.width.value;
        let weights = for_each_ij(n, net.width_before(l), unroll, |i, j| match mode {
            Apply::Accumulate => quote!(grad.#w[#i][#j] += #delta[#i] * #input[#j];),
            Apply::Sgd => quote!(self.#w[#i][#j] -= (lr * #delta[#i]) * #input[#j];),
        });
        let biases = for_each_i(n, unroll, |i| match mode {
            Apply::Accumulate => quote!(grad.#b[#i] += #delta[#i];),
            Apply::Sgd => quote!(self.#b[#i] -= lr * #delta[#i];),
        });
        quote!(#weights #biases)
    });
    quote!(#(#stmts)*)
}
