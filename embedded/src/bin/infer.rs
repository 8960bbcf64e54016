//! Inference firmware: the sine model trained by `export` (the same as the
//! training firmware's) baked in at compile time with `#[weights]` and kept
//! in flash as a `static`; evaluates it at 1001 points and prints a
//! fingerprint of the outputs. Built for the host it prints the same
//! fingerprint, which run.sh compares, and the error against sin x.
#![cfg_attr(target_os = "none", no_std, no_main)]

mlp::network! {
    /// sin(x) on [−π, π], weights from `sine.safetensors`.
    #[weights("sine.safetensors")]
    pub struct SineBaked<input 1, dense 16 tanh, dense 1 linear>;
}

/// In flash: no copy of the weights in RAM.
static NET: SineBaked = SineBaked::TRAINED;

fn forward(x: f32) -> f32 {
    NET.forward(&[x])[0]
}

#[cfg(target_os = "none")]
#[path = "../board.rs"]
mod board;

#[cfg(target_os = "none")]
use panic_halt as _;

#[cfg(target_os = "none")]
#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let mut b = board::Semihosting::new();
    mlp_embedded::run_inference(&mut b, b"qemu", &forward);
    b.exit(true)
}

#[cfg(not(target_os = "none"))]
fn main() {
    use mlp_embedded::{fixed, sine_max_error, Board};
    let mut host = host::Host;
    mlp_embedded::run_inference(&mut host, b"host", &forward);
    let err = sine_max_error(forward);
    let mut buf = [0u8; 24];
    let n = fixed(err, 4, &mut buf);
    host.line(&[b"host: baked sine max_abs_error = ", &buf[..n]]);
    std::process::exit(if err < 0.05 { 0 } else { 1 });
}

#[cfg(not(target_os = "none"))]
#[path = "../host.rs"]
mod host;
