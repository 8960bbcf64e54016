//! The weights API of every network: `BYTES`, `to_bytes`, `from_bytes`,
//! `to_rust`, and with `#[weights("..")]` the baked-in `TRAINED`.

use super::code::{lit, name};
use crate::bake::{Baked, Values};
use crate::model::Network;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The inherent items, inside the network's `impl`.
pub fn methods(net: &Network, baked: Option<&Baked>) -> TokenStream {
    let size = net.scalar.bytes();
    let bytes = lit(net.params() * size);
    let type_name = net.ident.to_string();
    let bytes_doc = format!(
        "Size of [`Self::to_bytes`]: {} parameters of {size} bytes.",
        net.params()
    );
    let trained = baked.map(|b| trained(net, b));
    quote! {
        #[doc = #bytes_doc]
        pub const BYTES: usize = #bytes;

        /// The parameters as bytes: each scalar little-endian, in the flat
        /// [`Params`](::mlp::Params) order (`w1` row by row, `b1`, `w2`, ...).
        /// For flash or EEPROM; [`Self::from_bytes`] reads them back.
        #[must_use]
        pub fn to_bytes(&self) -> [u8; #bytes] {
            let mut out = [0u8; #bytes];
            mlp::weights::write_le(self, &mut out);
            out
        }

        /// The network [`Self::to_bytes`] wrote.
        ///
        /// # Errors
        /// A NaN or infinite value, named by parameter (`w2[0][3]`).
        pub fn from_bytes(bytes: &[u8; #bytes]) -> ::core::result::Result<Self, mlp::WeightsError> {
            let mut net = Self::zeroed();
            mlp::weights::read_le(
                bytes,
                <Self as mlp::Params>::LAYER_SHAPES,
                &mut net,
            )?;
            ::core::result::Result::Ok(net)
        }

        mlp::if_alloc! {
            /// Rust source for `pub const NAME: Type = Type { .. };` holding
            /// exactly these weights (floats printed so they read back bit
            /// for bit), to compile into a program with no file at all.
            #[must_use]
            pub fn to_rust(&self, name: &str) -> mlp::String {
                mlp::weights::to_rust(self, #type_name, name)
            }
        }

        #trained
    }
}

/// `pub const TRAINED: Self = Self { .. };` with the file's values.
fn trained(net: &Network, baked: &Baked) -> TokenStream {
    let literals: Vec<TokenStream> = match &baked.values {
        Values::F32(v) => v
            .iter()
            .map(|&x| float(x.is_sign_negative(), format!("{:?}", x.abs())))
            .collect(),
        Values::F64(v) => v
            .iter()
            .map(|&x| float(x.is_sign_negative(), format!("{:?}", x.abs())))
            .collect(),
    };
    let mut values = literals.into_iter();
    let fields = net.layers.iter().map(|layer| {
        let l = layer.index;
        let (w, b) = (name("w", l), name("b", l));
        let inputs = net.width_before(l);
        let rows: Vec<TokenStream> = (0..layer.width.value)
            .map(|_| {
                let row = values.by_ref().take(inputs);
                quote!([#(#row),*])
            })
            .collect();
        let biases: Vec<TokenStream> = values.by_ref().take(layer.width.value).collect();
        quote!(#w: [#(#rows),*], #b: [#(#biases),*],)
    });
    let path = &baked.path;
    let doc = format!(
        "The weights of `{}`, read from `{}` when this crate was compiled.",
        net.ident,
        net.weights
            .as_ref()
            .map(syn::LitStr::value)
            .unwrap_or_default()
    );
    quote! {
        #[doc = #doc]
        pub const TRAINED: Self = {
            // Makes cargo rebuild when the file changes.
            const _: &[u8] = ::core::include_bytes!(#path);
            Self { #(#fields)* }
        };
    }
}

/// A float literal that reads back as exactly the value: the shortest
/// round-trip decimal of its magnitude (`{:?}`), negated where the sign
/// bit is set (so `-0.0` stays negative zero).
pub(super) fn float(negative: bool, magnitude: String) -> TokenStream {
    let lit: Literal = magnitude
        .parse()
        .unwrap_or_else(|_| Literal::f64_unsuffixed(0.0));
    if negative {
        quote!(-#lit)
    } else {
        quote!(#lit)
    }
}
