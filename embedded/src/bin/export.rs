//! Host only (`--features host`): trains the sine model exactly as the
//! training firmware does and saves it as `sine.safetensors`, the file the
//! inference firmware bakes in with `#[weights]`.
//!
//! ```text
//! cargo run --release --features host --bin export
//! ```

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let net = mlp_embedded::train_sine(mlp_embedded::SINE_EPOCHS);
    mlp::weights::save(&net, "sine.safetensors")?;
    println!(
        "wrote sine.safetensors: fnv1a {:08x}",
        mlp_embedded::fnv1a(&net.to_bytes())
    );
    Ok(())
}
