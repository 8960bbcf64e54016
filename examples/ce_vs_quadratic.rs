//! The course notes' (002) claim, measured: a sigmoid neuron that starts
//! saturated at the wrong answer learns quickly under cross-entropy and
//! slowly under the quadratic loss, because the quadratic loss's gradient
//! carries f'(h) = y(1 − y) ≈ 0 while cross-entropy's is just y − d.
//!
//! One neuron, input 1, target 0, initial w = b = 2 (output σ(4) = 0.982),
//! plain SGD with learning rate 0.15 (the same for both). Prints both step
//! counts to reach output < 0.1, and writes the two curves to
//! `target/ce_vs_quadratic.svg` (or the path given as the first argument).
//!
//! ```text
//! cargo run --release --example ce_vs_quadratic
//! ```

use mlp::network;
use plotters::prelude::*;

network! {
    /// Sigmoid neuron trained with binary cross-entropy.
    #[scalar(f64)]
    struct CrossEntropy<input 1, dense 1 sigmoid, loss bce>;
    /// The same neuron with the quadratic loss ½(y − d)².
    #[scalar(f64)]
    struct Quadratic<input 1, dense 1 sigmoid, loss sse>;
}

const STEPS: usize = 600;
const LR: f64 = 0.15;
const TARGET_OUTPUT: f64 = 0.1;

/// Trains for `STEPS` steps; returns the output after each step.
fn curve(mut step: impl FnMut() -> f64) -> Vec<f64> {
    (0..STEPS).map(|_| step()).collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (x, d) = ([1.0], [0.0]);
    let mut ce = CrossEntropy::zeroed();
    ce.w1 = [[2.0]];
    ce.b1 = [2.0];
    let mut sq = Quadratic::zeroed();
    sq.w1 = [[2.0]];
    sq.b1 = [2.0];
    println!(
        "initial output {:.4} (target 0) for both",
        ce.forward(&x)[0]
    );

    let ce_curve = curve(|| {
        ce.train_step(&x, &d, LR);
        ce.forward(&x)[0]
    });
    let sq_curve = curve(|| {
        sq.train_step(&x, &d, LR);
        sq.forward(&x)[0]
    });
    for step in [1, 10, 25, 50, 100, 200, 300, 400, 500, 600] {
        println!(
            "step {step:>3}: output under bce {:.4}, under sse {:.4}",
            ce_curve[step - 1],
            sq_curve[step - 1]
        );
    }
    let first_below = |c: &[f64]| c.iter().position(|&y| y < TARGET_OUTPUT).map(|i| i + 1);
    let ce_steps = first_below(&ce_curve).ok_or("bce never reached the target")?;
    let sq_steps = first_below(&sq_curve).ok_or("sse never reached the target")?;

    let path = svg_path();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    plot(&path, &ce_curve, &sq_curve)?;
    println!("wrote {}", path.display());
    println!("steps_to_output_below_0.1_bce = {ce_steps}");
    println!("steps_to_output_below_0.1_sse = {sq_steps}");
    println!("speedup = {:.1}", sq_steps as f64 / ce_steps as f64);
    Ok(())
}

/// The first argument if given, else `target/ce_vs_quadratic.svg` under
/// the current directory (created if missing, as `deploy` does: a
/// `CARGO_TARGET_DIR` elsewhere leaves no `target/` to write into).
fn svg_path() -> std::path::PathBuf {
    std::env::args_os()
        .nth(1)
        .map_or_else(|| "target/ce_vs_quadratic.svg".into(), Into::into)
}

fn plot(path: &std::path::Path, ce: &[f64], sq: &[f64]) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (720, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Sigmoid neuron saturated at the wrong answer (target 0)",
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(0..STEPS, 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_desc("SGD step (learning rate 0.15)")
        .y_desc("output y")
        .draw()?;
    chart
        .draw_series(LineSeries::new(
            ce.iter().enumerate().map(|(i, &y)| (i + 1, y)),
            &BLUE,
        ))?
        .label("cross-entropy (bce): gradient (y - d) x")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE));
    chart
        .draw_series(LineSeries::new(
            sq.iter().enumerate().map(|(i, &y)| (i + 1, y)),
            &RED,
        ))?
        .label("quadratic (sse): gradient (y - d) y (1 - y) x")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
