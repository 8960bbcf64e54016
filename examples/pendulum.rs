//! Pendulum-v1 (Gym's constants, written here) solved with TD3: a
//! 3-64-64-1 relu/tanh actor trained from the critic's `input_gradient`
//! with respect to the action, and two 4-64-64-1 critics (`loss mse`,
//! `backward_batch`). The actor is saved to
//! `target/pendulum_actor.safetensors`; the last line is the mean return
//! of 100 greedy (noise-free) episodes from random starts (target −200).
//!
//! ```text
//! cargo run --release --example pendulum        # or with a seed: -- 7
//! ```

#[path = "shared/pendulum.rs"]
mod pendulum;

use mlp::rand::rngs::SmallRng;
use mlp::rand::{Rng, RngExt, SeedableRng};
use pendulum::{normal, Actor, Pendulum, Td3, Transition, EPISODE_STEPS};
use std::time::Instant;

/// The return of one greedy episode.
fn greedy_return<R: Rng + ?Sized>(actor: &Actor, rng: &mut R) -> f32 {
    let mut env = Pendulum::new(rng);
    (0..EPISODE_STEPS)
        .map(|_| env.step(Pendulum::MAX_TORQUE * actor.forward(&env.observe())[0]))
        .sum()
}

fn mean_greedy_return<R: Rng + ?Sized>(actor: &Actor, episodes: usize, rng: &mut R) -> f32 {
    (0..episodes)
        .map(|_| greedy_return(actor, rng))
        .sum::<f32>()
        / episodes as f32
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seed = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut eval_rng = SmallRng::seed_from_u64(2);
    let mut agent = Td3::new(&mut rng, 100_000);
    let (mut best, mut best_score) = (agent.actor.clone(), f32::MIN);
    let start = Instant::now();
    let mut steps = 0usize;
    const WARMUP: usize = 1_000;
    for episode in 1..=150 {
        let mut env = Pendulum::new(&mut rng);
        for _ in 0..EPISODE_STEPS {
            let state = env.observe();
            let action = if steps < WARMUP {
                rng.random_range(-1.0..1.0)
            } else {
                (agent.act(&state) + 0.1 * normal(&mut rng)).clamp(-1.0, 1.0)
            };
            let reward = env.step(Pendulum::MAX_TORQUE * action);
            agent.remember(Transition {
                state,
                action,
                reward,
                next: env.observe(),
            });
            steps += 1;
            if steps >= WARMUP {
                agent.update(&mut rng);
            }
        }
        if episode % 5 == 0 && steps > WARMUP {
            let score = mean_greedy_return(&agent.actor, 20, &mut eval_rng);
            println!("episode {episode:3}: greedy return (20 episodes) {score:8.1}");
            if score > best_score {
                (best, best_score) = (agent.actor.clone(), score);
            }
            if score > -150.0 {
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
    mlp::weights::save(&best, "target/pendulum_actor.safetensors")?;
    println!("saved target/pendulum_actor.safetensors");
    let mut test_rng = SmallRng::seed_from_u64(3);
    println!(
        "mean_return = {:.1}",
        mean_greedy_return(&best, 100, &mut test_rng)
    );
    Ok(())
}
