//! The same network and data trained by each optimiser: Iris, 4-16-3 tanh /
//! softmax / ce, standardised features, the same initial weights for every
//! run. Counts the epochs each needs to bring the training loss below 0.1
//! (at most 2,000). Mini-batches of 8 for the gradient methods; RPROP, which
//! uses only the sign of the gradient, gets the full batch as FANN gives it.
//!
//! ```text
//! cargo run --release --example optimisers
//! ```

use mlp::data::{one_hot, parse_labelled, Standardizer};
use mlp::network;
use mlp::optim::{Adam, Optimizer, Rprop, Sgd};
use mlp::rand::{rngs::SmallRng, SeedableRng};
use mlp::train::{Control, Data, Fit};
use std::time::Instant;

network! {
    pub struct Iris<input 4, dense 16 tanh, dense 3 softmax, loss ce>;
}

const TARGET: f64 = 0.1;
const MAX_EPOCHS: usize = 2000;

/// Epochs until the training loss is below `TARGET`, or `None`.
fn epochs_to_target(
    start: &Iris,
    data: Data<'_, f32, 4, 3>,
    opt: &mut impl Optimizer<Iris>,
    batch: usize,
) -> Option<usize> {
    let mut net = start.clone();
    let mut rng = SmallRng::seed_from_u64(1);
    let mut reached = None;
    Fit::new(data)
        .epochs(MAX_EPOCHS)
        .batch_size(batch)
        .run(&mut net, opt, &mut rng, |e| {
            if e.train_loss < TARGET {
                reached = Some(e.epoch);
                Control::Stop
            } else {
                Control::Continue
            }
        })
        .ok()?;
    reached
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (raw, labels) = parse_labelled::<f32, 4>(include_str!("../data/iris.csv"), true)?;
    let scaler = Standardizer::fit(&raw);
    let xs: Vec<[f32; 4]> = raw.iter().map(|x| scaler.apply(x)).collect();
    let ds = one_hot::<f32, 3>(&labels)?;
    let data = Data::new(&xs, &ds);
    let start = Iris::new(&mut SmallRng::seed_from_u64(7));

    type Run<'a> = (&'a str, usize, Box<dyn FnMut() -> Option<usize> + 'a>);
    let runs: Vec<Run> = vec![
        (
            "sgd lr 0.05",
            8,
            Box::new(|| epochs_to_target(&start, data, &mut Sgd::new(0.05), 8)),
        ),
        (
            "sgd momentum 0.9",
            8,
            Box::new(|| epochs_to_target(&start, data, &mut Sgd::new(0.05).momentum(0.9), 8)),
        ),
        (
            "sgd nesterov 0.9",
            8,
            Box::new(|| epochs_to_target(&start, data, &mut Sgd::new(0.05).nesterov(0.9), 8)),
        ),
        (
            "adam lr 0.01",
            8,
            Box::new(|| epochs_to_target(&start, data, &mut Adam::new(0.01), 8)),
        ),
        (
            "adamw lr 0.01 wd 0.01",
            8,
            Box::new(|| epochs_to_target(&start, data, &mut Adam::adamw(0.01, 0.01), 8)),
        ),
        (
            "rprop (iRPROP-)",
            150,
            Box::new(|| epochs_to_target(&start, data, &mut Rprop::new(), usize::MAX)),
        ),
    ];
    println!(
        "{:<24} {:>6} {:>8} {:>8} {:>10}",
        "optimiser", "batch", "epochs", "steps", "time"
    );
    let mut best: Option<(usize, &str)> = None;
    for (name, batch, mut run) in runs {
        let t = Instant::now();
        let epochs = run();
        let elapsed = t.elapsed();
        match epochs {
            Some(e) => {
                let steps = e * xs.len().div_ceil(batch);
                println!("{name:<24} {batch:>6} {e:>8} {steps:>8} {elapsed:>10.2?}");
                if best.is_none_or(|(b, _)| e < b) {
                    best = Some((e, name));
                }
            }
            None => println!(
                "{name:<24} {batch:>6} {:>8} {:>8} {elapsed:>10.2?}",
                "-", "-"
            ),
        }
    }
    let (epochs, name) = best.ok_or("no optimiser reached the target")?;
    println!("fewest epochs to loss < {TARGET}: {name}");
    println!("fewest_epochs_to_target = {epochs}");
    Ok(())
}
