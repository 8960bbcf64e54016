//! Rules about the network as a whole, one function each (after
//! serde_derive's `internals/check.rs`). None stops the others: every
//! mistake of a declaration is reported in one build.

use crate::ctxt::Ctxt;
use crate::model::{Activation, Network, MAX_PARAMS, MAX_WIDTH};
use crate::rules;

pub fn check(cx: &Ctxt, net: &Network) {
    check_sizes(cx, net);
    check_softmax_placement(cx, net);
    check_trainable_hidden(cx, net);
    check_loss_fits_output(cx, net);
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
        let act = layer.activation.value;
        if matches!(act, Activation::Step | Activation::Sign) {
            let e = rules::threshold(act);
            cx.error_at(
                layer.activation.span,
                format!("{}\nhelp: {}", e.message, e.help),
            );
        }
    }
}

/// The output activation and the loss must form a pair in `rules.rs`.
fn check_loss_fits_output(cx: &Ctxt, net: &Network) {
    let Some(loss) = net.loss else { return };
    let act = net.output().activation;
    if let Err(e) = rules::output_rule(act.value, loss.value) {
        // Threshold activations are the activation's fault; the rest the loss's.
        let span = if matches!(act.value, Activation::Step | Activation::Sign) {
            act.span
        } else {
            loss.span
        };
        cx.error_at(span, format!("{}\nhelp: {}", e.message, e.help));
    }
}
