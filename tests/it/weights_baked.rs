//! Weights compiled in: the `to_rust` source in `tests/fixtures/trained.rs`
//! and the safetensors files baked by `#[weights("..")]` are bit for bit
//! the networks `tests/it/weights.rs` wrote them from (which also checks the
//! fixtures are fresh).

use crate::common;

use mlp::network;

network! {
    #[scalar(f64)]
    pub struct D1<input 3, dense 2 linear>;
    pub struct F2<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>;
    pub struct F3<input 20, dense 16 relu, dense 8 tanh, dense 3 softmax, loss ce>;
    #[scalar(f64)]
    pub struct D3<input 20, dense 16 relu, dense 8 tanh, dense 3 linear>;

    #[weights("tests/fixtures/f2.safetensors")]
    pub struct BakedF2<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>;
    /// Baked networks may be inference-only, and looped.
    #[weights("tests/fixtures/d3.safetensors")]
    #[scalar(f64)]
    pub struct BakedD3<input 20, dense 16 relu, dense 8 tanh, dense 3 linear>;
}

mod source {
    use super::{D1, D3, F2, F3};
    include!("../fixtures/trained.rs");
}

/// A baked network lives in flash: a `static` of its `TRAINED`.
static NET: BakedF2 = BakedF2::TRAINED;

#[test]
fn rust_source_compiles_to_the_same_bits() {
    assert!(common::same_bits(
        &source::D1_TRAINED,
        &common::awkward::<D1>(1)
    ));
    assert!(common::same_bits(
        &source::F2_TRAINED,
        &common::awkward::<F2>(2)
    ));
    assert!(common::same_bits(
        &source::F3_TRAINED,
        &common::awkward::<F3>(3)
    ));
    assert!(common::same_bits(
        &source::D3_TRAINED,
        &common::awkward::<D3>(4)
    ));
    // -0.0 survived as negative zero.
    assert!(source::F2_TRAINED.w1[0][0].is_sign_negative());
}

#[test]
fn baked_weights_are_the_files_bits() {
    let f2: F2 = common::awkward(2);
    assert_eq!(NET.to_bytes(), f2.to_bytes());
    assert!(NET.w1[0][0].is_sign_negative() && NET.w1[0][0] == 0.0);
    let d3: D3 = common::awkward(4);
    assert_eq!(BakedD3::TRAINED.to_bytes(), d3.to_bytes());
    // And what `load` reads from the same file.
    let loaded: BakedD3 = mlp::weights::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/d3.safetensors"
    ))
    .unwrap();
    assert_eq!(loaded, BakedD3::TRAINED);
    assert_eq!(NET.forward(&[0.5, -1.0]), f2.forward(&[0.5, -1.0]));
}
