"""Collects the native kernels from the family modules (file names mirror ember/ops/).

Each family module ``backends/c_ext/<family>.py`` defines ``kernels(lib, ffi) -> dict``; families
whose module does not exist yet are skipped, and every op they do not cover is inherited from the
NumPy backend.
"""
from __future__ import annotations

import importlib

FAMILIES = ("creation", "elementwise", "math", "activation", "reduce", "loss",
            "conv", "pool", "norm", "embedding", "rnn", "optim")
# Capability data for the coverage matrix: the dtypes each family's kernels run in C; other dtypes are handed
# to the NumPy backend's kernel inside the same call (``ember backends --matrix`` shows them as inherited).
NATIVE_DTYPES = {"rnn": ("float32",), "creation": None}
FLOAT_DTYPES = ("float32", "float64")


def all_kernels() -> dict:
    from ._lib import ffi, lib

    out = {}
    for fam in FAMILIES:
        try:
            mod = importlib.import_module(f"{__package__}.{fam}")
        except ModuleNotFoundError as e:
            if e.name != f"{__package__}.{fam}":
                raise
            continue
        native = NATIVE_DTYPES.get(fam, FLOAT_DTYPES)
        for name, fn in mod.kernels(lib, ffi).items():
            if name in out:
                raise ValueError(f"ember_cext: kernel {name!r} defined in two families")
            if native is not None:
                fn.native_dtypes = native
            out[name] = fn
    return out
