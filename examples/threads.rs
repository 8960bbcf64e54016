//! `Fit::threads`: a 784-128-10 network (sigmoid, softmax + ce, the size of
//! an MNIST classifier) trained on 2,048 synthetic 28×28 "digits" (ten
//! random prototypes plus noise) with batches of 256, once on one thread
//! and once on two. Each batch is cut into fixed chunks of 16 samples whose
//! gradients are summed in order, so both runs end with the same weights
//! bit for bit; the example prints the time per epoch of each and, last,
//! whether the weights are identical. (On this project's 2-core machine
//! two threads are about 1.06x faster: 784-128-10 is memory-bound,
//! BENCHMARKS.md "Batched gradients and threads".)
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
    let mut results = Vec::new();
    for threads in [1, 2] {
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
        println!(
            "threads = {threads}: {per_epoch:.1} ms per epoch, train accuracy {:.4}",
            accuracy(&*net, data)
        );
        results.push((net, per_epoch));
    }
    println!(
        "speed-up with 2 threads = {:.2}x",
        results[0].1 / results[1].1
    );
    let identical = results[0].0.to_bytes() == results[1].0.to_bytes();
    println!(
        "identical_weights = {}",
        if identical { "yes" } else { "no" }
    );
    Ok(())
}
