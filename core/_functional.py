"""The flat namespace of public op functions (``ember.add``, ``ember.sum``, ...).

Every public function defined in an ``ember.ops`` family module is exported.
"""
from __future__ import annotations

import types

from . import ops as _ops
from .ops import _util

_NAMES = []


def _export(mod):
    for name, obj in vars(mod).items():
        if name.startswith("_") or not callable(obj) or isinstance(obj, type):
            continue
        if isinstance(obj, types.FunctionType) and obj.__module__ != mod.__name__:
            continue
        if type(obj).__name__ == "Op":
            continue
        if obj in getattr(mod, "TENSOR_METHODS", {}).values():
            continue  # method-only (Tensor.to, Tensor.cuda, ...): not a top-level function
        globals()[name] = obj
        _NAMES.append(name)


for _name in sorted(vars(_ops)):
    _m = getattr(_ops, _name)
    if isinstance(_m, types.ModuleType) and _m.__name__.startswith(_ops.__name__ + ".") and not _name.startswith("_"):
        _export(_m)

METHODS = _util.METHODS
