//! Cortex-M4F profile, run under `qemu-system-arm -icount shift=0`: the
//! instructions executed per `forward` and per `train_step` of the 1-16-1
//! sine network, and the stack used by `train_step` of a 16-64-64-8
//! network.
//!
//! With `-icount shift=0` QEMU advances its virtual clock 1 ns per guest
//! instruction, so SysTick (clocked from it) counts instructions; the
//! ratio is calibrated on a loop of known length. These are instructions
//! executed, not cycles on silicon: a Cortex-M4F also spends cycles on
//! flash wait states, taken branches, loads, and the 14-cycle
//! `vdiv`/`vsqrt`, which QEMU does not model.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
use mlp_embedded::board;
#[cfg(target_os = "none")]
use panic_halt as _;

#[cfg(all(target_arch = "arm", target_os = "none"))]
#[cortex_m_rt::entry]
fn main() -> ! {
    use mlp::rand::SeedableRng;
    use mlp_embedded::{report_number, report_stack, Board, Sine, Wide};

    let mut b = board::Semihosting::new();
    let Some(p) = cortex_m::Peripherals::take() else {
        b.exit(false)
    };
    let count = board::Instructions::start(p.SYST);
    let mut rng = mlp::rand::rngs::Xoshiro128PlusPlus::seed_from_u64(1);
    let mut sine = Sine::new(&mut rng);
    const CALLS: u32 = 1000;
    let mut sink = 0.0f32;
    let fwd = count.per_call(CALLS, &mut || {
        for i in 0..CALLS {
            sink += sine.forward(&[core::hint::black_box(i as f32 * 0.006 - 3.0)])[0];
        }
    });
    let step = count.per_call(CALLS, &mut || {
        for i in 0..CALLS {
            let x = core::hint::black_box(i as f32 * 0.006 - 3.0);
            sink += sine.train_step(&[x], &[0.5], 0.01);
        }
    });
    let lines: [(&[u8], u32); 3] = [
        (
            b"calibration: instructions per SysTick tick x100 = ",
            count.per_tick_x100(),
        ),
        (b"sine 1-16-1 forward: instructions per call = ", fwd),
        (b"sine 1-16-1 train_step: instructions per call = ", step),
    ];
    for (what, v) in lines {
        report_number(&mut b, what, v);
    }

    let mut wide = Wide::new(&mut rng);
    let x = [0.25f32; 16];
    let d = [0.5f32; 8];
    let used = b.stack_used(&mut || {
        sink += wide.train_step(&x, &d, 0.01);
    });
    report_stack(&mut b, b"Wide 16-64-64-8 train_step", used);
    let ok = sink.is_finite();
    b.line(&[b"profile: done"]);
    b.exit(ok)
}

#[cfg(all(target_arch = "riscv32", target_os = "none"))]
#[riscv_rt::entry]
fn main() -> ! {
    use mlp_embedded::Board;
    // Instruction counts are taken on the Cortex-M4F only.
    let mut b = board::Semihosting::new();
    b.line(&[b"profile: instruction counts are taken on the Cortex-M4F"]);
    b.exit(true)
}

#[cfg(not(target_os = "none"))]
fn main() {
    println!("profile: instruction counts are taken on the emulated Cortex-M4F (run.sh)");
}
