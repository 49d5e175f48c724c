"""This backend's own kernels: each one computes its op differently from the NumPy backend it inherits from.

A kernel receives NumPy arrays (plus the op's plain-Python parameters, in the order of the op's signature:
``python -m ember.backends --ops`` lists the ops, ``ember.ops`` declares their signatures) and must return
a NumPy array of the dtype the op declares, never a NumPy scalar.  Autograd, dtype promotion, broadcasting
checks and error messages all live in ember's frontend: a kernel only computes.
"""
from __future__ import annotations

import ml_dtypes
import numpy as np

# float16 and bfloat16 compute in float32 and round once, as PyTorch does on CPU
_HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))


def _compute_dtype(dtype):
    return np.dtype(np.float32) if dtype in _HALF else dtype


def matmul(x, y):
    """matmul(x, y) -> out: through ``einsum`` (the NumPy backend calls ``np.matmul``)."""
    dtype = x.dtype
    x, y = x.astype(_compute_dtype(dtype), copy=False), y.astype(_compute_dtype(dtype), copy=False)
    vec_x, vec_y = x.ndim == 1, y.ndim == 1
    if vec_x:
        x = x[np.newaxis, :]
    if vec_y:
        y = y[:, np.newaxis]
    out = np.einsum("...ij,...jk->...ik", x, y)
    if vec_x:
        out = out[..., 0, :]
    if vec_y:
        out = out[..., 0]
    return np.asarray(out).astype(dtype, copy=False)


def relu(x):
    """relu(x) -> out: ``where(x < 0, 0, x)``, which keeps NaN as PyTorch does (the NumPy backend uses maximum)."""
    return np.asarray(np.where(x < 0, x.dtype.type(0), x))


def softmax(x, dim):
    """softmax(x, dim) -> out: ``exp(x - logsumexp(x))`` (the NumPy backend divides by the sum of exponentials).

    It computes in the input's own precision, with no float32 copy.  The cost of that choice: in bfloat16,
    ``x - logsumexp(x)`` rounds away the low bits when the inputs are large, so conformance fails there
    (listed in conformance_xfail.txt as ``forward softmax bfloat16``).
    """
    if x.size == 0:
        return x.copy()
    peak = np.max(x, axis=dim, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, x.dtype.type(0))  # an all -inf row gives NaN, as in PyTorch
    with np.errstate(divide="ignore", invalid="ignore"):
        lse = peak + np.log(np.sum(np.exp(x - peak), axis=dim, keepdims=True))
        return np.asarray(np.exp(x - lse))


def sigmoid(x):
    """sigmoid(x) -> out: ``(1 + tanh(x / 2)) / 2``, which cannot overflow (the NumPy backend uses 1 / (1 + exp(-x)))."""
    dtype = x.dtype
    x = x.astype(_compute_dtype(dtype), copy=False)
    half = x.dtype.type(0.5)
    return np.asarray(half + half * np.tanh(x * half)).astype(dtype, copy=False)


KERNELS = {"matmul": matmul, "relu": relu, "softmax": softmax, "sigmoid": sigmoid}
