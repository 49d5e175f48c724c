"""``ember.nn.utils``: gradient clipping, parameter vectors, RNN sequence packing."""
from __future__ import annotations

import importlib

from . import rnn, parametrize, parametrizations, stateless  # noqa: F401  (namespaces, not re-exported)

SUBMODULES = ("clip_grad", "convert_parameters", "weight_norm", "spectral_norm", "fusion", "init", "memory_format")

__all__ = ["rnn", "parametrize", "parametrizations", "stateless"]
for _name in SUBMODULES:
    _mod = importlib.import_module(f"{__name__}.{_name}")
    for _sym in getattr(_mod, "__all__", ()):
        globals()[_sym] = getattr(_mod, _sym)
        __all__.append(_sym)
