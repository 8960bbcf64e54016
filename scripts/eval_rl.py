"""Evaluates the reinforcement-learning examples' saved networks with code
that shares nothing with the crate: numpy reads the safetensors files the
examples wrote (layers and activations from the declaration in their
metadata), and the environments are written again here from Gym's
CartPole-v1 and Pendulum-v1, in float64. Prints the mean return of 100
greedy episodes each and exits non-zero below the targets (475 and -200).

    python3 scripts/eval_rl.py [target/cartpole_policy.safetensors target/pendulum_actor.safetensors]
"""
import json
import math
import struct
import sys

import numpy as np

ACTIVATIONS = {
    "linear": lambda h: h,
    "tanh": np.tanh,
    "relu": lambda h: np.maximum(h, 0.0),
    "sigmoid": lambda h: 1.0 / (1.0 + np.exp(-h)),
}


def load(path):
    """The network in `path` as a list of (W, b, activation)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    body = data[8 + n :]
    meta = header.pop("__metadata__")
    dense = [part.split() for part in meta["mlp"].split(", ") if part.startswith("dense")]
    tensors = {}
    for name, info in header.items():
        dtype = {"F32": np.float32, "F64": np.float64}[info["dtype"]]
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(body[start:end], dtype=dtype).reshape(info["shape"]).astype(np.float64)
    layers = []
    for l, spec in enumerate(dense):
        layers.append((tensors[f"{2 * l}.weight"], tensors[f"{2 * l}.bias"], ACTIVATIONS[spec[2]]))
    return meta["mlp"], layers


def forward(layers, x):
    y = np.asarray(x, dtype=np.float64)
    for w, b, f in layers:
        y = f(w @ y + b)
    return y


def cartpole_episode(layers, rng):
    """Gym's CartPole-v1, float64: the greedy action is the argmax."""
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total_mass, polemass_length = masspole + masscart, masspole * length
    theta_limit = 12 * 2 * math.pi / 360
    x, x_dot, theta, theta_dot = rng.uniform(-0.05, 0.05, size=4)
    for step in range(1, 501):
        action = int(np.argmax(forward(layers, [x, x_dot, theta, theta_dot])))
        force = force_mag if action == 1 else -force_mag
        cos, sin = math.cos(theta), math.sin(theta)
        temp = (force + polemass_length * theta_dot**2 * sin) / total_mass
        thetaacc = (gravity * sin - cos * temp) / (length * (4.0 / 3.0 - masspole * cos**2 / total_mass))
        xacc = temp - polemass_length * thetaacc * cos / total_mass
        x, x_dot = x + tau * x_dot, x_dot + tau * xacc
        theta, theta_dot = theta + tau * theta_dot, theta_dot + tau * thetaacc
        if abs(x) > 2.4 or abs(theta) > theta_limit:
            return step
    return 500


def pendulum_episode(layers, rng):
    """Gym's Pendulum-v1, float64: torque = 2 × the actor's output."""
    g, m, l, dt = 10.0, 1.0, 1.0, 0.05
    th, thdot = rng.uniform(-math.pi, math.pi), rng.uniform(-1.0, 1.0)
    total = 0.0
    for _ in range(200):
        u = float(np.clip(2.0 * forward(layers, [math.cos(th), math.sin(th), thdot])[0], -2.0, 2.0))
        norm = ((th + math.pi) % (2 * math.pi)) - math.pi
        total -= norm**2 + 0.1 * thdot**2 + 0.001 * u**2
        thdot = float(np.clip(thdot + (3 * g / (2 * l) * math.sin(th) + 3.0 / (m * l**2) * u) * dt, -8.0, 8.0))
        th = th + thdot * dt
    return total


def main():
    paths = sys.argv[1:] or ["target/cartpole_policy.safetensors", "target/pendulum_actor.safetensors"]
    rng = np.random.default_rng(12345)
    ok = True
    for path, episode, target in zip(paths, [cartpole_episode, pendulum_episode], [475.0, -200.0]):
        declaration, layers = load(path)
        mean = float(np.mean([episode(layers, rng) for _ in range(100)]))
        verdict = "ok  " if mean >= target else "FAIL"
        ok &= mean >= target
        print(f"{verdict} {path} ({declaration}): mean return over 100 greedy episodes {mean:.1f} (target >= {target:g})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
