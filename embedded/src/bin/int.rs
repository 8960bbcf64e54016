//! The integer networks of `#[quantize]` (sine 1-16-16-1 relu in i8 and
//! i16, Iris 4-16-3 tanh/softmax in i8 and i16) on fixed input codes,
//! their raw integer outputs fingerprinted. run.sh requires the board's
//! lines to equal the host's: the same bits on a Cortex-M0 without an
//! FPU, a Cortex-M4F, a RISC-V core and x86-64.
#![cfg_attr(target_os = "none", no_std, no_main)]

mlp_embedded::firmware!(mlp_embedded::run_int);
