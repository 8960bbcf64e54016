//! Expands many shapes in a hostile environment: warnings denied, and
//! `Result`, `Ok`, `Some`, `f32`-named items shadowed, so generated code
//! must use fully qualified paths and leave nothing unused.
#![deny(warnings)]
#![allow(dead_code)]

mod hostile {
    #![allow(non_camel_case_types)]
    type Result = ();
    struct Ok;
    struct Some;
    mod core {}
    mod std {}
    fn relu() {}
    fn softmax() {}

    mlp::network! {
        pub struct A<input 1, dense 1 linear>;
        pub(crate) struct B<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;
        struct C<input 3, dense 4 tanh, dense 4 softsign, dense 3 softmax, loss ce>;
        #[scalar(f64)] struct D<input 3, dense 2 softplus, dense 2 sigmoid, loss ce>;
        struct E<input 2, dense 3 gaussian, dense 2 logistic, loss mse>;
        struct F<input 2, dense 3 step, dense 2 sign>;
        struct G<input 2, dense 2 relu, dense 3 softmax, loss sse>;
        struct H<input 40, dense 30 sigmoid, dense 20 relu, dense 10 linear, loss mse>;
        struct I<input 300, dense 2 tanh, dense 300 softmax, loss ce>;
        struct J<input 2, dense 2 softmax>;
        struct K<input 5, dense 5 linear, dense 5 linear, dense 5 linear, dense 5 linear, dense 5 linear, loss sse,>;
    }

    #[test]
    fn expanded_shapes_run() {
        let i = I::zeroed();
        let y = i.forward(&[0.0; 300]);
        assert!((y.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert_eq!(K::PARAMS, 5 * 30);
        assert_eq!(H::OUTPUTS, 10);
    }
}
