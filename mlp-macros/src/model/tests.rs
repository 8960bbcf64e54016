//! The tables against themselves, the runtime, and the test lists that
//! must name every activation.

use super::*;

#[test]
fn rows_follow_the_enum() {
    for (i, row) in ACTIVATIONS.iter().enumerate() {
        assert_eq!(row.activation as usize, i, "{:?}", row.activation);
        assert_eq!(Activation::from_name(row.names[0]), Some(row.activation));
        assert_eq!(row.activation.row().names, row.names);
    }
    assert_eq!(Activation::from_name("logistic"), Some(Activation::Sigmoid));
    assert_eq!(Activation::from_name("rleu"), None);
    for loss in [Loss::Mse, Loss::Sse, Loss::Bce, Loss::Ce, Loss::Huber] {
        assert_eq!(LOSSES.iter().filter(|r| r.loss == loss).count(), 1);
        assert_eq!(Loss::from_name(loss.name()), Some(loss));
    }
}

#[test]
fn output_kinds_are_the_runtimes() {
    use mlp_runtime::activation::{self as rt, Activation as _};
    let kind = |a: Activation| -> rt::OutputKind {
        match a {
            Activation::Linear => rt::Linear::OUTPUT_KIND,
            Activation::Step => rt::Step::OUTPUT_KIND,
            Activation::Sign => rt::Sign::OUTPUT_KIND,
            Activation::Softsign => rt::Softsign::OUTPUT_KIND,
            Activation::Sigmoid => rt::Sigmoid::OUTPUT_KIND,
            Activation::Tanh => rt::Tanh::OUTPUT_KIND,
            Activation::Relu => rt::Relu::OUTPUT_KIND,
            Activation::Softplus => rt::Softplus::OUTPUT_KIND,
            Activation::Gaussian => rt::Gaussian::OUTPUT_KIND,
            Activation::Softmax => rt::Softmax::OUTPUT_KIND,
            Activation::LeakyRelu => rt::LeakyRelu::OUTPUT_KIND,
            Activation::Elu => rt::Elu::OUTPUT_KIND,
            Activation::Gelu => rt::Gelu::OUTPUT_KIND,
            Activation::Silu => rt::Silu::OUTPUT_KIND,
        }
    };
    for row in ACTIVATIONS {
        let runtime = format!("{:?}", kind(row.activation));
        assert_eq!(
            row.activation.output_kind(),
            runtime,
            "{:?}",
            row.activation
        );
    }
}

/// The places outside this table that must know every activation:
/// the runtime's types (through `__private`), the gradient checks and
/// the every-pair compile test. A row added here and missed there
/// fails this test, naming the file.
#[test]
fn every_activation_is_in_every_list() {
    let places = [
        (
            "mlp-runtime/src/activation/mod.rs",
            include_str!("../../../mlp-runtime/src/activation/mod.rs"),
            true,
        ),
        (
            "tests/grad/gradcheck.rs",
            include_str!("../../../tests/grad/gradcheck.rs"),
            false,
        ),
        (
            "tests/ui-pass/every-pair.rs",
            include_str!("../../../tests/ui-pass/every-pair.rs"),
            false,
        ),
    ];
    for row in ACTIVATIONS {
        for (file, text, by_type) in places {
            // Zero derivative: no gradient to check.
            let constant = matches!(row.activation, Activation::Step | Activation::Sign);
            if constant && file == "tests/grad/gradcheck.rs" {
                continue;
            }
            let word = if by_type { row.runtime } else { row.names[0] };
            let found = text
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|w| w == word);
            assert!(found, "{file} does not name the activation `{word}`");
        }
    }
}
