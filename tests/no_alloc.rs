//! forward, loss, backward and train_step never touch the heap: a counting
//! global allocator sees zero allocations across many calls, for an
//! unrolled network and one with looped layers.

use mlp::network;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

// The reinforcement-learning examples' agents, as the examples use them.
#[allow(dead_code)]
#[path = "../examples/shared/cartpole.rs"]
mod cartpole;
#[allow(dead_code)]
#[path = "../examples/shared/pendulum.rs"]
mod pendulum;

network! {
    struct Small<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>;
    struct Looped<input 64, dense 32 relu, dense 10 softmax, loss ce>;
    struct Mnist<input 784, dense 128 sigmoid, dense 10 softmax, loss ce>;
    struct Tuned<input 64, dense 32 gelu frozen, dense 16 leaky_relu(0.1), dense 10 softmax, loss ce>;
    #[scalar(f64)]
    struct Reg<input 3, dense 8 tanh, dense 2 linear, loss mse>;
    #[scalar(f64)]
    struct LoopedF64<input 40, dense 16 relu, dense 4 sigmoid, loss bce>;
    struct Huber<input 4, dense 16 elu, dense 3 linear, loss huber(0.5)>;
    // The two parts of a `mlp::Chain`.
    struct Encoder<input 2, dense 4 tanh frozen>;
    struct Head<input 4, dense 2 linear, loss mse>;

    // Integer networks: requantised, table, threshold and softmax stages.
    #[weights("tests/fixtures/quant/wide.safetensors")]
    #[quantize(WideI8, input = [-1.0..1.0])]
    #[quantize(WideI16, activations = i16, input = [-1.0..1.0])]
    struct Wide<input 8, dense 16 relu, dense 16 tanh, dense 4 softmax>;
    #[weights("tests/fixtures/quant/leaky_step_sign.safetensors")]
    #[quantize(StepI8, input = [-1.0..1.0])]
    struct Step<input 2, dense 5 leaky_relu(0.1), dense 4 step, dense 2 sign>;
}

/// Allocations while every hot-path method of network type `$n` (scalar
/// `$t`, `$i` inputs, `$o` outputs) and every optimiser's step run a few
/// times; the networks and optimisers are made beforehand.
macro_rules! every_method {
    ($n:ty, $t:ty, $i:literal, $o:literal) => {{
        use mlp::optim::{Adam, Optimizer, Rprop, Sgd};
        let mut net: Box<$n> = mlp::boxed::zeroed();
        let mut grad: Box<$n> = mlp::boxed::zeroed();
        let (mut sgd, mut adam, mut rprop) = (
            Sgd::new(0.01).nesterov(0.9),
            Adam::adamw(0.01, 0.01),
            Rprop::new(),
        );
        let x: [$t; $i] = core::array::from_fn(|k| k as $t / $i as $t);
        let d: [$t; $o] = core::array::from_fn(|k| (k % 2) as $t);
        let (xs, ds) = ([x; 4], [d; 4]);
        let mut sink: $t = 0.0;
        let n = allocations_during(|| {
            for _ in 0..3 {
                sink += net.forward(&x)[0] + net.forward_batch(&xs)[3][0] + net.loss(&x, &d);
                sink += net.backward(&x, &d, &mut grad) + net.backward_batch(&xs, &ds, &mut grad);
                sink += net.train_step(&x, &d, 0.01);
                sink += net.backward_from(&x, &d, &mut grad)[0] + net.input_gradient(&x, &d)[0];
                sink += net.loss_input_gradient(&x, &d)[0];
                sink += net.backward_and_input_gradient(&x, &d, &mut grad).1[0];
                sink += net
                    .backward_batch_and_input_gradients(&xs, &ds, &mut grad)
                    .1[3][0];
                sink += net.train_step_and_input_gradient(&x, &d, 0.01).1[0];
                sink += net.backward_from_batch(&xs, &ds, &mut grad)[3][0];
                sink += net.backward_with(&x, &mut grad, |y| y.map(|v| v - 0.5))[0];
                sink += net.input_gradient_with(&x, |y| y.map(|v| v - 0.5))[0];
                sink += net
                    .backward_with_batch(&xs, &mut grad, |ys| ys.map(|y| y.map(|v| v - 0.5)))[3][0];
                sgd.step(&mut *net, &grad);
                adam.step(&mut *net, &grad);
                rprop.step(&mut *net, &grad);
            }
        });
        assert!(sink.is_finite(), "{}", stringify!($n));
        n
    }};
}

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    f();
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

/// Without libtest's harness (`harness = false` in Cargo.toml): its main
/// thread allocates while the test thread runs, which the global counter
/// would see (it did, once in a few runs).
fn main() {
    hot_paths_never_allocate();
    println!("no_alloc: 1 passed, 0 failed");
}

fn hot_paths_never_allocate() {
    let rng = mlp::rand::SeedableRng::seed_from_u64(1);
    let mut rng: mlp::rand::rngs::SmallRng = rng;
    let mut small = Small::new(&mut rng);
    let mut small_grad = Small::zeroed();
    let mut looped = Looped::new::<mlp::rand::rngs::SmallRng>(&mut rng);
    let mut looped_grad = Looped::zeroed();
    let x64 = [0.25f32; 64];
    let mut d10 = [0.0f32; 10];
    d10[3] = 1.0;
    let mut sink = 0.0f32;
    let n = allocations_during(|| {
        for _ in 0..100 {
            sink += small.forward(&[1.0, 0.0])[0];
            sink += small.loss(&[1.0, 0.0], &[1.0]);
            sink += small.backward(&[1.0, 0.0], &[1.0], &mut small_grad);
            sink += small.train_step(&[1.0, 0.0], &[1.0], 0.1);
            sink += looped.forward(&x64)[0];
            sink += looped.loss(&x64, &d10);
            sink += looped.backward(&x64, &d10, &mut looped_grad);
            sink += looped.train_step(&x64, &d10, 0.01);
        }
    });
    assert!(sink.is_finite());
    assert_eq!(n, 0, "allocations in the hot paths");

    // Gradients from any objective, on unrolled, looped, frozen and
    // 784-wide networks (the last created on the heap below).
    let mut tuned_for_grad = Tuned::new(&mut rng);
    let mut tuned_grad_from = Tuned::zeroed();
    let n = allocations_during(|| {
        for _ in 0..100 {
            sink += small.backward_from(&[1.0, 0.0], &[0.5], &mut small_grad)[0];
            sink += small.input_gradient(&[1.0, 0.0], &[0.5])[1];
            sink += small.backward_from_batch(&[[1.0, 0.0]; 4], &[[0.5]; 4], &mut small_grad)[3][0];
            sink += looped.backward_from(&x64, &d10, &mut looped_grad)[7];
            sink += looped.input_gradient(&x64, &d10)[9];
            sink += looped.backward_from_batch(&[x64; 2], &[d10; 2], &mut looped_grad)[1][0];
            sink += looped.backward_with(&x64, &mut looped_grad, |y| y.map(|v| 1.0 - v))[7];
            sink += looped.input_gradient_with(&x64, |y| y.map(|v| 1.0 - v))[9];
            sink += looped.backward_with_batch(&[x64; 2], &mut looped_grad, |ys| *ys)[1][0];
            sink += tuned_for_grad.backward_from(&x64, &d10, &mut tuned_grad_from)[0];
        }
        tuned_for_grad.b3[0] += sink * 0.0;
    });
    assert!(sink.is_finite());
    assert_eq!(n, 0, "allocations in the gradient methods");

    // A chain of two networks, stepped by one optimiser.
    {
        use mlp::optim::{Adam, Optimizer};
        use mlp::{Chain, Params};
        type Pair = Chain<Encoder, Head, 4>;
        let mut pair = Pair::zeroed();
        pair.init(&mut rng);
        let mut pair_grad = Pair::zeroed();
        let mut pair_adam = Adam::new(0.01);
        let n = allocations_during(|| {
            for _ in 0..100 {
                pair_grad.set_zero();
                sink += pair.backward_from(&[1.0, 0.0], &[0.5, -0.5], &mut pair_grad)[0];
                sink += pair.input_gradient(&[1.0, 0.0], &[0.5, -0.5])[1];
                sink += pair.backward_with(&[1.0, 0.0], &mut pair_grad, |y| y.map(|v| -v))[0];
                sink += pair.input_gradient_with(&[1.0, 0.0], |y| y.map(|v| -v))[1];
                sink += pair.backward_with_batch(&[[1.0, 0.0]; 4], &mut pair_grad, |ys| *ys)[3][0];
                sink +=
                    pair.backward_from_batch(&[[1.0, 0.0]; 4], &[[0.5, 0.0]; 4], &mut pair_grad)[3]
                        [0];
                pair_adam.step(&mut pair, &pair_grad);
                // Trained on the head's declared loss.
                sink += pair.backward(&[1.0, 0.0], &[1.0, 0.0], &mut pair_grad);
                sink += pair.backward_batch(&[[1.0, 0.0]; 4], &[[1.0, 0.0]; 4], &mut pair_grad);
                sink += pair.train_step(&[1.0, 0.0], &[1.0, 0.0], 0.01);
                sink += pair.loss_input_gradient(&[1.0, 0.0], &[1.0, 0.0])[0];
                sink += pair
                    .backward_and_input_gradient(&[1.0, 0.0], &[1.0, 0.0], &mut pair_grad)
                    .0;
            }
        });
        assert!(sink.is_finite());
        assert_eq!(n, 0, "allocations in a chain's methods");
    }

    // Weights to bytes and back (for flash and EEPROM).
    let n = allocations_during(|| {
        for _ in 0..100 {
            let bytes = std::hint::black_box(small.to_bytes());
            let back = Small::from_bytes(&bytes).expect("finite weights");
            sink += back.b2[0];
            let bytes = std::hint::black_box(looped.to_bytes());
            sink += Looped::from_bytes(&bytes).expect("finite weights").b1[0];
        }
    });
    assert!(sink.is_finite());
    assert_eq!(n, 0, "allocations in to_bytes/from_bytes");

    // Optimiser steps and mini-batch gradients (state lives in values of
    // the network's own type).
    use mlp::optim::{Adam, Optimizer, Rprop, Sgd};
    use mlp::Params;
    let xs = [x64; 8];
    let ds = [d10; 8];
    let mut sgd = Sgd::new(0.01).nesterov(0.9).weight_decay(1e-4);
    let mut adam = Adam::adamw(0.001, 0.01);
    let mut rprop = Rprop::new();
    let n = allocations_during(|| {
        for _ in 0..10 {
            let data = mlp::train::Data::new(&xs, &ds);
            sink += mlp::train::batch_gradient(
                &looped,
                data,
                &[0, 1, 2, 3, 4, 5, 6, 7],
                &mut looped_grad,
            );
            sgd.step(&mut looped, &looped_grad);
            adam.step(&mut looped, &looped_grad);
            rprop.step(&mut looped, &looped_grad);
        }
    });
    assert!(sink.is_finite());
    assert_eq!(n, 0, "allocations in optimiser steps");

    // Fine-tuning: frozen layers, a schedule and gradient clipping.
    use mlp::optim::{clip_grad_norm, Schedule};
    let mut tuned = Tuned::new(&mut rng);
    let mut tuned_grad = Tuned::zeroed();
    let mut adam_t = Adam::new(0.01);
    let schedule = Schedule::cosine(50).warmup(5);
    let n = allocations_during(|| {
        for epoch in 0..10 {
            sink += tuned.train_step(&x64, &d10, 0.01);
            tuned_grad.set_zero();
            sink += tuned.backward(&x64, &d10, &mut tuned_grad);
            sink += clip_grad_norm(&mut tuned_grad, 1.0);
            adam_t.set_learning_rate(schedule.rate(0.01, epoch) as f32);
            adam_t.step(&mut tuned, &tuned_grad);
        }
    });
    assert!(sink.is_finite());
    assert_eq!(n, 0, "allocations in frozen, scheduled and clipped steps");

    // A 784-128-10 network (400 KB, created on the heap beforehand).
    let mut mnist: Box<Mnist> = mlp::boxed::new(&mut rng);
    let mut mnist_grad: Box<Mnist> = mlp::boxed::zeroed();
    let x784 = [0.5f32; 784];
    let n = allocations_during(|| {
        for _ in 0..3 {
            sink += mnist.forward(&x784)[0];
            sink += mnist.loss(&x784, &d10);
            sink += mnist.backward(&x784, &d10, &mut mnist_grad);
            sink += mnist.train_step(&x784, &d10, 0.01);
            sink += mnist.forward_batch(&[x784; 2])[1][0];
            sink += mnist.backward_batch(&[x784; 4], &[d10; 4], &mut mnist_grad);
            sink += mnist.backward_from(&x784, &d10, &mut mnist_grad)[0];
            sink += mnist.input_gradient(&x784, &d10)[783];
        }
    });
    assert!(sink.is_finite());
    assert_eq!(n, 0, "allocations with a 784-128-10 network");

    // `Fit` allocates when a run starts (sample order, gradient buffers,
    // with threads their buffers and the threads), never per step: a run of
    // many more steps allocates exactly as often as a short one.
    let xs: Vec<[f32; 64]> = (0..96).map(|k| [k as f32 / 96.0; 64]).collect();
    let ds: Vec<[f32; 10]> = (0..96)
        .map(|k| std::array::from_fn(|i| f32::from(u8::from(i == k % 10))))
        .collect();
    for threads in [1, 2, 3] {
        let run = |epochs: usize, net: &mut Looped| {
            let fit = mlp::train::Fit::new(mlp::train::Data::new(&xs, &ds))
                .epochs(epochs)
                .batch_size(48)
                .threads(threads);
            let mut sgd = Sgd::new(0.01);
            let mut rng: mlp::rand::rngs::SmallRng = mlp::rand::SeedableRng::seed_from_u64(2);
            allocations_during(|| {
                fit.run(net, &mut sgd, &mut rng, |_| mlp::train::Control::Continue)
                    .expect("valid data");
            })
        };
        let short = run(1, &mut looped);
        let long = run(20, &mut looped);
        assert!(short > 0, "the counter sees the run's set-up");
        assert_eq!(long, short, "allocations per step with {threads} threads");
    }

    let (wide8, wide16, step8) = (WideI8::TRAINED, WideI16::TRAINED, StepI8::TRAINED);
    let mut codes = 0i64;
    let n = allocations_during(|| {
        for k in 0..100 {
            let x = [k as f32 / 50.0 - 1.0; 8];
            codes += i64::from(wide8.forward(&WideI8::quantize(&x))[0]);
            codes += i64::from(wide16.forward(&WideI16::quantize(&x))[1]);
            codes += i64::from(step8.forward(&[k as i8, -(k as i8)])[0]);
            sink += wide8.forward_f32(&x)[2] + wide16.forward_f32(&x)[3];
        }
    });
    assert!(sink.is_finite() && codes != i64::MIN);
    assert_eq!(n, 0, "allocations in integer forward passes");
    // The examples' agents: REINFORCE's rollout and update (CartPole), and
    // TD3's replay buffer and update (Pendulum), after their set-up.
    let mut reinforce = cartpole::Reinforce::new(&mut rng, 0.005);
    let mut td3 = pendulum::Td3::new(&mut rng, 4_096);
    let mut env = cartpole::CartPole::new(&mut rng);
    let mut swing = pendulum::Pendulum::new(&mut rng);
    let n = allocations_during(|| {
        for _ in 0..3 {
            loop {
                let state = env.state;
                let action = reinforce.act(&state, &mut rng);
                let (reward, done) = env.step(action);
                reinforce.record(state, action, reward);
                if done {
                    break;
                }
            }
            reinforce.update();
            env = cartpole::CartPole::new(&mut rng);
        }
        for _ in 0..200 {
            let state = swing.observe();
            let action = td3.act(&state);
            let reward = swing.step(2.0 * action);
            td3.remember(pendulum::Transition {
                state,
                action,
                reward,
                next: swing.observe(),
            });
            td3.update(&mut rng);
        }
    });
    assert_eq!(n, 0, "allocations in the RL examples' steps and updates");

    // Every hot-path method and optimiser step: f32 and f64, unrolled and
    // looped, frozen, softmax and huber networks.
    for (name, n) in [
        ("Small", every_method!(Small, f32, 2, 1)),
        ("Looped", every_method!(Looped, f32, 64, 10)),
        ("Tuned", every_method!(Tuned, f32, 64, 10)),
        ("Reg", every_method!(Reg, f64, 3, 2)),
        ("LoopedF64", every_method!(LoopedF64, f64, 40, 4)),
        ("Huber", every_method!(Huber, f32, 4, 3)),
    ] {
        assert_eq!(n, 0, "allocations in a hot-path method of {name}");
    }

    // The counter works: a Vec does allocate.
    assert!(allocations_during(|| drop(std::hint::black_box(vec![1u8; 16]))) >= 1);
}
