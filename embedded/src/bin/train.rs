//! Training firmware: trains XOR and a 1-16-1 sine model from a fixed seed
//! on the device and prints the truth table, fingerprints of the trained
//! weights, stack use, and last `qemu: correct = 4/4, sine max_abs_error = X`.
//! Built for the host it prints the same with `host:`, which run.sh
//! compares line by line.
#![cfg_attr(target_os = "none", no_std, no_main)]

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
    let ok = mlp_embedded::run_training(&mut b, b"qemu");
    b.exit(ok)
}

#[cfg(not(target_os = "none"))]
fn main() {
    let ok = mlp_embedded::run_training(&mut host::Host, b"host");
    std::process::exit(if ok { 0 } else { 1 });
}

#[cfg(not(target_os = "none"))]
#[path = "../host.rs"]
mod host;
