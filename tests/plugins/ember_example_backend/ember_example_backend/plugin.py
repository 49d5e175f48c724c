"""Entry point of the ``example`` backend (group ``ember.backends``, name ``example``).

Everything is inherited from the ``numpy`` backend except ``add``, which this
plugin implements itself as ``x - (-y)``.  ``CALLS["add"]`` counts how often the
override ran.
"""
from __future__ import annotations

import numpy as np

import ember
from ember.backends import BackendSpec

from . import __version__

CALLS = {"add": 0}


def add(x, y):
    """add(x, y) -> out: NumPy arrays or a Python scalar in either position."""
    CALLS["add"] += 1
    ref = x if isinstance(x, np.ndarray) else y
    if ref.dtype == np.bool_:  # bool + bool is logical or, as in PyTorch
        return np.asarray(np.logical_or(x, y))
    x, y = _operand(x, ref.dtype), _operand(y, ref.dtype)
    return np.asarray(np.subtract(x, np.negative(y)))


def _operand(s, dtype):
    """An array operand as is; a Python scalar cast to the tensor's dtype (ints wrap, C-style, as in PyTorch)."""
    if isinstance(s, np.ndarray):
        return s
    if isinstance(s, int) and dtype.kind in "iu":
        return np.array(s, dtype=np.int64).astype(dtype)
    return np.asarray(s, dtype=dtype)


@ember.hookimpl
def ember_backend_spec():
    return BackendSpec(
        name="example",
        version=__version__,
        device_type="cpu",
        host_memory=True,
        inherits="numpy",
        priority=0,
        description="example out-of-tree backend: NumPy kernels, its own add",
    )


@ember.hookimpl
def ember_register_kernels(registry):
    registry.register("add", add)
