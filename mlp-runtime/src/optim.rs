//! Optimisers. Each keeps its state in values of the network's own type (a
//! velocity, moment estimates, step sizes), so a step allocates nothing and
//! works for any generated network through [`Params`].
//!
//! `step(net, grad)` applies one update from `grad`, the gradient of the
//! loss to minimise (for a mini-batch, the mean over its samples, as
//! [`crate::train::batch_gradient`] computes it). Steps touch only the
//! parameters [`Params::trainable`] yields: the layers of a declaration
//! marked `frozen` stay bit for bit as they are, weight decay included.

use crate::simd::multiversion;
use crate::{Params, Scalar};

/// One update rule.
pub trait Optimizer<N: Params> {
    /// Updates `net` from the gradient `grad`.
    fn step(&mut self, net: &mut N, grad: &N);

    /// The learning rate, for optimisers that have one (`None` for Rprop).
    fn learning_rate(&self) -> Option<N::Scalar> {
        None
    }

    /// Sets the learning rate (a [`Schedule`] does, each epoch); ignored by
    /// optimisers without one.
    fn set_learning_rate(&mut self, lr: N::Scalar) {
        let _ = lr;
    }
}

/// A learning-rate schedule: the rate for each epoch, from a base rate.
/// Epochs count from 0 (the first); [`crate::train::Fit::schedule`] applies
/// it before each epoch, and by hand it is
///
/// ```
/// use mlp::optim::{Optimizer, Schedule, Sgd};
/// # mlp::network! { struct Net<input 1, dense 1 linear, loss mse>; }
/// let mut sgd = Sgd::<Net>::new(0.1);
/// let schedule = Schedule::step(10, 0.5);
/// for epoch in 0..30 {
///     sgd.set_learning_rate(schedule.rate(0.1, epoch) as f32);
///     // ... the epoch's steps ...
/// }
/// assert_eq!(schedule.rate(0.1, 25), 0.025);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schedule {
    /// η = base.
    Constant,
    /// η = base · γ^⌊epoch / every⌋ (PyTorch's `StepLR`).
    Step {
        /// Epochs between decays.
        every: usize,
        /// Factor per decay.
        gamma: f64,
    },
    /// η = base · γ^epoch (PyTorch's `ExponentialLR`).
    Exponential {
        /// Factor per epoch.
        gamma: f64,
    },
    /// Linear warm-up over `warmup` epochs, η = base·(epoch + 1)/warmup,
    /// then cosine annealing from base to `min` over the remaining
    /// `epochs − warmup` epochs, η = min + (base − min)(1 + cos(π t/T))/2
    /// with t = epoch − warmup, T = epochs − warmup; `min` after that.
    Cosine {
        /// Epoch at which the rate reaches `min`, warm-up included.
        epochs: usize,
        /// The final rate.
        min: f64,
        /// Epochs of linear warm-up (0 for none).
        warmup: usize,
    },
}

impl Schedule {
    /// Decay by `gamma` every `every` epochs.
    #[must_use]
    pub fn step(every: usize, gamma: f64) -> Self {
        Schedule::Step { every, gamma }
    }
    /// Decay by `gamma` every epoch.
    #[must_use]
    pub fn exponential(gamma: f64) -> Self {
        Schedule::Exponential { gamma }
    }
    /// Cosine annealing to 0 at epoch `epochs`, no warm-up.
    #[must_use]
    pub fn cosine(epochs: usize) -> Self {
        Schedule::Cosine {
            epochs,
            min: 0.0,
            warmup: 0,
        }
    }
    /// The same schedule with a final rate of `min` (cosine only).
    #[must_use]
    pub fn min(self, min: f64) -> Self {
        match self {
            Schedule::Cosine { epochs, warmup, .. } => Schedule::Cosine {
                epochs,
                min,
                warmup,
            },
            other => other,
        }
    }
    /// The same schedule after `epochs` of linear warm-up (cosine only).
    #[must_use]
    pub fn warmup(self, epochs: usize) -> Self {
        match self {
            Schedule::Cosine {
                epochs: total, min, ..
            } => Schedule::Cosine {
                epochs: total,
                min,
                warmup: epochs,
            },
            other => other,
        }
    }

    /// The learning rate at `epoch` (from 0) for base rate `base`.
    #[must_use]
    pub fn rate(&self, base: f64, epoch: usize) -> f64 {
        match *self {
            Schedule::Constant => base,
            Schedule::Step { every, gamma } => base * powi(gamma, epoch / every.max(1)),
            Schedule::Exponential { gamma } => base * powi(gamma, epoch),
            Schedule::Cosine {
                epochs,
                min,
                warmup,
            } => {
                if epoch < warmup {
                    return base * (epoch + 1) as f64 / warmup as f64;
                }
                let span = epochs.saturating_sub(warmup).max(1) as f64;
                let t = (epoch - warmup) as f64;
                let t = if t > span { span } else { t };
                min + (base - min) * (1.0 + libm::cos(core::f64::consts::PI * t / span)) / 2.0
            }
        }
    }
}

/// x^n by squaring (`f64::powi` needs std).
fn powi(mut x: f64, mut n: usize) -> f64 {
    let mut r = 1.0;
    while n > 0 {
        if n & 1 == 1 {
            r *= x;
        }
        x *= x;
        n >>= 1;
    }
    r
}

/// Scales `grad` so that its global L2 norm (over every parameter) is at
/// most `max_norm`, as PyTorch's `clip_grad_norm_`; returns the norm before
/// clipping. A gradient within the bound is left bit-identical.
pub fn clip_grad_norm<N: Params>(grad: &mut N, max_norm: N::Scalar) -> N::Scalar {
    let mut sum = N::Scalar::ZERO;
    for &g in grad.params() {
        sum += g * g;
    }
    let norm = sum.sqrt();
    if norm > max_norm {
        let scale = max_norm / norm;
        for g in grad.params_mut() {
            *g *= scale;
        }
    }
    norm
}

/// Stochastic gradient descent, with optional momentum (classical or
/// Nesterov) and L2 weight decay, as PyTorch's `SGD` defines them:
///
/// g ← ∇ + λ·p;  v ← μ·v + g;  p ← p − η·(g + μ·v) (Nesterov) or p − η·v.
/// Without momentum (μ = 0) this is p ← p − η·g.
#[derive(Clone, Debug)]
pub struct Sgd<N: Params> {
    /// Learning rate η.
    pub lr: N::Scalar,
    /// Momentum μ (0 for none).
    pub momentum: N::Scalar,
    /// Nesterov momentum instead of classical.
    pub nesterov: bool,
    /// L2 weight decay λ, added to the gradient (0 for none).
    pub weight_decay: N::Scalar,
    velocity: N,
}

impl<N: Params> Sgd<N> {
    /// Plain SGD with learning rate `lr`.
    #[must_use]
    pub fn new(lr: N::Scalar) -> Self {
        Sgd {
            lr,
            momentum: N::Scalar::ZERO,
            nesterov: false,
            weight_decay: N::Scalar::ZERO,
            velocity: N::zeroed(),
        }
    }
    /// With classical momentum μ.
    #[must_use]
    pub fn momentum(mut self, momentum: N::Scalar) -> Self {
        self.momentum = momentum;
        self
    }
    /// With Nesterov momentum μ.
    #[must_use]
    pub fn nesterov(mut self, momentum: N::Scalar) -> Self {
        self.momentum = momentum;
        self.nesterov = true;
        self
    }
    /// With L2 weight decay λ (added to the gradient, so also seen by momentum).
    #[must_use]
    pub fn weight_decay(mut self, weight_decay: N::Scalar) -> Self {
        self.weight_decay = weight_decay;
        self
    }
}

impl<N: Params> Optimizer<N> for Sgd<N> {
    fn learning_rate(&self) -> Option<N::Scalar> {
        Some(self.lr)
    }
    fn set_learning_rate(&mut self, lr: N::Scalar) {
        self.lr = lr;
    }
    fn step(&mut self, net: &mut N, grad: &N) {
        let (lr, mu, wd) = (self.lr, self.momentum, self.weight_decay);
        // One loop per variant, with nothing decided inside it, so each
        // vectorises (a branch on `mu` or `nesterov` per parameter kept
        // SGD with momentum scalar: 0.45 ns per parameter, see
        // BENCHMARKS.md).
        for r in N::trainable() {
            let v = &mut self.velocity.params_mut()[r.clone()];
            let (p, g) = (&mut net.params_mut()[r.clone()], &grad.params()[r]);
            if mu == N::Scalar::ZERO {
                sgd_update(p, g, lr, wd);
            } else if self.nesterov {
                nesterov_update(p, g, v, [lr, mu, wd]);
            } else {
                momentum_update(p, g, v, [lr, mu, wd]);
            }
        }
    }
}

multiversion! {
    /// p ← p − η·(g + λ·p).
    fn sgd_update[T: Scalar](p: &mut [T], g: &[T], lr: T, wd: T) => sgd_kernel;
}

#[inline(always)]
fn sgd_kernel<T: Scalar>(p: &mut [T], g: &[T], lr: T, wd: T) {
    for (p, &g) in p.iter_mut().zip(g) {
        let g = g + wd * *p;
        *p -= lr * g;
    }
}

multiversion! {
    /// g ← ∇ + λ·p;  v ← μ·v + g;  p ← p − η·v, with `[η, μ, λ]`.
    fn momentum_update[T: Scalar](p: &mut [T], g: &[T], v: &mut [T], k: [T; 3]) => momentum_kernel;
}

#[inline(always)]
fn momentum_kernel<T: Scalar>(p: &mut [T], g: &[T], v: &mut [T], [lr, mu, wd]: [T; 3]) {
    for ((p, &g), v) in p.iter_mut().zip(g).zip(v) {
        let g = g + wd * *p;
        *v = mu * *v + g;
        *p -= lr * *v;
    }
}

multiversion! {
    /// g ← ∇ + λ·p;  v ← μ·v + g;  p ← p − η·(g + μ·v), with `[η, μ, λ]`.
    fn nesterov_update[T: Scalar](p: &mut [T], g: &[T], v: &mut [T], k: [T; 3]) => nesterov_kernel;
}

#[inline(always)]
fn nesterov_kernel<T: Scalar>(p: &mut [T], g: &[T], v: &mut [T], [lr, mu, wd]: [T; 3]) {
    for ((p, &g), v) in p.iter_mut().zip(g).zip(v) {
        let g = g + wd * *p;
        *v = mu * *v + g;
        *p -= lr * (g + mu * *v);
    }
}

/// Adam (Kingma and Ba, 2015), and AdamW (Loshchilov and Hutter, 2019)
/// when `weight_decay` is set: the decay is decoupled from the gradient,
/// p ← p − η·λ·p, before the Adam update
///
/// m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
/// p ← p − η·m̂ / (√v̂ + ε),  m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t).
#[derive(Clone, Debug)]
pub struct Adam<N: Params> {
    /// Learning rate η.
    pub lr: N::Scalar,
    /// Decay of the first moment, β1.
    pub beta1: N::Scalar,
    /// Decay of the second moment, β2.
    pub beta2: N::Scalar,
    /// ε in the denominator.
    pub eps: N::Scalar,
    /// Decoupled weight decay λ (AdamW); 0 for plain Adam.
    pub weight_decay: N::Scalar,
    m: N,
    v: N,
    // β1^t and β2^t, updated each step (no `powi` needed in no_std).
    beta1_t: N::Scalar,
    beta2_t: N::Scalar,
}

impl<N: Params> Adam<N> {
    /// Adam with learning rate `lr` and the usual β1 = 0.9, β2 = 0.999, ε = 1e-8.
    #[must_use]
    pub fn new(lr: N::Scalar) -> Self {
        Adam {
            lr,
            beta1: N::Scalar::from_f64(0.9),
            beta2: N::Scalar::from_f64(0.999),
            eps: N::Scalar::from_f64(1e-8),
            weight_decay: N::Scalar::ZERO,
            m: N::zeroed(),
            v: N::zeroed(),
            beta1_t: N::Scalar::ONE,
            beta2_t: N::Scalar::ONE,
        }
    }
    /// AdamW: Adam with decoupled weight decay λ.
    #[must_use]
    pub fn adamw(lr: N::Scalar, weight_decay: N::Scalar) -> Self {
        Adam {
            weight_decay,
            ..Self::new(lr)
        }
    }
    /// With other moment decays.
    #[must_use]
    pub fn betas(mut self, beta1: N::Scalar, beta2: N::Scalar) -> Self {
        self.beta1 = beta1;
        self.beta2 = beta2;
        self
    }
}

impl<N: Params> Optimizer<N> for Adam<N> {
    fn learning_rate(&self) -> Option<N::Scalar> {
        Some(self.lr)
    }
    fn set_learning_rate(&mut self, lr: N::Scalar) {
        self.lr = lr;
    }
    fn step(&mut self, net: &mut N, grad: &N) {
        let one = N::Scalar::ONE;
        let (b1, b2) = (self.beta1, self.beta2);
        self.beta1_t *= b1;
        self.beta2_t *= b2;
        let (c1, c2) = (one - self.beta1_t, one - self.beta2_t);
        let (eps, decay) = (self.eps, self.lr * self.weight_decay);
        // The bias corrections as per-step factors, so the loop has one
        // division and one square root per parameter (both vectorised).
        let (step, inv_c2) = (self.lr / c1, one / c2);
        let k = AdamStep {
            b1,
            b2,
            eps,
            decay,
            step,
            inv_c2,
        };
        for r in N::trainable() {
            let (m, v) = (
                &mut self.m.params_mut()[r.clone()],
                &mut self.v.params_mut()[r.clone()],
            );
            adam_update(&mut net.params_mut()[r.clone()], &grad.params()[r], m, v, k);
        }
    }
}

/// One Adam step's constants.
#[derive(Clone, Copy)]
struct AdamStep<T> {
    b1: T,
    b2: T,
    eps: T,
    /// η·λ (AdamW), or 0.
    decay: T,
    /// η / (1 − β1^t).
    step: T,
    /// 1 / (1 − β2^t).
    inv_c2: T,
}

multiversion! {
    /// The Adam update of one range of parameters.
    fn adam_update[T: Scalar](p: &mut [T], g: &[T], m: &mut [T], v: &mut [T], k: AdamStep<T>) => adam_kernel;
}

#[inline(always)]
fn adam_kernel<T: Scalar>(p: &mut [T], g: &[T], m: &mut [T], v: &mut [T], k: AdamStep<T>) {
    let one = T::ONE;
    for ((p, &g), (m, v)) in p.iter_mut().zip(g).zip(m.iter_mut().zip(v)) {
        *p -= k.decay * *p;
        *m = k.b1 * *m + (one - k.b1) * g;
        *v = k.b2 * *v + (one - k.b2) * g * g;
        *p -= k.step * *m / ((*v * k.inv_c2).sqrt() + k.eps);
    }
}

/// iRPROP− (Igel and Hüsken, 2000), FANN's default trainer: each parameter
/// has its own step size Δ, grown by η+ while its gradient keeps its sign and
/// shrunk by η− when the sign flips (the gradient is then taken as 0 for one
/// step). Only the sign of the gradient is used, so it needs full-batch
/// gradients; learning rates do not apply.
///
/// same sign: Δ ← min(η+·Δ, Δmax);  flipped: Δ ← max(η−·Δ, Δmin), g ← 0;
/// p ← p − sign(g)·Δ;  remember g.
#[derive(Clone, Debug)]
pub struct Rprop<N: Params> {
    /// Growth factor η+ (FANN: 1.2).
    pub increase: N::Scalar,
    /// Shrink factor η− (FANN: 0.5).
    pub decrease: N::Scalar,
    /// Smallest step Δmin (FANN: 0).
    pub delta_min: N::Scalar,
    /// Largest step Δmax (FANN: 50).
    pub delta_max: N::Scalar,
    delta: N,
    previous: N,
}

impl<N: Params> Rprop<N> {
    /// iRPROP− with FANN's defaults: η+ = 1.2, η− = 0.5, Δ0 = 0.1, Δ in [0, 50].
    #[must_use]
    pub fn new() -> Self {
        Self::with_initial_step(N::Scalar::from_f64(0.1))
    }
    /// iRPROP− with initial step size Δ0.
    #[must_use]
    pub fn with_initial_step(delta0: N::Scalar) -> Self {
        let mut delta = N::zeroed();
        delta.params_mut().fill(delta0);
        Rprop {
            increase: N::Scalar::from_f64(1.2),
            decrease: N::Scalar::from_f64(0.5),
            delta_min: N::Scalar::ZERO,
            delta_max: N::Scalar::from_f64(50.0),
            delta,
            previous: N::zeroed(),
        }
    }
}

impl<N: Params> Default for Rprop<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<N: Params> Optimizer<N> for Rprop<N> {
    fn step(&mut self, net: &mut N, grad: &N) {
        let k = [self.increase, self.decrease, self.delta_min, self.delta_max];
        for r in N::trainable() {
            let delta = &mut self.delta.params_mut()[r.clone()];
            let prev = &mut self.previous.params_mut()[r.clone()];
            let (p, g) = (&mut net.params_mut()[r.clone()], &grad.params()[r]);
            rprop_update(p, g, delta, prev, k);
        }
    }
}

multiversion! {
    /// The iRPROP− update of one range, with `[η+, η−, Δmin, Δmax]`.
    fn rprop_update[T: Scalar](p: &mut [T], g: &[T], delta: &mut [T], prev: &mut [T], k: [T; 4]) => rprop_kernel;
}

/// Every case computed and one chosen, so the loop has no branch on the
/// data (random signs made the branches miss: 7.5 ns per parameter
/// before, see BENCHMARKS.md).
#[inline(always)]
fn rprop_kernel<T: Scalar>(
    p: &mut [T],
    g: &[T],
    delta: &mut [T],
    prev: &mut [T],
    [increase, decrease, delta_min, delta_max]: [T; 4],
) {
    let zero = T::ZERO;
    let state = delta.iter_mut().zip(prev);
    for ((p, &g), (delta, prev)) in p.iter_mut().zip(g).zip(state) {
        let trend = g * *prev;
        let grown = (*delta * increase).min(delta_max);
        let shrunk = (*delta * decrease).max(delta_min);
        let step = select(trend > zero, grown, select(trend < zero, shrunk, *delta));
        let g = select(trend < zero, zero, g);
        *p = select(g > zero, *p - step, select(g < zero, *p + step, *p));
        *delta = step;
        *prev = g;
    }
}

/// `if c { a } else { b }` on values: both are already computed, so this
/// compiles to a blend rather than a jump.
#[inline(always)]
fn select<T: Scalar>(c: bool, a: T, b: T) -> T {
    if c {
        a
    } else {
        b
    }
}
