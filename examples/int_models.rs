//! Trains the three float networks the integer networks are measured on
//! (BENCHMARKS.md, "Integer networks") and writes their weights to
//! `data/int/`, where `#[weights]` bakes them in:
//! - `sine.safetensors`: sin(x) on [0, 2π) with 1-16-16-1 relu (TFLite
//!   Micro's hello-world model), 1,000 evenly spaced samples;
//! - `bump.safetensors`: a 2-8-1 tanh/sigmoid regressor of
//!   0.5 + 0.4 sin(πx₁) cos(πx₂) on the unit square, 32 × 32 grid;
//! - `iris_unit.safetensors`: a 4-16-3 tanh/softmax classifier of Iris,
//!   features scaled to the unit box by the data set's min and max.
//!
//! ```text
//! cargo run --release --example int_models
//! ```

use mlp::network;
use mlp::optim::Adam;
use mlp::rand::{rngs::SmallRng, SeedableRng};
use mlp::train::{accuracy, Control, Data, Fit};
use std::f64::consts::{PI, TAU};

network! {
    /// sin(x) on [0, 2π).
    pub struct Sine<input 1, dense 16 relu, dense 16 relu, dense 1 linear, loss mse>;
    /// 0.5 + 0.4 sin(πx₁) cos(πx₂) on [0, 1]².
    pub struct Bump<input 2, dense 8 tanh, dense 1 sigmoid, loss mse>;
    /// Iris species from min-max scaled measurements.
    pub struct IrisUnit<input 4, dense 16 tanh, dense 3 softmax, loss ce>;
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all("data/int")?;
    let quiet = |_: &mlp::train::Epoch| Control::Continue;

    let xs: Vec<[f32; 1]> = (0..1000)
        .map(|i| [(TAU * f64::from(i) / 1000.0) as f32])
        .collect();
    let ds: Vec<[f32; 1]> = xs.iter().map(|x| [x[0].sin()]).collect();
    let mut rng = SmallRng::seed_from_u64(1);
    let mut sine = Sine::new(&mut rng);
    Fit::new(Data::new(&xs, &ds))
        .epochs(1500)
        .batch_size(32)
        .run(&mut sine, &mut Adam::new(0.003), &mut rng, quiet)?;
    let err = (0..=10_000)
        .map(|i| TAU * f64::from(i) / 10_001.0)
        .map(|x| (f64::from(sine.forward(&[x as f32])[0]) - x.sin()).abs())
        .fold(0.0, f64::max);
    println!("sine 1-16-16-1 relu: max |error| against sin = {err:.4}");
    mlp::weights::save(&sine, "data/int/sine.safetensors")?;

    let bump = |x: f64, y: f64| 0.5 + 0.4 * (PI * x).sin() * (PI * y).cos();
    let xs: Vec<[f32; 2]> = (0..32 * 32)
        .map(|i| [f64::from(i % 32) / 31.0, f64::from(i / 32) / 31.0].map(|v| v as f32))
        .collect();
    let ds: Vec<[f32; 1]> = xs
        .iter()
        .map(|x| [bump(f64::from(x[0]), f64::from(x[1])) as f32])
        .collect();
    let mut rng = SmallRng::seed_from_u64(2);
    let mut net = Bump::new(&mut rng);
    Fit::new(Data::new(&xs, &ds))
        .epochs(2000)
        .batch_size(32)
        .run(&mut net, &mut Adam::new(0.01), &mut rng, quiet)?;
    let err = xs
        .iter()
        .zip(&ds)
        .map(|(x, d)| (net.forward(x)[0] - d[0]).abs())
        .fold(0.0f32, f32::max);
    println!("bump 2-8-1 tanh/sigmoid: max |error| on the grid = {err:.4}");
    mlp::weights::save(&net, "data/int/bump.safetensors")?;

    let (features, labels) =
        mlp::data::parse_labelled::<f32, 4>(include_str!("../data/iris.csv"), true)?;
    let targets = mlp::data::one_hot::<f32, 3>(&labels)?;
    let (lo, hi) = features
        .iter()
        .fold(([f32::MAX; 4], [f32::MIN; 4]), |(mut lo, mut hi), x| {
            for j in 0..4 {
                lo[j] = lo[j].min(x[j]);
                hi[j] = hi[j].max(x[j]);
            }
            (lo, hi)
        });
    let unit: Vec<[f32; 4]> = features
        .iter()
        .map(|x| std::array::from_fn(|j| (x[j] - lo[j]) / (hi[j] - lo[j])))
        .collect();
    let mut rng = SmallRng::seed_from_u64(3);
    let mut iris = IrisUnit::new(&mut rng);
    let data = Data::new(&unit, &targets);
    Fit::new(data).epochs(300).batch_size(8).run(
        &mut iris,
        &mut Adam::new(0.01),
        &mut rng,
        quiet,
    )?;
    println!(
        "iris 4-16-3 tanh/softmax: accuracy on all 150 = {:.4}",
        accuracy(&iris, data)
    );
    println!("iris min-max scaling: lo = {lo:?}, hi = {hi:?}");
    mlp::weights::save(&iris, "data/int/iris_unit.safetensors")?;
    Ok(())
}
