//! Output for a declaration with errors: the errors, plus a stand-in of the
//! declared name, so that code using the network reports nothing but the
//! declaration's own mistakes (after thiserror's `fallback.rs`).
//!
//! When the declaration resolved (its sizes and names are known, and only a
//! rule failed, such as softmax with `bce`), the stand-in has the real
//! struct, signatures and trait impls, with bodies that return zeros, and
//! the `#[quantize]` types exist too: the user's code type-checks exactly as
//! it will once the declaration is fixed, with no follow-on error or
//! warning. Otherwise a unit struct whose methods accept anything.

use crate::ast::Item;
use crate::expand;
use crate::model::{Network, MAX_PARAMS};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn expand(item: &Item, net: Option<&Network>, errors: &syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    // Past the size limits (themselves errors) a typed stand-in would be
    // as large as the network that was refused.
    let stand_in = match net {
        Some(net) if net.params() <= MAX_PARAMS => typed(net),
        _ => untyped(item),
    };
    quote! {
        #errors
        #stand_in
    }
}

/// The network's own struct and traits, with methods that return zeros.
fn typed(net: &Network) -> TokenStream {
    let scalar = format_ident!("{}", net.scalar.name());
    let ty = quote!(#scalar);
    let ident = &net.ident;
    let lit = |n: usize| proc_macro2::Literal::usize_unsuffixed(n);
    let (inputs, outputs) = (lit(net.inputs.value), lit(net.output().width.value));
    let params = net.params();
    let (bytes, params) = (lit(params * net.scalar.bytes()), lit(params));
    let zero_fields = expand::zero_fields(net);
    let training = net.loss.map(|_| {
        quote! {
            pub fn loss(&self, x: &[#ty; #inputs], d: &[#ty; #outputs]) -> #ty {
                let _ = (x, d);
                0.0
            }
            pub fn loss_input_gradient(&self, x: &[#ty; #inputs], d: &[#ty; #outputs]) -> [#ty; #inputs] {
                let _ = (x, d);
                [0.0; #inputs]
            }
            pub fn backward_and_input_gradient(
                &self,
                x: &[#ty; #inputs],
                d: &[#ty; #outputs],
                grad: &mut Self,
            ) -> (#ty, [#ty; #inputs]) {
                let _ = (x, d, grad);
                (0.0, [0.0; #inputs])
            }
            pub fn backward_batch_and_input_gradients<const B: usize>(
                &self,
                xs: &[[#ty; #inputs]; B],
                ds: &[[#ty; #outputs]; B],
                grad: &mut Self,
            ) -> (#ty, [[#ty; #inputs]; B]) {
                let _ = (xs, ds, grad);
                (0.0, [[0.0; #inputs]; B])
            }
            pub fn train_step_and_input_gradient(
                &mut self,
                x: &[#ty; #inputs],
                d: &[#ty; #outputs],
                lr: #ty,
            ) -> (#ty, [#ty; #inputs]) {
                let _ = (x, d, lr);
                (0.0, [0.0; #inputs])
            }
            pub fn backward(&self, x: &[#ty; #inputs], d: &[#ty; #outputs], grad: &mut Self) -> #ty {
                let _ = (x, d, grad);
                0.0
            }
            pub fn backward_batch<const B: usize>(
                &self,
                xs: &[[#ty; #inputs]; B],
                ds: &[[#ty; #outputs]; B],
                grad: &mut Self,
            ) -> #ty {
                let _ = (xs, ds, grad);
                0.0
            }
            pub fn train_step(&mut self, x: &[#ty; #inputs], d: &[#ty; #outputs], lr: #ty) -> #ty {
                let _ = (x, d, lr);
                0.0
            }
        }
    });
    let gradient = net.differentiable().then(|| {
        quote! {
            pub fn backward_from(&self, x: &[#ty; #inputs], dy: &[#ty; #outputs], grad: &mut Self) -> [#ty; #inputs] {
                let _ = (x, dy, grad);
                [0.0; #inputs]
            }
            pub fn input_gradient(&self, x: &[#ty; #inputs], dy: &[#ty; #outputs]) -> [#ty; #inputs] {
                let _ = (x, dy);
                [0.0; #inputs]
            }
            pub fn backward_from_batch<const B: usize>(
                &self,
                xs: &[[#ty; #inputs]; B],
                dys: &[[#ty; #outputs]; B],
                grad: &mut Self,
            ) -> [[#ty; #inputs]; B] {
                let _ = (xs, dys, grad);
                [[0.0; #inputs]; B]
            }
            pub fn backward_with<F>(&self, x: &[#ty; #inputs], grad: &mut Self, dy: F) -> [#ty; #inputs]
            where
                F: FnOnce(&[#ty; #outputs]) -> [#ty; #outputs],
            {
                let _ = (x, grad, dy);
                [0.0; #inputs]
            }
            pub fn input_gradient_with<F>(&self, x: &[#ty; #inputs], dy: F) -> [#ty; #inputs]
            where
                F: FnOnce(&[#ty; #outputs]) -> [#ty; #outputs],
            {
                let _ = (x, dy);
                [0.0; #inputs]
            }
            pub fn backward_with_batch<const B: usize, F>(
                &self,
                xs: &[[#ty; #inputs]; B],
                grad: &mut Self,
                dys: F,
            ) -> [[#ty; #inputs]; B]
            where
                F: FnOnce(&[[#ty; #outputs]; B]) -> [[#ty; #outputs]; B],
            {
                let _ = (xs, grad, dys);
                [[0.0; #inputs]; B]
            }
        }
    });
    let unavailable = expand::unavailable_methods(net, net.loss.is_some());
    let differentiable_impl = net
        .differentiable()
        .then(|| expand::differentiable_impl(net, &ty));
    let item = expand::struct_item(net, &ty, &[]);
    let params_impl = expand::params_impl(net, &ty);
    let network_impl = expand::network_impl(net, &ty);
    let trainable_impl = net.loss.map(|loss| {
        let input_gradient = expand::loss_input_gradient_impl(net, &ty);
        let trainable = expand::trainable_impl(net, loss.value, &ty);
        quote!(#trainable #input_gradient)
    });
    let quantized = net.quantize.iter().map(|q| {
        let name = &q.ident;
        let code = format_ident!("{}", q.code.name());
        quote! {
            #[allow(dead_code)]
            impl #name {
                pub const TRAINED: Self = Self;
                pub const ERROR_BOUND: [f32; #outputs] = [0.0; #outputs];
                pub fn forward(&self, x: &[#code; #inputs]) -> [#code; #outputs] {
                    let _ = x;
                    [0; #outputs]
                }
                pub fn quantize(x: &[f32; #inputs]) -> [#code; #inputs] {
                    let _ = x;
                    [0; #inputs]
                }
                pub fn dequantize(y: &[#code; #outputs]) -> [f32; #outputs] {
                    let _ = y;
                    [0.0; #outputs]
                }
                pub fn forward_f32(&self, x: &[f32; #inputs]) -> [f32; #outputs] {
                    let _ = x;
                    [0.0; #outputs]
                }
            }
        }
    });
    let quantized_items = net.quantize.iter().map(|q| {
        let (name, vis) = (&q.ident, &net.vis);
        quote! {
            #[allow(dead_code)]
            #vis struct #name;
        }
    });
    let impls = expand::scoped(quote! {
        #[allow(dead_code)]
        impl #ident {
            pub const INPUTS: usize = #inputs;
            pub const OUTPUTS: usize = #outputs;
            pub const PARAMS: usize = #params;
            pub const BYTES: usize = #bytes;
            pub const TRAINED: Self = Self::zeroed();
            pub const fn zeroed() -> Self {
                Self { #zero_fields }
            }
            pub fn new<R: mlp::rand::Rng + ?Sized>(rng: &mut R) -> Self {
                let _ = rng;
                Self::zeroed()
            }
            pub fn forward(&self, x: &[#ty; #inputs]) -> [#ty; #outputs] {
                let _ = x;
                [0.0; #outputs]
            }
            pub fn forward_batch<const B: usize>(&self, xs: &[[#ty; #inputs]; B]) -> [[#ty; #outputs]; B] {
                let _ = xs;
                [[0.0; #outputs]; B]
            }
            pub fn to_bytes(&self) -> [u8; #bytes] {
                [0; #bytes]
            }
            pub fn from_bytes(bytes: &[u8; #bytes]) -> ::core::result::Result<Self, mlp::WeightsError> {
                let _ = bytes;
                ::core::result::Result::Ok(Self::zeroed())
            }
            mlp::if_alloc! {
                pub fn to_rust(&self, name: &str) -> mlp::String {
                    let _ = name;
                    mlp::String::new()
                }
            }
            #training
            #gradient
        }
        #params_impl
        #network_impl
        #trainable_impl
        #differentiable_impl
        #(#quantized)*
    });
    quote! {
        #[allow(dead_code)]
        #item
        #(#quantized_items)*
        #unavailable
        #impls
    }
}

/// A unit struct whose methods take any arguments (nothing about the
/// network is known).
fn untyped(item: &Item) -> TokenStream {
    let (vis, ident) = (&item.vis, &item.ident);
    quote! {
        #[allow(dead_code, clippy::all)]
        #vis struct #ident;
        #[allow(dead_code, unused_variables, clippy::all)]
        impl #ident {
            pub const INPUTS: usize = 0;
            pub const OUTPUTS: usize = 0;
            pub const PARAMS: usize = 0;
            pub const BYTES: usize = 0;
            pub const TRAINED: Self = Self;
            pub fn to_bytes(&self) -> [u8; 0] { [] }
            pub fn from_bytes<B>(bytes: B) -> ::core::result::Result<Self, ::mlp::__private::WeightsError> { ::core::result::Result::Ok(Self) }
            pub fn to_rust<N>(&self, name: N) -> ! { ::core::unreachable!() }
            pub fn zeroed() -> Self { Self }
            pub fn new<R: ?Sized>(rng: &mut R) -> Self { Self }
            pub fn forward<X>(&self, x: X) -> ! { ::core::unreachable!() }
            pub fn loss<X, D>(&self, x: X, d: D) -> ! { ::core::unreachable!() }
            pub fn backward<X, D, G>(&self, x: X, d: D, grad: G) -> ! { ::core::unreachable!() }
            pub fn train_step<X, D, L>(&mut self, x: X, d: D, lr: L) -> ! { ::core::unreachable!() }
            pub fn backward_batch<X, D, G>(&self, xs: X, ds: D, grad: G) -> ! { ::core::unreachable!() }
        }
    }
}
