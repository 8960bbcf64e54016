//! An integer-only sine for chips without an FPU: TensorFlow Lite Micro's
//! hello-world model (1-16-16-1 relu, trained by the `int_models` example
//! and baked in from `data/int/sine.safetensors`), quantised at compile
//! time by `#[quantize]` to int8 and to int16 activations. Prints the f32
//! network and both integer networks side by side, the largest error seen
//! over 10,001 points of the box, and the compile-time bound it may never
//! exceed; last, the int8 network's largest error against the f32 one.
//!
//! ```text
//! cargo run --release --example sine_int8
//! ```

use std::f32::consts::TAU;

mlp::network! {
    /// sin(x) on [0, 2π).
    #[weights("data/int/sine.safetensors")]
    #[quantize(SineI8, input = [0.0..6.2832])]
    #[quantize(SineI16, activations = i16, input = [0.0..6.2832])]
    pub struct Sine<input 1, dense 16 relu, dense 16 relu, dense 1 linear>;
}

/// In flash on a microcontroller: integer weights, biases, multipliers.
static NET8: SineI8 = SineI8::TRAINED;
static NET16: SineI16 = SineI16::TRAINED;

fn main() {
    let float = Sine::TRAINED;
    println!("     x   sin(x)      f32   int8 code → value     int16 code → value");
    for i in 0..=8 {
        let x = TAU * i as f32 / 8.0 * 0.999;
        let q8 = SineI8::quantize(&[x]);
        let y8 = NET8.forward(&q8); // integer arithmetic only
        let q16 = SineI16::quantize(&[x]);
        let y16 = NET16.forward(&q16);
        println!(
            "{x:6.3} {:8.4} {:8.4}   {:4} → {:8.4}   {:6} → {:8.4}",
            x.sin(),
            float.forward(&[x])[0],
            y8[0],
            SineI8::dequantize(&y8)[0],
            y16[0],
            SineI16::dequantize(&y16)[0],
        );
    }
    let (mut worst8, mut worst16) = (0.0f32, 0.0f32);
    for i in 0..=10_000 {
        let x = SineI8::INPUT_BOX[0][1] * i as f32 / 10_000.0;
        let want = float.forward(&[x])[0];
        worst8 = worst8.max((NET8.forward_f32(&[x])[0] - want).abs());
        worst16 = worst16.max((NET16.forward_f32(&[x])[0] - want).abs());
    }
    println!(
        "input code = round(x / {:e}) + {}",
        SineI8::INPUT_SCALE[0],
        SineI8::INPUT_ZERO[0]
    );
    println!(
        "output value = {:e} × (code − {})",
        SineI8::OUTPUT_SCALE[0],
        SineI8::OUTPUT_ZERO[0]
    );
    println!(
        "int16: max |error| = {worst16:.4}, ERROR_BOUND = {:.4}",
        SineI16::ERROR_BOUND[0]
    );
    println!("int8: ERROR_BOUND = {:.4}", SineI8::ERROR_BOUND[0]);
    let within = worst8 <= SineI8::ERROR_BOUND[0] && worst16 <= SineI16::ERROR_BOUND[0];
    println!("within ERROR_BOUND = {}", if within { "yes" } else { "NO" });
    println!("int8_max_abs_error = {worst8:.4}");
}
