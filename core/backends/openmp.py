"""``torch.backends.openmp``: whether an installed, usable backend runs OpenMP-parallel kernels.

A backend says so as data, ``BackendSpec(extra={"openmp": True})`` (the C backend is compiled with
``-fopenmp``); ember itself is not "built" with anything.
"""
from __future__ import annotations


def is_available() -> bool:
    from ._discovery import all_backends
    return any(b.available and b.spec.extra.get("openmp") is True for b in all_backends().values())
