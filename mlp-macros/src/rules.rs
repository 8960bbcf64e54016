//! Every (output activation, loss) pair in one table: how its loss is
//! computed, which closed form its output δ = ∂L/∂h takes, or why the pair
//! cannot train. `check.rs` reports the errors and hands the chosen `Rule`
//! to `expand/`, which turns it into code without asking the pair again.

use crate::model::{Activation, Loss};
use std::fmt;

/// The per-sample loss: a function of mlp-runtime's `loss` module applied
/// to the output layer's pre-activations (`h`, the logits) or its
/// activations (`y`), and the target `d`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LossFn {
    /// The runtime function, `fn(&[T; K], &[T; K]) -> T`.
    pub runtime: &'static str,
    /// Whether it reads `y` (else `h`).
    pub of_outputs: bool,
    /// The formula as computed, for the generated docs (`{h}`, `{y}` stand
    /// for the output layer's, `{K}` for its width).
    pub formula: &'static str,
}

#[rustfmt::skip] // one loss per line
mod losses {
    use super::LossFn;
    const fn f(runtime: &'static str, of_outputs: bool, formula: &'static str) -> LossFn {
        LossFn { runtime, of_outputs, formula }
    }
    pub const BCE_LOGITS: LossFn = f("bce_logits", false, "L = Σₖ softplus({h}ₖ) − dₖ·{h}ₖ, which is −Σₖ [dₖ ln {y}ₖ + (1 − dₖ) ln(1 − {y}ₖ)] computed from the logits: finite for any {h}");
    pub const CE_SIGMOID_LOGITS: LossFn = f("ce_sigmoid_logits", false, "L = Σₖ dₖ·softplus(−{h}ₖ), which is −Σₖ dₖ ln {y}ₖ computed from the logits");
    pub const CE_SOFTMAX_LOGITS: LossFn = f("ce_softmax_logits", false, "L = Σₖ dₖ (logsumexp({h}) − {h}ₖ), which is −Σₖ dₖ ln {y}ₖ computed from the logits");
    pub const MSE: LossFn = f("mse", true, "L = (1/{K}) Σₖ ({y}ₖ − dₖ)²");
    pub const SSE: LossFn = f("sse", true, "L = ½ Σₖ ({y}ₖ − dₖ)²");
    pub const HUBER: LossFn = f("huber", true, "L = (1/{K}) Σₖ h({y}ₖ − dₖ), h(r) = ½r² for |r| ≤ δ, δ(|r| − ½δ) otherwise");
}
use losses::{BCE_LOGITS, CE_SIGMOID_LOGITS, CE_SOFTMAX_LOGITS, HUBER, MSE, SSE};

/// ∂L/∂y_k of a loss of y − d over K outputs: c·(y_k − d_k) for the
/// squared losses, c·clamp(y_k − d_k, −δ, δ) for huber.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GradY {
    /// `sse`: c = 1.
    Sse,
    /// `mse`: c = 2/K.
    Mse,
    /// `huber(δ)`: c = 1/K, the difference clamped to [−δ, δ].
    Huber,
}

impl GradY {
    /// `(2/3)·` for mse over 3 outputs, nothing where c = 1.
    fn factor_text(self, k: usize) -> String {
        match self {
            GradY::Mse if k != 2 => format!("(2/{k})·"),
            GradY::Huber if k != 1 => format!("(1/{k})·"),
            _ => String::new(),
        }
    }

    /// g written out: `(2/3)·(y² − d)`, `clamp(y² − d, −δ, δ)`.
    fn text(self, y: &str, k: usize) -> String {
        match self {
            GradY::Huber => format!("{}clamp({y} − d, −δ, δ)", self.factor_text(k)),
            _ => format!("{}({y} − d)", self.factor_text(k)),
        }
    }

    /// The factor c for `k` outputs.
    pub fn scale(self, k: usize) -> f64 {
        match self {
            GradY::Sse => 1.0,
            // Widths are bounded by MAX_WIDTH, so the conversion is exact.
            GradY::Mse => 2.0 / k as f64,
            GradY::Huber => 1.0 / k as f64,
        }
    }
}

/// How the output layer's δ_k = ∂L/∂h_k is computed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Delta {
    /// δ_k = y_k − d_k. sigmoid+bce and softmax+ce: the loss's derivative
    /// (y − d)/(y(1 − y)), resp. −d/y through the softmax Jacobian, cancels
    /// f'(h) exactly.
    YMinusD,
    /// δ_k = −d_k (1 − y_k). sigmoid+ce: −d/y · y(1 − y).
    SigmoidCe,
    /// δ_k = g_k · f'(h_k), g = ∂L/∂y (squared losses, element-wise f).
    Chain(GradY),
    /// δ_i = y_i (g_i − Σ_j g_j y_j): g through the softmax Jacobian
    /// ∂y_j/∂h_i = y_j (δ_ij − y_i) (squared losses on softmax outputs).
    SoftmaxJacobian(GradY),
}

impl Delta {
    /// The formula of δ for the output layer, written with its own names:
    /// `y`, `h` are that layer's (e.g. `y²`), `f′` its activation's
    /// derivative (e.g. `tanh′`), `k` its width.
    pub fn formula(self, y: &str, h: &str, f: &str, k: usize) -> String {
        match self {
            Delta::YMinusD => format!("{y} − d"),
            Delta::SigmoidCe => format!("−d ⊙ (1 − {y})"),
            Delta::Chain(g) => format!("{} ⊙ {f}′({h})", g.text(y, k)),
            Delta::SoftmaxJacobian(g) => format!(
                "{y} ⊙ (g − (g · {y})), the softmax Jacobian applied to g = {}",
                g.text(y, k)
            ),
        }
    }

    /// Why this form: `fused` when the loss's derivative cancels f′.
    pub fn note(self) -> &'static str {
        match self {
            Delta::YMinusD => ", fused: the loss's derivative cancels f′",
            Delta::SigmoidCe => ", fused: −d/y · y(1 − y)",
            Delta::Chain(_) | Delta::SoftmaxJacobian(_) => "",
        }
    }
}

/// A pair that trains: its loss and its output δ.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rule {
    pub loss: LossFn,
    pub delta: Delta,
}

impl Rule {
    /// Whether computing the loss needs the output activations `y`; the
    /// logit-based losses need only `h`, so `loss()` skips the activation.
    pub fn loss_needs_y(self) -> bool {
        self.loss.of_outputs
    }
}

/// Why a pair cannot train: the problem, and what to write instead.
pub struct Invalid {
    pub message: String,
    pub help: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\nhelp: {}", self.message, self.help)
    }
}

/// The table. One arm per case; see the module docs.
pub fn output_rule(act: Activation, loss: Loss) -> Result<Rule, Invalid> {
    use Activation as A;
    use Loss as L;
    let rule = |loss, delta| Ok(Rule { loss, delta });
    match (act, loss) {
        (A::Step | A::Sign, _) => Err(threshold(act)),
        (A::Sigmoid, L::Bce) => rule(BCE_LOGITS, Delta::YMinusD),
        (A::Softmax, L::Ce) => rule(CE_SOFTMAX_LOGITS, Delta::YMinusD),
        (A::Sigmoid, L::Ce) => rule(CE_SIGMOID_LOGITS, Delta::SigmoidCe),
        (A::Softmax, L::Mse) => rule(MSE, Delta::SoftmaxJacobian(GradY::Mse)),
        (A::Softmax, L::Sse) => rule(SSE, Delta::SoftmaxJacobian(GradY::Sse)),
        (A::Softmax, L::Huber) => rule(HUBER, Delta::SoftmaxJacobian(GradY::Huber)),
        (_, L::Mse) => rule(MSE, Delta::Chain(GradY::Mse)),
        (_, L::Sse) => rule(SSE, Delta::Chain(GradY::Sse)),
        (_, L::Huber) => rule(HUBER, Delta::Chain(GradY::Huber)),
        (A::Softmax, L::Bce) => Err(Invalid {
            message: "`bce` cannot train a `softmax` output: softmax outputs sum to 1, so they are not independent probabilities".into(),
            help: "use `loss ce` with `softmax` outputs, or `sigmoid` outputs with `loss bce`".into(),
        }),
        (_, L::Bce) => Err(Invalid {
            message: format!(
                "`bce` needs outputs in (0, 1), but `{}` outputs range over {}, where ln y or ln(1 - y) is undefined",
                act.name(),
                act.row().range
            ),
            help: "use `sigmoid` on the output layer with `loss bce`, or a squared loss (`mse`, `sse`)".into(),
        }),
        (_, L::Ce) => Err(Invalid {
            message: format!(
                "`ce` needs outputs that are probabilities, but `{}` outputs range over {}, where ln y is undefined or -d ln y has no minimum",
                act.name(),
                act.row().range
            ),
            help: "use `softmax` (one class per output) or `sigmoid` on the output layer with `loss ce`, or a squared loss (`mse`, `sse`)".into(),
        }),
    }
}

/// Why an activation cannot sit anywhere in a network with a loss, if so.
pub fn untrainable(act: Activation) -> Option<Invalid> {
    matches!(act, Activation::Step | Activation::Sign).then(|| threshold(act))
}

/// The reason `step` and `sign` cannot be trained, wherever they appear.
fn threshold(act: Activation) -> Invalid {
    let smooth = if act == Activation::Step {
        "`sigmoid`"
    } else {
        "`tanh` or `softsign`"
    };
    Invalid {
        message: format!(
            "`{}` cannot be trained: its derivative is 0 everywhere, so backpropagation gets no gradient through it",
            act.name()
        ),
        help: format!(
            "use {smooth}, its smooth version, or drop the `loss` for an inference-only network"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ACTIVATIONS, LOSSES};

    /// The pairs the language allows (the README's "Compile-time checks"),
    /// written out independently of the table.
    fn allowed(act: &str, loss: &str) -> bool {
        match loss {
            "mse" | "sse" | "huber" => !matches!(act, "step" | "sign"),
            "bce" => act == "sigmoid",
            "ce" => matches!(act, "sigmoid" | "softmax"),
            _ => unreachable!(),
        }
    }

    #[test]
    fn the_table_allows_exactly_the_contracts_pairs() {
        for act in ACTIVATIONS {
            for loss in LOSSES {
                let (a, l) = (act.names[0], loss.name);
                match output_rule(act.activation, loss.loss) {
                    Ok(_) => assert!(allowed(a, l), "{a} + {l} must be rejected"),
                    Err(e) => {
                        assert!(!allowed(a, l), "{a} + {l} must train: {e}");
                        // The message names what is wrong with this pair.
                        let text = e.to_string();
                        assert!(
                            text.contains(&format!("`{a}`")) || text.contains(&format!("`{l}`")),
                            "{text}"
                        );
                        assert!(text.contains("\nhelp: "), "{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn fused_pairs_use_y_minus_d_and_logit_losses() {
        for (act, loss) in [
            (Activation::Sigmoid, Loss::Bce),
            (Activation::Softmax, Loss::Ce),
        ] {
            let rule = output_rule(act, loss).ok().unwrap();
            assert_eq!(rule.delta, Delta::YMinusD);
            assert!(!rule.loss_needs_y(), "computed from logits");
        }
        let rule = output_rule(Activation::Sigmoid, Loss::Ce).ok().unwrap();
        assert_eq!(rule.delta, Delta::SigmoidCe);
        let rule = output_rule(Activation::Tanh, Loss::Mse).ok().unwrap();
        assert_eq!(rule.delta, Delta::Chain(GradY::Mse));
        assert!(rule.loss_needs_y());
        assert_eq!(GradY::Mse.scale(4), 0.5);
    }

    #[test]
    fn thresholds_are_untrainable_everywhere() {
        for act in ACTIVATIONS {
            let untrainable = untrainable(act.activation).is_some();
            assert_eq!(untrainable, matches!(act.names[0], "step" | "sign"));
        }
    }
}
