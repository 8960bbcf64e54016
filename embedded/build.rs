//! Puts the memory map of the board a target is built for where the
//! runtime's linker script finds it: mps2-an386 for Cortex-M4F, the BBC
//! micro:bit (nRF51) for Cortex-M0, a HiFive1-like FE310 for RISC-V.

use std::path::PathBuf;

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    let memory = match target.as_str() {
        "thumbv7em-none-eabihf" => "memory/mps2-an386.x",
        "thumbv6m-none-eabi" => "memory/microbit.x",
        "riscv32imc-unknown-none-elf" => "memory/fe310.x",
        _ => return, // the host: no linker script
    };
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::copy(memory, out.join("memory.x")).expect("memory map");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed={memory}");
    println!("cargo:rerun-if-changed=build.rs");
}
