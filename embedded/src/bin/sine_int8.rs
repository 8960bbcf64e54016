//! The smallest firmware that runs the int8 sine: every input code through
//! `SineI8::forward`, from flash, and one line with the outputs'
//! fingerprint. run.sh reports its flash and RAM and checks that it links
//! no floating-point routine at all.
#![cfg_attr(target_os = "none", no_std, no_main)]

use mlp_embedded::{hex, sine_i8_fingerprint, Board, SineI8};

/// In flash.
static NET: SineI8 = SineI8::TRAINED;

fn run(board: &mut dyn Board, who: &[u8]) -> bool {
    board.line(&[who, b": sine_int8 fnv1a ", &hex(sine_i8_fingerprint(&NET))]);
    let used = board.stack_high_water();
    mlp_embedded::report_stack(board, b"high-water mark, whole program", used);
    true
}

mlp_embedded::firmware!(run);
