//! The forward pass: for each layer l, h^l = W^l y^(l-1) + b^l and
//! y^l = f_l(h^l), as arrays `h{l}` and `y{l}` with `y0` being `x`.

use super::code::{activation_value, array, dot_sum, input_of, lit, name};
use crate::model::{Layer, Network};
use proc_macro2::TokenStream;
use quote::quote;

/// `let h{l} = ..; let y{l} = ..;` for every layer. With `output_y` false
/// the last layer stops at its pre-activation (the logit-based losses need
/// only `h`), so no value goes unused.
pub fn layers(net: &Network, ty: &TokenStream, output_y: bool) -> TokenStream {
    let last = net.layers.len();
    let stmts = net.layers.iter().map(|layer| {
        let l = layer.index;
        let n = lit(layer.width.value);
        let pre = pre_activation(net, layer);
        let (h, y) = (name("h", l), name("y", l));
        let act = (l < last || output_y).then(|| {
            // The runtime applies f across the layer in one loop, which
            // vectorises (and picks the short-latency form for layers too
            // narrow to fill a vector).
            let f = activation_value(layer);
            quote!(let #y: [#ty; #n] = ::mlp::__private::Activation::layer(#f, &#h);)
        });
        quote! {
            let #h: [#ty; #n] = #pre;
            #act
        }
    });
    quote!(#(#stmts)*)
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
        return quote!(::mlp::__private::linalg::dense(&self.#w, &self.#b, #input_ref));
    }
    let fan_in = net.width_before(l);
    array(layer.width.value, true, |i| {
        let dot = dot_sum(fan_in, |j| quote!(self.#w[#i][#j] * #input[#j]));
        quote!(#dot + self.#b[#i])
    })
}

/// The body of `forward_batch`: the same layers over a batch held
/// feature-major (runtime `batch`), so each step vectorises across samples.
pub fn batch_layers(net: &Network) -> TokenStream {
    let layers = batch_layers_only(net);
    let last = name("y", net.layers.len());
    quote! {
        #layers
        ::mlp::__private::batch::transpose(&#last)
    }
}

/// `let h1 = ..; let y1 = ..; ...` over the batch `xs` (sample-major, taken
/// by the first layer as it is; every later layer's input feature-major).
pub fn batch_layers_only(net: &Network) -> TokenStream {
    let stmts = net.layers.iter().map(|layer| {
        let l = layer.index;
        let (w, b) = (name("w", l), name("b", l));
        let (prev, h, y) = (name("y", l - 1), name("h", l), name("y", l));
        let f = activation_value(layer);
        let dense = if l == 1 {
            quote!(::mlp::__private::batch::dense_input(&self.#w, &self.#b, xs))
        } else {
            quote!(::mlp::__private::batch::dense(&self.#w, &self.#b, &#prev))
        };
        quote! {
            let #h = #dense;
            let #y = ::mlp::__private::Activation::batch(#f, &#h);
        }
    });
    quote!(#(#stmts)*)
}
