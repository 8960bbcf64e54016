//! burn 0.22 on its pure-Rust CPU backend (`flex`, which replaces the
//! deprecated ndarray one), with autodiff.

use burn::nn::{Linear, LinearConfig};
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use peers::{data, median_us, report};

#[derive(Module, Debug)]
struct Policy {
    l1: Linear,
    l2: Linear,
    l3: Linear,
}

impl Policy {
    fn new(device: &Device) -> Self {
        Self {
            l1: LinearConfig::new(4, 64).init(device),
            l2: LinearConfig::new(64, 64).init(device),
            l3: LinearConfig::new(64, 2).init(device),
        }
    }

    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let x = self.l1.forward(x).tanh();
        let x = self.l2.forward(x).tanh();
        self.l3.forward(x)
    }
}

/// `rows` as a `[B, N]` tensor.
fn tensor<const N: usize>(rows: &[[f32; N]], device: &Device) -> Tensor<2> {
    let flat: Vec<f32> = rows.iter().flatten().copied().collect();
    Tensor::from_data(TensorData::new(flat, [rows.len(), N]), device)
}

fn main() {
    let device = Device::flex().autodiff();
    let xs = data::<4>(1, 32);
    let dys = data::<2>(2, 32);
    // One update: forward, backprop of the supplied dy (the gradient of
    // ⟨y, dy⟩), one Adam step (lr 1e-3); a fresh network per batch size.
    let run = |batch: usize, calls: usize| {
        let mut model = Policy::new(&device);
        let mut adam = AdamConfig::new().init();
        let mut i = 0;
        median_us(calls, || {
            let at = if batch == 1 { i % 32 } else { 0 };
            i += 1;
            let x = tensor(&xs[at..at + batch], &device);
            let dy = tensor(&dys[at..at + batch], &device);
            let y = model.forward(x);
            let grads = (y * dy).sum().backward();
            let grads = GradientsParams::from_grads(grads, &model);
            model = adam.step(1e-3, model.clone(), grads);
        })
    };
    let b1 = run(1, 200);
    let b32 = run(32, 50);
    report("burn 0.22 (flex CPU backend)", b1, b32);
}
