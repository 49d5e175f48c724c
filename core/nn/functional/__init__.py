"""``ember.nn.functional`` (``torch.nn.functional``): every name in the ``__all__`` of the submodules below."""
from __future__ import annotations

import importlib

SUBMODULES = ("_linear", "_activation", "_loss", "_conv", "_pooling", "_vision", "_normalization", "_dropout",
              "_embedding", "_attention", "_distance")

__all__ = []
for _name in SUBMODULES:
    _mod = importlib.import_module(f"{__name__}.{_name}")
    for _sym in getattr(_mod, "__all__", ()):
        globals()[_sym] = getattr(_mod, _sym)
        __all__.append(_sym)
