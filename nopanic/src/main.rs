//! Link-time proof that the hot-path methods have no panic path (the
//! technique of the `no-panic` crate: each wrapper below holds a guard
//! whose drop, reached only by unwinding, calls a symbol that does not
//! exist, so the program links only if the optimiser removed every way
//! to unwind out of the call). Built by `.ci/run` in release with fat LTO
//! (see Cargo.toml); `--features demonstrate` adds one wrapper around an
//! unchecked index, which must fail to link.
//!
//! Built for a bare-metal target (`--target thumbv7em-none-eabihf` or
//! `thumbv6m-none-eabi`, where panics abort and nothing unwinds), the same
//! calls are checked by a panic handler that calls a symbol defined
//! nowhere (see `bare` at the end): the firmware links only if no panic
//! remains anywhere in it.
//!
//! With `--features rtsan` on nightly (`-Zsanitizer=realtime`), the same
//! wrappers are RealtimeSanitizer's `nonblocking` functions instead: the
//! run aborts at any allocation, free, lock or blocking system call made
//! inside one (with `demonstrate`, a wrapper that allocates must abort it).
//!
//! Covered: `forward`, `forward_batch`, `loss`, `backward`,
//! `backward_batch`, `train_step`, `backward_from`, `input_gradient`,
//! `loss_input_gradient`, `backward_and_input_gradient`,
//! `backward_batch_and_input_gradients`, `train_step_and_input_gradient`,
//! `backward_from_batch`, `backward_with`, `input_gradient_with` and
//! `backward_with_batch` (dy from the outputs) of f32 and f64, unrolled and
//! looped networks, a frozen layer, softmax outputs and
//! `#[flush_subnormals]`; the integer networks' `forward`;
//! every optimiser's `step`.
//!
//! Found here and removed: the optimisers' steps indexed parameters by
//! `trainable()`'s ranges (a panic path for networks with a `frozen`
//! layer), and `batch::accumulate` indexed its inputs with a skipped
//! counter (a panic path in `backward_batch` and `backward_from_batch`
//! whenever a layer of 16+ inputs has an odd number of units, as `Huber`'s
//! 16-3 layer).

#![cfg_attr(feature = "rtsan", feature(sanitize))]
#![cfg_attr(target_os = "none", no_std, no_main)]

use core::hint::black_box;
use mlp::optim::{Adam, Optimizer, Rprop, Sgd};
use mlp::Params;
#[cfg(all(feature = "rtsan", not(target_os = "none")))]
use no_panic as _;
#[cfg(all(not(feature = "rtsan"), not(target_os = "none")))]
use no_panic::no_panic;

mlp::network! {
    pub struct Xor<input 2, dense 2 relu, dense 1 sigmoid, loss bce>;
    #[scalar(f64)]
    pub struct Reg<input 3, dense 8 tanh, dense 2 linear, loss mse>;
    pub struct Looped<input 40, dense 16 relu, dense 4 sigmoid, loss bce>;
    #[scalar(f64)]
    pub struct LoopedF64<input 40, dense 16 relu, dense 4 sigmoid, loss bce>;
    #[flush_subnormals]
    pub struct Classes<input 64, dense 32 tanh, dense 10 softmax, loss ce>;
    pub struct Frozen<input 64, dense 32 gelu frozen, dense 16 leaky_relu(0.1), dense 10 softmax, loss ce>;
    #[scalar(f64)]
    pub struct Huber<input 4, dense 16 elu, dense 3 linear, loss huber(0.5)>;
    /// The sine network of `examples/sine_int8.rs`, quantised.
    #[weights("../data/int/sine.safetensors")]
    #[quantize(SineI8, input = [0.0..6.2832])]
    #[quantize(SineI16, activations = i16, input = [0.0..6.2832])]
    pub struct Sine<input 1, dense 16 relu, dense 16 relu, dense 1 linear>;
}

/// Marks each function as a hot path: `#[no_panic]` (must link), or, with
/// `--features rtsan` on nightly, RealtimeSanitizer's `nonblocking` (any
/// allocation, lock or blocking system call inside aborts the run).
macro_rules! hot {
    ($($v:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block)*) => {$(
        #[cfg_attr(all(not(feature = "rtsan"), not(target_os = "none")), no_panic)]
        #[cfg_attr(feature = "rtsan", sanitize(realtime = "nonblocking"))]
        $v fn $name($($arg: $ty),*) $(-> $ret)? $body
    )*};
}

/// Batch size of the batch methods' wrappers.
const B: usize = 8;

/// Wrappers for every hot-path method of network `$n` (`$t` its scalar,
/// `$i` inputs, `$o` outputs), and a `$run` that calls each once.
macro_rules! checked {
    ($n:ident, $t:ty, $i:literal, $o:literal, $run:ident) => {
        paste::paste! { mod $run {
            use super::*;
            hot! {
                pub fn [<$run _forward>](n: &$n, x: &[$t; $i]) -> [$t; $o] {
                    n.forward(x)
                }
                pub fn [<$run _forward_batch>](n: &$n, x: &[[$t; $i]; B]) -> [[$t; $o]; B] {
                    n.forward_batch(x)
                }
                pub fn [<$run _loss>](n: &$n, x: &[$t; $i], d: &[$t; $o]) -> $t {
                    n.loss(x, d)
                }
                pub fn [<$run _backward>](n: &$n, x: &[$t; $i], d: &[$t; $o], g: &mut $n) -> $t {
                    n.backward(x, d, g)
                }
                pub fn [<$run _backward_batch>](n: &$n, x: &[[$t; $i]; B], d: &[[$t; $o]; B], g: &mut $n) -> $t {
                    n.backward_batch(x, d, g)
                }
                pub fn [<$run _train_step>](n: &mut $n, x: &[$t; $i], d: &[$t; $o]) -> $t {
                    n.train_step(x, d, 0.01)
                }
                pub fn [<$run _backward_from>](n: &$n, x: &[$t; $i], dy: &[$t; $o], g: &mut $n) -> [$t; $i] {
                    n.backward_from(x, dy, g)
                }
                pub fn [<$run _input_gradient>](n: &$n, x: &[$t; $i], dy: &[$t; $o]) -> [$t; $i] {
                    n.input_gradient(x, dy)
                }
                pub fn [<$run _loss_input_gradient>](n: &$n, x: &[$t; $i], d: &[$t; $o]) -> [$t; $i] {
                    n.loss_input_gradient(x, d)
                }
                pub fn [<$run _backward_and_input_gradient>](n: &$n, x: &[$t; $i], d: &[$t; $o], g: &mut $n) -> ($t, [$t; $i]) {
                    n.backward_and_input_gradient(x, d, g)
                }
                pub fn [<$run _train_step_and_input_gradient>](n: &mut $n, x: &[$t; $i], d: &[$t; $o]) -> ($t, [$t; $i]) {
                    n.train_step_and_input_gradient(x, d, 0.01)
                }
                pub fn [<$run _backward_batch_and_input_gradients>](
                    n: &$n,
                    x: &[[$t; $i]; B],
                    d: &[[$t; $o]; B],
                    g: &mut $n,
                ) -> ($t, [[$t; $i]; B]) {
                    n.backward_batch_and_input_gradients(x, d, g)
                }
                pub fn [<$run _backward_from_batch>](
                    n: &$n,
                    x: &[[$t; $i]; B],
                    dy: &[[$t; $o]; B],
                    g: &mut $n,
                ) -> [[$t; $i]; B] {
                    n.backward_from_batch(x, dy, g)
                }
                pub fn [<$run _backward_with>](n: &$n, x: &[$t; $i], d: &[$t; $o], g: &mut $n) -> [$t; $i] {
                    n.backward_with(x, g, |y| core::array::from_fn(|k| y[k] - d[k]))
                }
                pub fn [<$run _input_gradient_with>](n: &$n, x: &[$t; $i], d: &[$t; $o]) -> [$t; $i] {
                    n.input_gradient_with(x, |y| core::array::from_fn(|k| y[k] - d[k]))
                }
                pub fn [<$run _backward_with_batch>](
                    n: &$n,
                    x: &[[$t; $i]; B],
                    d: &[[$t; $o]; B],
                    g: &mut $n,
                ) -> [[$t; $i]; B] {
                    n.backward_with_batch(x, g, |ys| core::array::from_fn(|s| core::array::from_fn(|k| ys[s][k] - d[s][k])))
                }
                pub fn [<$run _sgd>](o: &mut Sgd<$n>, n: &mut $n, g: &$n) {
                    o.step(n, g)
                }
                pub fn [<$run _adam>](o: &mut Adam<$n>, n: &mut $n, g: &$n) {
                    o.step(n, g)
                }
                pub fn [<$run _rprop>](o: &mut Rprop<$n>, n: &mut $n, g: &$n) {
                    o.step(n, g)
                }
            }

            /// Each wrapper once, on inputs the optimiser cannot see.
            pub fn run() {
                let mut n = <$n>::zeroed();
                let mut g = <$n>::zeroed();
                let x = black_box([0.5 as $t; $i]);
                let d = black_box([0.25 as $t; $o]);
                let xs = black_box([x; B]);
                let ds = black_box([d; B]);
                black_box([<$run _forward>](&n, &x));
                black_box([<$run _forward_batch>](&n, &xs));
                black_box([<$run _loss>](&n, &x, &d));
                black_box([<$run _backward>](&n, &x, &d, &mut g));
                black_box([<$run _backward_batch>](&n, &xs, &ds, &mut g));
                black_box([<$run _train_step>](&mut n, &x, &d));
                black_box([<$run _backward_from>](&n, &x, &d, &mut g));
                black_box([<$run _input_gradient>](&n, &x, &d));
                black_box([<$run _loss_input_gradient>](&n, &x, &d));
                black_box([<$run _backward_and_input_gradient>](&n, &x, &d, &mut g));
                black_box([<$run _backward_batch_and_input_gradients>](&n, &xs, &ds, &mut g));
                black_box([<$run _train_step_and_input_gradient>](&mut n, &x, &d));
                black_box([<$run _backward_from_batch>](&n, &xs, &ds, &mut g));
                black_box([<$run _backward_with>](&n, &x, &d, &mut g));
                black_box([<$run _input_gradient_with>](&n, &x, &d));
                black_box([<$run _backward_with_batch>](&n, &xs, &ds, &mut g));
                [<$run _sgd>](&mut Sgd::new(0.01).nesterov(0.9), &mut n, &g);
                [<$run _adam>](&mut Adam::adamw(0.01, 0.01), &mut n, &g);
                [<$run _rprop>](&mut Rprop::new(), &mut n, &g);
                black_box(n.params());
            }
        } }
    };
}

checked!(Xor, f32, 2, 1, xor);
checked!(Reg, f64, 3, 2, reg);
checked!(Looped, f32, 40, 4, looped);
checked!(LoopedF64, f64, 40, 4, looped_f64);
checked!(Classes, f32, 64, 10, classes);
checked!(Frozen, f32, 64, 10, frozen);
checked!(Huber, f64, 4, 3, huber);

hot! {
    fn sine_i8(n: &SineI8, x: &[i8; 1]) -> [i8; 1] {
        n.forward(x)
    }
}

hot! {
    fn sine_i16(n: &SineI16, x: &[i16; 1]) -> [i16; 1] {
        n.forward(x)
    }
}

/// The checks must catch what they look for: an unchecked index (a panic
/// path) and an allocation.
#[cfg(feature = "demonstrate")]
hot! {
    fn indexes(v: &[f32], i: usize) -> f32 {
        v[i]
    }
}
#[cfg(all(feature = "demonstrate", not(target_os = "none")))]
hot! {
    fn allocates(n: usize) -> usize {
        black_box(vec![0u8; n]).len()
    }
}

/// Calls every wrapper once.
fn run_all() {
    xor::run();
    reg::run();
    looped::run();
    looped_f64::run();
    classes::run();
    frozen::run();
    huber::run();
    black_box(sine_i8(&SineI8::TRAINED, &black_box([3])));
    black_box(sine_i16(&SineI16::TRAINED, &black_box([3])));
    #[cfg(feature = "demonstrate")]
    {
        black_box(indexes(&black_box([1.0]), black_box(0)));
        #[cfg(not(target_os = "none"))]
        black_box(allocates(black_box(8)));
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    run_all();
    // 19 wrappers per network of `checked!`, seven networks, two integer
    // networks' `forward`.
    #[cfg(not(feature = "rtsan"))]
    println!("no panic path in {} checked functions", 7 * 19 + 2);
    #[cfg(feature = "rtsan")]
    println!(
        "RealtimeSanitizer: no allocation, lock or blocking call in {} functions",
        7 * 19 + 2
    );
}

/// Bare metal (`--target thumbv7em-none-eabihf`, panic = abort): no
/// unwinding for `#[no_panic]` to see, so the panic handler itself is the
/// check. It calls a function that exists nowhere; the firmware links
/// only if no call to it remains, that is, if the optimiser removed every
/// panic from every hot path `run_all` reaches. (The program is linked,
/// never run: `_start` is only the root the linker keeps code from.)
#[cfg(target_os = "none")]
mod bare {
    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        extern "Rust" {
            fn a_hot_path_kept_a_panic() -> !;
        }
        // SAFETY: never executed. The symbol is defined nowhere, so a
        // build in which this call survives does not link.
        unsafe { a_hot_path_kept_a_panic() }
    }

    #[no_mangle]
    extern "C" fn _start() -> ! {
        super::run_all();
        loop {
            core::hint::spin_loop();
        }
    }
}
