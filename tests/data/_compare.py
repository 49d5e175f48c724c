"""Turn nested batches from ember or torch into comparable plain Python (tensors -> dtype, shape, values)."""
from __future__ import annotations

import collections.abc

import numpy as np


def plain(obj):
    """A framework-neutral description of ``obj``: containers keep their kind, tensors become
    ``("tensor", dtype name, shape, values)``; NumPy arrays stay arrays' descriptions."""
    cls = type(obj)
    if cls.__module__.split(".")[0] in ("torch", "ember") and hasattr(obj, "dtype") and hasattr(obj, "shape"):
        arr = obj.detach().cpu().numpy()
        return ("tensor", str(obj.dtype).split(".")[-1], tuple(obj.shape), arr.tolist())
    if isinstance(obj, np.ndarray):
        return ("ndarray", str(obj.dtype), obj.shape, obj.tolist())
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return (cls.__name__, tuple(plain(x) for x in obj))
    if isinstance(obj, (list, tuple)):
        return (cls.__name__, [plain(x) for x in obj])
    if isinstance(obj, collections.abc.Mapping):
        return (cls.__name__, {k: plain(v) for k, v in obj.items()})
    return ("value", cls.__name__, obj)


def assert_same(ember_obj, torch_obj):
    a, b = plain(ember_obj), plain(torch_obj)
    assert a == b, f"ember:\n{a}\ntorch:\n{b}"
