//! XOR-only training firmware, the smallest that trains: XOR from a fixed
//! seed with train_step, its truth table, fingerprint, stack use and last
//! `qemu: correct = 4/4`. Built for the host it prints the same with
//! `host:`, which run.sh compares line by line.
#![cfg_attr(target_os = "none", no_std, no_main)]

mlp_embedded::firmware!(mlp_embedded::run_xor_only);
