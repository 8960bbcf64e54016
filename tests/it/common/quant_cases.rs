// The networks the integer tests quantise (shared by tests/it/quant_fixtures.rs,
// which writes their random weights, and tests/it/quantize.rs, which checks
// them): every activation of the language at least once, hidden and
// output, f32 and f64 sources. Each row: name, scalar, layers, input box,
// and the layers' output stages (field names) for the i64 reference.
macro_rules! for_each_case {
    ($m:ident) => {
        $m!(tanh_linear, f32, "tests/fixtures/quant/tanh_linear.safetensors",
            [input 2, dense 8 tanh, dense 1 linear], [-1.0..1.0],
            [lookup(w1, b1, p1, t1), affine(w2, b2, a2)]);
        $m!(relu_sigmoid_linear, f32, "tests/fixtures/quant/relu_sigmoid_linear.safetensors",
            [input 3, dense 6 relu, dense 5 sigmoid, dense 2 linear], [0.0..1.0, -2.0..2.0, 0.5..3.0],
            [affine(w1, b1, a1), lookup(w2, b2, p2, t2), affine(w3, b3, a3)]);
        $m!(gelu_softmax, f32, "tests/fixtures/quant/gelu_softmax.safetensors",
            [input 2, dense 8 gelu, dense 3 softmax], [-3.0..3.0],
            [lookup(w1, b1, p1, t1), softmax(w2, b2, s2)]);
        $m!(silu_gaussian_tanh, f32, "tests/fixtures/quant/silu_gaussian_tanh.safetensors",
            [input 1, dense 10 silu, dense 4 gaussian, dense 1 tanh], [-4.0..4.0],
            [lookup(w1, b1, p1, t1), lookup(w2, b2, p2, t2), lookup(w3, b3, p3, t3)]);
        $m!(softsign_softplus_elu, f32, "tests/fixtures/quant/softsign_softplus_elu.safetensors",
            [input 4, dense 6 softsign, dense 6 softplus, dense 2 elu(0.5)], [-1.0..1.0],
            [lookup(w1, b1, p1, t1), lookup(w2, b2, p2, t2), lookup(w3, b3, p3, t3)]);
        $m!(leaky_step_sign, f32, "tests/fixtures/quant/leaky_step_sign.safetensors",
            [input 2, dense 5 leaky_relu(0.1), dense 4 step, dense 2 sign], [-1.0..1.0],
            [affine(w1, b1, a1), threshold(w2, b2, c2), threshold(w3, b3, c3)]);
        $m!(elu_relu, f32, "tests/fixtures/quant/elu_relu.safetensors",
            [input 3, dense 7 elu, dense 3 relu], [-2.0..2.0],
            [lookup(w1, b1, p1, t1), affine(w2, b2, a2)]);
        $m!(linear_gelu_silu, f32, "tests/fixtures/quant/linear_gelu_silu.safetensors",
            [input 2, dense 4 linear, dense 3 gelu, dense 2 silu], [-2.0..2.0],
            [affine(w1, b1, a1), lookup(w2, b2, p2, t2), lookup(w3, b3, p3, t3)]);
        $m!(wide, f32, "tests/fixtures/quant/wide.safetensors",
            [input 8, dense 16 relu, dense 16 tanh, dense 4 softmax], [-1.0..1.0],
            [affine(w1, b1, a1), lookup(w2, b2, p2, t2), softmax(w3, b3, s3)]);
        $m!(tanh_sigmoid_f64, f64, "tests/fixtures/quant/tanh_sigmoid_f64.safetensors",
            [input 2, dense 6 tanh, dense 2 sigmoid], [0.0..1.0],
            [lookup(w1, b1, p1, t1), lookup(w2, b2, p2, t2)]);
        $m!(sigmoid_leaky_f64, f64, "tests/fixtures/quant/sigmoid_leaky_f64.safetensors",
            [input 2, dense 6 sigmoid, dense 1 leaky_relu(0.2)], [-5.0..5.0],
            [lookup(w1, b1, p1, t1), affine(w2, b2, a2)]);
    };
}

// More boxes over the same weights (not fixtures of their own): far from
// 0, tiny, mixed scales per input, and wide enough to saturate.
#[allow(unused_macros)] // tests/it/quant_fixtures.rs writes no fixtures for these
macro_rules! for_each_box_case {
    ($m:ident) => {
        $m!(offset_box, f32, "tests/fixtures/quant/tanh_linear.safetensors",
            [input 2, dense 8 tanh, dense 1 linear], [100.0..101.0],
            [lookup(w1, b1, p1, t1), affine(w2, b2, a2)]);
        $m!(tiny_box, f32, "tests/fixtures/quant/tanh_linear.safetensors",
            [input 2, dense 8 tanh, dense 1 linear], [0.25..0.2501],
            [lookup(w1, b1, p1, t1), affine(w2, b2, a2)]);
        $m!(mixed_box, f32, "tests/fixtures/quant/relu_sigmoid_linear.safetensors",
            [input 3, dense 6 relu, dense 5 sigmoid, dense 2 linear], [-0.01..0.01, 5.0..9.0, -100.0..-99.0],
            [affine(w1, b1, a1), lookup(w2, b2, p2, t2), affine(w3, b3, a3)]);
        $m!(wide_box, f32, "tests/fixtures/quant/gelu_softmax.safetensors",
            [input 2, dense 8 gelu, dense 3 softmax], [-50.0..50.0],
            [lookup(w1, b1, p1, t1), softmax(w2, b2, s2)]);
        $m!(wide_box_elu, f32, "tests/fixtures/quant/elu_relu.safetensors",
            [input 3, dense 7 elu, dense 3 relu], [-20.0..20.0],
            [lookup(w1, b1, p1, t1), affine(w2, b2, a2)]);
    };
}
