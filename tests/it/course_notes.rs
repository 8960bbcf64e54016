//! The course notes' worked examples, to their published digits and to the
//! closed forms they come from. The computations live in
//! `examples/course_examples.rs`, which prints them.

#[path = "../../examples/course_examples.rs"]
mod course_examples;

use course_examples::{all, Example};

fn check(ex: &Example) {
    assert_eq!(
        ex.rounded(),
        (ex.published * 10f64.powi(ex.places)).round() / 10f64.powi(ex.places),
        "{}: {}",
        ex.name,
        ex.computed
    );
    assert!(
        (ex.computed - ex.exact).abs() <= 1e-12 * ex.exact.abs().max(1.0),
        "{}: {} vs exact {}",
        ex.name,
        ex.computed,
        ex.exact
    );
}

#[test]
fn every_worked_example_reproduces() {
    let examples = all();
    assert_eq!(examples.len(), 9);
    for ex in &examples {
        check(ex);
    }
}

#[test]
fn published_digits() {
    let by_name = |name: &str| {
        all()
            .into_iter()
            .find(|e| e.name.starts_with(name))
            .unwrap()
    };
    assert_eq!(
        format!("{:.3}", by_name("001 relu/sigmoid/bce").computed),
        "0.597"
    );
    assert_eq!(
        format!("{:.3}", by_name("001 softmax/ce: loss").computed),
        "1.313"
    );
    assert_eq!(
        format!("{:.4}", by_name("001 softmax/ce: delta").computed),
        "-0.0731"
    );
    assert_eq!(
        by_name("001 sigmoid/ce: w11").computed,
        1.0,
        "w11 stays exactly 1.0: d1 = 0 gives delta1 = 0"
    );
    assert_eq!(
        by_name("001 sigmoid/ce: loss").computed,
        std::f64::consts::LN_2
    );
}
