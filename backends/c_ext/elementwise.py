"""Native elementwise kernels (csrc/ew.c): binary ops with broadcasting and the common unary ops.

Same contract as ``ember_numpy.elementwise``: operands are ndarrays of one dtype, or an ndarray and a
Python scalar.  Cases the C code does not cover (other dtypes, mixed dtypes, tiny arrays where the
call overhead dominates, unaligned strides) go to the NumPy kernel.
"""
from __future__ import annotations

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


def binary_kernel(lib, ffi, name):
    op = BINARY[name]
    fallback = NP_KERNELS[name]
    fns = by_dtype(lib, "binary", FLOATS if name in FLOAT_ONLY else NUMERIC)

    def k(x, y):
        arr = x if x.__class__ is np.ndarray else y
        fn = fns.get(arr.dtype)
        if fn is None:
            return fallback(x, y)
        a, b = _operand(x, arr.dtype), _operand(y, arr.dtype)
        if a is None or b is None:
            return fallback(x, y)
        shape = a.shape if a.shape == b.shape else np.broadcast_shapes(a.shape, b.shape)
        out = np.empty(shape, arr.dtype)
        if out.size < MIN_NATIVE:
            return fallback(x, y)
        ndim = len(shape)
        sa, sb = _strides(a, ndim, shape), _strides(b, ndim, shape)
        if sa is None or sb is None or ndim > 16:
            return fallback(x, y)
        check(fn(op, ndim, shape, ptr(ffi, a), sa, ptr(ffi, b), sb, ptr(ffi, out)), name)
        return out

    k.__name__ = name
    return k


def unary_kernel(lib, ffi, name):
    op = UNARY[name]
    fallback = NP_KERNELS[name]
    fns = by_dtype(lib, "unary", FLOATS)

    def k(x):
        fn = fns.get(x.dtype)
        if fn is None or x.size < MIN_NATIVE or not x.flags.c_contiguous:
            return fallback(x)
        out = np.empty(x.shape, x.dtype)
        check(fn(op, x.size, ptr(ffi, x), ptr(ffi, out)), name)
        return out

    k.__name__ = name
    return k


# Registered ops: none.  NumPy's own SIMD loops match these kernels on same-shape operands and beat them on tanh
# and log (benchmarks/cext_kernels.py).  C does win on broadcasting and strided operands (1.3-2.2x) and on exp
# with two threads, but routing each call between C and NumPy costs 150-200 ns of Python checks on every small
# op -- the dispatch benchmark's add went from 1.64 to 1.95 us -- while the broadcasting cases in the nn
# workloads (bias adds) are under 1% of a step; the fused kernels (activation.py, loss.py, norm.py) are where C
# wins.  The kernels stay built and tested so a row that turns faster can be enabled here.
REGISTERED = frozenset()


def native_kernels(lib, ffi) -> dict:
    """Every native elementwise kernel, registered or not (tests and benchmarks use this)."""
    out = {name: binary_kernel(lib, ffi, name) for name in BINARY}
    out.update({name: unary_kernel(lib, ffi, name) for name in UNARY})
    return out


def kernels(lib, ffi) -> dict:
    return {name: k for name, k in native_kernels(lib, ffi).items() if name in REGISTERED}
