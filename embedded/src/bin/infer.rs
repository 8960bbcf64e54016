//! Inference firmware: the sine model trained by `export` (the same as the
//! training firmware's) baked in at compile time with `#[weights]` and kept
//! in flash as a `static`; evaluates it at 1001 points and prints a
//! fingerprint of the outputs. Built for the host it prints the same
//! fingerprint, which run.sh compares, and the error against sin x.
#![cfg_attr(target_os = "none", no_std, no_main)]

use mlp_embedded::Board;

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

fn run(board: &mut dyn Board, who: &[u8]) -> bool {
    mlp_embedded::run_inference(board, who, &forward);
    // The error is the host's to compute (with `sinf`): equal fingerprints
    // mean the board's outputs, and so its error, are the host's.
    if cfg!(target_os = "none") {
        return true;
    }
    let err = mlp_embedded::sine_max_error(forward);
    let mut buf = [0u8; 24];
    let n = mlp_embedded::fixed(err, 4, &mut buf);
    board.line(&[b"host: baked sine max_abs_error = ", &buf[..n]]);
    err < 0.05
}

mlp_embedded::firmware!(run);
