"""Reads the files tests/it/interop.rs wrote with `mlp::weights::save` and
checks them as PyTorch would see them: tensor names of an nn.Sequential,
shapes (out, in), dtypes, the metadata, and the values, both against the
network's flat parameter list and through a numpy forward pass compared
with the crate's own outputs.

    python check_crate_files.py DIR     (exit status 0: all good)
"""
import sys
from pathlib import Path

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

ACTIVATIONS = {
    "tanh": np.tanh,
    "sigmoid": lambda h: 1.0 / (1.0 + np.exp(-h)),
    "relu": lambda h: np.maximum(h, 0.0),
    "linear": lambda h: h,
}


def check(directory, stem, dtype, tolerance):
    path = directory / f"{stem}.safetensors"
    with safe_open(str(path), framework="numpy") as f:
        meta = f.metadata()
    declaration = meta["mlp"]
    assert meta["mlp.scalar"] == {np.float32: "f32", np.float64: "f64"}[dtype], meta
    layers = [part.split() for part in declaration.split(", ") if part.startswith("dense")]
    tensors = load_file(str(path))
    expected_names = {f"{2 * l}.{kind}" for l in range(len(layers)) for kind in ("weight", "bias")}
    assert set(tensors) == expected_names, sorted(tensors)
    reference = load_file(str(directory / f"{stem}_expected.safetensors"))
    flat, offset = reference["params"], 0
    width = int(declaration.split(", ")[0].split()[1])
    model = []
    for l, (_, units, activation) in enumerate(layers):
        units = int(units)
        w, b = tensors[f"{2 * l}.weight"], tensors[f"{2 * l}.bias"]
        assert w.dtype == dtype and b.dtype == dtype, (w.dtype, b.dtype)
        assert w.shape == (units, width) and b.shape == (units,), (w.shape, b.shape)
        assert np.array_equal(w.ravel(), flat[offset:offset + w.size]), f"layer {l + 1} weights"
        offset += w.size
        assert np.array_equal(b, flat[offset:offset + units]), f"layer {l + 1} biases"
        offset += units
        model.append((w.astype(np.float64), b.astype(np.float64), ACTIVATIONS[activation]))
        width = units
    assert offset == flat.size
    x = reference["inputs"].astype(np.float64)
    for w, b, act in model:
        x = act(x @ w.T + b)
    err = np.max(np.abs(x - reference["outputs"]) / np.maximum(np.abs(x), 1.0))
    assert err <= tolerance, f"{stem}: forward differs by {err}"
    print(f"{stem}: {len(tensors)} tensors, names/shapes/dtype/values ok, forward max rel diff {err:.2e}")


def main(directory):
    check(directory, "crate_f32", np.float32, 1e-5)
    check(directory, "crate_f64", np.float64, 1e-12)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
