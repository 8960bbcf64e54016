//! Output for a declaration with errors: the errors, plus a stand-in struct
//! of the declared name, so that code using the network reports nothing but
//! the declaration's own mistakes (after thiserror's `fallback.rs`).

use crate::ast::Item;
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(item: &Item, errors: &syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    let (vis, ident) = (&item.vis, &item.ident);
    quote! {
        #errors
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
