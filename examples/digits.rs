//! Handwritten digits (UCI / scikit-learn's 8x8 digits): 1,797 images of
//! 64 pixel counts (0-16), 10 classes. A 64-32-10 network (tanh hidden,
//! softmax output, cross-entropy) trained with Adam on a stratified 75/25
//! split, pixels scaled to [0, 1]. Prints figures per epoch and the
//! held-out accuracy last.
//!
//! ```text
//! cargo run --release --example digits
//! ```

use mlp::data::{one_hot, parse_labelled, select, stratified_split};
use mlp::network;
use mlp::optim::Adam;
use mlp::rand::{rngs::SmallRng, SeedableRng};
use mlp::train::{accuracy, Control, Data, Fit, Metric};

network! {
    /// A digit 0-9 from an 8x8 image.
    pub struct Digits<input 64, dense 32 tanh, dense 10 softmax, loss ce>;
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (pixels, labels) = parse_labelled::<f32, 64>(include_str!("../data/digits.csv"), false)?;
    let images: Vec<[f32; 64]> = pixels.iter().map(|p| p.map(|v| v / 16.0)).collect();
    let targets = one_hot::<f32, 10>(&labels)?;
    let mut rng = SmallRng::seed_from_u64(7);
    let (train_idx, test_idx) = stratified_split(&labels, 0.25, &mut rng);
    let (train_x, test_x) = (select(&images, &train_idx), select(&images, &test_idx));
    let (train_d, test_d) = (select(&targets, &train_idx), select(&targets, &test_idx));
    println!(
        "digits: {} training and {} held-out images",
        train_x.len(),
        test_x.len()
    );

    let mut net = Digits::new(&mut rng);
    let test = Data::new(&test_x, &test_d);
    let summary = Fit::new(Data::new(&train_x, &train_d))
        .epochs(40)
        .batch_size(16)
        .metric(Metric::Accuracy)
        .run(&mut net, &mut Adam::new(0.003), &mut rng, |e| {
            println!(
                "epoch {:>2}  loss {:.4}  train accuracy {:.4}  ({:.2} s)",
                e.epoch,
                e.train_loss,
                e.metric.unwrap_or(0.0),
                e.elapsed.unwrap_or(0.0)
            );
            Control::Continue
        })?;
    println!(
        "trained {} epochs; held-out loss {:.4}",
        summary.epochs,
        mlp::train::mean_loss(&net, test)
    );
    println!("test_accuracy = {:.4}", accuracy(&net, test));
    Ok(())
}
