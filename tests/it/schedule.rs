//! Learning-rate schedules at chosen epochs against hand-worked values,
//! gradient clipping on a gradient of known norm, and both inside `Fit`.

use crate::common;

use mlp::network;
use mlp::optim::{clip_grad_norm, Optimizer, Schedule, Sgd};
use mlp::train::{Control, Data, Fit};
use mlp::Params;

network! {
    #[scalar(f64)]
    struct Line<input 1, dense 1 linear, loss sse>;
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-15 * b.abs().max(1.0)
}

#[test]
fn constant_step_and_exponential() {
    assert_eq!(Schedule::Constant.rate(0.1, 1000), 0.1);
    let step = Schedule::step(10, 0.5);
    // 0.1 · 0.5^⌊e/10⌋
    assert_eq!(step.rate(0.1, 0), 0.1);
    assert_eq!(step.rate(0.1, 9), 0.1);
    assert_eq!(step.rate(0.1, 10), 0.05);
    assert_eq!(step.rate(0.1, 25), 0.025);
    // 0.1 · 0.9³ = 0.0729
    assert!(close(Schedule::exponential(0.9).rate(0.1, 3), 0.0729));
    assert_eq!(Schedule::exponential(0.9).rate(0.1, 0), 0.1);
}

#[test]
fn cosine_with_and_without_warmup() {
    let cos = Schedule::cosine(100);
    assert_eq!(cos.rate(1.0, 0), 1.0);
    // (1 + cos(π/4)) / 2; python3 -c "import math; print((1+math.cos(math.pi/4))/2)"
    assert!(close(cos.rate(1.0, 25), 0.853_553_390_593_273_8));
    assert!(close(cos.rate(1.0, 50), 0.5));
    assert!(cos.rate(1.0, 100).abs() < 1e-16);
    assert!(cos.rate(1.0, 150).abs() < 1e-16, "stays at the minimum");
    // Warm-up over 5 epochs: 0.2, 0.4, ..., 1.0, then cosine over 100 more.
    let warm = Schedule::cosine(105).warmup(5);
    assert!(close(warm.rate(1.0, 0), 0.2));
    assert!(close(warm.rate(1.0, 3), 0.8));
    assert_eq!(warm.rate(1.0, 4), 1.0);
    assert_eq!(warm.rate(1.0, 5), 1.0);
    assert!(close(warm.rate(1.0, 55), 0.5));
    // To a floor of 0.01: 0.01 + 0.09 · (1 + cos(0.3π)) / 2
    // python3 -c "import math; print(0.01+(0.1-0.01)*(1+math.cos(math.pi*30/100))/2)"
    let floor = Schedule::cosine(100).min(0.01);
    assert!(close(floor.rate(0.1, 30), 0.081_450_336_353_161_3));
    assert!(close(floor.rate(0.1, 100), 0.01));
}

#[test]
fn clipping_scales_to_the_bound() {
    // Gradient (3, 4): norm 5.
    let mut g = Line::zeroed();
    g.params_mut().copy_from_slice(&[3.0, 4.0]);
    assert_eq!(clip_grad_norm(&mut g, 10.0), 5.0);
    assert_eq!(g.params(), [3.0, 4.0], "within the bound: untouched");
    assert_eq!(clip_grad_norm(&mut g, 1.0), 5.0);
    assert!(close(g.params()[0], 0.6) && close(g.params()[1], 0.8));
}

#[test]
fn fit_applies_the_schedule_and_clipping() {
    // One full batch per epoch of one sample x = 1, d = 0 from w = 1, b = 1:
    // y = 2, δ = y − d = 2, so ∇ = (δ·x, δ) = (2, 2), norm 2√2, clipped to 1:
    // (1/√2, 1/√2). With SGD at rate 0.1 the first step is 0.1/√2 each.
    let xs = [[1.0]];
    let ds = [[0.0]];
    let mut net = Line::zeroed();
    net.params_mut().copy_from_slice(&[1.0, 1.0]);
    let mut sgd = Sgd::new(0.1);
    let mut rates = Vec::new();
    Fit::new(Data::new(&xs, &ds))
        .epochs(1)
        .full_batch()
        .clip_grad_norm(1.0)
        .schedule(Schedule::step(1, 0.5))
        .run(&mut net, &mut sgd, &mut common::rng(1), |e| {
            rates.push(e.learning_rate);
            Control::Continue
        })
        .unwrap();
    let step = 0.1 / 2f64.sqrt();
    assert!(close(net.w1[0][0], 1.0 - step) && close(net.b1[0], 1.0 - step));
    // Three more epochs: rates 0.1, 0.05, 0.025, 0.0125 in all.
    let mut sgd = Sgd::new(0.1);
    Fit::new(Data::new(&xs, &ds))
        .epochs(4)
        .schedule(Schedule::step(1, 0.5))
        .run(&mut net, &mut sgd, &mut common::rng(1), |e| {
            rates.push(e.learning_rate);
            Control::Continue
        })
        .unwrap();
    assert_eq!(
        rates,
        [Some(0.1), Some(0.1), Some(0.05), Some(0.025), Some(0.0125)]
    );
    assert_eq!(sgd.learning_rate(), Some(0.0125));
}
