//! The Iris data as the iris, deploy and iris_baked examples use it: a
//! stratified 70/30 split (seed 7) standardised with the training set's
//! statistics, so that all three see exactly the same held-out samples.

use mlp::data::{one_hot, parse_labelled, select, stratified_split, Standardizer};
use mlp::rand::{rngs::SmallRng, SeedableRng};

/// Inputs and one-hot targets of one part of the data.
pub struct Part {
    pub x: Vec<[f32; 4]>,
    pub d: Vec<[f32; 3]>,
}

/// (training, held-out), and the generator, ready for initialisation and
/// shuffling, in the state the split left it.
pub fn split() -> Result<(Part, Part, SmallRng), Box<dyn std::error::Error>> {
    let text = include_str!("../../data/iris.csv");
    let (features, labels) = parse_labelled::<f32, 4>(text, true)?;
    let targets = one_hot::<f32, 3>(&labels)?;
    let mut rng = SmallRng::seed_from_u64(7);
    let (train_idx, test_idx) = stratified_split(&labels, 0.3, &mut rng);
    let scaler = Standardizer::fit(&select(&features, &train_idx));
    let part = |idx: &[usize]| Part {
        x: idx.iter().map(|&i| scaler.apply(&features[i])).collect(),
        d: select(&targets, idx),
    };
    Ok((part(&train_idx), part(&test_idx), rng))
}
