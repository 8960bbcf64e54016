//! What the firmware runs, target-independent and `no_std`: networks
//! declared with `network!`, trained from a fixed seed with `train_step`,
//! `backward` and an `Adam` step, round-tripped through
//! `to_bytes`/`from_bytes`. The firmware (src/bin/) runs it on a board and
//! on the host, and `run.sh` checks that both print the same bits.
#![no_std]

#[cfg(not(target_os = "none"))]
extern crate std;

/// The board side of [`Board`] (semihosting, stack painting).
#[cfg(target_os = "none")]
pub mod board;
/// The host side of [`Board`] (standard output).
#[cfg(not(target_os = "none"))]
pub mod host;

/// The `main` of a firmware, for the board and for the host: `run` gets
/// the console and the name to print (`qemu` or `host`) and returns
/// whether every check passed, which becomes the exit status.
#[macro_export]
macro_rules! firmware {
    ($run:expr) => {
        #[cfg(target_os = "none")]
        use panic_halt as _;

        #[cfg(target_os = "none")]
        #[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
        #[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
        fn main() -> ! {
            let mut board = $crate::board::Semihosting::new();
            let ok = ($run)(&mut board, b"qemu");
            board.exit(ok)
        }

        #[cfg(not(target_os = "none"))]
        fn main() {
            let ok = ($run)(&mut $crate::host::Host, b"host");
            std::process::exit(if ok { 0 } else { 1 });
        }
    };
}

use mlp::network;
use mlp::optim::{Adam, Optimizer};
// Xoshiro128++ explicitly: `SmallRng` is a different generator on 32- and
// 64-bit targets, and the board must draw the same numbers as the host.
use mlp::rand::{rngs::Xoshiro128PlusPlus as SmallRng, RngExt, SeedableRng};
use mlp::Params;

network! {
    /// XOR, trained on the device with plain SGD steps.
    pub struct Xor<input 2, dense 4 tanh, dense 1 sigmoid, loss bce>;
    /// sin(x) on [−π, π], trained on the device with Adam.
    pub struct Sine<input 1, dense 16 tanh, dense 1 linear, loss mse>;
    /// The stack test's larger network.
    pub struct Wide<input 16, dense 64 sigmoid, dense 64 sigmoid, dense 8 sigmoid, loss sse>;
}

network! {
    /// sin(x) on [0, 2π) with 1-16-16-1 relu, TensorFlow Lite Micro's
    /// hello-world model, trained by the workspace's `int_models` example;
    /// and its integer versions.
    #[weights("../data/int/sine.safetensors")]
    #[quantize(SineI8, input = [0.0..6.2832])]
    #[quantize(SineI16, activations = i16, input = [0.0..6.2832])]
    pub struct SineRelu<input 1, dense 16 relu, dense 16 relu, dense 1 linear>;
    /// Iris on the unit box (4-16-3 tanh/softmax), and its integer versions.
    #[weights("../data/int/iris_unit.safetensors")]
    #[quantize(IrisI8, input = [0.0..1.0])]
    #[quantize(IrisI16, activations = i16, input = [0.0..1.0])]
    pub struct IrisUnit<input 4, dense 16 tanh, dense 3 softmax>;
}

/// The int8 sine on every input code, fingerprinted (FNV-1a of the
/// output codes): integer arithmetic only.
pub fn sine_i8_fingerprint(net: &SineI8) -> u32 {
    (-128..=127i8).fold(FNV_OFFSET, |h, q| {
        fnv1a_more(h, &net.forward(&[q])[0].to_le_bytes())
    })
}

/// The integer networks on fixed inputs (every i8 sine code, 256 i16
/// sine codes, 1000 pseudo-random iris code vectors), raw outputs
/// fingerprinted and a few printed. No float anywhere.
pub fn run_int(board: &mut dyn Board, who: &[u8]) -> bool {
    static SINE8: SineI8 = SineI8::TRAINED;
    static SINE16: SineI16 = SineI16::TRAINED;
    static IRIS8: IrisI8 = IrisI8::TRAINED;
    static IRIS16: IrisI16 = IrisI16::TRAINED;
    let mut buf = [0u8; 10];
    let int = |v: i32, buf: &mut [u8; 10]| -> usize {
        if v < 0 {
            buf[0] = b'-';
            1 + decimal(v.unsigned_abs(), 1, &mut buf[1..])
        } else {
            decimal(v as u32, 1, buf)
        }
    };
    board.line(&[
        who,
        b": int sine i8, all 256 input codes: fnv1a ",
        &hex(sine_i8_fingerprint(&SINE8)),
    ]);
    for q in [-128i8, -64, 0, 64, 127] {
        let y = SINE8.forward(&[q])[0];
        let mut a = [0u8; 10];
        let n = int(i32::from(q), &mut a);
        let m = int(i32::from(y), &mut buf);
        board.line(&[b"  sine i8 forward([", &a[..n], b"]) = ", &buf[..m]]);
    }
    let h = (0..256i32).fold(FNV_OFFSET, |h, k| {
        let q = (-32768 + 257 * k) as i16;
        fnv1a_more(h, &SINE16.forward(&[q])[0].to_le_bytes())
    });
    board.line(&[who, b": int sine i16, 256 input codes: fnv1a ", &hex(h)]);
    let mut rng = SmallRng::seed_from_u64(5);
    let (mut h8, mut h16) = (FNV_OFFSET, FNV_OFFSET);
    let mut votes = [0u32; 3];
    for _ in 0..1000 {
        let r: u32 = rng.random();
        let x8: [i8; 4] = core::array::from_fn(|j| (r >> (8 * j)) as u8 as i8);
        let y8 = IRIS8.forward(&x8);
        for v in y8 {
            h8 = fnv1a_more(h8, &v.to_le_bytes());
        }
        let top = (0..3).fold(0, |b, k| if y8[k] > y8[b] { k } else { b });
        votes[top] += 1;
        let x16: [i16; 4] = core::array::from_fn(|j| (r.rotate_left(8 * j as u32) as u16) as i16);
        for v in IRIS16.forward(&x16) {
            h16 = fnv1a_more(h16, &v.to_le_bytes());
        }
    }
    board.line(&[
        who,
        b": int iris i8, 1000 input code vectors: fnv1a ",
        &hex(h8),
    ]);
    board.line(&[
        who,
        b": int iris i16, 1000 input code vectors: fnv1a ",
        &hex(h16),
    ]);
    let mut v = [[0u8; 10]; 3];
    let n: [usize; 3] = core::array::from_fn(|k| decimal(votes[k], 1, &mut v[k]));
    board.line(&[
        b"  iris i8 argmax counts: ",
        &v[0][..n[0]],
        b" ",
        &v[1][..n[1]],
        b" ",
        &v[2][..n[2]],
    ]);
    let used = board.stack_high_water();
    report_stack(board, b"high-water mark, whole program", used);
    true
}

/// The four XOR cases.
pub const XOR: [([f32; 2], [f32; 1]); 4] = [
    ([0.0, 0.0], [0.0]),
    ([0.0, 1.0], [1.0]),
    ([1.0, 0.0], [1.0]),
    ([1.0, 1.0], [0.0]),
];

/// XOR from seed 7: 2000 epochs of online SGD (learning rate 0.3).
pub fn train_xor() -> Xor {
    let mut rng = SmallRng::seed_from_u64(7);
    let mut net = Xor::new(&mut rng);
    for _ in 0..2000 {
        for (x, d) in &XOR {
            net.train_step(x, d, 0.3);
        }
    }
    net
}

/// XOR cases the network gets right (output thresholded at 0.5).
pub fn xor_correct(net: &Xor) -> usize {
    XOR.iter()
        .filter(|(x, d)| (net.forward(x)[0] >= 0.5) == (d[0] >= 0.5))
        .count()
}

/// Sample `i` of `n` evenly spaced over [−π, π].
pub fn sine_x(i: usize, n: usize) -> f32 {
    let pi = core::f32::consts::PI;
    -pi + 2.0 * pi * i as f32 / (n - 1) as f32
}

/// The training samples of the sine model.
const SINE_SAMPLES: usize = 64;

/// sin on [−π, π] from seed 7: `epochs` of shuffled mini-batches of 8,
/// each a mean gradient from `backward` and one Adam step (rate 0.01).
pub fn train_sine(epochs: usize) -> Sine {
    let mut rng = SmallRng::seed_from_u64(7);
    let mut net = Sine::new(&mut rng);
    let mut grad = Sine::zeroed();
    let mut adam = Adam::new(0.01);
    let mut order: [usize; SINE_SAMPLES] = core::array::from_fn(|i| i);
    for _ in 0..epochs {
        for i in (1..SINE_SAMPLES).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        for batch in order.chunks(8) {
            grad.set_zero();
            for &i in batch {
                let x = sine_x(i, SINE_SAMPLES);
                net.backward(&[x], &[libm::sinf(x)], &mut grad);
            }
            for g in grad.params_mut() {
                *g /= batch.len() as f32;
            }
            adam.step(&mut net, &grad);
        }
    }
    net
}

/// The largest |net(x) − sin x| over 1001 points of [−π, π].
pub fn sine_max_error(forward: impl Fn(f32) -> f32) -> f32 {
    (0..1001)
        .map(|i| sine_x(i, 1001))
        .map(|x| libm::fabsf(forward(x) - libm::sinf(x)))
        .fold(0.0, f32::max)
}

/// FNV-1a of `bytes`: a short fingerprint of trained weights to compare
/// the board's with the host's.
pub fn fnv1a(bytes: &[u8]) -> u32 {
    fnv1a_more(FNV_OFFSET, bytes)
}

/// FNV-1a's starting value.
pub const FNV_OFFSET: u32 = 0x811c_9dc5;

/// FNV-1a of what `hash` covers followed by `bytes`.
pub fn fnv1a_more(hash: u32, bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(hash, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// `to_bytes` then `from_bytes` must give the same network back.
pub fn round_trips<N: Params + PartialEq>(net: &N, back: Result<N, mlp::WeightsError>) -> bool {
    back.is_ok_and(|b| b == *net)
}

/// Writes `v` in decimal with `decimals` digits after the point into
/// `out`; returns the bytes written. Integer arithmetic only, so firmware
/// that prints numbers carries no float formatting code.
pub fn fixed(v: f32, decimals: u32, out: &mut [u8; 24]) -> usize {
    let scale = 10u32.pow(decimals);
    let neg = v < 0.0;
    let scaled = libm::roundf(libm::fabsf(v) * scale as f32) as u32;
    let (int, frac) = (scaled / scale, scaled % scale);
    let mut n = 0;
    if neg {
        out[n] = b'-';
        n += 1;
    }
    n += decimal(int, 1, &mut out[n..]);
    if decimals > 0 {
        out[n] = b'.';
        n += 1;
        n += decimal(frac, decimals as usize, &mut out[n..]);
    }
    n
}

/// `v` in decimal, zero-padded to at least `width` digits.
pub fn decimal(mut v: u32, width: usize, out: &mut [u8]) -> usize {
    let mut digits = [0u8; 10];
    let mut n = 0;
    while v > 0 || n < width {
        digits[n] = b'0' + (v % 10) as u8;
        v /= 10;
        n += 1;
    }
    for (o, d) in out.iter_mut().zip(digits[..n].iter().rev()) {
        *o = *d;
    }
    n
}

/// `v` as 8 hex digits.
pub fn hex(v: u32) -> [u8; 8] {
    core::array::from_fn(|i| b"0123456789abcdef"[((v >> (28 - 4 * i)) & 0xf) as usize])
}

/// Output, exit and stack measurement: semihosting on a board, std on the
/// host, so each firmware's `run` is the same code in both places.
pub trait Board {
    /// Writes bytes to the console.
    fn write(&mut self, bytes: &[u8]);
    /// Bytes of stack `f` used, measured by painting, where the board can.
    fn stack_used(&mut self, f: &mut dyn FnMut()) -> Option<usize>;
    /// The whole program's stack high-water mark so far, where measured.
    fn stack_high_water(&mut self) -> Option<usize> {
        None
    }
    /// A line: `parts` concatenated, then a newline.
    fn line(&mut self, parts: &[&[u8]]) {
        for p in parts {
            self.write(p);
        }
        self.write(b"\n");
    }
}

/// A line `what` followed by `v` in decimal.
pub fn report_number(board: &mut dyn Board, what: &[u8], v: u32) {
    let mut buf = [0u8; 10];
    let n = decimal(v, 1, &mut buf);
    board.line(&[what, &buf[..n]]);
}

/// `name = <bytes>` for a stack measurement, or `not measured`.
pub fn report_stack(board: &mut dyn Board, name: &[u8], bytes: Option<usize>) {
    let mut buf = [0u8; 10];
    match bytes {
        Some(b) => {
            let n = decimal(b as u32, 1, &mut buf);
            board.line(&[b"stack: ", name, b" = ", &buf[..n], b" bytes"]);
        }
        None => board.line(&[b"stack: ", name, b" = not measured here"]),
    }
}

/// XOR trained on the device: prints the truth table, stack use and the
/// weights' fingerprint; returns the network and whether `to_bytes`/
/// `from_bytes` gave it back.
pub fn run_xor(board: &mut dyn Board) -> (Xor, bool) {
    let mut buf = [0u8; 24];
    let mut xor = None;
    let stack = board.stack_used(&mut || xor = Some(train_xor()));
    let xor = xor.unwrap_or_else(train_xor);
    for (x, d) in &XOR {
        let y = xor.forward(x)[0];
        let n = fixed(y, 4, &mut buf);
        let (a, b) = (b'0' + x[0] as u8, b'0' + x[1] as u8);
        let want = b'0' + d[0] as u8;
        board.line(&[
            b"xor ",
            &[a],
            b" ",
            &[b],
            b" -> ",
            &buf[..n],
            b" (want ",
            &[want],
            b")",
        ]);
    }
    report_stack(board, b"train_xor (2000 epochs of train_step)", stack);
    let mut one = xor.clone();
    let step = board.stack_used(&mut || {
        one.train_step(&XOR[1].0, &XOR[1].1, 0.3);
    });
    report_stack(board, b"Xor::train_step", step);
    let bytes = xor.to_bytes();
    let ok = round_trips(&xor, Xor::from_bytes(&bytes));
    board.line(&[
        b"xor weights: fnv1a ",
        &hex(fnv1a(&bytes)),
        b", to_bytes/from_bytes round trip ",
        if ok { b"ok" } else { b"FAILED" },
    ]);
    (xor, ok)
}

/// `who: correct = N/4`, then whether all four are right.
pub fn report_xor(board: &mut dyn Board, who: &[u8], xor: &Xor) -> bool {
    let correct = xor_correct(xor);
    board.line(&[who, b": correct = ", &[b'0' + correct as u8], b"/4"]);
    correct == 4
}

/// The XOR-only training firmware (the smallest that trains).
pub fn run_xor_only(board: &mut dyn Board, who: &[u8]) -> bool {
    let (xor, ok) = run_xor(board);
    let high = board.stack_high_water();
    report_stack(board, b"high-water mark, whole program", high);
    report_xor(board, who, &xor) && ok
}

/// The training firmware: XOR and sine trained on the device. Returns
/// whether every check passed (4/4 and a small enough sine error).
pub fn run_training(board: &mut dyn Board, who: &[u8]) -> bool {
    let mut buf = [0u8; 24];
    let (xor, xor_ok) = run_xor(board);
    let mut sine = None;
    let stack = board.stack_used(&mut || sine = Some(train_sine(SINE_EPOCHS)));
    let sine = sine.unwrap_or_else(|| train_sine(SINE_EPOCHS));
    report_stack(board, b"train_sine (backward + Adam step)", stack);
    let mut g = Sine::zeroed();
    let back = board.stack_used(&mut || {
        sine.backward(&[0.5], &[0.479], &mut g);
    });
    report_stack(board, b"Sine::backward", back);
    let bytes = sine.to_bytes();
    let sine_ok = round_trips(&sine, Sine::from_bytes(&bytes));
    board.line(&[
        b"sine weights: fnv1a ",
        &hex(fnv1a(&bytes)),
        b", to_bytes/from_bytes round trip ",
        if sine_ok { b"ok" } else { b"FAILED" },
    ]);
    let correct = xor_correct(&xor);
    let err = sine_max_error(|x| sine.forward(&[x])[0]);
    let high = board.stack_high_water();
    report_stack(board, b"high-water mark, whole program", high);
    let n = fixed(err, 4, &mut buf);
    let c = [b'0' + correct as u8];
    board.line(&[
        who,
        b": correct = ",
        &c,
        b"/4, sine max_abs_error = ",
        &buf[..n],
    ]);
    correct == 4 && err < 0.05 && xor_ok && sine_ok
}

/// Epochs of on-device sine training.
pub const SINE_EPOCHS: usize = 1000;

/// The inference firmware: a network baked in at compile time, evaluated
/// at 1001 points of [−π, π]. Prints the fingerprint of the outputs, which
/// run.sh compares with the host's: equal fingerprints mean the board
/// computed the host's bits, so the host's error figure is the board's
/// too, and the firmware needs no `sinf` (nor the soft-float f64 that libm
/// computes it with) to prove it.
pub fn run_inference(board: &mut dyn Board, who: &[u8], forward: &dyn Fn(f32) -> f32) -> u32 {
    let mut hash = FNV_OFFSET;
    let stack = board.stack_used(&mut || {
        for i in 0..1001 {
            hash = fnv1a_more(hash, &forward(sine_x(i, 1001)).to_le_bytes());
        }
    });
    report_stack(board, b"1001 forward passes", stack);
    let high = board.stack_high_water();
    report_stack(board, b"high-water mark, whole program", high);
    board.line(&[who, b": baked sine outputs fnv1a ", &hex(hash)]);
    hash
}
