//! Which x86 instruction set the looped kernels run in, chosen once per
//! process at run time, so a default build (x86-64's SSE2 baseline) uses
//! AVX2 or AVX-512 where the CPU has them, as matrixmultiply and faer do.
//!
//! Every level computes the same bits: the elementwise kernels
//! (`multiversion!`) are one plain-Rust body compiled once per level,
//! whose lanes never interact, and `linalg`'s sums keep `dot`'s order at
//! every width (no fused multiply-add, which would round once instead of
//! twice). So the level changes speed, never results, and a board and the
//! host still agree bit for bit.
//!
//! Detection needs `std` (`is_x86_feature_detected!`: the `cpuid`
//! instruction, no allocation or system call); without it the level is
//! what the build enables. [`force`] lowers it (never above what the CPU
//! has), for tests and benchmarks that compare levels
//! (`cargo bench --bench perf -- simd=sse2`).

/// An instruction-set level, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    /// x86-64's baseline (and every non-x86 target).
    Sse2 = 1,
    /// AVX and AVX2: 8 `f32` lanes.
    Avx2 = 2,
    /// AVX-512F: 16 `f32` lanes.
    Avx512 = 3,
}

#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
mod detect {
    use super::Level;
    use core::sync::atomic::{AtomicU8, Ordering};

    /// The level in force; 0 until the first call detects it.
    static LEVEL: AtomicU8 = AtomicU8::new(0);

    /// The level the kernels use: detected on the first call, then one
    /// relaxed load.
    #[inline]
    pub fn level() -> Level {
        match LEVEL.load(Ordering::Relaxed) {
            1 => Level::Sse2,
            2 => Level::Avx2,
            3 => Level::Avx512,
            _ => match detect() {
                3 => Level::Avx512,
                2 => Level::Avx2,
                _ => Level::Sse2,
            },
        }
    }

    /// The first call's detection, stored. `extern "C"`, so that callers
    /// see a function that cannot unwind (an unwind out of it would abort;
    /// `cpuid` cannot panic): without LTO the compiler cannot look into
    /// std's detection, and every hot-path method calls this, so a
    /// link-time no-panic check (`nopanic/`) would otherwise count it as a
    /// panic path of every one of them.
    #[cold]
    #[inline(never)]
    extern "C" fn detect() -> u8 {
        let level = supported() as u8;
        LEVEL.store(level, Ordering::Relaxed);
        level
    }

    /// Uses `want`, or the best the CPU has if that is lower; returns the
    /// level now in force.
    pub fn force(want: Level) -> Level {
        let level = want.min(supported());
        LEVEL.store(level as u8, Ordering::Relaxed);
        level
    }

    /// The best level this CPU runs.
    pub fn supported() -> Level {
        #[cfg(feature = "std")]
        {
            if std::is_x86_feature_detected!("avx512f") {
                Level::Avx512
            } else if std::is_x86_feature_detected!("avx2") {
                Level::Avx2
            } else {
                Level::Sse2
            }
        }
        #[cfg(not(feature = "std"))]
        {
            if cfg!(target_feature = "avx512f") {
                Level::Avx512
            } else if cfg!(target_feature = "avx2") {
                Level::Avx2
            } else {
                Level::Sse2
            }
        }
    }
}

/// A value starting on a cache line (64 bytes): the batch kernels and
/// [`Activation::batch`](crate::activation::Activation::batch) return
/// their arrays in one, so the vector loads of its rows never straddle two
/// lines wherever the caller's stack frame puts it. Loads that do cost
/// twice (784-128-10 `backward_batch::<32>`, AVX-512: 7.3-7.7 µs per sample
/// with every batch array aligned against 8.4-9.5 µs as the stack placed
/// them; BENCHMARKS.md, "Alignment"). It dereferences to the value, so
/// it passes wherever a reference to one is taken.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
pub struct Aligned<A>(pub A);

impl<A> core::ops::Deref for Aligned<A> {
    type Target = A;
    #[inline(always)]
    fn deref(&self) -> &A {
        &self.0
    }
}

impl<A> core::ops::DerefMut for Aligned<A> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut A {
        &mut self.0
    }
}

#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
pub use detect::{force, level, supported};

/// Elsewhere there is one level.
#[cfg(not(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
)))]
pub fn level() -> Level {
    Level::Sse2
}

/// Elsewhere there is one level.
#[cfg(not(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
)))]
pub fn supported() -> Level {
    Level::Sse2
}

/// Elsewhere there is one level.
#[cfg(not(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
)))]
pub fn force(_: Level) -> Level {
    Level::Sse2
}

/// `fn name[T: Scalar, const N: usize](args) -> R => kernel;` defines
/// `name<T: Scalar, const N: usize>`, which calls the `#[inline(always)]`
/// function `kernel` compiled for the level in force: the same plain
/// Rust, vectorised by the compiler at 4, 8 or 16 lanes. Only for kernels
/// whose lanes are independent (no sum across them), so every level
/// computes the same bits.
macro_rules! multiversion {
    // `=> kernel, up to avx2`: the AVX2 copy also where AVX-512 is there
    // (measured faster for a per-sample kernel on the Intel Xeon of
    // 2026-12-05; BENCHMARKS.md, "Run-time dispatch").
    ($(#[$doc:meta])* $vis:vis fn $name:ident[$($gen:tt)*]($($a:ident: $t:ty),* $(,)?) $(-> $ret:ty)? => $kernel:ident, up to avx2;) => {
        $(#[$doc])*
        #[inline]
        $vis fn $name<$($gen)*>($($a: $t),*) $(-> $ret)? {
            #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
            {
                #[target_feature(enable = "avx,avx2")]
                fn avx2<$($gen)*>($($a: $t),*) $(-> $ret)? {
                    $kernel($($a),*)
                }
                if $crate::simd::level() >= $crate::simd::Level::Avx2 {
                    // SAFETY: `level()` reports AVX2 or above only where
                    // the CPU has AVX2.
                    return unsafe { avx2($($a),*) };
                }
            }
            $kernel($($a),*)
        }
    };
    ($(#[$doc:meta])* $vis:vis fn $name:ident[$($gen:tt)*]($($a:ident: $t:ty),* $(,)?) $(-> $ret:ty)? => $kernel:ident;) => {
        $crate::simd::multiversion! {
            $(#[$doc])* $vis fn $name[$($gen)*]($($a: $t),*) $(-> $ret)? => |_level| $kernel;
        }
    };
    // `=> |level| kernel`: the kernel also takes the level as its first
    // argument, a constant in each compiled copy (for tile sizes).
    ($(#[$doc:meta])* $vis:vis fn $name:ident[$($gen:tt)*]($($a:ident: $t:ty),* $(,)?) $(-> $ret:ty)? => |$level:ident| $kernel:ident;) => {
        $(#[$doc])*
        #[inline]
        $vis fn $name<$($gen)*>($($a: $t),*) $(-> $ret)? {
            #[allow(unused_imports)]
            use $crate::simd::Level;
            #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
            {
                #[target_feature(enable = "avx512f")]
                fn avx512<$($gen)*>($($a: $t),*) $(-> $ret)? {
                    $crate::simd::multiversion!(@call $level, $kernel, Level::Avx512, $($a),*)
                }
                #[target_feature(enable = "avx,avx2")]
                fn avx2<$($gen)*>($($a: $t),*) $(-> $ret)? {
                    $crate::simd::multiversion!(@call $level, $kernel, Level::Avx2, $($a),*)
                }
                match $crate::simd::level() {
                    // SAFETY: `level()` reports only levels this CPU
                    // supports (detected, or capped at what it detects).
                    Level::Avx512 => return unsafe { avx512($($a),*) },
                    // SAFETY: as above.
                    Level::Avx2 => return unsafe { avx2($($a),*) },
                    Level::Sse2 => {}
                }
            }
            $crate::simd::multiversion!(@call $level, $kernel, Level::Sse2, $($a),*)
        }
    };
    (@call _level, $kernel:ident, $l:expr, $($a:ident),*) => { $kernel($($a),*) };
    (@call $level:ident, $kernel:ident, $l:expr, $($a:ident),*) => { $kernel($l, $($a),*) };
}
pub(crate) use multiversion;

/// `check` at every kernel level this CPU runs, forced through the dispatch
/// (levels it lacks are skipped with a message), then the best level again.
#[cfg(test)]
pub(crate) fn at_every_level(check: impl Fn()) {
    let best = supported();
    for level in [Level::Sse2, Level::Avx2, Level::Avx512] {
        if level > best {
            std::eprintln!("skipped: this CPU does not run {level:?}");
            continue;
        }
        assert_eq!(force(level), level);
        check();
    }
    force(best);
}
