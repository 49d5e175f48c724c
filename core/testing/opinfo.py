"""OpInfo records: one per op, with sample inputs, a NumPy float64 reference,
per-dtype tolerances, error inputs and autograd flags.

Records live in ``ember/testing/db/<family>.py`` (one module per op family,
mirroring ``ember/ops/``); each module defines ``OP_DB = [OpInfo(...), ...]``.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")
INT_DTYPES = ("uint8", "int8", "int16", "int32", "int64")
ALL_DTYPES = ("bool",) + INT_DTYPES + FLOAT_DTYPES
SIGNED_DTYPES = ("int8", "int16", "int32", "int64") + FLOAT_DTYPES

# (rtol, atol) of a result against the float64 reference, by dtype of the computation
DEFAULT_TOLS = {
    "float64": (1e-7, 1e-7),
    "float32": (1.3e-5, 1e-5),
    "float16": (2e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
}


class SampleInput:
    """One call: ``op(input, *args, **kwargs)``.  ``input``/``args`` hold NumPy arrays
    (converted to tensors on the backend under test), Python scalars or other values.

    ``requires_grad``: which array arguments (by position in (input, *args)) are
    differentiable; default: every floating array argument.
    ``name``: shown in failure messages.
    """

    __slots__ = ("input", "args", "kwargs", "name", "grad_args", "noncontig")

    def __init__(self, input, *args, name="", grad_args=None, noncontig=True, **kwargs):
        self.input = input
        self.args = args
        self.kwargs = kwargs
        self.name = name
        self.grad_args = grad_args
        self.noncontig = noncontig

    def all_args(self):
        return (self.input,) + tuple(self.args)

    def describe(self):
        def d(x):
            if isinstance(x, np.ndarray):
                return f"array{list(x.shape)}:{x.dtype}"
            if isinstance(x, (list, tuple)) and x and isinstance(x[0], np.ndarray):
                return "[" + ", ".join(d(a) for a in x) + "]"
            return repr(x)
        parts = [d(a) for a in self.all_args()] + [f"{k}={d(v)}" for k, v in self.kwargs.items()]
        return f"{self.name + ': ' if self.name else ''}({', '.join(parts)})"

    def __repr__(self):
        return f"SampleInput{self.describe()}"


@dataclass
class ErrorInput:
    """A call that must raise ``error_type`` with a message matching ``match`` (regex)."""

    sample: SampleInput
    error_type: type
    match: str = ""


@dataclass
class OpInfo:
    """The conformance record of one op.

    name:          test id; usually the public function name (``"add"``).
    op:            the ember callable under test: ``op(*tensors_and_args, **kwargs)``.
    ref:           NumPy reference taking float64 arrays (same args/kwargs), returning an
                   array / scalar / tuple of them.  None: forward value not checked.
    sample_inputs: ``fn(dtype_name, rng) -> iterable[SampleInput]``.
    dtypes:        dtype names the op supports on every backend.
    supports_grad: run gradcheck in float64.
    gradgrad:      also run gradgradcheck (second derivatives).
    error_inputs:  ``fn() -> iterable[ErrorInput]`` (run with the float32 default).
    tols:          per-dtype (rtol, atol) overrides.
    result_dtype:  ``fn(sample_dtype_name, sample) -> dtype name`` the result must have;
                   default: same dtype as the input.
    xfails:        data: ``{(test_kind, backend or "*", dtype or "*"): reason}`` with
                   test_kind in {"forward", "grad", "gradgrad", "errors"}.
    family:        op family (``ember/ops/<family>.py``), used by ``-k``.
    ref_in_input_dtype: compute the reference on the input dtype (integers, bools) instead of float64.
    noncontig:     also run each sample with non-contiguous (strided) tensor inputs.
    grad_samples:  max number of samples gradchecked (gradcheck is O(numel^2)).
    """

    name: str
    op: Callable
    ref: Callable | None
    sample_inputs: Callable
    dtypes: tuple = FLOAT_DTYPES
    supports_grad: bool = True
    gradgrad: bool = False
    error_inputs: Callable | None = None
    tols: dict = field(default_factory=dict)
    result_dtype: Callable | None = None
    xfails: dict = field(default_factory=dict)
    family: str = ""
    ref_in_input_dtype: bool = False
    noncontig: bool = True
    grad_samples: int = 3
    compare: Callable | None = None
    extra: Any = None

    def tol(self, dtype):
        return self.tols.get(dtype, DEFAULT_TOLS.get(dtype, (0.0, 0.0)))

    def xfail_reason(self, kind, backend, dtype):
        for key in ((kind, backend, dtype), (kind, backend, "*"), (kind, "*", dtype), (kind, "*", "*")):
            if key in self.xfails:
                return self.xfails[key]
        return None


_DB = []


def op_db():
    """Every OpInfo, from all ``ember.testing.db`` family modules."""
    if not _DB:
        from . import db
        seen = set()
        for info in pkgutil.iter_modules(db.__path__):
            if info.name.startswith("_"):
                continue
            mod = importlib.import_module(f"{db.__name__}.{info.name}")
            for rec in getattr(mod, "OP_DB", ()):
                if not rec.family:
                    rec.family = info.name
                if rec.name in seen:
                    raise ValueError(f"OpInfo {rec.name!r} is defined twice")
                seen.add(rec.name)
                _DB.append(rec)
    return list(_DB)


def ops_by_family():
    out = {}
    for rec in op_db():
        out.setdefault(rec.family, []).append(rec)
    return out
