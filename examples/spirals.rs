//! Two interleaved spirals (Lang and Witbrock, 1988), the classic hard case
//! for a small MLP: 2 x 97 points, one class per spiral. A 2-64-64-1 relu
//! network with a sigmoid output and binary cross-entropy, trained with
//! Adam until every point is right and the loss is below 0.02. Prints
//! figures every 25 epochs and the training accuracy last. (A 2-32-32-1
//! tanh network reaches 0.98 in 2,000 epochs here; relu is faster.)
//!
//! ```text
//! cargo run --release --example spirals
//! ```

use mlp::network;
use mlp::optim::Adam;
use mlp::rand::{rngs::SmallRng, SeedableRng};
use mlp::train::{accuracy, Control, Data, Fit, Metric};

network! {
    /// Which spiral a point lies on.
    pub struct Spirals<input 2, dense 64 relu, dense 64 relu, dense 1 sigmoid, loss bce>;
}

/// The benchmark's points: radius shrinking from 6.5 over three turns, the
/// second spiral the first rotated by π. Coordinates scaled to about [-1, 1].
fn two_spirals() -> (Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let (mut xs, mut ds) = (Vec::new(), Vec::new());
    for i in 0..97 {
        let angle = f64::from(i) * std::f64::consts::PI / 16.0;
        let radius = 6.5 * f64::from(104 - i) / 104.0;
        let (x, y) = (radius * angle.sin() / 6.5, radius * angle.cos() / 6.5);
        xs.push([x as f32, y as f32]);
        ds.push([1.0]);
        xs.push([-x as f32, -y as f32]);
        ds.push([0.0]);
    }
    (xs, ds)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (xs, ds) = two_spirals();
    let mut rng = SmallRng::seed_from_u64(7);
    let mut net = Spirals::new(&mut rng);
    let data = Data::new(&xs, &ds);
    println!("two spirals: {} points", xs.len());
    let summary = Fit::new(data)
        .epochs(3000)
        .batch_size(8)
        .metric(Metric::Accuracy)
        .run(&mut net, &mut Adam::new(0.005), &mut rng, |e| {
            if e.epoch % 25 == 0 {
                println!(
                    "epoch {:>4}  loss {:.4}  train accuracy {:.4}",
                    e.epoch,
                    e.train_loss,
                    e.metric.unwrap_or(0.0)
                );
            }
            // Stop once every point is classified and the loss is small.
            if e.metric == Some(1.0) && e.train_loss < 0.02 {
                Control::Stop
            } else {
                Control::Continue
            }
        })?;
    println!("trained {} epochs", summary.epochs);
    println!("train_accuracy = {:.4}", accuracy(&net, data));
    Ok(())
}
