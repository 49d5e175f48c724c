"""The flat namespace of public op functions (``ember.add``, ``ember.sum``, ...).

Every public function defined in an ``ember.ops`` family module is exported.
"""
from __future__ import annotations

import types

from . import ops as _ops
from .ops import _util

_NAMES = []

# helpers shared between op modules, and Tensor-only methods: not part of the ``torch`` namespace
_NOT_PUBLIC = {"cast", "check_inplace_target", "check_scalar_fits", "check_tensor_arg", "commit",
               "expand_reduced", "inplace", "not_implemented", "return_type", "to_backend", "torch_type_name",
               "type_name", "write_out", "contiguous", "expand", "expand_as", "repeat", "view", "unfold",
               "sum_to_size"}


def _export(mod):
    for name, obj in vars(mod).items():
        if name.startswith("_") or not callable(obj) or isinstance(obj, type):
            continue
        if isinstance(obj, types.FunctionType) and obj.__module__ != mod.__name__:
            continue
        if type(obj).__name__ == "Op":
            continue
        if name in _NOT_PUBLIC:
            globals()[name] = obj  # reachable as ember._functional.<name>, not exported as ember.<name>
            continue
        if obj in getattr(mod, "TENSOR_METHODS", {}).values():
            continue  # method-only (Tensor.to, Tensor.cuda, ...): not a top-level function
        globals()[name] = obj
        _NAMES.append(name)


for _name in sorted(vars(_ops)):
    _m = getattr(_ops, _name)
    if isinstance(_m, types.ModuleType) and _m.__name__.startswith(_ops.__name__ + ".") and not _name.startswith("_"):
        _export(_m)

range = globals().pop("range_")  # noqa: A001 - torch.range (deprecated, end-inclusive)
_NAMES[_NAMES.index("range_")] = "range"

METHODS = _util.METHODS

__all__ = list(_NAMES)
