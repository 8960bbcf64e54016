//! The gradient checks: every formula against finite differences, for
//! `backward` (`gradcheck`) and the gradient methods (`gradient`). A binary
//! of their own: they expand several hundred networks, and apart from
//! `tests/it/` they compile on the second core (one binary for all the
//! integration tests took 194 s from a clean target dir, against 147 s for
//! the 27 binaries before; `cargo test --workspace`, 2 cores).

#[path = "../it/common/mod.rs"]
mod common;

mod chain;
mod gradcheck;
mod gradient;
