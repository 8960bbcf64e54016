//! Networks created directly on the heap.
//!
//! A 784-128-10 network is about 400 KB: `Net::new` returns it by value,
//! which is fine on a main thread (8 MB stack) but can overflow a test or
//! worker thread (2 MB by default) once a few copies are live. These
//! functions allocate the zeroed network in place and initialise it there,
//! so it never passes through the stack:
//!
//! ```ignore
//! let net: Box<Mnist> = mlp::boxed::new(&mut rng);
//! let grad: Box<Mnist> = mlp::boxed::zeroed();
//! ```

use crate::Params;
use alloc::alloc::{alloc_zeroed, handle_alloc_error, Layout};
use alloc::boxed::Box;

/// A heap-allocated network with every parameter zero.
///
/// (`Box::new_zeroed` would say this in one line, but it is stable only
/// from Rust 1.92, past this crate's MSRV of 1.89.)
#[must_use]
pub fn zeroed<N: Params>() -> Box<N> {
    let layout = Layout::new::<N>();
    if layout.size() == 0 {
        // No parameters means no bytes: a dangling box is valid for a ZST.
        return Box::new(N::zeroed());
    }
    // SAFETY: `layout` has non-zero size (checked above). By the `Params`
    // contract, `N` consists only of arrays of `f32` or `f64`, for which the
    // all-zero bit pattern is the valid value +0.0, so zeroed memory of
    // `N`'s layout is a valid `N`; the pointer comes from the global
    // allocator with exactly that layout, as `Box::from_raw` requires.
    unsafe {
        let ptr = alloc_zeroed(layout).cast::<N>();
        if ptr.is_null() {
            handle_alloc_error(layout);
        }
        Box::from_raw(ptr)
    }
}

/// A heap-allocated, freshly initialised network (as `N::new(rng)`).
#[must_use]
pub fn new<N: Params, R: rand::Rng + ?Sized>(rng: &mut R) -> Box<N> {
    let mut net = zeroed::<N>();
    net.init(rng);
    net
}
