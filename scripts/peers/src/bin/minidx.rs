//! minidx has no Adam: its adaptive optimiser, RMSprop with momentum (a
//! square root and a division per parameter, as Adam), stands in.

use minidx::prelude::*;
use peers::{data, median_us, report};
use rand_09::{rngs::SmallRng, SeedableRng};

type Policy = (
    (layers::Linear<4, 64>, layers::Tanh),
    (layers::Linear<64, 64>, layers::Tanh),
    layers::Linear<64, 2>,
);

fn main() {
    let xs = data::<4>(1, 32);
    let dys = data::<2>(2, 32);
    // A fresh network and optimiser (lr 1e-3) for each batch size.
    let fresh = || {
        let mut net = Buildable::<f32>::build(&Policy::default());
        net.rand_params(&mut SmallRng::seed_from_u64(3), 1.0)
            .unwrap();
        let opt = net.new_rmsprop_with_momentum(TrainParams::with_lr(1e-3), 0.9, 0.999);
        (net, opt)
    };
    // The "loss" hands back the supplied output gradient as ∂J/∂y.
    let supplied = |_y: &[f32; 2], dy: &[f32; 2]| (0.0f32, *dy);
    let (mut net, mut opt) = fresh();
    let mut i = 0;
    let b1 = median_us(2000, || {
        i = (i + 1) % 32;
        train_step(&mut opt, &mut net, supplied, xs[i], dys[i]);
    });
    let (mut net, mut opt) = fresh();
    let b32 = median_us(200, || {
        let mut k = 0;
        train_batch(
            &mut opt,
            &mut net,
            supplied,
            &mut || {
                k += 1;
                (xs[k - 1], dys[k - 1])
            },
            32,
        );
    });
    report("minidx 0.1.10 (RMSprop with momentum)", b1, b32);
}
