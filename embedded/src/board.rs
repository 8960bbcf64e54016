//! The board side of `Board`: semihosting output and exit (QEMU prints
//! and ends with the firmware's status), and stack measurement by painting.
//! The same code serves Cortex-M (cortex-m-rt) and RISC-V (riscv-rt); only
//! the crate names, linker symbols and the stack-pointer read differ.

use crate::Board;

#[cfg(target_arch = "arm")]
use cortex_m_semihosting as semihosting;
#[cfg(target_arch = "riscv32")]
use riscv_semihosting as semihosting;

/// The pattern free stack is painted with.
const PAINT: u32 = 0xA5A5_5A5A;

/// The console and stack meter of an emulated board.
pub struct Semihosting {
    out: Option<semihosting::hio::HostStream>,
    /// The deepest stack address seen in use so far.
    deepest: usize,
}

impl Semihosting {
    /// Also paints the free stack, for the whole program's high-water mark.
    #[allow(clippy::new_without_default)] // one per program, made at its start
    pub fn new() -> Self {
        let (bottom, top) = free_stack();
        paint(bottom, top);
        Semihosting {
            out: semihosting::hio::hstdout().ok(),
            deepest: usize::MAX,
        }
    }

    /// Ends the program: QEMU exits with status 0 if `ok`, else 1.
    pub fn exit(&mut self, ok: bool) -> ! {
        use semihosting::debug;
        debug::exit(if ok {
            debug::EXIT_SUCCESS
        } else {
            debug::EXIT_FAILURE
        });
        loop {
            core::hint::spin_loop();
        }
    }

    /// Notes how deep the stack has been since the last paint.
    fn scan(&mut self) {
        let (bottom, top) = free_stack();
        self.deepest = self.deepest.min(lowest_touched(bottom, top));
    }
}

impl Board for Semihosting {
    fn write(&mut self, bytes: &[u8]) {
        if let Some(out) = &mut self.out {
            let _ = out.write_all(bytes);
        }
    }
    fn stack_used(&mut self, f: &mut dyn FnMut()) -> Option<usize> {
        self.scan();
        let used = stack_used(f);
        self.scan();
        Some(used)
    }
    fn stack_high_water(&mut self) -> Option<usize> {
        self.scan();
        extern "C" {
            // The initial stack pointer, from the runtime's link.x.
            static _stack_start: u32;
        }
        Some(core::ptr::addr_of!(_stack_start) as usize - self.deepest)
    }
}

fn stack_pointer() -> usize {
    let sp: usize;
    // SAFETY: reads the stack pointer register; no memory is touched.
    #[cfg(target_arch = "arm")]
    unsafe {
        core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack))
    };
    // SAFETY: as above.
    #[cfg(target_arch = "riscv32")]
    unsafe {
        core::arch::asm!("mv {}, sp", out(reg) sp, options(nomem, nostack))
    };
    sp
}

/// The free stack: from the end of static RAM to just below the caller's
/// frame (with a margin for the calls that paint and scan it).
#[inline(always)]
fn free_stack() -> (usize, usize) {
    // End of .bss (the unused heap starts there), from the runtime's link.x.
    #[cfg(target_arch = "arm")]
    extern "C" {
        static mut __sheap: u32;
    }
    #[cfg(target_arch = "arm")]
    let bottom = core::ptr::addr_of_mut!(__sheap) as usize;
    #[cfg(target_arch = "riscv32")]
    extern "C" {
        static mut _sheap: u32;
    }
    #[cfg(target_arch = "riscv32")]
    let bottom = core::ptr::addr_of_mut!(_sheap) as usize;
    (bottom, stack_pointer() - 256)
}

fn paint(bottom: usize, top: usize) {
    let mut p = bottom;
    while p < top {
        // SAFETY: [bottom, top) lies between the end of static data and the
        // live stack, below every frame in use (the stack grows down, and
        // `top` is 256 bytes below the caller's frame), with no interrupts
        // enabled: no live value is there. The start is 4-aligned (link.x).
        unsafe { (p as *mut u32).write_volatile(PAINT) };
        p += 4;
    }
}

/// The lowest address in [bottom, top) whose paint was overwritten (`top`
/// if none was).
fn lowest_touched(bottom: usize, top: usize) -> usize {
    let mut p = bottom;
    // SAFETY: reads of the region `paint` writes, word-aligned.
    while p < top && unsafe { (p as *const u32).read_volatile() } == PAINT {
        p += 4;
    }
    p
}

/// Bytes of stack below the caller's frame that `f` touched: the free
/// stack is painted, `f` runs, and the deepest word no longer holding the
/// paint marks its high-water mark. Firmware-only: it reads and writes the
/// real stack, which neither the host nor Miri models.
#[inline(never)]
fn stack_used(f: &mut dyn FnMut()) -> usize {
    let sp = stack_pointer();
    let (bottom, top) = free_stack();
    paint(bottom, top);
    f();
    sp - lowest_touched(bottom, top)
}

/// Counts instructions with SysTick under `qemu-system-arm -icount
/// shift=0`, where QEMU's virtual clock advances 1 ns per guest
/// instruction and SysTick (clocked from it) counts with it; the ratio is
/// calibrated on a loop of known length. Instructions executed, not cycles
/// on silicon.
#[cfg(target_arch = "arm")]
pub struct Instructions {
    /// Ticks a loop of `2 · LOOPS` instructions took.
    calibration: u32,
}

#[cfg(target_arch = "arm")]
impl Instructions {
    const LOOPS: u32 = 100_000;

    /// Starts SysTick on the core clock and calibrates it.
    pub fn start(mut syst: cortex_m::peripheral::SYST) -> Self {
        use cortex_m::peripheral::syst::SystClkSource;
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(0x00FF_FFFF);
        syst.clear_current();
        syst.enable_counter();
        let calibration = Self::ticks(&mut || {
            let mut n = Self::LOOPS;
            // SAFETY: a register-only countdown loop (2 instructions per
            // iteration: subs, bne); no memory is touched.
            unsafe {
                core::arch::asm!("2:", "subs {0}, {0}, #1", "bne 2b", inout(reg) n, options(nomem, nostack));
            }
            let _ = n;
        });
        Instructions {
            calibration: calibration.max(1),
        }
    }

    /// SysTick ticks (of the 24-bit down-counter) that `f` takes.
    fn ticks(f: &mut dyn FnMut()) -> u32 {
        use cortex_m::peripheral::SYST;
        let start = SYST::get_current();
        f();
        start.wrapping_sub(SYST::get_current()) & 0x00FF_FFFF
    }

    /// Instructions per tick, × 100.
    pub fn per_tick_x100(&self) -> u32 {
        ((2 * u64::from(Self::LOOPS) * 100) / u64::from(self.calibration)) as u32
    }

    /// Instructions per call of `f`, which makes `calls` calls, rounded.
    pub fn per_call(&self, calls: u32, f: &mut dyn FnMut()) -> u32 {
        let t = u64::from(Self::ticks(f));
        let (cal, calls) = (u64::from(self.calibration), u64::from(calls.max(1)));
        ((t * 2 * u64::from(Self::LOOPS) + cal * calls / 2) / (cal * calls)) as u32
    }
}
