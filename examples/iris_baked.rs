//! A trained network compiled into the program: `#[weights(..)]` reads
//! `data/iris.safetensors` (written by the `deploy` example) while this
//! crate compiles and makes it `Iris::TRAINED`, a constant that a `static`
//! puts in flash on a microcontroller. No training, no file at run time;
//! prints the same held-out accuracy as `deploy`.
//!
//! ```text
//! cargo run --release --example iris_baked
//! ```

#[path = "shared/iris.rs"]
mod iris;

use mlp::network;
use mlp::train::{accuracy, Data};

network! {
    /// Iris species from sepal and petal length and width, trained.
    #[weights("data/iris.safetensors")]
    pub struct Iris<input 4, dense 16 tanh, dense 3 softmax>;
}

static NET: Iris = Iris::TRAINED;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The same held-out samples, scaled with the training set's statistics.
    let (_, test, _) = iris::split()?;
    let y = NET.forward(&test.x[0]);
    println!("first held-out sample: p = {y:.3?}, label {:?}", test.d[0]);
    println!(
        "test_accuracy = {:.4}",
        accuracy(&NET, Data::new(&test.x, &test.d))
    );
    Ok(())
}
