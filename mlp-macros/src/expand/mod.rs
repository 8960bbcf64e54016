//! Code generation for a checked network: the struct, its inherent API, and
//! the runtime traits. Split by what it emits: `forward.rs` (the forward
//! pass), `backward.rs` (loss, δ, gradients), `code.rs` (names, literals and
//! unrolled-or-looped builders).

mod backward;
mod code;
mod docs;
mod forward;
mod gradient;
mod int;
mod weights;

use crate::check::Checked;
use crate::model::{Init, Loss, Network};
use crate::rules::Rule;
use backward::Apply;
pub(crate) use code::scoped;
use code::{lit, name};
use forward::Reads;
pub(crate) use gradient::trait_impl as differentiable_impl;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The whole expansion of one valid declaration.
pub fn network(checked: &Checked) -> TokenStream {
    let net = &checked.net;
    let scalar = format_ident!("{}", net.scalar.name());
    let ty = quote!(#scalar);
    let item = struct_item(net, &ty, &docs::lines(checked));
    let weights = weights::methods(net, checked.baked.as_ref());
    let inherent = inherent_impl(net, checked.rule, &ty, &weights);
    let params = params_impl(net, &ty);
    let network = network_impl(net, &ty);
    let trainable = checked.rule.and(net.loss).map(|loss| {
        let input_gradient = loss_input_gradient_impl(net, &ty);
        let trainable = trainable_impl(net, loss.value, &ty);
        quote!(#trainable #input_gradient)
    });
    let differentiable = net.differentiable().then(|| gradient::trait_impl(net, &ty));
    let (int_items, int_impls) = int::types(net, &checked.int);
    let trace = forward::trace_items(net, &ty);
    let impls = code::scoped(quote! {
        #inherent
        #params
        #network
        #trainable
        #differentiable
        #int_impls
        #trace
    });
    let unavailable = unavailable_methods(net, checked.rule.is_some());
    quote! {
        #item
        #int_items
        #unavailable
        #impls
    }
}

/// `pub struct Xor { pub w1: [[f32; 2]; 2], pub b1: [f32; 2], ... }`
pub(crate) fn struct_item(net: &Network, ty: &TokenStream, docs: &[String]) -> TokenStream {
    let (attrs, vis, ident) = (&net.attrs, &net.vis, &net.ident);
    let fields = net.layers.iter().map(|layer| {
        let l = layer.index;
        let (n, m) = (layer.width.value, net.width_before(l));
        let (w, b) = (name("w", l), name("b", l));
        let act = layer.activation.value.name();
        let w_doc = format!(
            "Layer {l} weights ({m} -> {n}, {act}): `{w}[i][j]` joins input `j` to unit `i`."
        );
        let b_doc = format!("Layer {l} biases: `{b}[i]` is added to unit `i`'s weighted sum.");
        let (n, m) = (lit(n), lit(m));
        quote! {
            #[doc = #w_doc]
            pub #w: [[#ty; #m]; #n],
            #[doc = #b_doc]
            pub #b: [#ty; #n],
        }
    });
    // A network with a wide (looped) layer starts on a cache line, so the
    // runtime kernels' vector loads of its rows do not straddle two lines
    // (784 x 128, AVX2, `linalg::back`: 7.6 us from a heap block's usual
    // 16-byte offset, 5.2 us from a 64-byte boundary; BENCHMARKS.md,
    // "Alignment"). Unrolled networks stay unpadded: their loads are a
    // few scalars or one short vector.
    let repr = if (1..=net.layers.len()).all(|l| net.unrolled(l)) {
        quote!(#[repr(C)])
    } else {
        quote!(#[repr(C, align(64))])
    };
    quote! {
        #(#attrs)*
        #(#[doc = #docs])*
        #[derive(Clone, Debug, PartialEq)]
        #repr
        #vis struct #ident {
            #(#fields)*
        }
    }
}

fn inherent_impl(
    net: &Network,
    rule: Option<Rule>,
    ty: &TokenStream,
    weights: &TokenStream,
) -> TokenStream {
    let ident = &net.ident;
    let inputs = lit(net.inputs.value);
    let outputs = lit(net.output().width.value);
    let params = net.params();
    let params_doc = format!("Count of all weights and biases: {params}.");
    let params = lit(params);
    let zero_fields = zero_fields(net);
    let new_doc = new_doc(net);
    let batch_doc = forward_batch_doc(net);
    let trace = forward::run(net, ty, Reads::Output, true);
    let batch_trace = forward::run_batch(net, Reads::Output, false);
    let y_out = name("y", net.layers.len());
    let training = rule.map(|rule| training_methods(net, rule, ty));
    let gradient = net.differentiable().then(|| gradient::methods(net, ty));
    quote! {
        #[automatically_derived]
        impl #ident {
            /// Number of inputs.
            pub const INPUTS: usize = #inputs;
            /// Number of outputs.
            pub const OUTPUTS: usize = #outputs;
            #[doc = #params_doc]
            pub const PARAMS: usize = #params;

            /// A network whose every weight and bias is zero (also a zeroed gradient buffer).
            #[must_use]
            pub const fn zeroed() -> Self {
                Self { #zero_fields }
            }

            #[doc = #new_doc]
            #[must_use]
            pub fn new<R: mlp::rand::Rng + ?Sized>(rng: &mut R) -> Self {
                let mut net = Self::zeroed();
                <Self as mlp::Params>::init(&mut net, rng);
                net
            }

            /// The network's output for input `x`.
            #[inline]
            #[must_use]
            pub fn forward(&self, x: &[#ty; #inputs]) -> [#ty; #outputs] {
                #trace
                #y_out
            }

            #[doc = #batch_doc]
            #[inline]
            #[must_use]
            pub fn forward_batch<const B: usize>(&self, xs: &[[#ty; #inputs]; B]) -> [[#ty; #outputs]; B] {
                #batch_trace
                mlp::batch::transpose(&#y_out).0
            }

            #weights

            #training

            #gradient
        }
    }
}

/// `w1: [[0.0; 2]; 2], b1: [0.0; 2], ...`: every field zero, for `zeroed()`
/// (here and in the fallback's stand-in).
pub(crate) fn zero_fields(net: &Network) -> TokenStream {
    let fields = net.layers.iter().map(|layer| {
        let l = layer.index;
        let (n, m) = (lit(layer.width.value), lit(net.width_before(l)));
        let (w, b) = (name("w", l), name("b", l));
        quote!(#w: [[0.0; #m]; #n], #b: [0.0; #n],)
    });
    quote!(#(#fields)*)
}

/// `new()`'s doc: the initialisation each layer gets, from the table.
fn new_doc(net: &Network) -> String {
    let layers: Vec<String> = net
        .layers
        .iter()
        .map(|layer| {
            let act = layer.activation.value;
            let scheme = match act.row().init {
                Init::He => "He",
                Init::Glorot => "Glorot",
            };
            format!("layer {} ({}): {scheme}", layer.index, act.name())
        })
        .collect();
    format!(
        "A freshly initialised network: weights drawn from uniform \
         initialisation chosen per layer by its activation ({}), biases zero.",
        layers.join("; ")
    )
}

/// `forward_batch`'s doc: whether it equals `forward` bit for bit, which
/// the layer sizes decide.
fn forward_batch_doc(net: &Network) -> String {
    let head = "The outputs for a fixed batch of `B` inputs, computed across the \
                batch (vectorised over samples), with several times the throughput \
                of `forward` per sample.";
    let narrow = net.layers.iter().all(|l| net.width_before(l.index) < 4);
    if narrow {
        format!(
            "{head}\n\nEvery layer of this network has fewer than four inputs, so \
             each unit's sum runs in `forward`'s order: the results equal \
             `forward`'s bit for bit."
        )
    } else {
        format!(
            "{head}\n\nEach unit's sum runs over its inputs in order, while \
             `forward` keeps four running partial sums (over input index mod \
             4) for layers of four or more inputs, so the two agree up to \
             rounding."
        )
    }
}

fn training_methods(net: &Network, rule: Rule, ty: &TokenStream) -> TokenStream {
    let inputs = lit(net.inputs.value);
    let outputs = lit(net.output().width.value);
    let loss_layers = forward::run(net, ty, Reads::Output, rule.loss_needs_y());
    let all_layers = forward::run(net, ty, Reads::DeltasFrom(net.lowest_trainable()), true);
    let loss = backward::loss_value(net, rule);
    let deltas = backward::deltas(net, rule, ty);
    let accumulate = backward::apply(net, &Apply::Accumulate);
    let sgd = backward::apply(net, &Apply::Sgd);
    let batch = backward::batch_body(net, rule, ty, false);
    let batch_dx = backward::batch_body(net, rule, ty, true);
    let input_layers = forward::run(net, ty, Reads::DeltasFrom(1), true);
    let input_deltas = backward::deltas_down_to(net, rule, ty, 1);
    let dx = gradient::loss_input_delta(net, ty);
    quote! {
        /// The input gradient of the sample's loss, ∂L/∂x (input `x`,
        /// target `d`), with no parameter-gradient work: `backward`'s δs,
        /// then dx = (W¹)ᵀ δ¹. For saliency, adversarial inputs, or a
        /// network that feeds this one (`mlp::Chain` trains through it).
        #[inline]
        #[must_use]
        pub fn loss_input_gradient(&self, x: &[#ty; #inputs], d: &[#ty; #outputs]) -> [#ty; #inputs] {
            #input_layers
            #input_deltas
            #dx
        }

        /// `backward` and `loss_input_gradient` from one forward pass: adds
        /// this sample's gradient into `grad` and returns its loss and
        /// ∂L/∂x, the same values as the two calls (what a network that
        /// feeds this one needs: `mlp::Chain` trains through it).
        #[inline]
        pub fn backward_and_input_gradient(
            &self,
            x: &[#ty; #inputs],
            d: &[#ty; #outputs],
            grad: &mut Self,
        ) -> (#ty, [#ty; #inputs]) {
            #input_layers
            let loss: #ty = #loss;
            #input_deltas
            #accumulate
            (loss, { #dx })
        }

        /// `backward_batch` and each sample's input gradient of the batch's
        /// mean loss, ∂(mean L)/∂xₖ = (1/B) ∂Lₖ/∂xₖ, from one forward pass
        /// over the batch: adds the mean gradient into `grad` and returns
        /// the mean loss and the B input gradients (what a network that
        /// feeds this one needs: `mlp::Chain`'s `backward_batch`).
        #[inline]
        pub fn backward_batch_and_input_gradients<const B: usize>(
            &self,
            xs: &[[#ty; #inputs]; B],
            ds: &[[#ty; #outputs]; B],
            grad: &mut Self,
        ) -> (#ty, [[#ty; #inputs]; B]) {
            #batch_dx
        }

        /// The loss of one sample: input `x`, target `d`.
        #[inline]
        #[must_use]
        pub fn loss(&self, x: &[#ty; #inputs], d: &[#ty; #outputs]) -> #ty {
            #loss_layers
            #loss
        }

        /// Adds (`grad += ∇L`) this sample's gradient into `grad` (a buffer of
        /// the network's own type, e.g. from `zeroed()`) and returns the
        /// sample's loss.
        #[inline]
        pub fn backward(&self, x: &[#ty; #inputs], d: &[#ty; #outputs], grad: &mut Self) -> #ty {
            #all_layers
            let loss: #ty = #loss;
            #deltas
            #accumulate
            loss
        }

        /// Adds (`grad += mean ∇L`) the mean gradient of a fixed batch of `B`
        /// samples into `grad` and returns the batch's mean loss: the same as `B` calls
        /// of `backward` scaled by 1/B, up to the order of summation. Each
        /// layer is computed for the whole batch at once (held
        /// feature-major), so loaded weights serve every sample.
        #[inline]
        pub fn backward_batch<const B: usize>(
            &self,
            xs: &[[#ty; #inputs]; B],
            ds: &[[#ty; #outputs]; B],
            grad: &mut Self,
        ) -> #ty {
            #batch
        }

        /// One step of stochastic gradient descent on one sample with
        /// learning rate `lr`; returns the loss before the step.
        ///
        /// Inputs or targets that are not finite make the weights NaN or
        /// infinite; check data first (all gradients are computed before any
        /// weight changes, so the step is otherwise exact SGD).
        #[inline]
        pub fn train_step(&mut self, x: &[#ty; #inputs], d: &[#ty; #outputs], lr: #ty) -> #ty {
            #all_layers
            let loss: #ty = #loss;
            #deltas
            #sgd
            loss
        }

        /// `train_step` and `loss_input_gradient` from one forward pass: one
        /// SGD step on this sample, returning the loss and ∂L/∂x, both at
        /// the weights before the step (what a network that feeds this one
        /// needs: `mlp::Chain`'s `train_step`).
        #[inline]
        pub fn train_step_and_input_gradient(
            &mut self,
            x: &[#ty; #inputs],
            d: &[#ty; #outputs],
            lr: #ty,
        ) -> (#ty, [#ty; #inputs]) {
            #input_layers
            let loss: #ty = #loss;
            #input_deltas
            let __input_gradient: [#ty; #inputs] = { #dx };
            #sgd
            (loss, __input_gradient)
        }
    }
}

/// The methods a network does not have, declared so that a call says why
/// (their bound never holds): the training methods of an inference-only
/// network ("declared without a loss") and the gradient methods of one with
/// `step`/`sign`. Outside the expansion's scope, so that the compiler's
/// note names them `Net::train_step`.
pub(crate) fn unavailable_methods(net: &Network, trains: bool) -> TokenStream {
    let ident = &net.ident;
    let training = (!trains).then(untrainable_methods);
    let gradient = (!net.differentiable()).then(gradient::undifferentiable_methods);
    if trains && net.differentiable() {
        return TokenStream::new();
    }
    quote! {
        #[automatically_derived]
        impl #ident {
            #training
            #gradient
        }
    }
}

/// For an inference-only network: training methods whose bound can never
/// hold, so calling one reports "declared without a loss" at the call.
fn untrainable_methods() -> TokenStream {
    code::never_methods(
        &quote!(::mlp::__private::DeclaredWithLoss<X>),
        &[
            ("loss", false, 2),
            ("backward", false, 3),
            ("train_step", true, 3),
            ("backward_batch", false, 3),
            ("loss_input_gradient", false, 2),
            ("backward_and_input_gradient", false, 3),
            ("backward_batch_and_input_gradients", false, 3),
            ("train_step_and_input_gradient", true, 3),
        ],
    )
}

pub(crate) fn params_impl(net: &Network, ty: &TokenStream) -> TokenStream {
    let ident = &net.ident;
    let declaration = net.declaration();
    let declaration_doc = format!("The declaration: `{declaration}`.");
    let shapes = net.layer_shapes().into_iter().map(|(units, inputs)| {
        let (units, inputs) = (lit(units), lit(inputs));
        quote!((#units, #inputs))
    });
    let frozen = net.layers.iter().map(|l| l.frozen.is_some());
    let init = net.layers.iter().map(|layer| {
        let (w, b) = (name("w", layer.index), name("b", layer.index));
        let scheme = match layer.activation.value.row().init {
            Init::He => quote!(he_uniform),
            Init::Glorot => quote!(glorot_uniform),
        };
        let n = lit(layer.width.value);
        quote! {
            mlp::init::#scheme(&mut self.#w, rng);
            self.#b = [0.0; #n];
        }
    });
    quote! {
        // SAFETY: the struct is `#[repr(C)]` and its fields are exactly the
        // arrays of scalars that make up `PARAMS` (see `struct_item`).
        #[automatically_derived]
        unsafe impl mlp::Params for #ident {
            type Scalar = #ty;
            const PARAMS: usize = #ident::PARAMS;
            #[doc = #declaration_doc]
            const DECLARATION: &'static str = #declaration;
            const LAYER_SHAPES: &'static [(usize, usize)] = &[#(#shapes),*];
            const FROZEN: &'static [bool] = &[#(#frozen),*];
            #[inline]
            fn zeroed() -> Self {
                #ident::zeroed()
            }
            fn init<R: mlp::rand::Rng + ?Sized>(&mut self, rng: &mut R) {
                #(#init)*
            }
        }
    }
}

pub(crate) fn network_impl(net: &Network, ty: &TokenStream) -> TokenStream {
    let ident = &net.ident;
    let (inputs, outputs) = (lit(net.inputs.value), lit(net.output().width.value));
    let kind = format_ident!("{}", net.output().activation.value.output_kind());
    quote! {
        #[automatically_derived]
        impl mlp::Network<#inputs, #outputs> for #ident {
            const OUTPUT_KIND: ::mlp::OutputKind = ::mlp::OutputKind::#kind;
            #[inline]
            fn forward(&self, x: &[#ty; #inputs]) -> [#ty; #outputs] {
                #ident::forward(self, x)
            }
        }
    }
}

/// `impl mlp::LossInputGradient` delegating to the inherent method.
pub(crate) fn loss_input_gradient_impl(net: &Network, ty: &TokenStream) -> TokenStream {
    let ident = &net.ident;
    let (inputs, outputs) = (lit(net.inputs.value), lit(net.output().width.value));
    quote! {
        #[automatically_derived]
        impl mlp::LossInputGradient<#inputs, #outputs> for #ident {
            #[inline]
            fn loss_input_gradient(&self, x: &[#ty; #inputs], d: &[#ty; #outputs]) -> [#ty; #inputs] {
                #ident::loss_input_gradient(self, x, d)
            }
            #[inline]
            fn backward_and_input_gradient(
                &self,
                x: &[#ty; #inputs],
                d: &[#ty; #outputs],
                grad: &mut Self,
            ) -> (#ty, [#ty; #inputs]) {
                #ident::backward_and_input_gradient(self, x, d, grad)
            }
            #[inline]
            fn backward_batch_and_input_gradients<const B: usize>(
                &self,
                xs: &[[#ty; #inputs]; B],
                ds: &[[#ty; #outputs]; B],
                grad: &mut Self,
            ) -> (#ty, [[#ty; #inputs]; B]) {
                #ident::backward_batch_and_input_gradients(self, xs, ds, grad)
            }
            #[inline]
            fn train_step_and_input_gradient(
                &mut self,
                x: &[#ty; #inputs],
                d: &[#ty; #outputs],
                lr: #ty,
            ) -> (#ty, [#ty; #inputs]) {
                #ident::train_step_and_input_gradient(self, x, d, lr)
            }
        }
    }
}

pub(crate) fn trainable_impl(net: &Network, loss: Loss, ty: &TokenStream) -> TokenStream {
    let ident = &net.ident;
    let (inputs, outputs) = (lit(net.inputs.value), lit(net.output().width.value));
    let variant = format_ident!("{}", loss.row().kind);
    quote! {
        #[automatically_derived]
        impl mlp::Trainable<#inputs, #outputs> for #ident {
            const LOSS: ::mlp::LossKind = ::mlp::LossKind::#variant;
            #[inline]
            fn loss(&self, x: &[#ty; #inputs], d: &[#ty; #outputs]) -> #ty {
                #ident::loss(self, x, d)
            }
            #[inline]
            fn backward(&self, x: &[#ty; #inputs], d: &[#ty; #outputs], grad: &mut Self) -> #ty {
                #ident::backward(self, x, d, grad)
            }
            #[inline]
            fn backward_batch<const B: usize>(
                &self,
                xs: &[[#ty; #inputs]; B],
                ds: &[[#ty; #outputs]; B],
                grad: &mut Self,
            ) -> #ty {
                #ident::backward_batch(self, xs, ds, grad)
            }
            #[inline]
            fn train_step(&mut self, x: &[#ty; #inputs], d: &[#ty; #outputs], lr: #ty) -> #ty {
                #ident::train_step(self, x, d, lr)
            }
        }
    }
}
