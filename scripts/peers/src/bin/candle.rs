use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{linear, AdamW, Linear, Optimizer, ParamsAdamW, VarBuilder, VarMap};
use peers::{data, median_us, report};

/// A fresh 4-64-64-2 tanh policy and its Adam (AdamW without weight decay).
struct Policy {
    layers: [Linear; 3],
    opt: AdamW,
}

impl Policy {
    fn new(dev: &Device) -> candle_core::Result<Self> {
        let vars = VarMap::new();
        let vb = VarBuilder::from_varmap(&vars, DType::F32, dev);
        let layers = [
            linear(4, 64, vb.pp("l1"))?,
            linear(64, 64, vb.pp("l2"))?,
            linear(64, 2, vb.pp("l3"))?,
        ];
        let params = ParamsAdamW {
            lr: 1e-3,
            weight_decay: 0.0,
            ..Default::default()
        };
        let opt = AdamW::new(vars.all_vars(), params)?;
        Ok(Policy { layers, opt })
    }

    /// Forward, backpropagation of `dy`, one Adam step.
    fn update(&mut self, x: &Tensor, dy: &Tensor) -> candle_core::Result<()> {
        let [l1, l2, l3] = &self.layers;
        let y = l3.forward(&l2.forward(&l1.forward(x)?.tanh()?)?.tanh()?)?;
        let grads = (y * dy)?.sum_all()?.backward()?;
        self.opt.step(&grads)
    }
}

fn main() -> candle_core::Result<()> {
    let dev = Device::Cpu;
    let xs = data::<4>(1, 32);
    let dys = data::<2>(2, 32);
    let xb = Tensor::from_vec(xs.iter().flatten().copied().collect(), (32, 4), &dev)?;
    let dyb = Tensor::from_vec(dys.iter().flatten().copied().collect(), (32, 2), &dev)?;
    let mut policy = Policy::new(&dev)?;
    let mut i = 0;
    let b1 = median_us(500, || {
        i = (i + 1) % 32;
        let (x, dy) = (xb.narrow(0, i, 1).unwrap(), dyb.narrow(0, i, 1).unwrap());
        policy.update(&x, &dy).unwrap();
    });
    // A fresh network for each batch size, as every peer does.
    let mut policy = Policy::new(&dev)?;
    let b32 = median_us(100, || policy.update(&xb, &dyb).unwrap());
    report("candle 0.9", b1, b32);
    Ok(())
}
