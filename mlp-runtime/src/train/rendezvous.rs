//! The barrier of a threaded `Fit`'s team: polls briefly (yielding the
//! core between looks), then sleeps on a condition variable.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Locks whatever a panicking thread left: the panic itself is raised
/// again on the calling thread, and every buffer is rewritten next step.
pub(super) fn unpoisoned<G>(r: Result<G, PoisonError<G>>) -> G {
    r.unwrap_or_else(PoisonError::into_inner)
}

/// A barrier for the team's threads that polls briefly before it sleeps.
///
/// A step's phases are a few hundred microseconds to milliseconds long and
/// the threads reach each wait within microseconds of each other, but
/// `std::sync::Barrier` puts every early thread to sleep, and waking it
/// costs a system call and the scheduler's latency, which on a busy
/// virtual machine was tens of microseconds per wait. Polling up to
/// [`Rendezvous::POLL`] first, yielding the core between looks, keeps a
/// step's waits short; a thread that waits longer (the calling thread
/// between batches: the optimiser, the callback, the next batch's indices)
/// sleeps as before.
pub(super) struct Rendezvous {
    threads: usize,
    /// Threads arrived at the current wait.
    arrived: AtomicUsize,
    /// Completed waits: a thread leaves when this moves past the value it
    /// saw on arriving.
    generation: AtomicUsize,
    /// Where threads sleep after polling; the last arrival takes the lock
    /// to bump `generation`, so no sleeper misses it.
    sleep: Mutex<()>,
    wake: Condvar,
}

impl Rendezvous {
    /// How long a thread polls before it sleeps.
    const POLL: Duration = Duration::from_micros(200);

    pub(super) fn new(threads: usize) -> Self {
        Rendezvous {
            threads,
            arrived: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
            sleep: Mutex::new(()),
            wake: Condvar::new(),
        }
    }

    /// Returns once all `threads` threads have called `wait` for this
    /// generation.
    pub(super) fn wait(&self) {
        let generation = self.generation.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.threads {
            self.arrived.store(0, Ordering::Relaxed);
            let _guard = unpoisoned(self.sleep.lock());
            self.generation.fetch_add(1, Ordering::Release);
            self.wake.notify_all();
            return;
        }
        let start = Instant::now();
        while self.generation.load(Ordering::Acquire) == generation {
            if start.elapsed() > Self::POLL {
                let mut guard = unpoisoned(self.sleep.lock());
                while self.generation.load(Ordering::Acquire) == generation {
                    guard = unpoisoned(self.wake.wait(guard));
                }
                return;
            }
            // Yielding rather than spinning hard: a thread it waits for may
            // be queued on this very core (fewer cores than threads, or a
            // busy machine), and then spinning would only delay it.
            std::thread::yield_now();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Rendezvous;
    use alloc::vec::Vec;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// No thread leaves a wait before every thread has reached it, whether
    /// the others arrive while it polls or after it has gone to sleep.
    #[test]
    fn nobody_leaves_a_wait_early() {
        const THREADS: usize = 3;
        const ROUNDS: usize = 300;
        let sync = Rendezvous::new(THREADS);
        let arrived: Vec<AtomicUsize> = (0..ROUNDS).map(|_| AtomicUsize::new(0)).collect();
        std::thread::scope(|s| {
            for t in 0..THREADS {
                let (sync, arrived) = (&sync, &arrived);
                s.spawn(move || {
                    for (round, count) in arrived.iter().enumerate() {
                        // Every 50th round one thread is late by more than
                        // the polling, so the others sleep.
                        if round % 50 == t {
                            std::thread::sleep(Rendezvous::POLL + Duration::from_micros(300));
                        }
                        count.fetch_add(1, Ordering::SeqCst);
                        sync.wait();
                        assert_eq!(count.load(Ordering::SeqCst), THREADS, "round {round}");
                    }
                });
            }
        });
    }
}
