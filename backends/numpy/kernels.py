"""Collects the NumPy kernels from the family modules (file names mirror ember/ops/)."""
from __future__ import annotations

import importlib

FAMILIES = ("creation", "elementwise", "math", "reduce", "movement", "joining", "indexing", "linalg", "decomp",
            "sort", "random", "special", "attention", "rnn", "activation", "loss", "norm", "embedding", "conv",
            "optim", "pool", "serialization_ops")


def all_kernels() -> dict:
    out = {}
    for fam in FAMILIES:
        mod = importlib.import_module(f"{__package__}.{fam}")
        for name, fn in mod.KERNELS.items():
            if name in out:
                raise ValueError(f"ember_numpy: kernel {name!r} defined in two families")
            out[name] = fn
    return out
