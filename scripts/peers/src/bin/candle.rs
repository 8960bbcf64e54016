use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{linear, AdamW, Optimizer, ParamsAdamW, VarBuilder, VarMap};
use peers::{data, median_us, report};

fn main() -> candle_core::Result<()> {
    let dev = Device::Cpu;
    let vars = VarMap::new();
    let vb = VarBuilder::from_varmap(&vars, DType::F32, &dev);
    let (l1, l2, l3) = (
        linear(4, 64, vb.pp("l1"))?,
        linear(64, 64, vb.pp("l2"))?,
        linear(64, 2, vb.pp("l3"))?,
    );
    let forward = |x: &Tensor| -> candle_core::Result<Tensor> {
        l3.forward(&l2.forward(&l1.forward(x)?.tanh()?)?.tanh()?)
    };
    // AdamW with no weight decay is Adam.
    let params = ParamsAdamW {
        lr: 1e-3,
        weight_decay: 0.0,
        ..Default::default()
    };
    let mut opt = AdamW::new(vars.all_vars(), params.clone())?;
    let xs = data::<4>(1, 32);
    let dys = data::<2>(2, 32);
    let flat = |v: &[[f32; 4]]| v.iter().flatten().copied().collect::<Vec<f32>>();
    let xb = Tensor::from_vec(flat(&xs), (32, 4), &dev)?;
    let dyb = Tensor::from_vec(
        dys.iter().flatten().copied().collect::<Vec<f32>>(),
        (32, 2),
        &dev,
    )?;
    let mut i = 0;
    let b1 = median_us(500, || {
        i = (i + 1) % 32;
        let x = xb.narrow(0, i, 1).unwrap();
        let dy = dyb.narrow(0, i, 1).unwrap();
        let y = forward(&x).unwrap();
        let grads = (y * dy).unwrap().sum_all().unwrap().backward().unwrap();
        opt.step(&grads).unwrap();
    });
    // A fresh network for each batch size, as every peer does.
    let vars = VarMap::new();
    let vb = VarBuilder::from_varmap(&vars, DType::F32, &dev);
    let (l1, l2, l3) = (
        linear(4, 64, vb.pp("l1"))?,
        linear(64, 64, vb.pp("l2"))?,
        linear(64, 2, vb.pp("l3"))?,
    );
    let forward = |x: &Tensor| -> candle_core::Result<Tensor> {
        l3.forward(&l2.forward(&l1.forward(x)?.tanh()?)?.tanh()?)
    };
    let mut opt = AdamW::new(vars.all_vars(), params)?;
    let b32 = median_us(100, || {
        let y = forward(&xb).unwrap();
        let grads = (y * &dyb).unwrap().sum_all().unwrap().backward().unwrap();
        opt.step(&grads).unwrap();
    });
    report("candle 0.9", b1, b32);
    Ok(())
}
