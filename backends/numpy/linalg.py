"""Linear-algebra kernels, generic over ``xp``.

Half-precision products accumulate in float32 like PyTorch on CPU.  Factorisations
that can fail return an ``info`` array (LAPACK's convention: 0 = success, k > 0 =
the failing pivot / leading minor, 1-based) instead of raising, so the frontend
raises ``ember.linalg.LinAlgError`` with PyTorch's message.
"""
from __future__ import annotations

import math

import numpy as np

from ._dtypes import HALF, TO_NP


def kernels(xp):
    asarray = xp.asarray

    def _up(x):
        return x.astype(np.float32) if x.dtype in HALF else x

    def matmul(x, y):
        dtype = x.dtype
        x, y = _up(x), _up(y)
        if x.ndim > 2 and y.ndim == 2:
            # (..., M, K) @ (K, N) is one GEMM over the flattened rows: NumPy would loop over the batch
            # with one small product each (slower, much slower still for non-contiguous operands).
            rows = math.prod(x.shape[:-1])
            r = xp.matmul(x.reshape(rows, x.shape[-1]), y).reshape(*x.shape[:-1], y.shape[-1])
        else:
            r = xp.matmul(x, y)
        return asarray(r).astype(dtype, copy=False)

    def einsum(*args):
        *xs, equation = args
        dt = xs[0].dtype
        r = xp.einsum(equation, *[_up(x) for x in xs], optimize=len(xs) > 2)
        return asarray(r).astype(dt, copy=False)

    def cross(x, y, dim):
        r = xp.cross(_up(x), _up(y), axis=dim)
        return asarray(r).astype(x.dtype, copy=False)

    def trace(x, dtype):
        npd = TO_NP[dtype]
        acc = np.float32 if npd in HALF else npd
        return asarray(xp.trace(x, dtype=acc)).astype(npd, copy=False)

    def vector_norm(x, ord, dims, keepdim, dtype):
        npd = TO_NP[dtype]
        a = xp.abs(x.astype(np.float32 if npd in HALF else npd))
        kw = {"axis": dims, "keepdims": keepdim}
        if ord == float("inf"):
            r = xp.max(a, **kw)
        elif ord == -float("inf"):
            r = xp.min(a, **kw)
        elif ord == 0:
            r = xp.sum(a != 0, dtype=a.dtype, **kw)
        elif ord == 1:
            r = xp.sum(a, **kw)
        elif ord == 2:
            r = xp.sqrt(xp.sum(a * a, **kw))
        else:
            with np.errstate(divide="ignore"):  # |0|^p for p < 0 is inf, and the norm 0, as in PyTorch
                r = xp.power(xp.sum(xp.power(a, ord), **kw), 1.0 / ord)
        return asarray(r).astype(npd, copy=False)

    return {"matmul": matmul, "einsum": einsum, "cross": cross, "trace": trace, "vector_norm": vector_norm}


KERNELS = kernels(np)
