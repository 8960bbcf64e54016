//! Training firmware: trains XOR and a 1-16-1 sine model from a fixed seed
//! on the device and prints the truth table, fingerprints of the trained
//! weights, stack use, and last `qemu: correct = 4/4, sine max_abs_error = X`.
//! Built for the host it prints the same with `host:`, which run.sh
//! compares line by line.
#![cfg_attr(target_os = "none", no_std, no_main)]

mlp_embedded::firmware!(mlp_embedded::run_training);
