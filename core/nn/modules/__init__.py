"""``ember.nn`` layers: every public class of the submodules listed below (their ``__all__``)."""
from __future__ import annotations

import importlib

SUBMODULES = ("module", "container", "linear", "activation", "loss", "conv", "pooling", "padding", "upsampling",
              "normalization", "batchnorm", "instancenorm", "dropout", "sparse", "rnn", "transformer", "distance", "pixelshuffle", "fold",
              "flatten", "channelshuffle", "lazy_norm", "data_parallel")

__all__ = []
for _name in SUBMODULES:
    _mod = importlib.import_module(f"{__name__}.{_name}")
    for _sym in getattr(_mod, "__all__", ()):
        globals()[_sym] = getattr(_mod, _sym)
        __all__.append(_sym)
