//! Pendulum-v1 (Gym's constants and reward) and a TD3 agent whose update
//! never allocates: shared by `examples/pendulum.rs` and the no-allocation
//! test. The actor learns from the critic's `input_gradient` with respect
//! to the action (DDPG's deterministic policy gradient).

use mlp::optim::{Adam, Optimizer};
use mlp::rand::{Rng, RngExt};
use mlp::Params;

mlp::network! {
    /// The policy: (cos θ, sin θ, θ̇) in, torque / 2 out.
    pub struct Actor<input 3, dense 64 relu, dense 64 relu, dense 1 tanh>;

    /// Q(s, a): (cos θ, sin θ, θ̇, a) in, the expected return out.
    pub struct Critic<input 4, dense 64 relu, dense 64 relu, dense 1 linear, loss mse>;
}

/// Steps per episode (Pendulum-v1).
pub const EPISODE_STEPS: usize = 200;

/// Gym's Pendulum-v1: g = 10, m = l = 1, dt = 0.05, semi-implicit Euler,
/// speed clipped to ±8, torque to ±2.
pub struct Pendulum {
    pub theta: f32,
    pub theta_dot: f32,
}

impl Pendulum {
    const G: f32 = 10.0;
    const M: f32 = 1.0;
    const L: f32 = 1.0;
    const DT: f32 = 0.05;
    const MAX_SPEED: f32 = 8.0;
    pub const MAX_TORQUE: f32 = 2.0;

    /// θ ~ U(−π, π), θ̇ ~ U(−1, 1).
    pub fn new<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let pi = std::f32::consts::PI;
        Pendulum {
            theta: rng.random_range(-pi..pi),
            theta_dot: rng.random_range(-1.0..1.0),
        }
    }

    /// The observation (cos θ, sin θ, θ̇).
    pub fn observe(&self) -> [f32; 3] {
        [self.theta.cos(), self.theta.sin(), self.theta_dot]
    }

    /// Applies torque `u` (clipped to ±2) for one step; returns the reward
    /// −(θ² + 0.1 θ̇² + 0.001 u²), θ normalised to [−π, π).
    pub fn step(&mut self, u: f32) -> f32 {
        let u = u.clamp(-Self::MAX_TORQUE, Self::MAX_TORQUE);
        let th = normalise(self.theta);
        let reward = -(th * th + 0.1 * self.theta_dot * self.theta_dot + 0.001 * u * u);
        let acc = 3.0 * Self::G / (2.0 * Self::L) * self.theta.sin()
            + 3.0 / (Self::M * Self::L * Self::L) * u;
        self.theta_dot = (self.theta_dot + acc * Self::DT).clamp(-Self::MAX_SPEED, Self::MAX_SPEED);
        self.theta += self.theta_dot * Self::DT;
        reward
    }
}

/// θ in [−π, π).
fn normalise(theta: f32) -> f32 {
    let two_pi = 2.0 * std::f32::consts::PI;
    (theta + std::f32::consts::PI).rem_euclid(two_pi) - std::f32::consts::PI
}

/// A standard normal sample (Box–Muller; rand 0.10 has no normal
/// distribution without rand_distr).
pub fn normal<R: Rng + ?Sized>(rng: &mut R) -> f32 {
    let u1: f32 = rng.random_range(f32::EPSILON..1.0);
    let u2: f32 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f32::consts::PI * u2).cos()
}

/// One stored transition: s, a (the actor's output scale, in [−1, 1]), r, s'.
#[derive(Clone, Copy, Default)]
pub struct Transition {
    pub state: [f32; 3],
    pub action: f32,
    pub reward: f32,
    pub next: [f32; 3],
}

/// Minibatch size of each update.
pub const BATCH: usize = 64;

/// TD3 (Fujimoto et al., 2018): twin critics trained on clipped double-Q
/// targets with target-policy smoothing, and a delayed actor update that
/// follows ∂Q₁/∂a from the critic's `input_gradient`, handed to the
/// actor's `backward_with`. The replay buffer is allocated once, in `new`;
/// `update` allocates nothing.
pub struct Td3 {
    pub actor: Actor,
    actor_target: Actor,
    critics: [Critic; 2],
    critic_targets: [Critic; 2],
    actor_grad: Actor,
    critic_grad: Critic,
    actor_adam: Adam<Actor>,
    critic_adams: [Adam<Critic>; 2],
    buffer: Box<[Transition]>,
    len: usize,
    next: usize,
    updates: usize,
}

impl Td3 {
    pub const GAMMA: f32 = 0.99;
    pub const TAU: f32 = 0.005;
    const POLICY_NOISE: f32 = 0.2;
    const NOISE_CLIP: f32 = 0.5;
    const POLICY_DELAY: usize = 2;

    pub fn new<R: Rng + ?Sized>(rng: &mut R, capacity: usize) -> Self {
        let actor = Actor::new(rng);
        let critics = [Critic::new(rng), Critic::new(rng)];
        Td3 {
            actor_target: actor.clone(),
            actor,
            critic_targets: critics.clone(),
            critics,
            actor_grad: Actor::zeroed(),
            critic_grad: Critic::zeroed(),
            actor_adam: Adam::new(1e-3),
            critic_adams: [Adam::new(1e-3), Adam::new(1e-3)],
            buffer: vec![Transition::default(); capacity].into_boxed_slice(),
            len: 0,
            next: 0,
            updates: 0,
        }
    }

    /// Stores a transition, overwriting the oldest once full.
    pub fn remember(&mut self, t: Transition) {
        self.buffer[self.next] = t;
        self.next = (self.next + 1) % self.buffer.len();
        self.len = (self.len + 1).min(self.buffer.len());
    }

    /// The deterministic action in [−1, 1] (torque = 2 × action).
    pub fn act(&self, state: &[f32; 3]) -> f32 {
        self.actor.forward(state)[0]
    }

    /// One TD3 step on a minibatch drawn from the buffer.
    pub fn update<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        let mut batch = [Transition::default(); BATCH];
        for t in &mut batch {
            *t = self.buffer[rng.random_range(0..self.len)];
        }
        // Critics: mse towards r + γ min(Q₁', Q₂')(s', μ'(s') + clipped noise).
        let mut inputs = [[0.0f32; 4]; BATCH];
        let mut targets = [[0.0f32; 1]; BATCH];
        for ((input, target), t) in inputs.iter_mut().zip(&mut targets).zip(&batch) {
            let noise =
                (Self::POLICY_NOISE * normal(rng)).clamp(-Self::NOISE_CLIP, Self::NOISE_CLIP);
            let a_next = (self.actor_target.forward(&t.next)[0] + noise).clamp(-1.0, 1.0);
            let next = [t.next[0], t.next[1], t.next[2], a_next];
            let q_next = self.critic_targets[0].forward(&next)[0]
                .min(self.critic_targets[1].forward(&next)[0]);
            *input = [t.state[0], t.state[1], t.state[2], t.action];
            *target = [t.reward + Self::GAMMA * q_next];
        }
        for (critic, adam) in self.critics.iter_mut().zip(&mut self.critic_adams) {
            self.critic_grad.set_zero();
            critic.backward_batch(&inputs, &targets, &mut self.critic_grad);
            adam.step(critic, &self.critic_grad);
        }
        self.updates += 1;
        if !self.updates.is_multiple_of(Self::POLICY_DELAY) {
            return;
        }
        // Actor: ascend Q₁(s, μ(s)); ∂Q₁/∂a is the critic's input gradient
        // at the action the actor outputs, fed back through the actor in the
        // same call (`backward_with`: one forward pass of the actor).
        self.actor_grad.set_zero();
        let critic = &self.critics[0];
        for t in &batch {
            self.actor
                .backward_with(&t.state, &mut self.actor_grad, |a| {
                    let input = [t.state[0], t.state[1], t.state[2], a[0]];
                    let dq = critic.input_gradient(&input, &[1.0]);
                    [-dq[3] / BATCH as f32] // minimise −Q, averaged
                });
        }
        self.actor_adam.step(&mut self.actor, &self.actor_grad);
        soft_update(&mut self.actor_target, &self.actor);
        for (target, critic) in self.critic_targets.iter_mut().zip(&self.critics) {
            soft_update(target, critic);
        }
    }
}

/// θ' ← τ θ + (1 − τ) θ'.
fn soft_update<N: Params<Scalar = f32>>(target: &mut N, source: &N) {
    for (t, s) in target.params_mut().iter_mut().zip(source.params()) {
        *t += Td3::TAU * (s - *t);
    }
}
