//! The integration tests, one module per topic, in one binary (each test
//! file used to link as its own crate: ~30 links of the whole library).
//! `tests/no_alloc.rs` (a counting global allocator) and
//! `tests/compiletest.rs` (trybuild) stay separate binaries.

mod common;

mod batch;
mod blocked;
mod course_notes;
mod data;
mod fit;
mod frozen;
mod handwritten;
mod int_vs_tflm;
mod interop;
mod optim;
mod params;
mod perf_accuracy;
mod quant_fixtures;
mod quantize;
mod schedule;
mod smoke;
mod subnormal;
mod test_gen;
mod training;
mod unroll;
mod weights;
mod weights_baked;
