"""The examples run unchanged against real PyTorch and print exactly the same thing.

Each example is written with ``import ember as torch``; the torch run swaps
that one line for ``import torch``.
"""
from __future__ import annotations

import os
import re

import pytest

import ember.backends as eb

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
CPU_BACKENDS = sorted(n for n, b in eb.all_backends().items() if b.available and b.spec.device_type == "cpu")


def test_the_example_backends_are_installed():
    assert {"numpy", "example"} <= set(CPU_BACKENDS), CPU_BACKENDS


@pytest.fixture(scope="module")
def torch_output(tmp_path_factory):
    cache = {}

    def get(script, run_python):
        if script not in cache:
            with open(os.path.join(EXAMPLES, script)) as f:
                src = f.read()
            torch_src, n = re.subn(r"^import ember as torch$", "import torch", src, flags=re.M)
            assert n == 1, f"{script} must import ember exactly as `import ember as torch`"
            path = tmp_path_factory.mktemp("torch") / script
            path.write_text(torch_src)
            r = run_python(None, args=[str(path)])
            assert r.returncode == 0, r.stderr
            cache[script] = r.stdout
        return cache[script]
    return get


@pytest.mark.parametrize("backend", CPU_BACKENDS)
def test_linear_regression_matches_pytorch(backend, run_python, torch_output):
    expected = torch_output("linear_regression.py", run_python)
    r = run_python(None, args=[os.path.join(EXAMPLES, "linear_regression.py")], env={"EMBER_BACKEND": backend})
    assert r.returncode == 0, r.stderr
    got, want = r.stdout.splitlines(), expected.splitlines()
    assert len(want) == 12 and want[0].startswith("Epoch 1: Loss = ")
    assert want[-2].startswith("Trained weight: tensor(")
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"line {i + 1} differs on backend {backend!r}:\n  ember: {g}\n  torch: {w}"
    assert len(got) == len(want)
