//! The forward pass: for each layer l, h^l = W^l y^(l-1) + b^l and
//! y^l = f_l(h^l), as arrays `h{l}` and `y{l}` with `y0` being `x`.
//!
//! It is written once per network, as the private `fn trace` (one sample)
//! and `fn batch_trace` (a batch held feature-major) inside the expansion's
//! scope; every method starts by destructuring the fields it reads.

use super::code::{activation_value, array, dot_sum, input_of, lit, name};
use crate::model::{Layer, Network};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// `struct Trace` (every layer's `h` and `y`, stopping at the output
/// layer's pre-activation, since the logit-based losses need only that)
/// and `fn trace(net, x)` filling it; likewise `struct BatchTrace<B>` and
/// `fn batch_trace(net, xs)`, which include the output activation.
pub fn trace_items(net: &Network, ty: &TokenStream) -> TokenStream {
    let ident = &net.ident;
    let inputs = lit(net.inputs.value);
    let last = net.layers.len();
    let fields: Vec<(Ident, TokenStream)> = net
        .layers
        .iter()
        .flat_map(|layer| {
            let (l, n) = (layer.index, lit(layer.width.value));
            let h = (name("h", l), n.clone());
            let y = (l < last).then(|| (name("y", l), n));
            std::iter::once(h).chain(y)
        })
        .collect();
    let names: Vec<&Ident> = fields.iter().map(|(f, _)| f).collect();
    let types = fields.iter().map(|(_, n)| quote!([#ty; #n]));
    let layers = layers(net, ty);
    let batch_fields: Vec<(Ident, TokenStream)> = net
        .layers
        .iter()
        .flat_map(|layer| {
            let (l, n) = (layer.index, lit(layer.width.value));
            [(name("h", l), n.clone()), (name("y", l), n)]
        })
        .collect();
    let batch_names: Vec<&Ident> = batch_fields.iter().map(|(f, _)| f).collect();
    let batch_types = batch_fields
        .iter()
        .map(|(_, n)| quote!(mlp::batch::Aligned<[[#ty; B]; #n]>));
    let batch_layers = batch_layers(net);
    quote! {
        /// One sample's forward pass: each layer's pre-activation `h` and
        /// activation `y`, up to the output layer's pre-activation.
        struct Trace {
            #(#names: #types,)*
        }

        #[inline(always)]
        fn trace(net: &#ident, x: &[#ty; #inputs]) -> Trace {
            #layers
            Trace { #(#names),* }
        }

        /// A batch's forward pass, feature-major (`h1[unit][sample]`),
        /// through the output activation.
        #[allow(dead_code)]
        struct BatchTrace<const B: usize> {
            #(#batch_names: #batch_types,)*
        }

        #[inline(always)]
        fn batch_trace<const B: usize>(net: &#ident, xs: &[[#ty; #inputs]; B]) -> BatchTrace<{ B }> {
            #batch_layers
            BatchTrace { #(#batch_names),* }
        }
    }
}

/// What a method reads of the forward pass: the output layer only, or δ
/// from some layer up (which reads `h` and `y` of every layer from there,
/// and the layer input below it).
#[derive(Clone, Copy)]
pub enum Reads {
    Output,
    DeltasFrom(usize),
}

/// The hidden-layer names a method reads, for `Reads`.
fn hidden_reads(net: &Network, reads: Reads) -> Vec<Ident> {
    let last = net.layers.len();
    let Reads::DeltasFrom(lowest) = reads else {
        return Vec::new();
    };
    if lowest > last {
        return Vec::new();
    }
    let below = (lowest >= 2).then(|| name("y", lowest - 1));
    below
        .into_iter()
        .chain((lowest..last).flat_map(|l| [name("h", l), name("y", l)]))
        .collect()
}

/// `let Trace { h2, .. } = trace(self, x);`, binding what `reads` needs,
/// then (with `output_y`) the output activation `y{L}`.
pub fn run(net: &Network, ty: &TokenStream, reads: Reads, output_y: bool) -> TokenStream {
    let out = net.output();
    let (l, n) = (out.index, lit(out.width.value));
    let (h, y) = (name("h", l), name("y", l));
    let mut bound = hidden_reads(net, reads);
    bound.push(h.clone());
    let rest = (bound.len() < 2 * l - 1).then(|| quote!(..));
    let f = activation_value(out);
    let value = flushed(net, quote!(mlp::Activation::layer(#f, &#h)));
    let act = output_y.then(|| quote!(let #y: [#ty; #n] = #value;));
    // Flushed here, not in `trace`: the gradient of layer 1 reads `x` too.
    let input = flush_argument(net, &quote!(x));
    quote! {
        #input
        let Trace { #(#bound,)* #rest } = trace(self, x);
        #act
    }
}

/// `let BatchTrace { .. } = batch_trace(self, xs);`, binding what `reads`
/// needs and the output layer's `y{L}` (and `h{L}` with `output_h`).
pub fn run_batch(net: &Network, reads: Reads, output_h: bool) -> TokenStream {
    let l = net.output().index;
    let mut bound = hidden_reads(net, reads);
    if output_h {
        bound.push(name("h", l));
    }
    bound.push(name("y", l));
    let rest = (bound.len() < 2 * l).then(|| quote!(..));
    let input = flush_argument(net, &quote!(xs));
    quote! {
        #input
        let BatchTrace { #(#bound,)* #rest } = batch_trace(self, xs);
    }
}

/// `let h{l} = ..; let y{l} = ..;` for every layer, the last stopping at
/// its pre-activation.
fn layers(net: &Network, ty: &TokenStream) -> TokenStream {
    let last = net.layers.len();
    let stmts = net.layers.iter().map(|layer| {
        let l = layer.index;
        let n = lit(layer.width.value);
        let pre = pre_activation(net, layer);
        let (h, y) = (name("h", l), name("y", l));
        let act = (l < last).then(|| {
            // The runtime applies f across the layer in one loop, which
            // vectorises (and picks the short-latency form for layers too
            // narrow to fill a vector).
            let f = activation_value(layer);
            let value = flushed(net, quote!(mlp::Activation::layer(#f, &#h)));
            quote!(let #y: [#ty; #n] = #value;)
        });
        quote! {
            let #h: [#ty; #n] = #pre;
            #act
        }
    });
    quote!(#(#stmts)*)
}

/// `value`, with subnormals set to 0 under `#[flush_subnormals]`.
fn flushed(net: &Network, value: TokenStream) -> TokenStream {
    if net.flush_subnormals {
        quote!(mlp::flush(&#value))
    } else {
        value
    }
}

/// `let arg = &mlp::flush(arg);` under `#[flush_subnormals]` (the inputs,
/// and the supplied output gradients of the gradient methods).
pub fn flush_argument(net: &Network, arg: &TokenStream) -> Option<TokenStream> {
    net.flush_subnormals
        .then(|| quote!(let #arg = &mlp::flush(#arg);))
}

/// h^l_i = Σ_j w^l_ij y^(l-1)_j + b^l_i.
fn pre_activation(net: &Network, layer: &Layer) -> TokenStream {
    let l = layer.index;
    let (w, b) = (name("w", l), name("b", l));
    let input = input_of(l);
    if !net.unrolled(l) {
        // All rows at once, blocked so each load of the input serves several
        // rows' partial sums (runtime `linalg::dense`).
        let input_ref = if l == 1 { quote!(x) } else { quote!(&#input) };
        return quote!(mlp::linalg::dense(&net.#w, &net.#b, #input_ref));
    }
    let fan_in = net.width_before(l);
    array(layer.width.value, true, |i| {
        let dot = dot_sum(fan_in, |j| quote!(net.#w[#i][#j] * #input[#j]));
        quote!(#dot + net.#b[#i])
    })
}

/// `let h1 = ..; let y1 = ..; ...` over the batch `xs` (sample-major, taken
/// by the first layer as it is; every later layer's input feature-major).
fn batch_layers(net: &Network) -> TokenStream {
    let stmts = net.layers.iter().map(|layer| {
        let l = layer.index;
        let (w, b) = (name("w", l), name("b", l));
        let (prev, h, y) = (name("y", l - 1), name("h", l), name("y", l));
        let f = activation_value(layer);
        let dense = if l == 1 {
            quote!(mlp::batch::dense_input(&net.#w, &net.#b, xs))
        } else {
            quote!(mlp::batch::dense(&net.#w, &net.#b, &#prev))
        };
        let value = flushed(net, quote!(mlp::Activation::batch(#f, &#h)));
        quote! {
            let #h = #dense;
            let #y = #value;
        }
    });
    quote!(#(#stmts)*)
}
