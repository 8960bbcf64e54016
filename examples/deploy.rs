//! Train once, deploy many times: trains the Iris network of the `iris`
//! example, then keeps it two ways and brings each back —
//!
//! - `target/iris.safetensors` (`mlp::weights::save`), the format PyTorch,
//!   candle and burn read, loaded again with `mlp::weights::load`;
//! - `target/iris_weights.rs` (`to_rust`), a `pub const` to compile into
//!   firmware with no file at all, whose float literals are parsed back here
//!   to show they hold the trained bits exactly.
//!
//! Prints the held-out accuracy of the trained network and of both copies.
//! `data/iris.safetensors`, which the `iris_baked` example bakes in at
//! compile time, is this program's `target/iris.safetensors`.
//!
//! ```text
//! cargo run --release --example deploy
//! ```

#[path = "shared/iris.rs"]
mod iris;

use mlp::optim::Adam;
use mlp::train::{accuracy, Control, Data, Fit};
use mlp::{network, Params};

network! {
    /// Iris species from sepal and petal length and width.
    pub struct Iris<input 4, dense 16 tanh, dense 3 softmax, loss ce>;
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (train, test, mut rng) = iris::split()?;
    let test = Data::new(&test.x, &test.d);
    let mut net = Iris::new(&mut rng);
    Fit::new(Data::new(&train.x, &train.d))
        .epochs(150)
        .batch_size(8)
        .run(&mut net, &mut Adam::new(0.01), &mut rng, |_| {
            Control::Continue
        })?;
    let trained = accuracy(&net, test);
    println!("trained:          test_accuracy {trained:.4}");

    std::fs::create_dir_all("target")?;
    mlp::weights::save(&net, "target/iris.safetensors")?;
    let loaded: Iris = mlp::weights::load("target/iris.safetensors")?;
    assert_eq!(
        loaded, net,
        "the file holds the trained weights bit for bit"
    );
    let bytes = std::fs::metadata("target/iris.safetensors")?.len();
    println!(
        "safetensors:      test_accuracy {:.4}  (target/iris.safetensors, {bytes} bytes)",
        accuracy(&loaded, test)
    );

    let source = net.to_rust("IRIS");
    std::fs::write("target/iris_weights.rs", &source)?;
    let parsed = parse_back(&source)?;
    assert_eq!(
        parsed, net,
        "the source holds the trained weights bit for bit"
    );
    println!(
        "Rust source:      test_accuracy {:.4}  (target/iris_weights.rs, {} bytes)",
        accuracy(&parsed, test),
        source.len()
    );
    let same = accuracy(&loaded, test) == trained && accuracy(&parsed, test) == trained;
    println!("unchanged = {}", if same { "yes" } else { "NO" });
    println!("test_accuracy = {trained:.4}");
    Ok(())
}

/// The network whose weights `to_rust` printed: every float literal of the
/// source, in order (they are the fields in `Params` order).
fn parse_back(source: &str) -> Result<Iris, Box<dyn std::error::Error>> {
    let body = source.split_once(" = Iris {").ok_or("no initialiser")?.1;
    let mut net = Iris::zeroed();
    let literals = body
        .split(['[', ']', ',', '\n', '{', '}', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.ends_with(':'));
    let mut count = 0;
    for (p, text) in net.params_mut().iter_mut().zip(literals) {
        *p = text.parse()?;
        count += 1;
    }
    if count != Iris::PARAMS {
        return Err(format!("{count} literals for {} parameters", Iris::PARAMS).into());
    }
    Ok(net)
}
