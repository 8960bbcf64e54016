//! Cortex-M0 profile, run on QEMU's microbit under `-icount shift=0`:
//! instructions executed per `forward` of the sine 1-16-16-1 relu network
//! as int8 (`SineI8`, integer only), with int16 activations (`SineI16`)
//! and as f32 (`SineRelu`, soft-float on
//! a core without an FPU), and of the Iris 4-16-3 network both ways.
//! Counted with SysTick as in `profile` (calibrated on a loop of known
//! length); instructions, not cycles: the M0's 32-cycle-or-1-cycle
//! multiplier and flash wait states are not modelled.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
use panic_halt as _;

#[cfg(all(target_arch = "arm", target_os = "none"))]
#[cortex_m_rt::entry]
fn main() -> ! {
    use core::hint::black_box;
    use mlp_embedded::{board, report_number, Board, IrisI8, IrisUnit, SineI16, SineI8, SineRelu};

    static SINE8: SineI8 = SineI8::TRAINED;
    static SINE16: SineI16 = SineI16::TRAINED;
    static SINE: SineRelu = SineRelu::TRAINED;
    static IRIS8: IrisI8 = IrisI8::TRAINED;
    static IRIS: IrisUnit = IrisUnit::TRAINED;

    let mut b = board::Semihosting::new();
    let Some(p) = cortex_m::Peripherals::take() else {
        b.exit(false)
    };
    let count = board::Instructions::start(p.SYST);
    const CALLS: u32 = 256;
    let mut sink = 0i32;
    let mut fsink = 0.0f32;
    let int8 = count.per_call(CALLS, &mut || {
        for q in 0..CALLS {
            sink += i32::from(SINE8.forward(&[black_box(q as u8 as i8)])[0]);
        }
    });
    let int16 = count.per_call(CALLS, &mut || {
        for q in 0..CALLS {
            sink += i32::from(SINE16.forward(&[black_box((q * 251) as u16 as i16)])[0]);
        }
    });
    let float = count.per_call(CALLS, &mut || {
        for q in 0..CALLS {
            fsink += SINE.forward(&[black_box(q as f32 * 0.0245)])[0];
        }
    });
    let iris8 = count.per_call(CALLS, &mut || {
        for q in 0..CALLS {
            let v = black_box(q as u8 as i8);
            sink += i32::from(IRIS8.forward(&[v, v ^ 0x55, v ^ 0x0f, -v])[1]);
        }
    });
    let iris = count.per_call(CALLS, &mut || {
        for q in 0..CALLS {
            let v = black_box(q as f32 / 256.0);
            fsink += IRIS.forward(&[v, 1.0 - v, v * 0.5, 0.25])[1];
        }
    });
    let lines: [(&[u8], u32); 8] = [
        (
            b"calibration: instructions per SysTick tick x100 = ",
            count.per_tick_x100(),
        ),
        (
            b"sine 1-16-16-1 relu forward, int8: instructions per call = ",
            int8,
        ),
        (
            b"sine 1-16-16-1 relu forward, int16 activations: instructions per call = ",
            int16,
        ),
        (
            b"sine 1-16-16-1 relu forward, f32 soft-float: instructions per call = ",
            float,
        ),
        (
            b"sine f32 / int8 instructions x10 = ",
            float * 10 / int8.max(1),
        ),
        (
            b"iris 4-16-3 tanh/softmax forward, int8: instructions per call = ",
            iris8,
        ),
        (
            b"iris 4-16-3 tanh/softmax forward, f32 soft-float: instructions per call = ",
            iris,
        ),
        (
            b"iris f32 / int8 instructions x10 = ",
            iris * 10 / iris8.max(1),
        ),
    ];
    for (what, v) in lines {
        report_number(&mut b, what, v);
    }
    b.line(&[b"profile_int: done"]);
    b.exit(sink != i32::MIN && fsink.is_finite())
}

#[cfg(all(target_arch = "riscv32", target_os = "none"))]
#[riscv_rt::entry]
fn main() -> ! {
    use mlp_embedded::Board;
    let mut b = mlp_embedded::board::Semihosting::new();
    b.line(&[b"profile_int: instruction counts are taken on the Cortex-M0"]);
    b.exit(true)
}

#[cfg(not(target_os = "none"))]
fn main() {
    println!("profile_int: instruction counts are taken on the emulated Cortex-M0 (run.sh)");
}
