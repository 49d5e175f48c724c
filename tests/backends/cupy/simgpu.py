"""A simulated GPU backend for CPU tests of the CuPy backend's kernel table.

``simgpu`` is a ``device_type="gpu"``, ``host_memory=False`` backend whose kernels
are ``ember_cupy.kernels.build(STRICT_XP, fused=False)``: exactly the CuPy
backend's table, built on a proxy of NumPy that refuses every name CuPy 14
lacks (``_cupy_missing``), so a shared kernel that reaches for NumPy-only API
fails here on CPU instead of later on the GPU.  The fused CUDA kernels are the
only part of the CuPy table this cannot run.

Use :func:`registered` (a context manager) in tests, or ``-p
tests.backends.cupy.simgpu`` to register it for a whole pytest run (the
conformance suite: ``--ember-backend simgpu``).
"""
from __future__ import annotations

import contextlib
import sys

import numpy as np

import ember
from ember.backends import BackendSpec

from . import _cupy_missing

NAME = "simgpu"


class StrictModule:
    """Attribute access to ``module`` that raises AttributeError for the names in ``missing``."""

    def __init__(self, module, missing, extra=None, submodules=None):
        self._module, self._missing = module, missing
        self._extra, self._sub = extra or {}, submodules or {}

    def __getattr__(self, name):
        if name in self._sub:
            return self._sub[name]
        if name in self._extra:
            return self._extra[name]
        if name in self._missing:
            raise AttributeError(f"CuPy has no {self._module.__name__.replace('numpy', 'cupy')}.{name} "
                                 f"(a shared kernel uses NumPy-only API)")
        return getattr(self._module, name)


STRICT_XP = StrictModule(np, _cupy_missing.TOP, extra={"asnumpy": np.asarray}, submodules={
    "random": StrictModule(np.random, _cupy_missing.RANDOM),
    "linalg": StrictModule(np.linalg, _cupy_missing.LINALG),
    "fft": StrictModule(np.fft, _cupy_missing.FFT),
})


class RandomState32:
    """NumPy's legacy RandomState seeded like CuPy's (64-bit seeds; NumPy takes 32 bits)."""

    def __init__(self):
        self._rs = np.random.RandomState()

    def seed(self, s):
        self._rs.seed([s & 0xFFFFFFFF, s >> 32])

    def __getattr__(self, name):
        return getattr(self._rs, name)


def kernel_table():
    from ember_cupy.kernels import build
    from ember_numpy.creation import KERNELS as host
    table = build(STRICT_XP, fused=False, new_rs=RandomState32)
    # the storage is NumPy arrays: pointer introspection is the host array's (CuPy reads .data.ptr)
    for name in ("data_ptr", "storage_offset", "shares_memory"):
        table[name] = host[name]
    return table


def _dtypes():
    from ember_cupy.creation import DEVICE_DTYPES
    from ember_numpy._dtypes import FROM_NP
    return tuple(sorted(FROM_NP[d].name for d in DEVICE_DTYPES))


@ember.hookimpl
def ember_backend_spec():
    return BackendSpec(name=NAME, device_type="gpu", host_memory=False, priority=-100, dtypes=_dtypes(),
                       description="CPU stand-in for the CuPy backend (tests only)")


@ember.hookimpl
def ember_register_kernels(registry):
    registry.register_many(kernel_table())


def register():
    import ember.backends as eb
    if NAME not in eb.all_backends():
        eb.register_plugin(sys.modules[__name__], NAME)
    return eb.get_backend(NAME)


def unregister():
    from ember.backends._discovery import unregister_backend
    from ember import cuda
    unregister_backend(NAME)
    cuda._API.pop(NAME, None)
    ember.random._defaults.pop(NAME, None)


@contextlib.contextmanager
def registered():
    """simgpu registered for the duration of the block (so it never leaks into other tests)."""
    try:
        yield register()
    finally:
        unregister()


def pytest_configure(config):
    """``-p tests.backends.cupy.simgpu``: register simgpu for the whole run."""
    register()
