//! Mini-batch semantics, the training loop, early stopping and checked
//! training.

use crate::common;

use mlp::network;
use mlp::optim::{Adam, Rprop, Sgd};
use mlp::train::{
    batch_gradient, checked_step, Control, Data, Fit, Metric, SampleError, StepError, TrainError,
};
use mlp::Params;

network! {
    #[scalar(f64)] struct Net<input 3, dense 5 tanh, dense 2 softmax, loss ce>;
    #[scalar(f64)] struct Xor<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>;
    #[scalar(f64)] struct Reg<input 1, dense 8 tanh, dense 1 linear, loss mse>;
}

#[test]
fn batch_of_identical_samples_has_the_single_sample_gradient() {
    let net: Net = common::random_net(&mut common::rng(1));
    let x = [[0.3, -0.7, 1.1]; 5];
    let d = [[0.0, 1.0]; 5];
    let mut single = Net::zeroed();
    let loss = net.backward(&x[0], &d[0], &mut single);
    let mut batch = Net::zeroed();
    let mean = batch_gradient(&net, Data::new(&x, &d), &[0, 1, 2, 3, 4], &mut batch);
    assert!((mean - loss).abs() < 1e-15);
    for (a, b) in single.params().iter().zip(batch.params()) {
        assert!((a - b).abs() <= 1e-15 * a.abs().max(1e-300), "{a} vs {b}");
    }
}

#[test]
fn batch_gradient_is_the_mean() {
    let net: Net = common::random_net(&mut common::rng(2));
    let x = [[0.3, -0.7, 1.1], [1.0, 0.0, -1.0]];
    let d = [[0.0, 1.0], [1.0, 0.0]];
    let mut sum = Net::zeroed();
    net.backward(&x[0], &d[0], &mut sum);
    net.backward(&x[1], &d[1], &mut sum);
    let mut batch = Net::zeroed();
    batch.params_mut().fill(7.0); // stale contents are cleared
    batch_gradient(&net, Data::new(&x, &d), &[0, 1], &mut batch);
    for (s, b) in sum.params().iter().zip(batch.params()) {
        assert!((s / 2.0 - b).abs() < 1e-15);
    }
}

const XS: [[f64; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
const DS: [[f64; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

#[test]
fn rprop_full_batch_learns_xor_through_fit() {
    let mut net = Xor::new(&mut common::rng(3));
    let mut epochs_seen = 0;
    let summary = Fit::new(Data::new(&XS, &DS))
        .epochs(300)
        .full_batch()
        .metric(Metric::Accuracy)
        .run(&mut net, &mut Rprop::new(), &mut common::rng(4), |e| {
            epochs_seen = e.epoch;
            assert!(e.elapsed.is_some());
            if e.metric == Some(1.0) && e.train_loss < 0.01 {
                Control::Stop
            } else {
                Control::Continue
            }
        })
        .unwrap();
    assert_eq!(summary.epochs, epochs_seen);
    assert!(
        summary.stopped_early,
        "reached the target within 300 epochs"
    );
    assert_eq!(mlp::train::accuracy(&net, Data::new(&XS, &DS)), 1.0);
}

#[test]
fn early_stopping_restores_the_best_weights() {
    // Train on one half of a noisy sine, validate on the other: an
    // aggressive learning rate makes validation loss bounce, and the loop
    // must hand back the weights of the best validation epoch.
    let mut rng = common::rng(5);
    let xs: Vec<[f64; 1]> = (0..40).map(|i| [f64::from(i) / 10.0 - 2.0]).collect();
    let ds: Vec<[f64; 1]> = xs
        .iter()
        .map(|x| [x[0].sin() + common::uniform(&mut rng, -0.3, 0.3)])
        .collect();
    let (train_x, val_x) = xs.split_at(20);
    let (train_d, val_d) = ds.split_at(20);
    let val = Data::new(val_x, val_d);
    let mut net = Reg::new(&mut common::rng(6));
    let mut snapshots: Vec<(usize, f64, Reg)> = Vec::new();
    let mut copy = net.clone();
    let summary = Fit::new(Data::new(train_x, train_d))
        .epochs(400)
        .batch_size(4)
        .validation(val)
        .early_stopping(15)
        .run(
            &mut copy,
            &mut Sgd::new(0.3).momentum(0.9),
            &mut common::rng(7),
            |e| {
                snapshots.push((e.epoch, e.val_loss.unwrap(), Reg::zeroed()));
                Control::Continue
            },
        )
        .unwrap();
    net.clone_from(&copy);
    let best = snapshots.iter().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    assert_eq!(
        summary.best_epoch, best.0,
        "best epoch is the one with least validation loss"
    );
    assert!(
        summary.stopped_early,
        "validation loss stopped improving before 400 epochs"
    );
    assert!(summary.epochs >= summary.best_epoch + 15);
    // The network holds the best epoch's weights: its validation loss is that epoch's.
    assert_eq!(mlp::train::mean_loss(&net, val), best.1);
    assert_eq!(summary.best_val_loss, Some(best.1));
}

#[test]
fn invalid_data_is_rejected_before_training_and_names_the_sample() {
    let mut net = Xor::new(&mut common::rng(8));
    let before = net.clone();
    let ds = [[0.0], [1.0], [1.5], [0.0]];
    let err = Fit::new(Data::new(&XS, &ds))
        .run(&mut net, &mut Adam::new(0.01), &mut common::rng(9), |_| {
            Control::Continue
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "invalid data: training sample 2: target 0 is 1.5, outside [0, 1] (bce and ce targets are probabilities)");
    assert_eq!(net, before);
    let mut xs = XS;
    xs[3][1] = f64::NAN;
    let err = Fit::new(Data::new(&XS, &DS))
        .validation(Data::new(&xs, &DS))
        .run(&mut net, &mut Adam::new(0.01), &mut common::rng(9), |_| {
            Control::Continue
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid data: validation sample 3: input 1 is NaN, not a finite number"
    );
    assert_eq!(net, before);
}

#[test]
fn softmax_ce_targets_must_be_distributions() {
    let mut net: Net = common::random_net(&mut common::rng(10));
    let before = net.clone();
    let err = checked_step(&mut net, &[0.0, 1.0, 2.0], &[0.5, 0.4], 0.1).unwrap_err();
    assert!(
        err.to_string()
            .contains("not a probability distribution (they sum to 0.9"),
        "{err}"
    );
    assert_eq!(
        net.params(),
        before.params(),
        "bit-identical after a rejected sample"
    );
    assert!(checked_step(&mut net, &[0.0, 1.0, 2.0], &[0.5, 0.5], 0.1).is_ok());
    assert_ne!(net, before);
}

#[test]
fn divergence_stops_and_restores_finite_weights() {
    let mut net = Reg::new(&mut common::rng(11));
    let xs = [[1e150], [-1e150]];
    let ds = [[1.0], [-1.0]];
    let err = Fit::new(Data::new(&xs, &ds))
        .epochs(50)
        .batch_size(1)
        .run(&mut net, &mut Sgd::new(1e10), &mut common::rng(12), |_| {
            Control::Continue
        })
        .unwrap_err();
    assert!(matches!(err, TrainError::Diverged { .. }), "{err}");
    assert!(
        net.params().iter().all(|p| p.is_finite()),
        "weights restored to finite values"
    );
    // The single-step form undoes a step that would leave non-finite weights.
    let mut net = Reg::new(&mut common::rng(13));
    let before = net.clone();
    let err = checked_step(&mut net, &[1.0], &[1e300], 1e10).unwrap_err();
    assert_eq!(err, StepError::Diverged);
    assert_eq!(
        err.to_string(),
        "the step made the loss or a weight non-finite and was undone (try a lower learning rate)"
    );
    assert_eq!(net, before);
}

#[test]
fn checked_step_names_the_samples_problem() {
    let mut net = Reg::new(&mut common::rng(14));
    let before = net.clone();
    let err = checked_step(&mut net, &[f64::NAN], &[1.0], 0.1).unwrap_err();
    assert!(
        matches!(
            err,
            StepError::Sample(SampleError::NonFiniteInput { index: 0, .. })
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "invalid sample: input 0 is NaN, not a finite number"
    );
    assert_eq!(net, before);
}

#[test]
#[should_panic(expected = "Fit::batch_size: a batch needs at least 1 sample")]
fn a_batch_of_zero_samples_is_refused() {
    let xs = [[0.0]];
    let _ = Fit::new(Data::new(&xs, &xs)).batch_size(0);
}

#[test]
#[should_panic(expected = "Data::new: 2 inputs but 1 targets")]
fn inputs_and_targets_must_pair_up() {
    let _ = Data::new(&[[0.0], [1.0]], &[[0.0]]);
}

network! {
    struct Wide<input 20, dense 32 tanh, dense 4 softmax, loss ce>;
    #[scalar(f64)] struct Wide64<input 20, dense 32 tanh, dense 4 softmax, loss ce>;
}

/// One full-batch SGD step (rate 1) of `Fit`, whose whole chunks go through
/// `backward_batch` and whose last chunk through per-sample `backward`, moves
/// every weight by the mean of the plain per-sample gradients, within 1e-12
/// of the largest, on 1 and 2 threads.
#[test]
fn fit_steps_by_the_mean_gradient() {
    let mut rng = common::rng(22);
    let xs: Vec<[f64; 20]> = (0..70)
        .map(|_| std::array::from_fn(|_| common::uniform(&mut rng, -1.0, 1.0)))
        .collect();
    let ds: Vec<[f64; 4]> = (0..70)
        .map(|k| std::array::from_fn(|i| f64::from(u8::from(i == k % 4))))
        .collect();
    let start = Wide64::new(&mut rng);
    let mut sum = Wide64::zeroed();
    for (x, d) in xs.iter().zip(&ds) {
        start.backward(x, d, &mut sum);
    }
    let mean: Vec<f64> = sum.params().iter().map(|g| g / 70.0).collect();
    let largest = mean.iter().fold(0.0f64, |m, g| m.max(g.abs()));
    for threads in [1, 2] {
        let mut net = start.clone();
        Fit::new(Data::new(&xs, &ds))
            .epochs(1)
            .full_batch()
            .shuffle(false)
            .threads(threads)
            .run(&mut net, &mut Sgd::new(1.0), &mut common::rng(23), |_| {
                Control::Continue
            })
            .unwrap();
        let worst = start
            .params()
            .iter()
            .zip(net.params())
            .zip(&mean)
            .map(|((a, b), g)| ((a - b) - g).abs() / largest)
            .fold(0.0, f64::max);
        assert!(worst < 1e-12, "{threads} threads: {worst:e}");
    }
}

/// The same seed gives the same weights, bit for bit, on 1, 2 and 3
/// threads: batches are cut into fixed chunks whose gradients are added in
/// order whatever thread computed them.
#[test]
fn threads_do_not_change_the_result() {
    let mut rng = common::rng(20);
    let xs: Vec<[f32; 20]> = (0..200)
        .map(|_| std::array::from_fn(|_| common::uniform(&mut rng, -1.0, 1.0) as f32))
        .collect();
    let ds: Vec<[f32; 4]> = xs
        .iter()
        .map(|x| {
            std::array::from_fn(|k| {
                f32::from(u8::from(
                    k == usize::from(x[0] > 0.0) + 2 * usize::from(x[1] > 0.0),
                ))
            })
        })
        .collect();
    let train = |threads: usize| {
        let mut rng = common::rng(21);
        let mut net = Wide::new(&mut rng);
        let mut losses = Vec::new();
        Fit::new(Data::new(&xs, &ds))
            .epochs(5)
            .batch_size(70) // chunks of 32, 32, 6; a last batch of 60 (32, 28)
            .threads(threads)
            .run(&mut net, &mut Adam::new(0.01), &mut rng, |e| {
                losses.push(e.train_loss.to_bits());
                Control::Continue
            })
            .unwrap();
        let bits: Vec<u32> = net.params().iter().map(|p| p.to_bits()).collect();
        (bits, losses)
    };
    let one = train(1);
    assert_eq!(train(2), one);
    assert_eq!(train(3), one);
    // And the result is the batch mean, as without chunks, within rounding.
    let mut rng = common::rng(21);
    let net = Wide::new(&mut rng);
    let mut grad = Wide::zeroed();
    let order: Vec<usize> = (0..70).collect();
    batch_gradient(&net, Data::new(&xs, &ds), &order, &mut grad);
    let mut buf = Wide::zeroed();
    for &i in &order {
        net.backward(&xs[i], &ds[i], &mut buf);
    }
    for (g, b) in grad.params().iter().zip(buf.params()) {
        assert!((g - b / 70.0).abs() <= 1e-6 * b.abs().max(1.0));
    }
}

/// A threaded run that ends early (divergence) or by a panic in the
/// caller's callback releases its worker threads: it returns or panics
/// instead of hanging, and the next run works.
#[test]
fn threaded_runs_end_cleanly() {
    let xs: Vec<[f64; 1]> = (0..40)
        .map(|k| [if k % 2 == 0 { 1e150 } else { -1e150 }])
        .collect();
    let ds: Vec<[f64; 1]> = (0..40)
        .map(|k| [if k % 2 == 0 { 1.0 } else { -1.0 }])
        .collect();
    let mut net = Reg::new(&mut common::rng(11));
    let err = Fit::new(Data::new(&xs, &ds))
        .epochs(50)
        .batch_size(40)
        .threads(2)
        .run(&mut net, &mut Sgd::new(1e10), &mut common::rng(12), |_| {
            Control::Continue
        })
        .unwrap_err();
    assert!(matches!(err, TrainError::Diverged { .. }), "{err}");
    assert!(net.params().iter().all(|p| p.is_finite()));

    let xs: Vec<[f64; 1]> = (0..40).map(|k| [f64::from(k) / 40.0]).collect();
    let mut net = Reg::new(&mut common::rng(15));
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Fit::new(Data::new(&xs, &xs))
            .epochs(5)
            .batch_size(40)
            .threads(3)
            .run(&mut net, &mut Sgd::new(0.01), &mut common::rng(13), |e| {
                assert!(e.epoch < 2, "the callback's own panic");
                Control::Continue
            })
    }));
    let payload = panicked.expect_err("the callback's panic reaches the caller");
    let message = payload.downcast_ref::<&str>().copied();
    assert_eq!(message, Some("the callback's own panic"));
    let summary = Fit::new(Data::new(&xs, &xs))
        .epochs(3)
        .batch_size(40)
        .threads(2)
        .run(&mut net, &mut Sgd::new(0.01), &mut common::rng(14), |_| {
            Control::Continue
        })
        .unwrap();
    assert_eq!(summary.epochs, 3);
}

#[test]
#[should_panic(expected = "Fit::threads: at least 1 thread")]
fn zero_threads_are_refused() {
    let xs = [[0.0]];
    let _ = Fit::new(Data::new(&xs, &xs)).threads(0);
}
