//! `#[flush_subnormals]`: inputs, every layer's activations and supplied
//! output gradients with subnormal values set to 0, in every method; and
//! the same network without the attribute, which keeps them.

use mlp::network;

network! {
    /// One sigmoid unit: h = x, so x in (−88.7, −87.3) gives a subnormal y.
    #[flush_subnormals]
    struct Flushed<input 1, dense 1 sigmoid>;
    struct Kept<input 1, dense 1 sigmoid>;
    /// A hidden layer, a looped layer (64 × 8 > 256 weights) and a loss.
    #[flush_subnormals]
    struct Wide<input 64, dense 8 linear, dense 2 linear, loss mse>;
    struct WideKept<input 64, dense 8 linear, dense 2 linear, loss mse>;
}

#[test]
fn a_subnormal_activation_becomes_zero() {
    let x = [-88.0f32];
    let kept = Kept {
        w1: [[1.0]],
        b1: [0.0],
    }
    .forward(&x)[0];
    assert!(
        kept.is_subnormal(),
        "the case needs a subnormal y, got {kept:e}"
    );
    let flushed = Flushed {
        w1: [[1.0]],
        b1: [0.0],
    };
    assert_eq!(flushed.forward(&x), [0.0]);
    assert_eq!(flushed.forward_batch(&[x, [0.0]]), [[0.0], [0.5]]);
    // Normal values are untouched: the same bits as without the attribute.
    for x in [-87.0f32, -1.0, 0.0, 3.0] {
        assert_eq!(
            flushed.forward(&[x]),
            Kept {
                w1: [[1.0]],
                b1: [0.0]
            }
            .forward(&[x])
        );
    }
}

#[test]
fn subnormal_inputs_and_output_gradients_become_zero() {
    let mut wide = Wide::zeroed();
    wide.w1 = [[0.5; 64]; 8];
    wide.w2 = [[1.0; 8]; 2];
    let mut kept = WideKept::zeroed();
    kept.w1 = wide.w1;
    kept.w2 = wide.w2;
    let tiny = [f32::MIN_POSITIVE / 2.0; 64];
    assert_eq!(wide.forward(&tiny), [0.0; 2]);
    assert_eq!(wide.forward(&tiny), wide.forward(&[0.0; 64]));
    assert_ne!(kept.forward(&tiny), [0.0; 2], "without it the inputs count");

    let x = [0.25f32; 64];
    let dy = [f32::MIN_POSITIVE / 4.0; 2];
    let mut grad = Wide::zeroed();
    assert_eq!(wide.backward_from(&x, &dy, &mut grad), [0.0; 64]);
    assert_eq!(grad, Wide::zeroed());
    assert_eq!(wide.input_gradient(&x, &dy), [0.0; 64]);
    assert_eq!(
        wide.backward_from_batch(&[x; 3], &[dy; 3], &mut grad),
        [[0.0; 64]; 3]
    );
    assert_eq!(grad, Wide::zeroed());
    let mut kept_grad = WideKept::zeroed();
    assert_ne!(kept.backward_from(&x, &dy, &mut kept_grad), [0.0; 64]);

    // Normal data: the same bits as the network without the attribute.
    let dy = [0.5f32, -0.25];
    assert_eq!(
        wide.backward_from(&x, &dy, &mut grad),
        kept.backward_from(&x, &dy, &mut kept_grad)
    );
    assert_eq!(grad.w1, kept_grad.w1);
    assert_eq!(wide.loss(&x, &[1.0, 0.0]), kept.loss(&x, &[1.0, 0.0]));
}
