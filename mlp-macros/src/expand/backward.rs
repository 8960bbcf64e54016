//! The loss, the δ of every layer, and what is done with them: added into a
//! gradient buffer (`backward`) or applied as an SGD step (`train_step`).
//!
//! δ^L and the loss come from the network's `Rule` (rules.rs); hidden
//! layers use the backpropagation equation δ^l = f'_l(h^l) ⊙ (W^(l+1))ᵀ
//! δ^(l+1), and ∂L/∂w^l_ij = δ^l_i y^(l-1)_j,
//! ∂L/∂b^l_i = δ^l_i.

use super::code::{
    activation_value, array, float, for_each_i, for_each_ij, input_of, lit, name, runtime, sum,
};
use crate::model::{Layer, Network};
use crate::rules::{Delta, GradY, Rule};
use proc_macro2::TokenStream;
use quote::quote;

/// The per-sample loss, `runtime_loss(&h{L} or &y{L}, d)`.
pub fn loss_value(net: &Network, rule: Rule) -> TokenStream {
    let l = net.output().index;
    let of = if rule.loss.of_outputs {
        name("y", l)
    } else {
        name("h", l)
    };
    let f = runtime(rule.loss.runtime);
    match net.loss_param {
        Some(p) => {
            let p = float(p);
            quote!(#f(&#of, d, #p))
        }
        None => quote!(#f(&#of, d)),
    }
}

/// f'(h) of `layer`'s activation, as the runtime's `df(h, y)`.
fn derivative(layer: &Layer, h: &TokenStream, y: &TokenStream) -> TokenStream {
    let f = activation_value(layer);
    quote!(mlp::Elementwise::df(#f, #h, #y))
}

/// `let delta{L} = ..;` then each hidden `let delta{l} = ..;`, output
/// first, down to the lowest layer that trains: below it no weight changes,
/// so no δ is needed (a frozen feature extractor costs only its forward pass).
pub fn deltas(net: &Network, rule: Rule, ty: &TokenStream) -> TokenStream {
    deltas_down_to(net, rule, ty, net.lowest_trainable())
}

/// [`deltas`] down to layer `lowest` (1 for the input gradient, which needs
/// every δ, frozen layers' included).
pub fn deltas_down_to(net: &Network, rule: Rule, ty: &TokenStream, lowest: usize) -> TokenStream {
    let l_out = net.output().index;
    let output = output_delta(net, rule.delta, ty);
    let hidden = (lowest..l_out).rev().map(|l| hidden_delta(net, l, ty));
    quote!(#output #(#hidden)*)
}

/// δ^L, in the closed form the rules table chose.
fn output_delta(net: &Network, delta: Delta, ty: &TokenStream) -> TokenStream {
    let out = net.output();
    let (l, k) = (out.index, out.width.value);
    let unroll = net.unrolled(l);
    let (h, y, delta_l) = (name("h", l), name("y", l), name("delta", l));
    let k_lit = lit(k);
    // ∂L/∂y_k = c·(y_k − d_k) (huber: the difference clamped), with the
    // factor left out where c = 1.
    let grad_y = |g: GradY, i: &TokenStream| {
        let c = g.scale(k);
        let r = match (g, net.loss_param) {
            (GradY::Huber, Some(p)) => {
                let p = float(p);
                quote!(mlp::huber_grad(#y[#i] - d[#i], #p))
            }
            _ => quote!((#y[#i] - d[#i])),
        };
        if c == 1.0 {
            r
        } else {
            let c = float(c);
            quote!(#c * #r)
        }
    };
    let value = match delta {
        Delta::YMinusD => array(k, unroll, |i| quote!(#y[#i] - d[#i])),
        Delta::SigmoidCe => array(k, unroll, |i| quote!(-d[#i] * (1.0 - #y[#i]))),
        Delta::Chain(g) => array(k, unroll, |i| {
            let df = derivative(out, &quote!(#h[#i]), &quote!(#y[#i]));
            let g = grad_y(g, i);
            quote!(#g * #df)
        }),
        Delta::SoftmaxJacobian(g) => {
            let g = array(k, unroll, |i| grad_y(g, i));
            let gy = sum(k, unroll, |j| quote!(__g[#j] * #y[#j]));
            let v = array(k, unroll, |i| quote!(#y[#i] * (__g[#i] - __gy)));
            return quote! {
                let __g: [#ty; #k_lit] = #g;
                let __gy: #ty = #gy;
                let #delta_l: [#ty; #k_lit] = #v;
            };
        }
    };
    quote!(let #delta_l: [#ty; #k_lit] = #value;)
}

/// δ^l_i = f'(h^l_i) Σ_k w^(l+1)_ki δ^(l+1)_k.
pub(super) fn hidden_delta(net: &Network, l: usize, ty: &TokenStream) -> TokenStream {
    let layer = &net.layers[l - 1];
    let (n, next_n) = (layer.width.value, net.layers[l].width.value);
    let (h, y, delta) = (name("h", l), name("y", l), name("delta", l));
    let (w_next, delta_next) = (name("w", l + 1), name("delta", l + 1));
    let n_lit = lit(n);
    if !net.unrolled(l + 1) {
        // (W^(l+1))ᵀ δ^(l+1) in the running sum's order for each unit, a few
        // rows of W per pass (runtime `linalg::back`), then times f'.
        let df = derivative(layer, &quote!(#h[__i]), &quote!(#y[__i]));
        return quote! {
            let #delta: [#ty; #n_lit] = {
                let mut __back = mlp::linalg::back(&self.#w_next, &#delta_next);
                for __i in 0..#n_lit {
                    __back[__i] *= #df;
                }
                __back
            };
        };
    }
    let v = array(n, true, |i| {
        let back = sum(
            next_n,
            true,
            |k| quote!(self.#w_next[#k][#i] * #delta_next[#k]),
        );
        let df = derivative(layer, &quote!(#h[#i]), &quote!(#y[#i]));
        quote!(#df * (#back))
    });
    quote!(let #delta: [#ty; #n_lit] = #v;)
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

/// One statement (or loop) per parameter of every layer that trains
/// (`frozen` layers get no gradient and no update).
pub fn apply(net: &Network, mode: &Apply) -> TokenStream {
    apply_from(net, mode, 1)
}

/// [`apply`] for layers `lowest` and up only.
pub fn apply_from(net: &Network, mode: &Apply, lowest: usize) -> TokenStream {
    let trainable = net
        .layers
        .iter()
        .filter(|l| l.frozen.is_none() && l.index >= lowest);
    let stmts = trainable.map(|layer| {
        let l = layer.index;
        let unroll = net.unrolled(l);
        let (w, b, delta) = (name("w", l), name("b", l), name("delta", l));
        let input = input_of(l);
        if !unroll {
            // A wide layer: the runtime's loop, compiled for the CPU's
            // instruction set (`linalg::add_outer`/`sgd_outer`, each
            // element as the unrolled statements below compute it).
            let input = if l == 1 { quote!(x) } else { quote!(&#input) };
            return match mode {
                Apply::Accumulate => {
                    quote!(mlp::linalg::add_outer(&mut grad.#w, &mut grad.#b, &#delta, #input);)
                }
                Apply::Sgd => {
                    quote!(mlp::linalg::sgd_outer(&mut self.#w, &mut self.#b, &#delta, #input, lr);)
                }
            };
        }
        let n = layer.width.value;
        let weights = for_each_ij(n, net.width_before(l), unroll, |i, j| match mode {
            Apply::Accumulate => quote!(grad.#w[#i][#j] += #delta[#i] * #input[#j];),
            Apply::Sgd => quote!(self.#w[#i][#j] -= lr * #delta[#i] * #input[#j];),
        });
        let biases = for_each_i(n, unroll, |i| match mode {
            Apply::Accumulate => quote!(grad.#b[#i] += #delta[#i];),
            Apply::Sgd => quote!(self.#b[#i] -= lr * #delta[#i];),
        });
        quote!(#weights #biases)
    });
    quote!(#(#stmts)*)
}

/// `let delta{l} = mlp::batch::hidden_delta(..);` for every hidden layer
/// from the output down to layer `lowest`, over a batch.
pub(super) fn batch_hidden_deltas(net: &Network, lowest: usize) -> TokenStream {
    let hidden = (lowest..net.output().index).rev().map(|l| {
        let act = activation_value(&net.layers[l - 1]);
        let (h, y, delta) = (name("h", l), name("y", l), name("delta", l));
        let (w_next, delta_next) = (name("w", l + 1), name("delta", l + 1));
        quote!(let #delta = mlp::batch::hidden_delta(#act, &self.#w_next, &#delta_next, &#h, &#y);)
    });
    quote!(#(#hidden)*)
}

/// Every layer that trains given `scale` times its batch gradient δ Yᵀ
/// (`mlp::batch::accumulate`).
pub(super) fn batch_gradients(net: &Network, scale: &TokenStream) -> TokenStream {
    let grads = net
        .layers
        .iter()
        .filter(|l| l.frozen.is_none())
        .map(|layer| {
            let l = layer.index;
            let (w, b, delta) = (name("w", l), name("b", l), name("delta", l));
            // The layer's input sample-major: a copy of the caller's `xs` on
            // a cache line for the first layer (`batch::aligned`: its rows
            // are read with vector loads), a transposed copy of a hidden
            // layer's output.
            let prev = if l == 1 {
                quote!(&mlp::batch::aligned(xs))
            } else {
                let y = name("y", l - 1);
                quote!(&mlp::batch::transpose(&#y))
            };
            quote!(mlp::batch::accumulate(&mut grad.#w, &mut grad.#b, &#delta, #prev, #scale);)
        });
    quote!(#(#grads)*)
}

/// The body of `backward_batch`: the forward pass over the batch held
/// feature-major, the output δ of the rule for every sample at once, hidden
/// δs as (Wᵀ δ) ⊙ f′ with each row of W loaded once for the batch, and each
/// trainable layer's gradient as δ Yᵀ (tiles of units × inputs summed over
/// the batch in registers), scaled to the batch mean. With
/// `input_gradients`, every δ down to layer 1 and, returned beside the
/// loss, each sample's input gradient of the mean loss, (1/B)(W¹)ᵀ δ¹.
pub fn batch_body(
    net: &Network,
    rule: Rule,
    ty: &TokenStream,
    input_gradients: bool,
) -> TokenStream {
    let out = net.output();
    let l_out = out.index;
    // The loss and δᴸ read hᴸ only for a logit-based loss or a chained δ.
    let output_h = !rule.loss.of_outputs || matches!(rule.delta, Delta::Chain(_));
    let lowest = if input_gradients {
        1
    } else {
        net.lowest_trainable()
    };
    let forward =
        super::forward::run_batch(net, super::forward::Reads::DeltasFrom(lowest), output_h);
    let (h, y, delta) = (name("h", l_out), name("y", l_out), name("delta", l_out));
    let loss_of = if rule.loss.of_outputs { &y } else { &h };
    let loss_fn = runtime(rule.loss.runtime);
    let loss_args = match net.loss_param {
        Some(p) => {
            let p = float(p);
            quote!(a, b, #p)
        }
        None => quote!(a, b),
    };
    let batch = quote!(mlp::batch);
    let k = out.width.value;
    // ∂L/∂y from (y, d), for the batch kernels.
    let grad_y = |g: GradY| {
        let c = float(g.scale(k));
        match (g, net.loss_param) {
            (GradY::Huber, Some(p)) => {
                let p = float(p);
                quote!(|y, d| #c * mlp::huber_grad(y - d, #p))
            }
            _ => quote!(|y, d| #c * (y - d)),
        }
    };
    let output = match rule.delta {
        Delta::YMinusD => quote!(#batch::zip_map(&#y, &__d, |y, d| y - d)),
        Delta::SigmoidCe => quote!(#batch::zip_map(&#y, &__d, |y, d| -d * (1.0 - y))),
        Delta::Chain(g) => {
            let (act, g) = (activation_value(out), grad_y(g));
            quote!(#batch::chain(#act, #g, &#h, &#y, &__d))
        }
        Delta::SoftmaxJacobian(g) => {
            let g = grad_y(g);
            quote!(#batch::softmax_jacobian(#g, &#y, &__d))
        }
    };
    let hidden = batch_hidden_deltas(net, lowest);
    let grads = batch_gradients(net, &quote!(__inv));
    let (empty, result) = if input_gradients {
        let inputs = lit(net.inputs.value);
        let dx = quote! {
            #batch::transpose(&#batch::back(&self.w1, &delta1))
                .0
                .map(|dx| dx.map(|v| v * __inv))
        };
        (
            quote!((0.0, [[0.0; #inputs]; B])),
            quote!((loss * __inv, #dx)),
        )
    } else {
        (quote!(0.0), quote!(loss * __inv))
    };
    quote! {
        if B == 0 {
            return #empty;
        }
        #forward
        let __d = #batch::transpose(ds);
        let __inv: #ty = 1.0 / (B as #ty);
        let loss: #ty = #batch::loss_sum(&#loss_of, &__d, |a, b| #loss_fn(#loss_args));
        let #delta = #output;
        #hidden
        #grads
        #result
    }
}
