//! The gradient methods of every differentiable network, with or without a
//! loss: `backward_from` (any output gradient `dy` in, ∂⟨dy, y⟩/∂θ added
//! into a buffer, ∂⟨dy, y⟩/∂x out), `input_gradient` (dx alone) and
//! `backward_from_batch`. The δ chain is `backward`'s: the output δ is
//! f′(hᴸ) ⊙ dy (softmax: y ⊙ (dy − ⟨dy, y⟩)), each hidden δ is
//! f′(hˡ) ⊙ (Wˡ⁺¹)ᵀ δˡ⁺¹ (`backward::hidden_delta`), and dx = (W¹)ᵀ δ¹.

use super::backward::{self, Apply};
use super::code::{activation_value, array, lit, name, never_methods, sum};
use super::forward;
use crate::model::{Activation, Network};
use proc_macro2::TokenStream;
use quote::quote;

/// The gradient methods, inherent, for a network without `step`/`sign`.
pub fn methods(net: &Network, ty: &TokenStream) -> TokenStream {
    let inputs = lit(net.inputs.value);
    let outputs = lit(net.output().width.value);
    let layers = forward::run(net, ty, forward::Reads::DeltasFrom(1), true);
    let all_deltas = all_deltas(net, ty);
    let (lowest, dx) = input_delta(net, ty, Method::BackwardFrom);
    let accumulate = backward::apply_from(net, &Apply::Accumulate, lowest);
    let (_, dx_alone) = input_delta(net, ty, Method::InputGradient);
    let batch = batch_body(net, false);
    let batch_with = batch_body(net, true);
    let flush = forward::flush_argument(net, &quote!(dy));
    let y = name("y", net.output().index);
    // Every δ from the argument dy, or from the closure dy called with the
    // outputs of the same forward pass.
    let deltas = quote!(#flush #layers #all_deltas);
    let deltas_with = quote!(#layers let dy = &dy(&#y); #flush #all_deltas);
    quote! {
        /// Backpropagates the output gradient `dy` (∂J/∂y for any objective
        /// J of the outputs) for input `x`: adds (`grad += ∂⟨dy, y(x)⟩/∂θ`)
        /// the parameter gradient into `grad`, nothing for `frozen` layers,
        /// and returns the input gradient ∂⟨dy, y(x)⟩/∂x (which flows
        /// through frozen layers too). With dy = ∂L/∂y of a declared loss it
        /// adds what `backward` adds.
        #[inline]
        pub fn backward_from(&self, x: &[#ty; #inputs], dy: &[#ty; #outputs], grad: &mut Self) -> [#ty; #inputs] {
            #deltas
            #accumulate
            #dx
        }

        /// The input gradient ∂⟨dy, y(x)⟩/∂x alone: `backward_from`'s
        /// return value, without the parameter-gradient work (for the
        /// critic of an actor-critic method, ∂Q/∂action).
        #[inline]
        #[must_use]
        pub fn input_gradient(&self, x: &[#ty; #inputs], dy: &[#ty; #outputs]) -> [#ty; #inputs] {
            #deltas
            #dx_alone
        }

        /// `backward_from` with `dy` computed from the output: runs the
        /// forward pass once, hands its output y to `dy`, and
        /// backpropagates what `dy` returns, adding the parameter gradient
        /// into `grad` and returning the input gradient. The same values
        /// as `forward` followed by `backward_from`, one forward pass
        /// cheaper: for an objective of the outputs (a policy gradient, a
        /// loss of your own, the next network of a chain).
        #[inline]
        pub fn backward_with<F>(&self, x: &[#ty; #inputs], grad: &mut Self, dy: F) -> [#ty; #inputs]
        where
            F: FnOnce(&[#ty; #outputs]) -> [#ty; #outputs],
        {
            #deltas_with
            #accumulate
            #dx
        }

        /// `input_gradient` with `dy` computed from the output, as
        /// `backward_with` is: one forward pass, no parameter-gradient
        /// work.
        #[inline]
        #[must_use]
        pub fn input_gradient_with<F>(&self, x: &[#ty; #inputs], dy: F) -> [#ty; #inputs]
        where
            F: FnOnce(&[#ty; #outputs]) -> [#ty; #outputs],
        {
            #deltas_with
            #dx_alone
        }

        /// `backward_from` for a fixed batch: adds the **sum** of the
        /// samples' parameter gradients into `grad` (the exact
        /// vector-Jacobian product of the batched function; scale `dys` by
        /// 1/B for a mean) and returns each sample's input gradient. Each
        /// layer is computed for the whole batch at once (held
        /// feature-major, as `backward_batch` does), so the values equal B
        /// calls of `backward_from` up to the order of summation.
        #[inline]
        pub fn backward_from_batch<const B: usize>(
            &self,
            xs: &[[#ty; #inputs]; B],
            dys: &[[#ty; #outputs]; B],
            grad: &mut Self,
        ) -> [[#ty; #inputs]; B] {
            #batch
        }

        /// `backward_from_batch` with the output gradients computed from
        /// the outputs, as `backward_with` is for one sample: `dys` gets
        /// what `forward_batch` returns (sample-major), and the batch's
        /// forward pass runs once.
        #[inline]
        pub fn backward_with_batch<const B: usize, F>(
            &self,
            xs: &[[#ty; #inputs]; B],
            grad: &mut Self,
            dys: F,
        ) -> [[#ty; #inputs]; B]
        where
            F: FnOnce(&[[#ty; #outputs]; B]) -> [[#ty; #outputs]; B],
        {
            #batch_with
        }
    }
}

/// For a network with `step` or `sign`: the methods exist only to say, at
/// the call, why there is no gradient (the bound never holds).
pub fn undifferentiable_methods() -> TokenStream {
    never_methods(
        &quote!(::mlp::__private::AllLayersDifferentiable<X>),
        &[
            ("backward_from", false, 3),
            ("input_gradient", false, 2),
            ("backward_from_batch", false, 3),
            ("backward_with", false, 3),
            ("input_gradient_with", false, 2),
            ("backward_with_batch", false, 3),
        ],
    )
}

/// `impl mlp::Differentiable` delegating to the inherent methods.
pub fn trait_impl(net: &Network, ty: &TokenStream) -> TokenStream {
    let ident = &net.ident;
    let (inputs, outputs) = (lit(net.inputs.value), lit(net.output().width.value));
    quote! {
        #[automatically_derived]
        impl mlp::Differentiable<#inputs, #outputs> for #ident {
            #[inline]
            fn backward_from(&self, x: &[#ty; #inputs], dy: &[#ty; #outputs], grad: &mut Self) -> [#ty; #inputs] {
                #ident::backward_from(self, x, dy, grad)
            }
            #[inline]
            fn input_gradient(&self, x: &[#ty; #inputs], dy: &[#ty; #outputs]) -> [#ty; #inputs] {
                #ident::input_gradient(self, x, dy)
            }
            #[inline]
            fn backward_from_batch<const B: usize>(
                &self,
                xs: &[[#ty; #inputs]; B],
                dys: &[[#ty; #outputs]; B],
                grad: &mut Self,
            ) -> [[#ty; #inputs]; B] {
                #ident::backward_from_batch(self, xs, dys, grad)
            }
            #[inline]
            fn backward_with<F>(&self, x: &[#ty; #inputs], grad: &mut Self, dy: F) -> [#ty; #inputs]
            where
                F: FnOnce(&[#ty; #outputs]) -> [#ty; #outputs],
            {
                #ident::backward_with(self, x, grad, dy)
            }
            #[inline]
            fn input_gradient_with<F>(&self, x: &[#ty; #inputs], dy: F) -> [#ty; #inputs]
            where
                F: FnOnce(&[#ty; #outputs]) -> [#ty; #outputs],
            {
                #ident::input_gradient_with(self, x, dy)
            }
            #[inline]
            fn backward_with_batch<const B: usize, F>(
                &self,
                xs: &[[#ty; #inputs]; B],
                grad: &mut Self,
                dys: F,
            ) -> [[#ty; #inputs]; B]
            where
                F: FnOnce(&[[#ty; #outputs]; B]) -> [[#ty; #outputs]; B],
            {
                #ident::backward_with_batch(self, xs, grad, dys)
            }
        }
    }
}

/// δᴸ from `dy`, then every hidden δ down to layer 1 (dx needs them all,
/// frozen layers included).
fn all_deltas(net: &Network, ty: &TokenStream) -> TokenStream {
    let out = net.output();
    let (l, k) = (out.index, out.width.value);
    let unroll = net.unrolled(l);
    let (h, y, delta) = (name("h", l), name("y", l), name("delta", l));
    let k_lit = lit(k);
    let output = if out.activation.value == Activation::Softmax {
        let dot = sum(k, unroll, |j| quote!(dy[#j] * #y[#j]));
        let v = array(k, unroll, |i| quote!(#y[#i] * (dy[#i] - __dy_y)));
        quote! {
            let __dy_y: #ty = #dot;
            let #delta: [#ty; #k_lit] = #v;
        }
    } else {
        let f = activation_value(out);
        let v = array(
            k,
            unroll,
            |i| quote!(mlp::Elementwise::df(#f, #h[#i], #y[#i]) * dy[#i]),
        );
        quote!(let #delta: [#ty; #k_lit] = #v;)
    };
    let hidden = (1..l).rev().map(|l| backward::hidden_delta(net, l, ty));
    quote!(#output #(#hidden)*)
}

/// `backward_from_batch`'s body: the batch forward trace, δᴸ = f′(hᴸ) ⊙ dy
/// (softmax: y ⊙ (dy − ⟨dy, y⟩)) for every sample at once, each hidden δ
/// as (Wᵀ Δ) ⊙ f′, every layer that trains given δ Yᵀ summed over the
/// batch, and dX = (W¹)ᵀ Δ¹, back to sample-major. With `from_outputs`,
/// `dys` is a function of the outputs (`backward_with_batch`), called with
/// them sample-major.
fn batch_body(net: &Network, from_outputs: bool) -> TokenStream {
    let out = net.output();
    let l_out = out.index;
    let forward = forward::run_batch(net, forward::Reads::DeltasFrom(1), true);
    let (h, y, delta) = (name("h", l_out), name("y", l_out), name("delta", l_out));
    let output = if out.activation.value == Activation::Softmax {
        quote!(mlp::batch::softmax_jacobian(|_, dy| dy, &#y, &__dy))
    } else {
        let act = activation_value(out);
        quote!(mlp::batch::chain(#act, |_, dy| dy, &#h, &#y, &__dy))
    };
    let hidden = backward::batch_hidden_deltas(net, 1);
    let grads = backward::batch_gradients(net, &quote!(1.0));
    let flush = forward::flush_argument(net, &quote!(dys));
    let (before, after) = if from_outputs {
        let call = quote! {
            let dys = &dys(&mlp::batch::transpose(&#y).0);
            #flush
        };
        (None, Some(call))
    } else {
        (flush, None)
    };
    quote! {
        #before
        #forward
        #after
        let __dy = mlp::batch::transpose(dys);
        let #delta = #output;
        #hidden
        #grads
        mlp::batch::transpose(&mlp::batch::back(&self.w1, &delta1)).0
    }
}

/// dx = (W¹)ᵀ δ¹ as `input_gradient` returns it (no parameter work), for
/// `loss_input_gradient`, whose δs come from the loss.
pub fn loss_input_delta(net: &Network, ty: &TokenStream) -> TokenStream {
    input_delta(net, ty, Method::InputGradient).1
}

/// Which method dx is returned from.
#[derive(Clone, Copy, PartialEq)]
enum Method {
    BackwardFrom,
    InputGradient,
}

/// dx = (W¹)ᵀ δ¹, returned, in the form measured fastest for the method
/// (`cargo bench --bench perf -- gradients`, BENCHMARKS.md), and the lowest
/// layer whose gradient `backward_from` still has to add (2 where the
/// first layer's comes with dx here, 1 otherwise). Every form sums in k
/// order, so all give the same values.
/// - A wide first layer that trains, in `backward_from`: its gradient and
///   dx in one pass over the rows (`linalg::add_outer_back`; 784-128-10
///   sigmoid/sse 1.26x -> 1.10x of `backward`).
/// - A narrow first layer in `backward_from`: straight-line sums.
/// - `input_gradient` from four units up, and every other wide layer: the
///   runtime's `linalg::back`. Spelled out as sums, a δ¹ that only dx
///   reads stayed scalar (LLVM's SLP vectoriser starts from stores, and in
///   `input_gradient` δ¹ reaches none; in `backward_from` it reaches the
///   gradient's): 4-16-3 `input_gradient` took 116.5 ns that way against
///   101.3 through `back`, which reads δ¹ from memory. Below four units
///   there is nothing to vectorise and the call costs more (2-2-1: 1.07x of
///   `backward` through `back`).
fn input_delta(net: &Network, ty: &TokenStream, method: Method) -> (usize, TokenStream) {
    let first = &net.layers[0];
    let (m, n) = (net.inputs.value, first.width.value);
    if !net.unrolled(1) && method == Method::BackwardFrom && first.frozen.is_none() {
        let dx = quote!(mlp::linalg::add_outer_back(
            &mut grad.w1,
            &mut grad.b1,
            &self.w1,
            &delta1,
            x
        ));
        return (2, dx);
    }
    let narrow = net.unrolled(1) && (method == Method::BackwardFrom || n < 4);
    if !narrow {
        return (1, quote!(mlp::linalg::back(&self.w1, &delta1)));
    }
    let v = array(m, true, |j| {
        sum(n, true, |i| quote!(self.w1[#i][#j] * delta1[#i]))
    });
    let m = lit(m);
    (
        1,
        quote! {
            let __dx: [#ty; #m] = #v;
            __dx
        },
    )
}
