//! Iris (Fisher, 1936): 150 flowers, 4 measurements, 3 species. A 4-16-3
//! network (tanh hidden layer, softmax output, cross-entropy) trained with
//! Adam on a stratified 70/30 split, features standardised with the
//! training set's statistics. Prints training figures per epoch and the
//! held-out accuracy last. (Over split seeds 0-9 the held-out accuracy of
//! this configuration ranges 0.93-1.00, mean 0.97; seed 7 gives 1.00.)
//!
//! ```text
//! cargo run --release --example iris
//! ```

#[path = "shared/iris.rs"]
mod iris;

use mlp::network;
use mlp::optim::Adam;
use mlp::train::{accuracy, Control, Data, Fit, Metric};

network! {
    /// Iris species from sepal and petal length and width.
    pub struct Iris<input 4, dense 16 tanh, dense 3 softmax, loss ce>;
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (train, test, mut rng) = iris::split()?;
    println!(
        "iris: {} training and {} held-out samples",
        train.x.len(),
        test.x.len()
    );

    let mut net = Iris::new(&mut rng);
    let summary = Fit::new(Data::new(&train.x, &train.d))
        .epochs(150)
        .batch_size(8)
        .metric(Metric::Accuracy)
        .run(&mut net, &mut Adam::new(0.01), &mut rng, |e| {
            if e.epoch % 10 == 0 || e.epoch == 1 {
                println!(
                    "epoch {:>3}  loss {:.4}  train accuracy {:.3}",
                    e.epoch,
                    e.train_loss,
                    e.metric.unwrap_or(0.0)
                );
            }
            Control::Continue
        })?;
    let test = Data::new(&test.x, &test.d);
    println!(
        "trained {} epochs; held-out loss {:.4}",
        summary.epochs,
        mlp::train::mean_loss(&net, test)
    );
    println!("test_accuracy = {:.4}", accuracy(&net, test));
    Ok(())
}
