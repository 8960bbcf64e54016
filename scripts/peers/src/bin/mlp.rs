use mlp::optim::{Adam, Optimizer};
use mlp::rand::{rngs::SmallRng, SeedableRng};
use mlp::Params;
use peers::{data, median_us, report};
use std::hint::black_box;

mlp::network! {
    struct Policy<input 4, dense 64 tanh, dense 64 tanh, dense 2 linear>;
}

fn main() {
    let xs = data::<4>(1, 32);
    let dys = data::<2>(2, 32);
    let mut rng = SmallRng::seed_from_u64(3);
    let (mut net, mut grad, mut adam) = (Policy::new(&mut rng), Policy::zeroed(), Adam::new(1e-3));
    let mut i = 0;
    let b1 = median_us(2000, || {
        i = (i + 1) % 32;
        black_box(net.forward(black_box(&xs[i])));
        grad.set_zero();
        net.backward_from(&xs[i], &dys[i], &mut grad);
        adam.step(&mut net, &grad);
    });
    let xs: [[f32; 4]; 32] = xs.try_into().unwrap();
    let dys: [[f32; 2]; 32] = dys.try_into().unwrap();
    // Batch 32 on the network just trained by 42,000 batch-1 updates (what
    // this binary first measured: its Adam state had gone subnormal).
    let trained = median_us(200, || {
        black_box(net.forward_batch(black_box(&xs)));
        grad.set_zero();
        net.backward_from_batch(&xs, &dys, &mut grad);
        adam.step(&mut net, &grad);
    });
    eprintln!("mlp, B = 32 after 42,000 updates at B = 1: {trained:.2} µs");
    // A fresh network for each batch size, as every peer does.
    let (mut net, mut adam) = (Policy::new(&mut rng), Adam::new(1e-3));
    let b32 = median_us(200, || {
        black_box(net.forward_batch(black_box(&xs)));
        grad.set_zero();
        net.backward_from_batch(&xs, &dys, &mut grad);
        adam.step(&mut net, &grad);
    });
    // The same updates with dy handed over from the method's own forward
    // pass (`backward_with`, `backward_with_batch`): one forward pass.
    let (mut net, mut adam) = (Policy::new(&mut rng), Adam::new(1e-3));
    let mut i = 0;
    let b1_with = median_us(2000, || {
        i = (i + 1) % 32;
        grad.set_zero();
        net.backward_with(black_box(&xs[i]), &mut grad, |y| {
            black_box(y);
            dys[i]
        });
        adam.step(&mut net, &grad);
    });
    let (mut net, mut adam) = (Policy::new(&mut rng), Adam::new(1e-3));
    let b32_with = median_us(200, || {
        grad.set_zero();
        net.backward_with_batch(black_box(&xs), &mut grad, |ys| {
            black_box(ys);
            dys
        });
        adam.step(&mut net, &grad);
    });
    eprintln!("mlp with backward_with(_batch): B = 1 {b1_with:.2} µs, B = 32 {b32_with:.2} µs");
    report("mlp", b1, b32);
}
