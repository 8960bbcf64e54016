"""Weight files as PyTorch users have them, written by the real `safetensors`
package, with forward values computed by numpy: what tests/it/interop.rs loads.

    python make_fixtures.py OUT_DIR

sequential_f32: nn.Sequential(Linear(2, 4), Tanh(), Dropout(), Linear(4, 1),
    Sigmoid()) saved from a wrapper as `model.net.*`: a prefix and a gap
    (indices 0 and 3).
deep_f64: three Linear layers at indices 0, 2 and 10 (10 sorts before 2 as a
    string), float64, ReLU / Tanh / identity.
Each has a companion `*_expected.safetensors` with `inputs` and `outputs`.
"""
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file


def forward(layers, x):
    """layers: [(W (out, in), b (out,), activation)], x: (batch, in)."""
    for w, b, act in layers:
        x = act(x @ w.T + b)
    return x


def sigmoid(h):
    return 1.0 / (1.0 + np.exp(-h))


def relu(h):
    return np.maximum(h, 0.0)


def identity(h):
    return h


def main(out):
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)

    f32 = np.float32
    w0 = rng.uniform(-1.5, 1.5, (4, 2)).astype(f32)
    b0 = rng.uniform(-0.5, 0.5, 4).astype(f32)
    w3 = rng.uniform(-1.5, 1.5, (1, 4)).astype(f32)
    b3 = rng.uniform(-0.5, 0.5, 1).astype(f32)
    save_file(
        {"model.net.0.weight": w0, "model.net.0.bias": b0,
         "model.net.3.weight": w3, "model.net.3.bias": b3},
        str(out / "sequential_f32.safetensors"),
    )
    x = rng.uniform(-2, 2, (16, 2)).astype(f32)
    layers = [(w0.astype(np.float64), b0.astype(np.float64), np.tanh),
              (w3.astype(np.float64), b3.astype(np.float64), sigmoid)]
    y = forward(layers, x.astype(np.float64))
    save_file({"inputs": x, "outputs": y.astype(f32)}, str(out / "sequential_f32_expected.safetensors"))

    shapes = [(5, 3), (4, 5), (2, 4)]
    tensors, layers = {}, []
    for index, (n, m), act in zip([0, 2, 10], shapes, [relu, np.tanh, identity]):
        w = rng.uniform(-1.0, 1.0, (n, m))
        b = rng.uniform(-0.5, 0.5, n)
        tensors[f"{index}.weight"] = w
        tensors[f"{index}.bias"] = b
        layers.append((w, b, act))
    save_file(tensors, str(out / "deep_f64.safetensors"))
    x = rng.uniform(-2, 2, (16, 3))
    save_file({"inputs": x, "outputs": forward(layers, x)}, str(out / "deep_f64_expected.safetensors"))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
