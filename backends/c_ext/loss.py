"""Fused cross entropy forward/backward (csrc/softmax.c): log-softmax, pick and reduce in one pass per row.

Same contract as ``ember_numpy.loss``: ``x`` (N, C) logits, ``t`` (N,) int64 targets, ``w`` (C,) weights.
Other layouts ((N, C, d1, ...), other dtypes, non-contiguous inputs) go to the NumPy kernel.
"""
from __future__ import annotations

import numpy as np
from ember_numpy.loss import KERNELS as NP_LOSS

from ._util import FLOATS, I64, by_dtype, ptr


def _native(x, t, w):
    return (x.dtype in FLOATS and x.ndim == 2 and x.shape[0] > 0 and x.shape[1] > 0 and t.dtype == I64
            and t.shape == x.shape[:1] and w.dtype == x.dtype and w.shape == x.shape[1:]
            and x.flags.c_contiguous and t.flags.c_contiguous and w.flags.c_contiguous)


def _raise_bad_target(status, t):
    if status != 0:
        raise IndexError(f"Target {int(t[status - 1])} is out of bounds.")


def kernels(lib, ffi) -> dict:
    fwd = by_dtype(lib, "cross_entropy", FLOATS)
    bwd = by_dtype(lib, "cross_entropy_bwd", FLOATS)
    i64 = "int64_t[]"

    def cross_entropy(x, t, w, ignore_index, reduction, label_smoothing):
        if not _native(x, t, w):
            return NP_LOSS["cross_entropy"](x, t, w, ignore_index, reduction, label_smoothing)
        rows = np.empty(x.shape[0], x.dtype)
        wt = np.empty(x.shape[0], x.dtype)
        status = fwd[x.dtype](x.shape[0], x.shape[1], ptr(ffi, x), ffi.from_buffer(i64, t), ptr(ffi, w),
                              ignore_index, float(label_smoothing), ptr(ffi, rows), ptr(ffi, wt))
        _raise_bad_target(status, t)
        if reduction == "none":
            return rows
        total = rows.sum()
        with np.errstate(all="ignore"):  # every target ignored: 0 / 0 = nan, as in PyTorch
            return np.asarray(total if reduction == "sum" else total / wt.sum(), dtype=x.dtype)

    def cross_entropy_backward(g, x, t, w, ignore_index, reduction, label_smoothing):
        if not _native(x, t, w) or g.dtype != x.dtype:
            return NP_LOSS["cross_entropy_backward"](g, x, t, w, ignore_index, reduction, label_smoothing)
        if reduction == "none":
            if g.shape != x.shape[:1]:
                return NP_LOSS["cross_entropy_backward"](g, x, t, w, ignore_index, reduction, label_smoothing)
            scale, stride = np.ascontiguousarray(g), 1
        else:
            s = g.reshape(())
            if reduction == "mean":
                mask = t != ignore_index
                ts = np.where(mask, t, 0)
                _raise_bad_target(int(np.argmax((ts < 0) | (ts >= x.shape[1]))) + 1
                                  if ((ts < 0) | (ts >= x.shape[1])).any() else 0, t)
                wsum = np.where(mask, w[ts], 0).sum()
                with np.errstate(all="ignore"):
                    s = s / wsum
            scale, stride = np.asarray(s, dtype=x.dtype).reshape(1), 0
        out = np.empty(x.shape, x.dtype)
        status = bwd[x.dtype](x.shape[0], x.shape[1], ptr(ffi, x), ffi.from_buffer(i64, t), ptr(ffi, w),
                              ignore_index, float(label_smoothing), ptr(ffi, scale), stride, ptr(ffi, out))
        _raise_bad_target(status, t)
        return out

    return {"cross_entropy": cross_entropy, "cross_entropy_backward": cross_entropy_backward}
