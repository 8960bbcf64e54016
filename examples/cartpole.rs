//! CartPole-v1 (Gym's constants, written here) solved with REINFORCE: a
//! 4-32-32-2 tanh policy whose logits get the policy gradient through
//! `backward_with` (no loss is declared: the objective is the example's).
//! Trains until the greedy policy balances the pole for the full 500
//! steps, keeps the best greedy policy, saves it to
//! `target/cartpole_policy.safetensors` and prints, last, the mean return
//! of 100 greedy evaluation episodes (the target is 475).
//!
//! ```text
//! cargo run --release --example cartpole        # or with a seed: -- 7
//! ```

#[path = "shared/cartpole.rs"]
mod cartpole;

use cartpole::{greedy, CartPole, Policy, Reinforce};
use mlp::rand::rngs::SmallRng;
use mlp::rand::{Rng, SeedableRng};
use std::time::Instant;

/// The return of one greedy episode.
fn greedy_return<R: Rng + ?Sized>(policy: &Policy, rng: &mut R) -> f32 {
    let mut env = CartPole::new(rng);
    let mut total = 0.0;
    loop {
        let (reward, done) = env.step(greedy(policy, &env.state));
        total += reward;
        if done {
            return total;
        }
    }
}

fn mean_greedy_return<R: Rng + ?Sized>(policy: &Policy, episodes: usize, rng: &mut R) -> f32 {
    (0..episodes)
        .map(|_| greedy_return(policy, rng))
        .sum::<f32>()
        / episodes as f32
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The training seed: the first argument, or 1.
    let seed = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut eval_rng = SmallRng::seed_from_u64(2);
    let mut agent = Reinforce::new(&mut rng, 0.005);
    let (mut best, mut best_score) = (agent.policy.clone(), f32::MIN);
    let start = Instant::now();
    let mut steps = 0usize;
    for episode in 1..=2000 {
        let mut env = CartPole::new(&mut rng);
        loop {
            let state = env.state;
            let action = agent.act(&state, &mut rng);
            let (reward, done) = env.step(action);
            agent.record(state, action, reward);
            steps += 1;
            if done {
                break;
            }
        }
        agent.update();
        if episode % 10 == 0 {
            // Greedy evaluation on fresh episodes; the best policy so far is
            // the one kept. Stop once it balances 100 of 100 episodes.
            let score = mean_greedy_return(&agent.policy, 100, &mut eval_rng);
            if episode % 50 == 0 || score > best_score {
                println!("episode {episode:4}: greedy return (100 episodes) {score:6.1}");
            }
            if score > best_score {
                (best, best_score) = (agent.policy.clone(), score);
            }
            if score >= 500.0 {
                break;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "trained in {seconds:.2} s, {steps} environment steps ({:.0} steps/s with updates)",
        steps as f64 / seconds
    );
    std::fs::create_dir_all("target")?;
    mlp::weights::save(&best, "target/cartpole_policy.safetensors")?;
    println!("saved target/cartpole_policy.safetensors");
    let mut test_rng = SmallRng::seed_from_u64(3);
    println!(
        "mean_return = {:.1}",
        mean_greedy_return(&best, 100, &mut test_rng)
    );
    Ok(())
}
