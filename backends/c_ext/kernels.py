"""Collects the native kernels from the family modules (file names mirror ember/ops/).

Each family module ``backends/c_ext/<family>.py`` defines ``kernels(lib, ffi) -> dict``; families
whose module does not exist yet are skipped, and every op they do not cover is inherited from the
NumPy backend.
"""
from __future__ import annotations

import importlib

FAMILIES = ("creation", "elementwise", "math", "activation", "reduce", "loss",
            "conv", "pool", "norm", "embedding", "rnn", "optim")


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
        for name, fn in mod.kernels(lib, ffi).items():
            if name in out:
                raise ValueError(f"ember_cext: kernel {name!r} defined in two families")
            out[name] = fn
    return out
