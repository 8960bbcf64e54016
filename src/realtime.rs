//! The real-time contract of every generated network, what proves each
//! part of it, and what it does not cover.
//!
//! For code inside an audio callback (20.8 µs per sample at 48 kHz), a
//! control loop (1 ms at 1 kHz) or an interrupt handler, the hot-path
//! methods of a `network!` type are:
//!
//! - **`forward`, `forward_batch`, `loss`, `backward`, `backward_batch`,
//!   `train_step`, `loss_input_gradient`, `backward_and_input_gradient`,
//!   `backward_batch_and_input_gradients`, `train_step_and_input_gradient`**,
//!   and, on every network without `step`/`sign`, **`backward_from`,
//!   `input_gradient`, `backward_from_batch`, `backward_with`,
//!   `input_gradient_with`, `backward_with_batch`** (the last three as long
//!   as the closure you give them keeps the contract too);
//! - the integer types' (`#[quantize]`) **`forward`**;
//! - each optimiser's **`step`** (`Sgd`, `Adam`/AdamW, `Rprop`).
//!
//! # The contract
//!
//! **Constant work per call.** Every loop runs over the declared sizes
//! (unrolled, or with a constant trip count), so a call does the same
//! sequence of operations for any input: no data-dependent loop, and no
//! branch but the activations' own selects (relu's max, the clamps of the
//! exponential, huber's |r| ≤ δ); the SIMD level of the wide-layer
//! kernels is chosen once per process ([`simd`](crate::simd)). The time
//! of a call still varies with the caches and with
//! [subnormal operands](#subnormal-numbers).
//!
//! **No allocation, lock or system call.** The methods take and return
//! fixed-size arrays and touch only the network, their arguments and the
//! stack; optimiser state is held in values of the network's own type,
//! made when the optimiser is. Checked in CI two ways, on every method
//! above for f32 and f64, unrolled and looped layers, a `frozen` layer, a
//! softmax and a huber network:
//! - a counting global allocator sees zero allocations across many calls
//!   (`tests/no_alloc.rs`, stable Rust; it also covers both
//!   reinforcement-learning examples' update steps);
//! - RealtimeSanitizer (nightly `-Zsanitizer=realtime`, each call wrapped
//!   in a `nonblocking` function, `nopanic/` in the repository) aborts at
//!   any allocation, free, lock or blocking system call inside, and does
//!   abort on a deliberate allocation. Where the nightly lacks it, CI says
//!   it skipped.
//!
//! **No panic.** In a release build with fat LTO (`lto = "fat"`,
//! `codegen-units = 1`, what a real-time binary should use), none of the
//! methods above contains a panic path after optimisation. CI proves it
//! at link time (`nopanic/`): on x86-64 each call is wrapped in the
//! `no-panic` crate's unwinding guard, on `thumbv7em-none-eabihf` (at
//! `opt-level` 3 and `"s"`) and `thumbv6m-none-eabi` the panic handler
//! calls a symbol defined nowhere, so the program links only if no panic
//! remains; a deliberate out-of-range index makes the x86-64 and the
//! thumbv7em build fail (both checked by CI).
//!
//! What "no panic" does not cover:
//! - **Other builds.** Without LTO, or in a debug build, calls the
//!   optimiser cannot see into (libm, another codegen unit) count as
//!   possible panics, and debug builds keep their overflow and bounds
//!   checks; the code is the same, but nothing is proven there.
//! - **Other networks.** The proof is of the networks in `nopanic/`, which
//!   cover each kind of generated code (unrolled and looped layers, f32 and
//!   f64, `frozen`, softmax, huber, int8 and int16); a new declaration is
//!   built from the same pieces, but only a build like `nopanic/`'s proves
//!   it for that exact type.
//! - **Stack overflow**, which is the caller's to size: see below.
//! - **Everything else**: `new`, weight loading (which returns an error
//!   on a bad file), `train::Fit`
//!   (which allocates when a run starts) and the caller's own code.
//!
//! # Stack
//!
//! A call needs only its own frame: no statics, no heap. Measured on the
//! emulated Cortex-M4F by `embedded/run.sh` (stack painting; the figures
//! are in `docs/embedded.md` in the repository, 2026-12-05):
//!
//! | call (Cortex-M4F, release, `opt-level = "s"`) | stack |
//! |---|--:|
//! | `train_step` of a 2-4-1 XOR network | 256 bytes |
//! | `backward` of a 1-16-1 sine network | 272 bytes |
//! | `train_step` of a 16-64-64-8 f32 network | 1,844 bytes |
//! | a whole firmware training XOR and sine with Adam (RAM in all) | 4,024 bytes |
//!
//! # Latency
//!
//! BENCHMARKS.md in the repository ("Worst-case latency per call") gives
//! p50, p99, p99.9 and maximum per call on x86-64 for 2-2-1, 4-16-3,
//! 16-64-64-8 and a 4-64-64-2 policy, against the 48 kHz and 1 kHz
//! budgets: for example, a 4-64-64-2 tanh policy's `backward_from` at
//! 2.3 µs p99.9, nine calls per 48 kHz sample.
//!
//! # Subnormal numbers
//!
//! x86 cores compute subnormal operands (below `f32::MIN_POSITIVE`,
//! 1.2e-38) in microcode, 10 to 72 times slower per call in BENCHMARKS.md's
//! measurements. The optimisers never store subnormal state (see
//! [`optim`](crate::optim#subnormals)), which is where long training runs
//! made them. Inputs, activations or output gradients that small (a
//! decaying audio tail, a saturated sigmoid) are set to 0 by a network
//! declared with `#[flush_subnormals]`: opt-in, because it changes results
//! wherever such values occur. Weights that small stay the caller's to
//! avoid: products of them are subnormal inside every dot product.
