//! CartPole-v1 (Gym's constants and termination) and a REINFORCE agent
//! whose update never allocates: shared by `examples/cartpole.rs` and the
//! no-allocation test.

use mlp::optim::{Adam, Optimizer};
use mlp::rand::{Rng, RngExt};
use mlp::Params;

mlp::network! {
    /// CartPole policy: (x, ẋ, θ, θ̇) in, one logit per action (push left,
    /// push right) out; the greedy action is the argmax.
    pub struct Policy<input 4, dense 32 tanh, dense 32 tanh, dense 2 linear>;
}

/// Episodes end after this many steps (CartPole-v1).
pub const MAX_STEPS: usize = 500;

/// Gym's CartPole-v1: explicit Euler, τ = 0.02, force ±10.
pub struct CartPole {
    pub state: [f32; 4],
    pub steps: usize,
}

impl CartPole {
    const GRAVITY: f32 = 9.8;
    const CART_MASS: f32 = 1.0;
    const POLE_MASS: f32 = 0.1;
    const HALF_LENGTH: f32 = 0.5;
    const FORCE: f32 = 10.0;
    const TAU: f32 = 0.02;
    const X_LIMIT: f32 = 2.4;
    const THETA_LIMIT: f32 = 12.0 * 2.0 * std::f32::consts::PI / 360.0;

    /// A new episode: every state variable uniform in (−0.05, 0.05).
    pub fn new<R: Rng + ?Sized>(rng: &mut R) -> Self {
        CartPole {
            state: core::array::from_fn(|_| rng.random_range(-0.05..0.05)),
            steps: 0,
        }
    }

    /// One step with action 0 (push left) or 1 (push right): reward 1, and
    /// whether the episode is over (pole past 12°, cart past 2.4, or 500
    /// steps).
    pub fn step(&mut self, action: usize) -> (f32, bool) {
        let [x, x_dot, theta, theta_dot] = self.state;
        let force = if action == 1 {
            Self::FORCE
        } else {
            -Self::FORCE
        };
        let (sin, cos) = theta.sin_cos();
        let total_mass = Self::CART_MASS + Self::POLE_MASS;
        let pole_mass_length = Self::POLE_MASS * Self::HALF_LENGTH;
        let temp = (force + pole_mass_length * theta_dot * theta_dot * sin) / total_mass;
        let theta_acc = (Self::GRAVITY * sin - cos * temp)
            / (Self::HALF_LENGTH * (4.0 / 3.0 - Self::POLE_MASS * cos * cos / total_mass));
        let x_acc = temp - pole_mass_length * theta_acc * cos / total_mass;
        self.state = [
            x + Self::TAU * x_dot,
            x_dot + Self::TAU * x_acc,
            theta + Self::TAU * theta_dot,
            theta_dot + Self::TAU * theta_acc,
        ];
        self.steps += 1;
        let fallen = self.state[0].abs() > Self::X_LIMIT || self.state[2].abs() > Self::THETA_LIMIT;
        (1.0, fallen || self.steps >= MAX_STEPS)
    }
}

/// π(·|s): the softmax of the logits.
pub fn probabilities(logits: [f32; 2]) -> [f32; 2] {
    let m = logits[0].max(logits[1]);
    let e = logits.map(|l| (l - m).exp());
    let s = e[0] + e[1];
    [e[0] / s, e[1] / s]
}

/// The greedy action: argmax of the logits.
pub fn greedy(policy: &Policy, state: &[f32; 4]) -> usize {
    let y = policy.forward(state);
    usize::from(y[1] > y[0])
}

/// REINFORCE with a normalised-return baseline: one episode's rollout in
/// fixed arrays, then one Adam step on −Σₜ Gₜ log π(aₜ|sₜ), its gradient
/// fed to the policy through `backward_with` (dy = ∂J/∂logits, computed
/// from the logits of the same forward pass).
pub struct Reinforce {
    pub policy: Policy,
    grad: Policy,
    adam: Adam<Policy>,
    states: [[f32; 4]; MAX_STEPS],
    actions: [usize; MAX_STEPS],
    returns: [f32; MAX_STEPS],
    len: usize,
}

impl Reinforce {
    pub const GAMMA: f32 = 0.99;

    pub fn new<R: Rng + ?Sized>(rng: &mut R, learning_rate: f32) -> Self {
        Reinforce {
            policy: Policy::new(rng),
            grad: Policy::zeroed(),
            adam: Adam::new(learning_rate),
            states: [[0.0; 4]; MAX_STEPS],
            actions: [0; MAX_STEPS],
            returns: [0.0; MAX_STEPS],
            len: 0,
        }
    }

    /// Samples an action from π(·|s).
    pub fn act<R: Rng + ?Sized>(&self, state: &[f32; 4], rng: &mut R) -> usize {
        let p = probabilities(self.policy.forward(state));
        usize::from(rng.random::<f32>() >= p[0])
    }

    /// Records one step of the current episode (rewards are kept in
    /// `returns` until `update` turns them into returns).
    pub fn record(&mut self, state: [f32; 4], action: usize, reward: f32) {
        if self.len < MAX_STEPS {
            self.states[self.len] = state;
            self.actions[self.len] = action;
            self.returns[self.len] = reward;
            self.len += 1;
        }
    }

    /// One policy-gradient step on the recorded episode, then a new rollout.
    pub fn update(&mut self) {
        let n = self.len;
        if n == 0 {
            return;
        }
        // Discounted returns, in place, then normalised (the baseline).
        let mut g = 0.0;
        for r in self.returns[..n].iter_mut().rev() {
            g = *r + Self::GAMMA * g;
            *r = g;
        }
        let mean = self.returns[..n].iter().sum::<f32>() / n as f32;
        let var = self.returns[..n]
            .iter()
            .map(|r| (r - mean) * (r - mean))
            .sum::<f32>()
            / n as f32;
        let scale = 1.0 / (var.sqrt() + 1e-6);
        self.grad.set_zero();
        for t in 0..n {
            let advantage = (self.returns[t] - mean) * scale;
            let action = self.actions[t];
            // ∂(−A log π(a|s))/∂logits = A (π − onehot(a)), averaged over
            // the episode, from the logits of the same forward pass.
            self.policy
                .backward_with(&self.states[t], &mut self.grad, |logits| {
                    let p = probabilities(*logits);
                    core::array::from_fn(|k| {
                        let onehot = if k == action { 1.0 } else { 0.0 };
                        advantage * (p[k] - onehot) / n as f32
                    })
                });
        }
        self.adam.step(&mut self.policy, &self.grad);
        self.len = 0;
    }
}
