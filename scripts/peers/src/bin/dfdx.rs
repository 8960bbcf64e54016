use dfdx::optim::{Adam, AdamConfig};
use dfdx::prelude::*;
use peers::{data, median_us, report};

type Policy = ((Linear<4, 64>, Tanh), (Linear<64, 64>, Tanh), Linear<64, 2>);

fn main() {
    let dev = AutoDevice::default();
    // A fresh network, its gradients and Adam (lr 1e-3), for each batch size.
    let fresh = || {
        let model = dev.build_module::<Policy, f32>();
        let grads = model.alloc_grads();
        let opt = Adam::new(
            &model,
            AdamConfig {
                lr: 1e-3,
                ..Default::default()
            },
        );
        (model, grads, opt)
    };
    let (mut model, mut grads, mut opt) = fresh();
    let xs = data::<4>(1, 32);
    let dys = data::<2>(2, 32);
    let mut i = 0;
    let b1 = median_us(2000, || {
        i = (i + 1) % 32;
        let x = dev.tensor(xs[i]);
        let dy = dev.tensor(dys[i]);
        let y = model.forward(x.traced(grads.clone()));
        grads = (y * dy).sum().backward();
        opt.update(&mut model, &grads).unwrap();
        model.zero_grads(&mut grads);
    });
    let (mut model, mut grads, mut opt) = fresh();
    let xb: Tensor<Rank2<32, 4>, f32, _> = dev.tensor(<[[f32; 4]; 32]>::try_from(xs).unwrap());
    let dyb: Tensor<Rank2<32, 2>, f32, _> = dev.tensor(<[[f32; 2]; 32]>::try_from(dys).unwrap());
    let b32 = median_us(200, || {
        let y = model.forward(xb.clone().traced(grads.clone()));
        grads = (y * dyb.clone()).sum().backward();
        opt.update(&mut model, &grads).unwrap();
        model.zero_grads(&mut grads);
    });
    report("dfdx 0.13", b1, b32);
}
