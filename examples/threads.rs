//! `Fit::threads`: a 784-128-10 network (sigmoid, softmax + ce, the size of
//! an MNIST classifier) trained on 2,048 synthetic 28×28 "digits" (ten
//! random prototypes plus noise) with batches of 256, once on one thread
//! and once on two. Each batch is cut into fixed chunks of 16 samples whose
//! gradients are summed in order, so both runs end with the same weights
//! bit for bit; the example prints the time per epoch of each and, last,
//! whether the weights are identical.
//!
//! ```text
//! cargo run --release --example threads
//! ```

use mlp::network;
use mlp::optim::Sgd;
use mlp::rand::{rngs::SmallRng, RngExt, SeedableRng};
use mlp::train::{accuracy, Control, Data, Fit};
use std::time::Instant;

network! {
    /// 28×28 pixels in, ten classes out.
    pub struct Mnist<input 784, dense 128 sigmoid, dense 10 softmax, loss ce>;
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = SmallRng::seed_from_u64(3);
    let prototypes: Vec<[f32; 784]> = (0..10)
        .map(|_| std::array::from_fn(|_| if rng.random::<f32>() < 0.3 { 1.0 } else { 0.0 }))
        .collect();
    let (mut xs, mut ds) = (Vec::new(), Vec::new());
    for i in 0..2048 {
        let class = i % 10;
        let x: [f32; 784] = std::array::from_fn(|p| {
            let flip = rng.random::<f32>() < 0.15;
            if flip {
                1.0 - prototypes[class][p]
            } else {
                prototypes[class][p]
            }
        });
        let mut d = [0.0f32; 10];
        d[class] = 1.0;
        xs.push(x);
        ds.push(d);
    }
    let data = Data::new(&xs, &ds);

    let mut init = SmallRng::seed_from_u64(7);
    let start: Box<Mnist> = mlp::boxed::new(&mut init);
    // Five rounds, 1 and 2 threads alternating; the best time of each (a
    // first run also pays for warming the caches).
    let mut best = [f64::INFINITY; 2];
    let mut results: Vec<Box<Mnist>> = Vec::new();
    for round in 0..5 {
        for (k, threads) in [1, 2].into_iter().enumerate() {
            let mut net = start.clone();
            let mut shuffle = SmallRng::seed_from_u64(11);
            let begin = Instant::now();
            let summary = Fit::new(data)
                .epochs(3)
                .batch_size(256)
                .threads(threads)
                .run(&mut *net, &mut Sgd::new(0.5), &mut shuffle, |_| {
                    Control::Continue
                })?;
            let per_epoch = begin.elapsed().as_secs_f64() * 1e3 / summary.epochs as f64;
            best[k] = best[k].min(per_epoch);
            if round == 0 {
                println!(
                    "threads = {threads}: train accuracy {:.4}",
                    accuracy(&*net, data)
                );
                results.push(net);
            }
        }
    }
    println!(
        "ms per epoch, best of 5: 1 thread {:.1}, 2 threads {:.1}; speed-up {:.2}x",
        best[0],
        best[1],
        best[0] / best[1]
    );
    let identical = results[0].to_bytes() == results[1].to_bytes();
    println!(
        "identical_weights = {}",
        if identical { "yes" } else { "no" }
    );
    Ok(())
}
