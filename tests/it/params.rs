//! The flat parameter view (`Params`), which rests on `unsafe` code: its
//! order is the field order, writes through it land in the right field, and
//! it covers exactly `PARAMS` scalars. Run under Miri too:
//! `cargo +nightly miri test --test it params::`.

use mlp::{network, Network, Params};

network! {
    /// A doc comment and other attributes pass through to the struct.
    #[derive(Copy)]
    #[scalar(f64)]
    struct Tiny<input 2, dense 3 relu, dense 2 linear, loss mse>;
    struct Single<input 1, dense 1 linear>;
    /// Looped (wide) layers: the struct starts on a cache line, with 32
    /// bytes of trailing padding after its 184 parameters (736 bytes).
    #[unroll(never)]
    struct Wide<input 23, dense 7 tanh, dense 2 linear>;
}

#[test]
fn a_looped_network_is_aligned_and_its_flat_view_skips_the_padding() {
    assert_eq!(core::mem::align_of::<Wide>(), 64);
    assert_eq!(core::mem::align_of::<Tiny>(), core::mem::align_of::<f64>());
    assert_eq!(Wide::PARAMS, 23 * 7 + 7 + 7 * 2 + 2);
    assert_eq!(core::mem::size_of::<Wide>(), 768); // 736 bytes rounded up to 64
    let mut net = Wide::zeroed();
    assert_eq!(net.params().len(), Wide::PARAMS);
    for (i, p) in net.params_mut().iter_mut().enumerate() {
        *p = i as f32;
    }
    assert_eq!(net.w1[6][22], (6 * 23 + 22) as f32);
    assert_eq!(
        net.b2,
        [(Wide::PARAMS - 2) as f32, (Wide::PARAMS - 1) as f32]
    );
    let back = Wide::from_bytes(&net.to_bytes()).expect("finite");
    assert_eq!(back, net);
    let boxed: Box<Wide> = mlp::boxed::zeroed();
    assert_eq!(&*boxed as *const Wide as usize % 64, 0);
}

#[test]
fn flat_view_follows_field_order() {
    let mut net = Tiny::zeroed();
    assert_eq!(Tiny::PARAMS, 2 * 3 + 3 + 3 * 2 + 2);
    assert_eq!(net.params().len(), Tiny::PARAMS);
    for (i, p) in net.params_mut().iter_mut().enumerate() {
        *p = i as f64;
    }
    assert_eq!(net.w1, [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]);
    assert_eq!(net.b1, [6.0, 7.0, 8.0]);
    assert_eq!(net.w2, [[9.0, 10.0, 11.0], [12.0, 13.0, 14.0]]);
    assert_eq!(net.b2, [15.0, 16.0]);
    let copy = net; // `#[derive(Copy)]` passed through
    assert_eq!(copy.params()[16], 16.0);
    net.set_zero();
    assert_eq!(net, Tiny::zeroed());
}

#[test]
fn smallest_network_views_two_params() {
    let mut net = Single::zeroed();
    net.params_mut().copy_from_slice(&[2.0, -1.0]);
    assert_eq!(net.w1, [[2.0]]);
    assert_eq!(net.b1, [-1.0]);
    assert_eq!(Network::forward(&net, &[3.0]), [5.0]);
    assert_eq!(<Single as Network<1, 1>>::INPUTS, 1);
    assert_eq!(<Single as Params>::PARAMS, Single::PARAMS);
}

#[test]
fn boxed_creation_is_sound() {
    // `mlp::boxed::zeroed` builds a network from zeroed heap memory
    // (`unsafe`): Miri checks the allocation, layout and validity.
    let zero: Box<Tiny> = mlp::boxed::zeroed();
    assert_eq!(*zero, Tiny::zeroed());
    let mut rng = <mlp::rand::rngs::SmallRng as mlp::rand::SeedableRng>::seed_from_u64(5);
    let net: Box<Tiny> = mlp::boxed::new(&mut rng);
    assert!(net.params().iter().any(|&p| p != 0.0));
    assert_eq!(net.b1, [0.0; 3]);
    drop(net);
}
