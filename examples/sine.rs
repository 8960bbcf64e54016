//! Regression: y = sin(x) on [-π, π] with a 1-16-1 network (tanh hidden,
//! linear output, mean squared error), trained with Adam on 128 evenly
//! spaced samples. Prints figures every 200 epochs and, last, the largest
//! absolute error over 10,001 points of [-π, π].
//!
//! ```text
//! cargo run --release --example sine
//! ```

use mlp::network;
use mlp::optim::Adam;
use mlp::rand::{rngs::SmallRng, SeedableRng};
use mlp::train::{Control, Data, Fit, Metric};
use std::f64::consts::PI;

network! {
    /// sin(x) for x in [-π, π].
    pub struct Sine<input 1, dense 16 tanh, dense 1 linear, loss mse>;
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let xs: Vec<[f32; 1]> = (0..128)
        .map(|i| [(-PI + 2.0 * PI * f64::from(i) / 127.0) as f32])
        .collect();
    let ds: Vec<[f32; 1]> = xs.iter().map(|x| [x[0].sin()]).collect();
    let mut rng = SmallRng::seed_from_u64(7);
    let mut net = Sine::new(&mut rng);
    let summary = Fit::new(Data::new(&xs, &ds))
        .epochs(3000)
        .batch_size(16)
        .metric(Metric::MeanSquaredError)
        .run(&mut net, &mut Adam::new(0.01), &mut rng, |e| {
            if e.epoch % 200 == 0 {
                println!(
                    "epoch {:>4}  loss {:.3e}  mse {:.3e}",
                    e.epoch,
                    e.train_loss,
                    e.metric.unwrap_or(0.0)
                );
            }
            Control::Continue
        })?;
    let max_abs_error = (0..=10_000)
        .map(|i| -PI + 2.0 * PI * f64::from(i) / 10_000.0)
        .map(|x| (f64::from(net.forward(&[x as f32])[0]) - x.sin()).abs())
        .fold(0.0, f64::max);
    println!("trained {} epochs", summary.epochs);
    println!("max_abs_error = {max_abs_error:.4}");
    Ok(())
}
