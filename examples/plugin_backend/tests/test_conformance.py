"""ember's shared conformance suite, run against this backend (``pytest`` in examples/plugin_backend).

pyproject.toml sets ``ember_backend = "plugin_example"``, so the imported tests below are generated for this
backend only, op x dtype; the expected failures come from ember_plugin_example/conformance_xfail.txt, which
the backend's spec declares.
"""
import ember
import numpy as np
import pytest
from ember.testing.test_conformance import (  # noqa: F401
    test_errors,
    test_forward,
    test_grad,
    test_gradgrad,
)
from ember_plugin_example.kernels import KERNELS


def test_installed_and_overrides_are_native():
    """The entry point is installed and the kernels of this package serve their ops; the rest is inherited."""
    coverage = ember.backends.coverage("plugin_example")
    assert {op for op, kind in coverage.items() if kind == "native"} == set(KERNELS)
    assert coverage["add"] == "inherited"


@pytest.mark.parametrize("op", sorted(KERNELS))
def test_override_runs(op, monkeypatch):
    """Calling the public function on this backend runs this package's kernel, not NumPy's."""
    calls = []
    backend = ember.backends.get_backend("plugin_example")
    kernel = backend.table[op]
    monkeypatch.setitem(backend.table, op, lambda *a: calls.append(op) or kernel(*a))
    x = ember.tensor(np.linspace(-2, 2, 6, dtype=np.float32).reshape(2, 3), device="plugin_example")
    {"matmul": lambda: x @ x.T, "relu": lambda: ember.relu(x), "softmax": lambda: ember.softmax(x, dim=1),
     "sigmoid": lambda: ember.sigmoid(x)}[op]()
    assert calls == [op]
