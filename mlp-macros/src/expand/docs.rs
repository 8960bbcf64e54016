//! The generated struct documents itself: below the user's own doc
//! comment, a table of its layers, its size, its loss, and the exact δ
//! formula emitted for each layer, written with the layer's own names, so
//! `cargo doc` shows users the maths of their own type.

use crate::check::Checked;
use crate::model::Network;
use crate::rules::Rule;

/// The doc lines, one `#[doc]` each.
pub fn lines(checked: &Checked) -> Vec<String> {
    let net = &checked.net;
    let mut out = vec![String::new(), "# Layers".to_owned(), String::new()];
    out.push("| layer | units | activation | weights | biases | code | training |".to_owned());
    out.push("|---:|---:|---|---|---|---|---|".to_owned());
    for layer in &net.layers {
        let l = layer.index;
        let m = net.width_before(l);
        let n = layer.width.value;
        let code = if net.unrolled(l) { "unrolled" } else { "loops" };
        let training = match (net.loss.is_some() || net.differentiable(), layer.frozen) {
            (false, _) => "inference only",
            (true, Some(_)) => "frozen",
            (true, None) => "trains",
        };
        out.push(format!(
            "| {l} | {n} | `{}` | `w{l}`: {n} × {m} | `b{l}`: {n} | {code} | {training} |",
            layer.activation_text()
        ));
    }
    let bytes = net.params() * net.scalar.bytes();
    out.push(String::new());
    out.push(format!(
        "{} inputs, {} parameters, {bytes} bytes ({}).",
        net.inputs.value,
        net.params(),
        net.scalar.name()
    ));
    if net.flush_subnormals {
        out.push(String::new());
        out.push("`#[flush_subnormals]`: subnormal inputs, activations and output gradients (given to `backward_from`) are set to 0.".to_owned());
    }
    if let (Some(rule), Some(loss)) = (checked.rule, net.loss) {
        out.extend(training(net, rule, loss.value.name()));
    }
    if net.differentiable() {
        out.extend(gradients(net));
    }
    out.extend(realtime());
    out
}

/// The real-time contract every generated type keeps.
fn realtime() -> [String; 4] {
    [
        String::new(),
        "# Real-time contract".to_owned(),
        String::new(),
        "Every call of the methods below does the same work for any input (loops over the declared sizes only, no branch but the activations' selects), allocates nothing, takes no lock, makes no system call and, in a release build with fat LTO, has no panic path (proven in CI for networks of each kind, not for this exact type). Scope, Cortex-M4F stack figures and measured worst-case latency: [`mlp::realtime`].".to_owned(),
    ]
}

/// The formulas of `backward_from` and `input_gradient`.
fn gradients(net: &Network) -> Vec<String> {
    let out = net.output();
    let big_l = sup(out.index);
    let act = out.activation.value.name();
    let output = if out.activation.value == crate::model::Activation::Softmax {
        format!("δ{big_l} = y{big_l} ⊙ (dy − ⟨dy, y{big_l}⟩) (the softmax Jacobian times dy)")
    } else {
        format!("δ{big_l} = {act}′(h{big_l}) ⊙ dy")
    };
    let mut lines = vec![
        String::new(),
        "# Gradients from any objective (`backward_from`, `input_gradient`)".to_owned(),
        String::new(),
        "For an output gradient dy = ∂J/∂y of any objective J:".to_owned(),
        String::new(),
        format!("- {output}"),
    ];
    for l in (1..out.index).rev() {
        let (s, next) = (sup(l), sup(l + 1));
        let name = net.layers[l - 1].activation.value.name();
        lines.push(format!("- δ{s} = {name}′(h{s}) ⊙ (W{next})ᵀ δ{next}"));
    }
    lines.push("- dx = (W¹)ᵀ δ¹, returned; `backward_from` also adds δ^l (y^(l−1))ᵀ and δ^l into the gradient of every layer that is not `frozen`.".to_owned());
    lines.push(String::new());
    lines.push("`backward_with`, `input_gradient_with` and `backward_with_batch` take dy from a closure of the outputs of their own forward pass.".to_owned());
    lines
}

/// The loss and the backpropagation formulas.
fn training(net: &Network, rule: Rule, loss: &str) -> Vec<String> {
    let out = net.output();
    let big_l = sup(out.index);
    let (y, h) = (format!("y{big_l}"), format!("h{big_l}"));
    let k = out.width.value;
    let formula = rule
        .loss
        .formula
        .replace("{y}", &y)
        .replace("{h}", &h)
        .replace("{K}", &k.to_string());
    let mut lines = vec![
        String::new(),
        format!("# Loss: `{loss}`"),
        String::new(),
        format!("{formula}, per sample; over a batch, the mean."),
        String::new(),
        "# Backpropagation (as generated)".to_owned(),
        String::new(),
    ];
    let act = out.activation.value.name();
    lines.push(format!(
        "- δ{big_l} = {} ({act} + {loss}{})",
        rule.delta.formula(&y, &h, act, k),
        rule.delta.note()
    ));
    let lowest = net.lowest_trainable();
    for l in (1..out.index).rev() {
        let layer = &net.layers[l - 1];
        let (s, next) = (sup(l), sup(l + 1));
        lines.push(if l >= lowest {
            format!(
                "- δ{s} = {}′(h{s}) ⊙ (W{next})ᵀ δ{next}",
                layer.activation.value.name()
            )
        } else {
            format!("- δ{s} is not computed: no layer at or below {l} trains")
        });
    }
    lines.push("- ∂L/∂W^l = δ^l (y^(l−1))ᵀ and ∂L/∂b^l = δ^l for every layer that trains, with y⁰ = x; `train_step` subtracts `lr` times them.".to_owned());
    lines
}

/// `l` in superscript digits: 12 → "¹²".
fn sup(l: usize) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    l.to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}
