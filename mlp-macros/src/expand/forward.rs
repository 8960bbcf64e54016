//! The forward pass: for each layer l, h^l = W^l y^(l-1) + b^l and
//! y^l = f_l(h^l), as arrays `h{l}` and `y{l}` with `y0` being `x`.

use super::code::{array, name, sum};
use crate::model::{Activation, Layer, Network};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Layers with fewer units than this cannot fill a 4-lane vector: their
/// activations are computed one at a time, where latency decides.
const NARROW_BELOW: usize = 4;

/// Whether layer `l`'s weights are few enough to unroll.
pub fn unrolled(net: &Network, l: usize) -> bool {
    net.width_before(l) * net.layers[l - 1].width.value <= net.unroll_max
}

/// The array feeding layer `l`: `x` for layer 1, else `y{l-1}`.
pub fn input_of(l: usize) -> TokenStream {
    if l == 1 {
        quote!(x)
    } else {
        let y = name("y", l - 1);
        quote!(#y)
    }
}

/// `let h{l} = ..; let y{l} = ..;` for every layer. With `output_y` false
/// the last layer stops at its pre-activation (the logit-based losses need
/// only `h`), so no value goes unused.
pub fn layers(net: &Network, ty: &TokenStream, output_y: bool) -> TokenStream {
    let last = net.layers.len();
    let stmts = net.layers.iter().map(|layer| {
        let l = layer.index;
        let n = layer.width.value;
        let pre = pre_activation(net, layer);
        let (h, y) = (name("h", l), name("y", l));
        let act = if l < last || output_y {
            let value = activation(layer, &h);
            quote!(let #y: [#ty; #n] = #value;)
        } else {
            quote!()
        };
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
    let unroll = unrolled(net, l);
    let (w, b) = (name("w", l), name("b", l));
    let input = input_of(l);
    let fan_in = net.width_before(l);
    if !unroll {
        // Partial sums, so the row's dot product vectorises (runtime `dot`).
        let input_ref = if l == 1 { quote!(x) } else { quote!(&#input) };
        return array(
            layer.width.value,
            false,
            |i| quote!(::mlp::__private::dot(&self.#w[#i], #input_ref) + self.#b[#i]),
        );
    }
    array(layer.width.value, unroll, |i| {
        let dot = sum(fan_in, unroll, |j| quote!(self.#w[#i][#j] * #input[#j]));
        quote!(#dot + self.#b[#i])
    })
}

/// y^l = f(h^l): element-wise, or softmax over the whole layer.
fn activation(layer: &Layer, h: &proc_macro2::Ident) -> TokenStream {
    let act = layer.activation.value;
    let f = format_ident!("{}", act.name());
    if act == Activation::Softmax {
        return quote!(::mlp::__private::softmax(&#h));
    }
    // One loop over the layer (runtime `map`), which vectorises; a layer too
    // narrow to fill a vector is bound by the latency of each call instead,
    // and takes the short-chain variant where one exists.
    let f = if act == Activation::Sigmoid && layer.width.value < NARROW_BELOW {
        format_ident!("sigmoid_narrow")
    } else {
        f
    };
    quote!(::mlp::__private::map(&#h, ::mlp::__private::#f))
}

/// f'(h^l_i), as a call to the runtime's `{name}_df(h, y)`.
pub fn derivative(act: Activation, h: &TokenStream, y: &TokenStream) -> TokenStream {
    let df = format_ident!("{}_df", act.name());
    quote!(::mlp::__private::#df(#h, #y))
}

/// The body of `forward_batch`: the same layers over a batch held
/// feature-major (runtime `batch`), so each step vectorises across samples.
pub fn batch_layers(net: &Network) -> TokenStream {
    let stmts = net.layers.iter().map(|layer| {
        let l = layer.index;
        let (w, b) = (name("w", l), name("b", l));
        let (prev, h, y) = (name("y", l - 1), name("h", l), name("y", l));
        let act = layer.activation.value;
        let f = format_ident!("{}", act.name());
        let activation = if act == Activation::Softmax {
            quote!(::mlp::__private::batch::softmax(&#h))
        } else {
            quote!(::mlp::__private::batch::map_all(&#h, ::mlp::__private::#f))
        };
        quote! {
            let #h = ::mlp::__private::batch::dense(&self.#w, &self.#b, &#prev);
            let #y = #activation;
        }
    });
    let last = name("y", net.layers.len());
    quote! {
        let y0 = ::mlp::__private::batch::transpose(xs);
        #(#stmts)*
        ::mlp::__private::batch::transpose(&#last)
    }
}
