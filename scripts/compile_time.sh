#!/usr/bin/env bash
# Measures how long a crate declaring one network takes to build in release
# (lto, codegen-units 1, as this workspace's release profile), for networks
# from 9 to ~670,000 parameters, unrolled by default rules and forced.
# Dependencies are built once first; each row times only the crate itself
# (touch + rebuild), the cost a user pays per change.
#
#   bash scripts/compile_time.sh            # prints a markdown table
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/compile-time"
mkdir -p "$work"
export CARGO_TARGET_DIR="$work/target"

measure() { # name, attributes, spec
  local dir="$work/$1"
  mkdir -p "$dir/src"
  cat > "$dir/Cargo.toml" <<TOML
[package]
name = "ct-$1"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
mlp = { path = "$root" }

[profile.release]
lto = true
codegen-units = 1

[workspace]
TOML
  cat > "$dir/src/main.rs" <<RS
mlp::network! {
    $2
    pub struct Net<$3>;
}

fn main() {
    let mut rng = <mlp::rand::rngs::SmallRng as mlp::rand::SeedableRng>::seed_from_u64(1);
    let mut net: Box<Net> = mlp::boxed::new(&mut rng);
    let x = [0.5f32; Net::INPUTS];
    let mut d = [0.0f32; Net::OUTPUTS];
    d[0] = 1.0;
    let loss = net.train_step(&x, &d, 0.01);
    println!("{} {}", loss, net.forward(&x)[0]);
}
RS
  (cd "$dir" && cargo build --release -q 2>/dev/null) # dependencies, first time
  touch "$dir/src/main.rs"
  local start end params
  start=$(date +%s.%N)
  (cd "$dir" && cargo build --release -q)
  end=$(date +%s.%N)
  params=$(grep -o 'pub const PARAMS: usize = [0-9]*' -r "$dir" 2>/dev/null | head -1 || true)
  printf '| %s | `%s` %s | %s |\n' "$1" "$3" "$2" "$(echo "$end - $start" | bc | sed 's/^\./0./' | cut -c1-5)"
}

echo "| network | declaration | build seconds |"
echo "|---|---|---:|"
measure xor "" "input 2, dense 2 relu, dense 1 sigmoid, loss bce"
measure iris "" "input 4, dense 16 tanh, dense 3 softmax, loss ce"
measure s1664648 "" "input 16, dense 64 sigmoid, dense 64 sigmoid, dense 8 sigmoid, loss sse"
measure s1664648_unrolled "#[unroll(always)]" "input 16, dense 64 sigmoid, dense 64 sigmoid, dense 8 sigmoid, loss sse"
measure digits "" "input 64, dense 32 tanh, dense 10 softmax, loss ce"
measure digits_unrolled "#[unroll(always)]" "input 64, dense 32 tanh, dense 10 softmax, loss ce"
measure mnist "" "input 784, dense 128 sigmoid, dense 10 softmax, loss ce"
measure mnist_big "" "input 784, dense 512 relu, dense 512 relu, dense 10 softmax, loss ce"
