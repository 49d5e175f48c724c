"""Fused activations and their backward kernels (csrc/act.c), one pass over memory each.

Same contract as ``ember_numpy.activation`` (and ``sigmoid``/``tanh`` from ``ember_numpy.math``).
float32/float64 contiguous arrays run natively; anything else goes to the NumPy kernel.
"""
from __future__ import annotations

import numpy as np
from ember_numpy.activation import KERNELS as NP_ACT
from ember_numpy.math import KERNELS as NP_MATH

from ._util import FLOATS, by_dtype, check, min_native, ptr

# Below this many elements NumPy's kernel is as fast as the call into C.
MIN_NATIVE = min_native(4096)

# tanh (code 1) is not registered: NumPy's AVX-512 tanh is faster than ours (benchmarks/cext_kernels.py).
FORWARD = {"sigmoid": 0, "silu": 2, "gelu": 3, "leaky_relu": 5, "relu": 6}
GELU_TANH = 4
BACKWARD = {"relu_backward": 0, "silu_backward": 1, "gelu_backward": 2}
GELU_TANH_BACKWARD = 3
NP_KERNELS = {**NP_ACT, **NP_MATH}


def forward_kernel(lib, ffi, name):
    op = FORWARD[name]
    fallback = NP_KERNELS[name]
    fns = by_dtype(lib, "act", FLOATS)

    def k(x, *params):
        fn = fns.get(x.dtype)
        if fn is None or x.size < MIN_NATIVE or not x.flags.c_contiguous:
            return fallback(x, *params)
        code, param = op, 0.0
        if name == "gelu" and params[0] == "tanh":
            code = GELU_TANH
        elif name == "leaky_relu":
            param = float(params[0])
        out = np.empty(x.shape, x.dtype)
        check(fn(code, x.size, ptr(ffi, x), ptr(ffi, out), param), name)
        return out

    k.__name__ = name
    return k


def backward_kernel(lib, ffi, name):
    op = BACKWARD[name]
    fallback = NP_KERNELS[name]
    fns = by_dtype(lib, "act_bwd", FLOATS)

    def k(g, s, *params):
        fn = fns.get(s.dtype)
        if (fn is None or g.dtype != s.dtype or g.shape != s.shape or s.size < MIN_NATIVE
                or not (g.flags.c_contiguous and s.flags.c_contiguous)):
            return fallback(g, s, *params)
        code = GELU_TANH_BACKWARD if name == "gelu_backward" and params[0] == "tanh" else op
        out = np.empty(s.shape, s.dtype)
        check(fn(code, s.size, ptr(ffi, g), ptr(ffi, s), ptr(ffi, out)), name)
        return out

    k.__name__ = name
    return k


def softmax_kernel(lib, ffi, name):
    """softmax / log_softmax over the last dim of a C-contiguous array; other dims go to NumPy."""
    fallback = NP_KERNELS[name]
    fns = by_dtype(lib, "softmax", FLOATS)
    take_log = int(name == "log_softmax")

    def k(x, dim):
        fn = fns.get(x.dtype)
        if fn is None or x.ndim == 0 or dim % x.ndim != x.ndim - 1 or x.size == 0 or not x.flags.c_contiguous:
            return fallback(x, dim)
        n = x.shape[-1]
        out = np.empty(x.shape, x.dtype)
        check(fn(take_log, x.size // n, n, ptr(ffi, x), ptr(ffi, out)), name)
        return out

    k.__name__ = name
    return k


def softmax_backward_kernel(lib, ffi, name):
    fallback = NP_KERNELS[name]
    fns = by_dtype(lib, "softmax_bwd", FLOATS)
    take_log = int(name == "log_softmax_backward")

    def k(g, y, dim):
        fn = fns.get(y.dtype)
        if (fn is None or g.dtype != y.dtype or g.shape != y.shape or y.ndim == 0 or dim % y.ndim != y.ndim - 1
                or y.size == 0 or not (g.flags.c_contiguous and y.flags.c_contiguous)):
            return fallback(g, y, dim)
        n = y.shape[-1]
        out = np.empty(y.shape, y.dtype)
        check(fn(take_log, y.size // n, n, ptr(ffi, g), ptr(ffi, y), ptr(ffi, out)), name)
        return out

    k.__name__ = name
    return k


def kernels(lib, ffi) -> dict:
    out = {name: forward_kernel(lib, ffi, name) for name in FORWARD}
    out.update({name: backward_kernel(lib, ffi, name) for name in BACKWARD})
    out.update({name: softmax_kernel(lib, ffi, name) for name in ("softmax", "log_softmax")})
    out.update({name: softmax_backward_kernel(lib, ffi, name)
                for name in ("softmax_backward", "log_softmax_backward")})
    return out
