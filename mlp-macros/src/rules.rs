//! Every (output activation, loss) pair in one table: how its loss is
//! computed and which closed form its output δ = ∂L/∂h takes, or why the
//! pair cannot train. `check.rs` reports the `Invalid` arms; the emitters in
//! `expand/` turn the other arms into code.

use crate::model::{Activation, Loss};

/// How the output layer's δ_k = ∂L/∂h_k is computed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Delta {
    /// δ_k = y_k − d_k. sigmoid+bce and softmax+ce: the loss's derivative
    /// (y − d)/(y(1 − y)), resp. −d/y through the softmax Jacobian, cancels
    /// f'(h) exactly (course notes 000, 001, 003).
    YMinusD,
    /// δ_k = −d_k (1 − y_k). sigmoid+ce: −d/y · y(1 − y).
    SigmoidCe,
    /// δ_k = g_k · f'(h_k), g = ∂L/∂y (squared losses, element-wise f).
    Chain,
    /// δ_i = y_i (g_i − Σ_j g_j y_j): g through the softmax Jacobian
    /// ∂y_j/∂h_i = y_j (δ_ij − y_i) (squared losses on softmax outputs).
    SoftmaxJacobian,
}

/// How the per-sample loss is computed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Value {
    /// Σ_k softplus(h_k) − d_k h_k: bce from logits, finite for any h.
    BceLogit,
    /// Σ_k d_k softplus(−h_k): ce on sigmoid outputs from logits.
    CeSigmoidLogit,
    /// Σ_k d_k (lse(h) − h_k): ce on softmax outputs via log-sum-exp.
    CeSoftmaxLogits,
    /// (1/K) Σ_k (y_k − d_k)², with g_k = (2/K)(y_k − d_k).
    Mse,
    /// ½ Σ_k (y_k − d_k)², with g_k = y_k − d_k.
    Sse,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rule {
    pub value: Value,
    pub delta: Delta,
}

/// Why a pair cannot train: the problem, and what to write instead.
pub struct Invalid {
    pub message: String,
    pub help: String,
}

/// The table. One arm per case; see the module docs.
pub fn output_rule(act: Activation, loss: Loss) -> Result<Rule, Invalid> {
    use Activation as A;
    use Loss as L;
    let rule = |value, delta| Ok(Rule { value, delta });
    match (act, loss) {
        (A::Step | A::Sign, _) => Err(threshold(act)),
        (A::Sigmoid, L::Bce) => rule(Value::BceLogit, Delta::YMinusD),
        (A::Softmax, L::Ce) => rule(Value::CeSoftmaxLogits, Delta::YMinusD),
        (A::Sigmoid, L::Ce) => rule(Value::CeSigmoidLogit, Delta::SigmoidCe),
        (A::Softmax, L::Mse) => rule(Value::Mse, Delta::SoftmaxJacobian),
        (A::Softmax, L::Sse) => rule(Value::Sse, Delta::SoftmaxJacobian),
        (_, L::Mse) => rule(Value::Mse, Delta::Chain),
        (_, L::Sse) => rule(Value::Sse, Delta::Chain),
        (A::Softmax, L::Bce) => Err(Invalid {
            message: "`bce` cannot train a `softmax` output: softmax outputs sum to 1, so they are not independent probabilities".into(),
            help: "use `loss ce` with `softmax` outputs, or `sigmoid` outputs with `loss bce`".into(),
        }),
        (_, L::Bce) => Err(Invalid {
            message: format!(
                "`bce` needs outputs in (0, 1), but `{}` outputs range over {}, where ln y or ln(1 - y) is undefined",
                act.name(),
                act.range()
            ),
            help: "use `sigmoid` on the output layer with `loss bce`, or a squared loss (`mse`, `sse`)".into(),
        }),
        (_, L::Ce) => Err(Invalid {
            message: format!(
                "`ce` needs outputs that are probabilities, but `{}` outputs range over {}, where ln y is undefined or -d ln y has no minimum",
                act.name(),
                act.range()
            ),
            help: "use `softmax` (one class per output) or `sigmoid` on the output layer with `loss ce`, or a squared loss (`mse`, `sse`)".into(),
        }),
    }
}

/// The reason `step` and `sign` cannot be trained, wherever they appear.
pub fn threshold(act: Activation) -> Invalid {
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

    #[test]
    fn fused_pairs_use_y_minus_d() {
        assert_eq!(
            output_rule(Activation::Sigmoid, Loss::Bce)
                .ok()
                .map(|r| r.delta),
            Some(Delta::YMinusD)
        );
        assert_eq!(
            output_rule(Activation::Softmax, Loss::Ce)
                .ok()
                .map(|r| r.delta),
            Some(Delta::YMinusD)
        );
        assert_eq!(
            output_rule(Activation::Sigmoid, Loss::Ce)
                .ok()
                .map(|r| r.delta),
            Some(Delta::SigmoidCe)
        );
    }

    #[test]
    fn every_pair_has_exactly_one_answer() {
        let mut valid = 0;
        for &(_, act) in Activation::NAMES {
            for &(_, loss) in Loss::NAMES {
                match output_rule(act, loss) {
                    Ok(_) => valid += 1,
                    Err(e) => assert!(!e.message.is_empty() && !e.help.is_empty()),
                }
            }
        }
        // 11 names (logistic = sigmoid), minus step/sign: 9 names x (mse, sse)
        // + sigmoid/logistic x (bce, ce) + softmax x ce.
        assert_eq!(valid, 9 * 2 + 2 * 2 + 1);
    }
}
