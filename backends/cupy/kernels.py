"""The CuPy backend's kernel table: the NumPy backend's ``kernels(xp)`` families plus CuPy overrides.

``build(xp)`` is written against the array module only, so the same table runs on
``cupy`` on a GPU and, for CPU tests, on a NumPy-backed stand-in (``fused=False``,
since fused kernels are CUDA source).  No NumPy kernel is copied here: every op
the NumPy backend implements comes from its family module called with ``xp``.
"""
from __future__ import annotations

import importlib

from ember_numpy.kernels import FAMILIES

from . import creation, random


def shared(xp) -> dict:
    """op -> kernel from every NumPy family module instantiated on ``xp``."""
    out = {}
    for fam in FAMILIES:
        mod = importlib.import_module(f"ember_numpy.{fam}")
        out.update(mod.kernels(xp))
    return out


def build(xp, fused: bool = True, new_rs=None) -> dict:
    """The full op -> kernel table on array module ``xp``.

    new_rs: ``() -> RandomState-like`` drawing the random numbers (default: a
            cuRAND Philox ``cupy.random.RandomState``).
    fused:  add the fused CUDA kernels of :mod:`ember_cupy.fused` (CuPy only).
    """
    table = shared(xp)
    table.update(creation.kernels(xp, table))
    table.update(random.kernels(xp, new_rs or random.philox_state))
    if fused:
        from . import fused as fused_mod
        table.update(fused_mod.kernels(xp, table))
    return table
