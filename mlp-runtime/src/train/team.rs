//! The threads of one threaded [`Fit`](crate::train::Fit) run: spawned once
//! when the run starts, then handed each batch's work through one barrier,
//! so a step allocates nothing and spawns nothing.
//!
//! A step has two phases, each ended by every thread at the barrier:
//!
//! 1. each thread sums the gradients of its block of chunks (a chunk is
//!    [`CHUNK`] samples of the batch, its gradient buffer and loss its own);
//! 2. each thread adds up the chunks, in chunk order, for its share of the
//!    parameters.
//!
//! Which thread computed a chunk or a parameter changes no arithmetic, so
//! the gradient is bit-identical for every number of threads and equal to
//! the one-thread path in `fit.rs`, which calls the same [`chunk_sum`] and
//! [`combine`].
//!
//! The workers read the network from a copy made at the start of each step
//! (`snapshot`): the run's own `&mut N` stays with the calling thread, which
//! steps the optimiser between batches. No `unsafe`: the shared state is
//! behind `RwLock`s and `Mutex`es that the barrier keeps uncontended.

use super::chunks::{chunk_factor, chunk_sum, combine, mean_scale, Gather, CHUNK};
use super::data::Data;
use super::rendezvous::{unpoisoned, Rendezvous};
use crate::{Scalar, Trainable};
use alloc::boxed::Box;
use alloc::vec::Vec;
use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, RwLock};

/// A panic caught on a worker, to be raised again on the calling thread.
type Payload = Box<dyn Any + Send + 'static>;

/// What the threads of one run share.
pub(crate) struct Team<'d, N, const IN: usize, const OUT: usize>
where
    N: Trainable<IN, OUT>,
{
    data: Data<'d, N::Scalar, IN, OUT>,
    threads: usize,
    /// The network as it is at the start of the current step.
    snapshot: RwLock<Box<N>>,
    /// The current step's sample indices (capacity: one batch).
    batch: RwLock<Vec<usize>>,
    /// Per chunk: its gradient sum.
    chunks: Vec<RwLock<Box<N>>>,
    /// Per chunk: its loss sum.
    losses: Mutex<Vec<N::Scalar>>,
    /// Per thread: where it gathers a chunk's samples.
    gathers: Vec<Mutex<Gather<N::Scalar, IN, OUT>>>,
    /// Per worker (thread 1 onwards): its share of the mean gradient.
    shares: Vec<Mutex<Vec<N::Scalar>>>,
    sync: Rendezvous,
    stop: AtomicBool,
    /// The first panic of a worker, if any.
    panic: Mutex<Option<Payload>>,
}

impl<'d, N, const IN: usize, const OUT: usize> Team<'d, N, IN, OUT>
where
    N: Trainable<IN, OUT>,
{
    /// Buffers for batches of at most `batch` samples on `threads` threads
    /// (the calling one included): `batch.div_ceil(CHUNK)` gradient
    /// buffers, one network copy, one share of the parameters per worker.
    pub(crate) fn new(data: Data<'d, N::Scalar, IN, OUT>, batch: usize, threads: usize) -> Self {
        let n_chunks = batch.div_ceil(CHUNK);
        let share = N::PARAMS.div_ceil(threads);
        Team {
            data,
            threads,
            snapshot: RwLock::new(crate::boxed::zeroed()),
            batch: RwLock::new(Vec::with_capacity(batch)),
            chunks: (0..n_chunks)
                .map(|_| RwLock::new(crate::boxed::zeroed()))
                .collect(),
            losses: Mutex::new(alloc::vec![N::Scalar::ZERO; n_chunks]),
            gathers: (0..threads).map(|_| Mutex::new(Gather::new())).collect(),
            shares: (1..threads)
                .map(|_| Mutex::new(alloc::vec![N::Scalar::ZERO; share]))
                .collect(),
            sync: Rendezvous::new(threads),
            stop: AtomicBool::new(false),
            panic: Mutex::new(None),
        }
    }

    /// Runs `train` on the calling thread with the workers spawned in a
    /// scope around it; `train` computes each batch's gradient with
    /// [`Team::gradient`]. However `train` ends (a value, an early return,
    /// a panic), the workers are released and joined.
    pub(crate) fn run<R>(&self, train: impl FnOnce(&Self) -> R) -> R {
        std::thread::scope(|s| {
            for t in 1..self.threads {
                // The main thread's 8 MB rather than the 2 MB default:
                // `backward_batch` keeps a chunk's activations on the stack.
                std::thread::Builder::new()
                    .stack_size(8 << 20)
                    .spawn_scoped(s, move || self.work(t))
                    .expect("Fit::threads: the system refused a thread");
            }
            let _release = Release(self);
            train(self)
        })
    }

    /// A worker's loop: one pass per step, until told to stop. Its three
    /// waits match the calling thread's in [`Team::gradient`] (step handed
    /// over, chunks summed, shares combined); `stop` is read only after the
    /// first, where the calling thread sets it before waiting (read after
    /// another wait, it could already be set for the wait to come).
    fn work(&self, t: usize) {
        loop {
            self.sync.wait();
            if self.stop.load(Ordering::Acquire) {
                return;
            }
            self.caught(|| self.sum_chunks(t));
            self.sync.wait();
            self.caught(|| self.combine_share(t));
            self.sync.wait();
        }
    }

    /// Runs `f`, keeping a panic for the calling thread to raise.
    fn caught(&self, f: impl FnOnce()) {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
            unpoisoned(self.panic.lock()).get_or_insert(payload);
        }
    }

    /// The chunks thread `t` sums: a contiguous block, in chunk order.
    fn block(&self, t: usize, used: usize) -> core::ops::Range<usize> {
        let per = used.div_ceil(self.threads);
        (t * per).min(used)..((t + 1) * per).min(used)
    }

    /// The parameters thread `t` combines.
    fn share(&self, t: usize) -> core::ops::Range<usize> {
        let per = N::PARAMS.div_ceil(self.threads);
        (t * per).min(N::PARAMS)..((t + 1) * per).min(N::PARAMS)
    }

    /// Phase 1: the gradient and loss sums of thread `t`'s chunks.
    fn sum_chunks(&self, t: usize) {
        let batch = unpoisoned(self.batch.read());
        let net = unpoisoned(self.snapshot.read());
        let mut gather = unpoisoned(self.gathers[t].lock());
        let block = self.block(t, batch.len().div_ceil(CHUNK));
        for c in block {
            let part = &batch[c * CHUNK..((c + 1) * CHUNK).min(batch.len())];
            let mut buf = unpoisoned(self.chunks[c].write());
            let loss = chunk_sum(&**net, self.data, part, &mut **buf, &mut gather);
            unpoisoned(self.losses.lock())[c] = loss;
        }
    }

    /// Phase 2 on a worker: its share of the mean gradient, into its buffer.
    fn combine_share(&self, t: usize) {
        let mut out = unpoisoned(self.shares[t - 1].lock());
        let range = self.share(t);
        let len = range.len();
        self.combine_into(&mut out[..len], range.start);
    }

    /// The mean gradient of parameters `from..from + out.len()`.
    fn combine_into(&self, out: &mut [N::Scalar], from: usize) {
        let samples = unpoisoned(self.batch.read()).len();
        let chunks = self.chunks[..samples.div_ceil(CHUNK)].iter().enumerate();
        let read = chunks.map(|(c, buf)| {
            let len = (samples - c * CHUNK).min(CHUNK);
            (unpoisoned(buf.read()), chunk_factor(len))
        });
        combine(out, from, read, mean_scale::<N::Scalar>(samples));
    }

    /// The mean gradient of `indices` into `grad` and their mean loss,
    /// computed by all the threads: the calling thread's part of
    /// [`Fit`](crate::train::Fit)'s step.
    pub(crate) fn gradient(&self, net: &N, indices: &[usize], grad: &mut N) -> N::Scalar {
        unpoisoned(self.snapshot.write())
            .params_mut()
            .copy_from_slice(net.params());
        {
            let mut batch = unpoisoned(self.batch.write());
            batch.clear();
            batch.extend_from_slice(indices); // within capacity: no allocation
        }
        self.sync.wait();
        self.caught(|| self.sum_chunks(0));
        self.sync.wait();
        let mine = self.share(0);
        self.caught(|| self.combine_into(&mut grad.params_mut()[mine.clone()], 0));
        self.sync.wait();
        let panic = unpoisoned(self.panic.lock()).take();
        if let Some(payload) = panic {
            resume_unwind(payload);
        }
        for (t, share) in self.shares.iter().enumerate() {
            let range = self.share(t + 1);
            let len = range.len();
            grad.params_mut()[range].copy_from_slice(&unpoisoned(share.lock())[..len]);
        }
        let used = indices.len().div_ceil(CHUNK);
        let loss = unpoisoned(self.losses.lock())[..used]
            .iter()
            .fold(N::Scalar::ZERO, |a, &l| a + l);
        loss * mean_scale::<N::Scalar>(indices.len())
    }
}

/// Tells the workers to stop when the training loop ends however it ends
/// (its value, an early return, a panic): sets `stop` and meets them at the
/// start of the next step, where they read it and return. The calling
/// thread is never left between two of a step's waits: its phases run
/// under `caught`, and a panic they raise is raised again only after the
/// step's last wait.
struct Release<'t, 'd, N: Trainable<IN, OUT>, const IN: usize, const OUT: usize>(
    &'t Team<'d, N, IN, OUT>,
);

impl<N: Trainable<IN, OUT>, const IN: usize, const OUT: usize> Drop
    for Release<'_, '_, N, IN, OUT>
{
    fn drop(&mut self) {
        self.0.stop.store(true, Ordering::Release);
        self.0.sync.wait();
    }
}
