//! `frozen` layers: training leaves them bit-identical, with `train_step`
//! and with every optimiser (weight decay included), and the layers that
//! train follow exactly the path of an unfrozen network whose gradient is
//! masked by hand (and whose frozen part is put back after each step).

// A list of one range is what the iterator yields for these networks.
#![allow(clippy::single_range_in_vec_init)]

use crate::common;

use mlp::network;
use mlp::optim::{Adam, Optimizer, Rprop, Sgd};
use mlp::train::{batch_gradient, Data};
use mlp::Params;

network! {
    #[scalar(f64)]
    struct Frozen<input 3, dense 5 tanh frozen, dense 4 relu, dense 2 linear, loss mse>;
    #[scalar(f64)]
    struct Open<input 3, dense 5 tanh, dense 4 relu, dense 2 linear, loss mse>;
    /// A frozen layer in the middle: δ still flows through it to layer 1.
    #[scalar(f64)]
    struct Middle<input 3, dense 5 tanh, dense 4 relu frozen, dense 2 linear, loss mse>;
}

/// Layer 1 of the 3-5-4-2 networks: 3·5 weights and 5 biases.
const LAYER1: std::ops::Range<usize> = 0..20;
/// Layer 2: 5·4 weights and 4 biases.
const LAYER2: std::ops::Range<usize> = 20..44;

fn data(seed: u64) -> (Vec<[f64; 3]>, Vec<[f64; 2]>) {
    let mut rng = common::rng(seed);
    let xs = (0..8)
        .map(|_| std::array::from_fn(|_| common::uniform(&mut rng, -1.5, 1.5)))
        .collect();
    let ds = (0..8)
        .map(|_| std::array::from_fn(|_| common::uniform(&mut rng, -1.0, 1.0)))
        .collect();
    (xs, ds)
}

fn copy<A: Params<Scalar = f64>, B: Params<Scalar = f64>>(from: &A) -> B {
    let mut to = B::zeroed();
    to.params_mut().copy_from_slice(from.params());
    to
}

#[test]
fn trainable_ranges_skip_frozen_layers() {
    assert_eq!(
        Frozen::trainable().collect::<Vec<_>>(),
        [20..Frozen::PARAMS]
    );
    assert_eq!(
        Middle::trainable().collect::<Vec<_>>(),
        [0..20, 44..Middle::PARAMS]
    );
    assert_eq!(Open::trainable().collect::<Vec<_>>(), [0..Open::PARAMS]);
}

#[test]
fn backward_adds_nothing_for_frozen_layers() {
    let (xs, ds) = data(1);
    let frozen: Middle = common::random_net(&mut common::rng(2));
    let open: Open = copy(&frozen);
    for (x, d) in xs.iter().zip(&ds) {
        let (mut gf, mut go) = (Middle::zeroed(), Open::zeroed());
        assert_eq!(
            frozen.backward(x, d, &mut gf).to_bits(),
            open.backward(x, d, &mut go).to_bits()
        );
        assert!(gf.params()[LAYER2].iter().all(|&g| g == 0.0));
        let mut masked = go.params().to_vec();
        masked[LAYER2].fill(0.0);
        assert_eq!(
            gf.params(),
            &masked[..],
            "other layers' gradients are untouched"
        );
    }
}

/// `steps` optimiser steps on the frozen network against the masked
/// reference; returns both for comparison.
fn run<O1: Optimizer<Frozen>, O2: Optimizer<Open>>(mut o1: O1, mut o2: O2, steps: usize) {
    let (xs, ds) = data(3);
    let data = Data::new(&xs, &ds);
    let mut frozen: Frozen = common::random_net(&mut common::rng(4));
    let start = frozen.clone();
    let mut open: Open = copy(&frozen);
    let (mut gf, mut go) = (Frozen::zeroed(), Open::zeroed());
    let all: Vec<usize> = (0..xs.len()).collect();
    for step in 0..steps {
        let batch = &all[step % 2 * 4..step % 2 * 4 + 4];
        batch_gradient(&frozen, data, batch, &mut gf);
        o1.step(&mut frozen, &gf);
        batch_gradient(&open, data, batch, &mut go);
        go.params_mut()[LAYER1].fill(0.0);
        o2.step(&mut open, &go);
        open.params_mut()[LAYER1].copy_from_slice(&start.params()[LAYER1]);
    }
    let bits = |p: &[f64]| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(
        bits(&frozen.params()[LAYER1]),
        bits(&start.params()[LAYER1]),
        "frozen layer changed"
    );
    assert_eq!(
        bits(frozen.params()),
        bits(open.params()),
        "trainable layers differ from the masked reference"
    );
    assert_ne!(
        frozen.params()[LAYER2],
        start.params()[LAYER2],
        "the other layers trained"
    );
}

#[test]
fn every_optimiser_leaves_frozen_layers_alone() {
    run(Sgd::new(0.05), Sgd::new(0.05), 25);
    run(
        Sgd::new(0.05).nesterov(0.9).weight_decay(0.1),
        Sgd::new(0.05).nesterov(0.9).weight_decay(0.1),
        25,
    );
    run(Adam::adamw(0.01, 0.1), Adam::adamw(0.01, 0.1), 25);
    run(Rprop::new(), Rprop::new(), 25);
}

#[test]
fn train_step_leaves_frozen_layers_alone() {
    let (xs, ds) = data(5);
    let mut frozen: Frozen = common::random_net(&mut common::rng(6));
    let start = frozen.clone();
    let mut open: Open = copy(&frozen);
    for _ in 0..20 {
        for (x, d) in xs.iter().zip(&ds) {
            let (lf, lo) = (frozen.train_step(x, d, 0.05), open.train_step(x, d, 0.05));
            assert_eq!(lf.to_bits(), lo.to_bits());
            open.params_mut()[LAYER1].copy_from_slice(&start.params()[LAYER1]);
        }
    }
    assert_eq!(frozen.w1, start.w1);
    assert_eq!(frozen.b1, start.b1);
    assert_eq!(frozen.params(), open.params());
}
