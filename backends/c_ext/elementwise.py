"""Native elementwise kernels (csrc/ew.c): binary ops with broadcasting and the common unary ops.

Same contract as ``ember_numpy.elementwise``: operands are ndarrays of one dtype, or an ndarray and a
Python scalar.  Cases the C code does not cover (other dtypes, mixed dtypes, tiny arrays where the
call overhead dominates, unaligned strides) go to the NumPy kernel.
"""
from __future__ import annotations

import math

import numpy as np
from ember_numpy.elementwise import KERNELS as NP_EW
from ember_numpy.math import KERNELS as NP_MATH

from ._util import FLOATS, NUMERIC, by_dtype, check, min_native, ptr

# Below this many output elements NumPy's own loop is faster than validating and calling into C.
MIN_NATIVE = min_native(8192)

BINARY = {"add": 0, "sub": 1, "mul": 2, "div": 3, "maximum": 4, "minimum": 5}
UNARY = {"neg": 0, "abs": 1, "exp": 2, "log": 3, "sqrt": 4, "sigmoid": 5, "tanh": 6, "square": 7,
         "reciprocal": 8, "rsqrt": 9}
FLOAT_ONLY = {"div"}
NP_KERNELS = {**NP_EW, **NP_MATH}


def _operand(v, dt):
    """``v`` as an ndarray of dtype ``dt`` (a Python scalar becomes 0-d), or None when it cannot be."""
    if v.__class__ is np.ndarray:
        return v if v.dtype == dt else None
    if dt.kind == "f":
        return np.array(v, dtype=dt) if isinstance(v, (int, float)) else None
    if v.__class__ is int:
        info = np.iinfo(dt)
        return np.array(v, dtype=dt) if info.min <= v <= info.max else None
    return None


def _strides(a, ndim, shape):
    """Element strides of ``a`` broadcast to ``shape`` (0 where it broadcasts), or None if unaligned."""
    isz = a.itemsize
    pad = ndim - a.ndim
    out = [0] * ndim
    for d, (n, s) in enumerate(zip(a.shape, a.strides)):
        if n != 1:
            if s % isz:
                return None
            out[pad + d] = s // isz
    return out


def binary_kernel(lib, ffi, name, routed=False):
    """The native kernel for binary op ``name``.  ``routed``: send the cases NumPy's own SIMD loops already run
    at memory speed (same-shape contiguous operands, or an array and a scalar; a second thread does not help a
    memory-bound loop) to NumPy, and keep C for broadcasting and strided operands, where it wins."""
    op = BINARY[name]
    fallback = NP_KERNELS[name]
    fns = by_dtype(lib, "binary", FLOATS if name in FLOAT_ONLY else NUMERIC)

    def k(x, y):
        if routed:  # the plain cases, decided before any other work so NumPy's path costs nothing extra
            xa, ya = x.__class__ is np.ndarray, y.__class__ is np.ndarray
            if xa and ya:
                if x.shape == y.shape and x.flags.c_contiguous and y.flags.c_contiguous:
                    return fallback(x, y)
            elif (x if xa else y).flags.c_contiguous:
                return fallback(x, y)
        arr = x if x.__class__ is np.ndarray else y
        fn = fns.get(arr.dtype)
        if fn is None:
            return fallback(x, y)
        a, b = _operand(x, arr.dtype), _operand(y, arr.dtype)
        if a is None or b is None:
            return fallback(x, y)
        same = a.shape == b.shape
        shape = a.shape if same else np.broadcast_shapes(a.shape, b.shape)
        size = math.prod(shape)
        if size < MIN_NATIVE:
            return fallback(x, y)
        ndim = len(shape)
        sa, sb = _strides(a, ndim, shape), _strides(b, ndim, shape)
        if sa is None or sb is None or ndim > 16:
            return fallback(x, y)
        out = np.empty(shape, arr.dtype)
        check(fn(op, ndim, shape, ptr(ffi, a), sa, ptr(ffi, b), sb, ptr(ffi, out)), name)
        return out

    k.__name__ = name
    return k


def unary_kernel(lib, ffi, name, routed=False):
    """The native kernel for unary op ``name``; ``routed``: C only where its threads beat NumPy's one."""
    op = UNARY[name]
    fallback = NP_KERNELS[name]
    fns = by_dtype(lib, "unary", FLOATS)
    threads = lib.ec_get_num_threads

    def k(x):
        fn = fns.get(x.dtype)
        if fn is None or x.size < MIN_NATIVE or not x.flags.c_contiguous:
            return fallback(x)
        if routed and (x.size <= PAR_MIN_HEAVY or threads() == 1):
            return fallback(x)
        out = np.empty(x.shape, x.dtype)
        check(fn(op, x.size, ptr(ffi, x), ptr(ffi, out)), name)
        return out

    k.__name__ = name
    return k


# Registered ops, routed (see binary_kernel/unary_kernel): on this class of hardware NumPy's single-op SIMD loops
# match these kernels on plain same-shape operands and beat them on tanh and log (benchmarks/cext_kernels.py),
# so those cases stay NumPy's; C takes broadcasting and strided operands, and exp when more than one thread is set.
REGISTERED_BINARY = frozenset(BINARY)
REGISTERED_UNARY = frozenset({"exp"})  # log: libm's scalar logf loses to NumPy's SIMD log; sigmoid: activation.py
# The C side's parallel threshold for transcendental loops (csrc/internal/common.h: EC_PAR_MIN_HEAVY).
PAR_MIN_HEAVY = 32768


def native_kernels(lib, ffi) -> dict:
    """Every native elementwise kernel, registered or not (tests and benchmarks use this)."""
    out = {name: binary_kernel(lib, ffi, name) for name in BINARY}
    out.update({name: unary_kernel(lib, ffi, name) for name in UNARY})
    return out


def kernels(lib, ffi) -> dict:
    out = {name: binary_kernel(lib, ffi, name, routed=True) for name in REGISTERED_BINARY}
    out.update({name: unary_kernel(lib, ffi, name, routed=True) for name in REGISTERED_UNARY})
    return out
