"""The PyTorch side of BENCHMARKS.md's policy-update comparison (not run in
CI: torch is large). One update of a 4-64-64-2 tanh policy as an RL loop
runs it: forward, backward from a supplied output gradient
(`y.backward(dy)`, the analogue of mlp's `backward_from`), one Adam step;
at batch 1 and 32, on one CPU thread. Prints the median microseconds per
update over repetitions of many updates.

    python3 -m venv /tmp/torch && /tmp/torch/bin/pip install torch
    /tmp/torch/bin/python scripts/torch_policy_update.py
"""
import statistics
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)

policy = torch.nn.Sequential(
    torch.nn.Linear(4, 64), torch.nn.Tanh(),
    torch.nn.Linear(64, 64), torch.nn.Tanh(),
    torch.nn.Linear(64, 2),
)
adam = torch.optim.Adam(policy.parameters(), lr=1e-3)


def median_update_us(batch, calls=2000, reps=7):
    xs = torch.rand(batch, 4) * 2 - 1
    dys = torch.rand(batch, 2) * 2 - 1
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        for _ in range(calls):
            adam.zero_grad(set_to_none=False)
            y = policy(xs)
            y.backward(dys)
            adam.step()
        times.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(times)


print(f"torch {torch.__version__}, 1 thread")
for batch in (1, 32):
    print(f"batch {batch}: {median_update_us(batch, calls=2000 if batch == 1 else 1000):.1f} us per update")
