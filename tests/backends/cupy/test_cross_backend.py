"""Same model, same parameters and inputs on the NumPy backend and a GPU backend: outputs, gradients and
three optimizer steps agree within float32 tolerance.  Runs on simgpu in CI and on cupy with a GPU.

The models are the benchmark ones (``benchmarks/models.py``) at small batch sizes, with dropout off
(the backends draw different random numbers).
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np
import pytest

import ember

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "benchmarks"))
from models import CASES  # noqa: E402

# name -> (input shape, number of classes, loss, optimizer, benchmark case)
SPECS = {
    "mlp": ((4, 784), 10, "cross_entropy", lambda p: ember.optim.SGD(p, lr=0.01, momentum=0.9), "mlp"),
    "cnn": ((2, 1, 28, 28), 10, "nll_loss", lambda p: ember.optim.Adadelta(p, lr=1.0), "cnn"),
    "resnet18": ((2, 3, 16, 16), 10, "cross_entropy", lambda p: ember.optim.SGD(p, lr=0.1, momentum=0.9),
                 "resnet18_train"),
    "lstm": ((2, 6, 128), 1000, "cross_entropy", lambda p: ember.optim.Adam(p, lr=1e-3), "lstm"),
    "transformer": ((2, 8, 256), 10, "cross_entropy", lambda p: ember.optim.Adam(p, lr=1e-4), "transformer"),
}
# max |a - b| / max(1, max |b|): simgpu runs the same arithmetic; a GPU reorders float32 sums
TOLERANCE = {"simgpu": 1e-6, "cupy": 2e-3}


def build(name, device):
    model = CASES[SPECS[name][4]](ember).model
    for m in model.modules():
        if isinstance(m, ember.nn.Dropout):
            m.p = 0.0
        if isinstance(getattr(m, "dropout", None), float):  # attention-weight dropout of MultiheadAttention
            m.dropout = 0.0
    return model.to(device).train()


def run(name, device, x, y):
    """Outputs and gradients of the first step and parameters after 3 steps, as NumPy arrays."""
    shape, classes, loss_name, make_opt, _ = SPECS[name]
    model = build(name, device)
    opt = make_opt(model.parameters())
    loss_fn = getattr(ember.nn.functional, loss_name)
    x, y = ember.tensor(x, device=device), ember.tensor(y, device=device)
    out = grads = None
    for step in range(3):
        opt.zero_grad()
        o = model(x)
        loss_fn(o, y).backward()
        if step == 0:
            out = o.detach().cpu().numpy()
            grads = [p.grad.cpu().numpy() for p in model.parameters()]
        opt.step()
    return out, grads, [p.detach().cpu().numpy() for p in model.parameters()]


def rel_err(a, b):
    return float(np.abs(a.astype(np.float64) - b).max() / max(1.0, float(np.abs(b).max()))) if a.size else 0.0


@pytest.mark.parametrize("name", list(SPECS))
def test_numpy_and_gpu_agree(name, gpu):
    shape, classes = SPECS[name][:2]
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    y = rng.integers(0, classes, shape[0])
    ref = run(name, "numpy", x, y)  # the reference backend itself, whatever the default CPU backend is
    got = run(name, gpu.name, x, y)
    tol = TOLERANCE[gpu.name]
    errs = {"output": rel_err(got[0], ref[0]), "gradient": max(map(rel_err, got[1], ref[1])),
            "parameter": max(map(rel_err, got[2], ref[2]))}
    if os.environ.get("EMBER_CROSS_REPORT"):  # scripts/gpu_check.sh collects the errors for its summary
        with open(os.environ["EMBER_CROSS_REPORT"], "a") as f:
            f.write(json.dumps({"backend": gpu.name, "model": name, **errs}) + "\n")
    assert rel_err(got[0], ref[0]) <= tol, f"{name}: outputs differ by {rel_err(got[0], ref[0]):.2e}"
    for what, a, b in (("gradient", got[1], ref[1]), ("parameter after 3 steps", got[2], ref[2])):
        errs = [rel_err(p, q) for p, q in zip(a, b)]
        assert len(a) == len(b) and max(errs) <= tol, f"{name}: worst {what} differs by {max(errs):.2e}"
