//! Fine-tuning with `frozen` layers: trains the digits network of the
//! `digits` example, then moves its weights into the same network declared
//! with the hidden layer `frozen` and retrains only the output layer on a
//! shifted task (every label k becomes (k + 3) mod 10, a new head on the
//! same features). Prints the accuracy on the original task, on the shifted
//! task before and after fine-tuning, and checks that the hidden layer did
//! not move by a single bit.
//!
//! ```text
//! cargo run --release --example finetune
//! ```

use mlp::data::{one_hot, parse_labelled, select, stratified_split};
use mlp::network;
use mlp::optim::Adam;
use mlp::rand::{rngs::SmallRng, SeedableRng};
use mlp::train::{accuracy, Control, Data, Fit};

network! {
    /// A digit 0-9 from an 8x8 image.
    pub struct Digits<input 64, dense 32 tanh, dense 10 softmax, loss ce>;
    /// The same network with its feature layer fixed: only the output trains.
    pub struct DigitsHead<input 64, dense 32 tanh frozen, dense 10 softmax, loss ce>;
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (pixels, labels) = parse_labelled::<f32, 64>(include_str!("../data/digits.csv"), false)?;
    let images: Vec<[f32; 64]> = pixels.iter().map(|p| p.map(|v| v / 16.0)).collect();
    let shifted: Vec<usize> = labels.iter().map(|k| (k + 3) % 10).collect();
    let (targets, shifted_targets) = (one_hot::<f32, 10>(&labels)?, one_hot::<f32, 10>(&shifted)?);
    let mut rng = SmallRng::seed_from_u64(7);
    let (train_idx, test_idx) = stratified_split(&labels, 0.25, &mut rng);
    let (train_x, test_x) = (select(&images, &train_idx), select(&images, &test_idx));
    let (train_d, test_d) = (select(&targets, &train_idx), select(&targets, &test_idx));
    let (train_s, test_s) = (
        select(&shifted_targets, &train_idx),
        select(&shifted_targets, &test_idx),
    );

    let mut net = Digits::new(&mut rng);
    Fit::new(Data::new(&train_x, &train_d))
        .epochs(40)
        .batch_size(16)
        .run(&mut net, &mut Adam::new(0.003), &mut rng, |_| {
            Control::Continue
        })?;
    let original = accuracy(&net, Data::new(&test_x, &test_d));
    println!("original task:        test_accuracy {original:.4}");

    // Same layout, so the bytes move across; only `frozen` differs.
    let mut head = DigitsHead::from_bytes(&net.to_bytes())?;
    let before = accuracy(&head, Data::new(&test_x, &test_s));
    println!("shifted task, before: test_accuracy {before:.4}");
    Fit::new(Data::new(&train_x, &train_s))
        .epochs(40)
        .batch_size(16)
        .run(&mut head, &mut Adam::new(0.01), &mut rng, |_| {
            Control::Continue
        })?;
    let after = accuracy(&head, Data::new(&test_x, &test_s));
    println!("shifted task, after fine-tuning the output layer: test_accuracy {after:.4}");
    let unchanged = head.w1 == net.w1 && head.b1 == net.b1;
    println!(
        "hidden layer unchanged = {}",
        if unchanged { "yes" } else { "NO" }
    );
    println!("finetuned_accuracy = {after:.4}");
    Ok(())
}
