//! Rules over the declaration as a whole, one function each (after
//! serde_derive's `internals/check.rs`). None stops the others: every
//! mistake of a declaration is reported in one build.

use crate::ast::{kw, Item, Spec};
use crate::ctxt::Ctxt;
use crate::model::{Activation, Network, MAX_PARAMS, MAX_WIDTH};
use crate::rules::{self, Rule};

/// A network that passed every rule, with its output rule decided: what
/// the expansion works from.
pub struct Checked {
    pub net: Network,
    /// `Some` exactly when the network was declared with a loss.
    pub rule: Option<Rule>,
    /// The `#[weights]` file's values, when there is one.
    pub baked: Option<crate::bake::Baked>,
    /// The integer networks of its `#[quantize]` attributes.
    pub int: Vec<crate::quant::Plan>,
}

/// The rules on the order of the specs, which hold whether or not the
/// network could be resolved.
pub fn check_order(cx: &Ctxt, item: &Item) {
    check_input_first(cx, &item.specs);
    check_single(cx, &item.specs, kw::INPUT, "`input` is declared more than once\nhelp: a network has exactly one `input N`, first in the list");
    check_loss_last(cx, &item.specs);
    check_single(
        cx,
        &item.specs,
        kw::LOSS,
        "`loss` is declared more than once\nhelp: a network has at most one loss, last in the list",
    );
}

/// The rules on a resolved network. Returns the output layer's rule when
/// the network has a loss and every rule holds: the one place the
/// (activation, loss) pair is decided.
pub fn check(cx: &Ctxt, net: &Network) -> Option<Rule> {
    check_sizes(cx, net);
    check_softmax_placement(cx, net);
    check_trainable_hidden(cx, net);
    check_frozen(cx, net);
    check_quantize(cx, net);
    check_loss_fits_output(cx, net)
}

/// `#[quantize]` is made from trained weights, so it needs `#[weights]`,
/// and its box has one range per input (or one for all).
fn check_quantize(cx: &Ctxt, net: &Network) {
    for q in &net.quantize {
        if net.weights.is_none() {
            cx.error_spanned_by(
                &q.attr,
                format!("`#[quantize({}, ..)]` needs trained weights to quantise\nhelp: add `#[weights(\"path/to/file.safetensors\")]` to `{}`: the integer network is made from the baked weights at compile time", q.ident, net.ident),
            );
        }
        let (given, inputs) = (q.ranges.value.len(), net.inputs.value);
        if given != 1 && given != inputs {
            cx.error_at(
                q.ranges.span,
                format!("`{}` has {inputs} inputs but {given} input ranges are given\nhelp: give one range per input, or a single range for every input", net.ident),
            );
        }
    }
}

/// `input` comes first: the list reads in the direction data flows.
fn check_input_first(cx: &Ctxt, specs: &[Spec]) {
    if let Some(pos) = specs.iter().position(|s| s.is(kw::INPUT)) {
        if pos != 0 {
            cx.error_spanned_by(
                specs[pos].tokens(),
                "`input` must come first\nhelp: move `input N` to the start of the list",
            );
        }
    }
}

/// `input` and `loss` appear at most once: a network has one of each.
fn check_single(cx: &Ctxt, specs: &[Spec], keyword: &str, msg: &str) {
    for spec in specs.iter().filter(|s| s.is(keyword)).skip(1) {
        cx.error_spanned_by(spec.tokens(), msg);
    }
}

/// `loss` comes last: it applies to the output of the final layer.
fn check_loss_last(cx: &Ctxt, specs: &[Spec]) {
    let mut pending: Option<&Spec> = None;
    for spec in specs {
        if spec.is(kw::LOSS) {
            pending = Some(spec);
        } else if let Some(loss) = pending.take() {
            cx.error_spanned_by(
                loss.tokens(),
                format!(
                    "`loss` must come last, after every dense layer\nhelp: move `{}` to the end of the list",
                    loss.tokens()
                ),
            );
        }
    }
}

/// Sizes are at least 1 (a layer of zero units computes nothing and breaks
/// every layer after it) and at most `MAX_WIDTH`; the parameter count is at
/// most `MAX_PARAMS` (the struct holds every weight inline).
fn check_sizes(cx: &Ctxt, net: &Network) {
    let widths = std::iter::once((&net.inputs, "input"))
        .chain(net.layers.iter().map(|l| (&l.width, "layer")));
    let mut sizes_ok = true;
    for (w, what) in widths {
        if w.value == 0 {
            sizes_ok = false;
            cx.error_at(w.span, format!("{what} size must be at least 1\nhelp: a {what} of 0 units has nothing to compute"));
        } else if w.value > MAX_WIDTH {
            sizes_ok = false;
            cx.error_at(
                w.span,
                format!("{what} size {} is larger than the limit of {MAX_WIDTH}\nhelp: `network!` keeps every weight inline in a struct; use a heap-based framework for networks this large", w.value),
            );
        }
    }
    let params = net.params();
    if sizes_ok && params > MAX_PARAMS {
        cx.error_spanned_by(
            &net.spec_tokens,
            format!("this network has {params} parameters, more than the limit of {MAX_PARAMS}\nhelp: `network!` keeps every weight inline in a struct; shrink the layers or use a heap-based framework"),
        );
    }
}

/// softmax normalises a whole layer into a distribution: it belongs on the
/// output only, and over one unit it is the constant 1 (nothing to learn).
fn check_softmax_placement(cx: &Ctxt, net: &Network) {
    let last = net.layers.len();
    for layer in &net.layers {
        if layer.activation.value != Activation::Softmax {
            continue;
        }
        if layer.index != last {
            cx.error_at(
                layer.activation.span,
                "`softmax` is only allowed on the output layer\nhelp: use an element-wise activation such as `relu` or `tanh` in hidden layers",
            );
        }
        if layer.width.value == 1 {
            cx.error_at(
                layer.activation.span,
                "`softmax` over a single unit always outputs 1, so there is nothing to learn\nhelp: use `dense 1 sigmoid` for one probability, or at least 2 softmax units",
            );
        }
    }
}

/// step and sign have derivative 0 everywhere: with a loss, backpropagation
/// would silently never update the layers below them. (The output layer is
/// covered by `check_loss_fits_output`, through the rules table.)
fn check_trainable_hidden(cx: &Ctxt, net: &Network) {
    if net.loss.is_none() {
        return;
    }
    for layer in &net.layers[..net.layers.len() - 1] {
        if let Some(e) = rules::untrainable(layer.activation.value) {
            cx.error_at(layer.activation.span, e);
        }
    }
}

/// `frozen` keeps a layer fixed while the others train, through `backward`
/// and `train_step` (with a loss) or `backward_from` (any differentiable
/// network). With a `step`/`sign` layer and no loss there are no gradient
/// methods, so it means nothing. With every layer frozen and a loss,
/// nothing the loss asks for trains; without a loss, a wholly frozen
/// network is a fixed part of a `mlp::Chain` (an encoder kept as it is
/// while the chain's optimiser steps the rest), so that is allowed.
fn check_frozen(cx: &Ctxt, net: &Network) {
    let frozen: Vec<_> = net.layers.iter().filter_map(|l| l.frozen).collect();
    if net.loss.is_none() && !net.differentiable() {
        for span in frozen {
            cx.error_at(span, "`frozen` has no effect here: with a `step` or `sign` layer this network has no gradient methods, so nothing trains\nhelp: drop `frozen`, or use `sigmoid`, `tanh` or `softsign` in place of `step`/`sign` to train the other layers with `backward_from`");
        }
    } else if net.loss.is_some() && !frozen.is_empty() && frozen.len() == net.layers.len() {
        let last = frozen[frozen.len() - 1];
        cx.error_at(last, "every layer is `frozen`, so this network's loss cannot train it\nhelp: drop `frozen` from the layers to train, or drop the loss: without one, a wholly frozen network is a fixed part of a `mlp::Chain` (`input_gradient` needs no `frozen`: it never changes the weights)");
    }
}

/// The output activation and the loss must form a pair in `rules.rs`.
fn check_loss_fits_output(cx: &Ctxt, net: &Network) -> Option<Rule> {
    let loss = net.loss?;
    let act = net.output().activation;
    match rules::output_rule(act.value, loss.value) {
        Ok(rule) => Some(rule),
        Err(e) => {
            // Threshold activations are the activation's fault; the rest the loss's.
            let span = if rules::untrainable(act.value).is_some() {
                act.span
            } else {
                loss.span
            };
            cx.error_at(span, e);
            None
        }
    }
}
