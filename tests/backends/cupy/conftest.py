"""Fixtures of the CuPy backend tests: the simulated GPU backend and the real one when it can run."""
from __future__ import annotations

import pytest

GPU_REASON = "needs CuPy and a CUDA GPU"


@pytest.fixture
def simgpu():
    """The ``simgpu`` backend (CuPy's kernel table on a strict NumPy stand-in), registered for one test."""
    from . import simgpu as sim
    with sim.registered() as backend:
        yield backend


def cupy_backend():
    """The available ``cupy`` backend, or None."""
    import ember.backends as eb
    b = eb.all_backends().get("cupy")
    return b if b is not None and b.available else None


@pytest.fixture(params=["simgpu", "cupy"])
def gpu(request):
    """Each GPU backend that can run here: simgpu always, cupy when CuPy sees a CUDA device."""
    if request.param == "cupy":
        b = cupy_backend()
        if b is None:
            pytest.skip(GPU_REASON)
        yield b.ensure_loaded()
    else:
        yield request.getfixturevalue("simgpu")
