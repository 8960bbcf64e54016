//! A batch in chunks of [`CHUNK`] samples: each chunk's gradient summed in
//! its own buffer, then the chunks added in chunk order, so the result is
//! the same for any number of threads.

use super::data::Data;
use crate::{Params, Scalar, Trainable};
use alloc::boxed::Box;
use alloc::vec::Vec;
use rand::{Rng, RngExt};

/// Samples per chunk of a batch in [`Fit`](super::Fit): the unit whose gradient is
/// summed on its own (a whole chunk with `backward_batch::<CHUNK>`, the
/// rest of a batch sample by sample), so that the sum over a batch does not
/// depend on how many threads computed it. 32 because the batch kernels
/// gain little over per-sample `backward` on fewer samples (BENCHMARKS.md).
pub const CHUNK: usize = 32;
// `chunk_factor` turns `backward_batch`'s mean back into a sum by multiplying
// by CHUNK, exact for a power of two.
const _: () = assert!(CHUNK.is_power_of_two());

/// A chunk's samples gathered into arrays, as `backward_batch` takes them;
/// made once per run and thread.
pub(crate) struct Gather<T, const IN: usize, const OUT: usize> {
    pub(super) xs: Box<[[T; IN]; CHUNK]>,
    pub(super) ds: Box<[[T; OUT]; CHUNK]>,
}

impl<T: Scalar, const IN: usize, const OUT: usize> Gather<T, IN, OUT> {
    /// Zeroed arrays on the heap (a chunk of 784 inputs is 100 KB).
    pub(crate) fn new() -> Self {
        Gather {
            xs: on_heap(alloc::vec![[T::ZERO; IN]; CHUNK]),
            ds: on_heap(alloc::vec![[T::ZERO; OUT]; CHUNK]),
        }
    }
}

/// `CHUNK` rows built on the heap as one array, never on the stack.
pub(super) fn on_heap<R>(rows: Vec<R>) -> Box<[R; CHUNK]> {
    match rows.into_boxed_slice().try_into() {
        Ok(array) => array,
        Err(_) => unreachable!("built with CHUNK rows"),
    }
}

/// The one-thread path's buffers, made once per run: one gradient buffer
/// and loss per chunk of a batch, and one place to gather a chunk.
pub(super) struct Chunks<N: Trainable<IN, OUT>, const IN: usize, const OUT: usize> {
    pub(super) bufs: Vec<Box<N>>,
    pub(super) losses: Vec<N::Scalar>,
    pub(super) gather: Gather<N::Scalar, IN, OUT>,
}

impl<N: Trainable<IN, OUT>, const IN: usize, const OUT: usize> Chunks<N, IN, OUT> {
    pub(super) fn new(n_chunks: usize) -> Self {
        Chunks {
            bufs: (0..n_chunks).map(|_| crate::boxed::zeroed()).collect(),
            losses: alloc::vec![N::Scalar::ZERO; n_chunks],
            gather: Gather::new(),
        }
    }

    /// Like [`batch_gradient`], with the batch cut into chunks of
    /// [`CHUNK`] samples whose gradients and losses are summed separately
    /// and then added in chunk order: the arithmetic of every thread count
    /// (`team.rs` runs the same steps on several threads).
    pub(super) fn gradient(
        &mut self,
        net: &N,
        data: Data<'_, N::Scalar, IN, OUT>,
        indices: &[usize],
        grad: &mut N,
    ) -> N::Scalar {
        let used = indices.len().div_ceil(CHUNK);
        let (bufs, losses) = (&mut self.bufs[..used], &mut self.losses[..used]);
        let parts = indices.chunks(CHUNK);
        for ((buf, loss), part) in bufs.iter_mut().zip(losses.iter_mut()).zip(parts) {
            *loss = chunk_sum(net, data, part, buf, &mut self.gather);
        }
        let scale = mean_scale::<N::Scalar>(indices.len());
        let factors = indices.chunks(CHUNK).map(|p| chunk_factor(p.len()));
        combine(grad.params_mut(), 0, bufs.iter().zip(factors), scale);
        losses.iter().fold(N::Scalar::ZERO, |a, &l| a + l) * scale
    }
}

/// 1 / the number of samples (1 for none): what turns a sum over a batch
/// into its mean.
pub(crate) fn mean_scale<T: Scalar>(samples: usize) -> T {
    T::ONE / T::from_f64(samples.max(1) as f64)
}

/// A chunk's gradient into `buf` (zeroed first) and its loss sum: a whole
/// chunk with `backward_batch` (gathered into `gather`), which leaves the
/// chunk's mean in `buf`, a shorter one (the end of a batch) with
/// per-sample `backward`, which leaves its sum. [`chunk_factor`] turns
/// either into the sum, and [`combine`] applies it as it reads.
pub(crate) fn chunk_sum<N, const IN: usize, const OUT: usize>(
    net: &N,
    data: Data<'_, N::Scalar, IN, OUT>,
    part: &[usize],
    buf: &mut N,
    gather: &mut Gather<N::Scalar, IN, OUT>,
) -> N::Scalar
where
    N: Trainable<IN, OUT>,
{
    buf.set_zero();
    if part.len() < CHUNK {
        return sum_backward(net, data, part, buf);
    }
    for ((x, d), &i) in gather.xs.iter_mut().zip(gather.ds.iter_mut()).zip(part) {
        *x = data.inputs[i];
        *d = data.targets[i];
    }
    let mean_loss = net.backward_batch(&gather.xs, &gather.ds, buf);
    mean_loss * chunk_factor::<N::Scalar>(part.len())
}

/// What turns the buffer [`chunk_sum`] left for a chunk of `len` samples
/// into the chunk's gradient sum: `CHUNK` for a whole chunk (whose buffer
/// holds the sums times 1/`CHUNK`, added into zeros; times `CHUNK`, a
/// power of two, gives them back exactly), 1 for a shorter one.
pub(crate) fn chunk_factor<T: Scalar>(len: usize) -> T {
    if len == CHUNK {
        T::from_f64(CHUNK as f64)
    } else {
        T::ONE
    }
}

/// Parameters `from..from + out.len()` of the mean gradient: each the
/// chunks' sums (a chunk's buffer times its factor, [`chunk_factor`])
/// added in chunk order, then times `scale`. Parameters are independent,
/// so threads may each take a share.
pub(crate) fn combine<N: Params, G: core::ops::Deref<Target = Box<N>>>(
    out: &mut [N::Scalar],
    from: usize,
    chunks: impl Iterator<Item = (G, N::Scalar)>,
    scale: N::Scalar,
) {
    out.fill(N::Scalar::ZERO);
    for (chunk, factor) in chunks {
        for (g, &c) in out.iter_mut().zip(&chunk.params()[from..]) {
            *g += c * factor;
        }
    }
    for g in out.iter_mut() {
        *g *= scale;
    }
}

/// Adds the gradients of the samples `indices` into `grad` with per-sample
/// `backward`, in index order, and returns their summed loss: all of
/// [`batch_gradient`] (any number of samples, no buffers), and the short
/// chunk at the end of a `Fit` batch.
pub(super) fn sum_backward<N, const IN: usize, const OUT: usize>(
    net: &N,
    data: Data<'_, N::Scalar, IN, OUT>,
    indices: &[usize],
    grad: &mut N,
) -> N::Scalar
where
    N: Trainable<IN, OUT>,
{
    let mut loss = N::Scalar::ZERO;
    for &i in indices {
        loss += net.backward(&data.inputs[i], &data.targets[i], grad);
    }
    loss
}

/// Fisher–Yates shuffle with the caller's generator.
pub(crate) fn shuffle<R: Rng + ?Sized>(items: &mut [usize], rng: &mut R) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}
