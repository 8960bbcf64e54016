//! The board side of `Board`. On Cortex-M: semihosting output and exit
//! (QEMU prints and ends with the firmware's status) and stack measurement
//! by painting. On RISC-V (built for its size, not run here): bytes go to
//! the FE310's UART0 and the firmware ends in a loop.

use mlp_embedded::Board;

/// The pattern free stack is painted with.
#[cfg(target_arch = "arm")]
const PAINT: u32 = 0xA5A5_5A5A;

#[cfg(target_arch = "arm")]
pub struct Semihosting {
    out: Option<cortex_m_semihosting::hio::HostStream>,
    /// The deepest stack address seen in use so far.
    deepest: usize,
}

#[cfg(target_arch = "arm")]
impl Semihosting {
    /// Also paints the free stack, for the whole program's high-water mark.
    pub fn new() -> Self {
        let (bottom, top) = free_stack();
        paint(bottom, top);
        Semihosting {
            out: cortex_m_semihosting::hio::hstdout().ok(),
            deepest: usize::MAX,
        }
    }

    /// Notes how deep the stack has been since the last paint, then paints
    /// the free stack again.
    fn scan_and_paint(&mut self) {
        let (bottom, top) = free_stack();
        self.deepest = self.deepest.min(lowest_touched(bottom, top));
        paint(bottom, top);
    }

    /// Ends the program: QEMU exits with status 0 if `ok`, else 1.
    pub fn exit(&mut self, ok: bool) -> ! {
        use cortex_m_semihosting::debug;
        debug::exit(if ok {
            debug::EXIT_SUCCESS
        } else {
            debug::EXIT_FAILURE
        });
        loop {
            cortex_m::asm::wfi();
        }
    }
}

#[cfg(target_arch = "arm")]
impl Board for Semihosting {
    fn write(&mut self, bytes: &[u8]) {
        if let Some(out) = &mut self.out {
            let _ = out.write_all(bytes);
        }
    }
    fn stack_used(&mut self, f: &mut dyn FnMut()) -> Option<usize> {
        self.scan_and_paint();
        let used = stack_used(f);
        let (bottom, top) = free_stack();
        self.deepest = self.deepest.min(lowest_touched(bottom, top));
        Some(used)
    }
    fn stack_high_water(&mut self) -> Option<usize> {
        let (bottom, top) = free_stack();
        self.deepest = self.deepest.min(lowest_touched(bottom, top));
        extern "C" {
            // The initial stack pointer, from cortex-m-rt's link.x.
            static _stack_start: u32;
        }
        Some(core::ptr::addr_of!(_stack_start) as usize - self.deepest)
    }
}

#[cfg(target_arch = "riscv32")]
pub struct Semihosting;

#[cfg(target_arch = "riscv32")]
impl Semihosting {
    pub fn new() -> Self {
        Semihosting
    }
    pub fn exit(&mut self, _ok: bool) -> ! {
        loop {
            core::hint::spin_loop();
        }
    }
}

#[cfg(target_arch = "riscv32")]
impl Board for Semihosting {
    fn write(&mut self, bytes: &[u8]) {
        // FE310 UART0 txdata.
        const TXDATA: *mut u32 = 0x1001_3000 as *mut u32;
        for &b in bytes {
            // SAFETY: a memory-mapped register of the FE310, always present
            // and writable; a write queues one byte.
            unsafe { TXDATA.write_volatile(u32::from(b)) };
        }
    }
    fn stack_used(&mut self, f: &mut dyn FnMut()) -> Option<usize> {
        f();
        None
    }
}

#[cfg(target_arch = "arm")]
fn stack_pointer() -> usize {
    let sp: usize;
    // SAFETY: reads the stack pointer register; no memory is touched.
    unsafe { core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack)) };
    sp
}

/// The free stack: from the end of static RAM to just below the caller's
/// frame (with a margin for the calls that paint and scan it).
#[cfg(target_arch = "arm")]
#[inline(always)]
fn free_stack() -> (usize, usize) {
    extern "C" {
        // End of .bss (and start of the unused heap), from cortex-m-rt's link.x.
        static mut __sheap: u32;
    }
    (
        core::ptr::addr_of_mut!(__sheap) as usize,
        stack_pointer() - 256,
    )
}

#[cfg(target_arch = "arm")]
fn paint(bottom: usize, top: usize) {
    let mut p = bottom;
    while p < top {
        // SAFETY: [bottom, top) lies between the end of static data and the
        // live stack, below every frame in use (the stack grows down, and
        // `top` is 256 bytes below the caller's frame), with no interrupts
        // enabled: no live value is there. `__sheap` is 4-aligned (link.x).
        unsafe { (p as *mut u32).write_volatile(PAINT) };
        p += 4;
    }
}

/// The lowest address in [bottom, top) whose paint was overwritten (`top`
/// if none was).
#[cfg(target_arch = "arm")]
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
#[cfg(target_arch = "arm")]
#[inline(never)]
fn stack_used(f: &mut dyn FnMut()) -> usize {
    let sp = stack_pointer();
    let (bottom, top) = free_stack();
    paint(bottom, top);
    f();
    sp - lowest_touched(bottom, top)
}
