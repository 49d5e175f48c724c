"""Native batch norm and layer norm kernels (mirrors ember/ops/norm.py), forward and backward.

float32/float64 inputs whose weight, bias and saved statistics share the input's dtype run in C
(one pass per statistic, multi-threaded over channels or rows); anything else, and group norm, falls
back to the NumPy backend's kernels.
"""
from __future__ import annotations

import numpy as np

from ember_numpy.norm import KERNELS as NP

_SUFFIX = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}
LN_PARTS = 16  # row blocks of layer norm's weight/bias gradient partial sums


def kernels(lib, ffi):
    def ptr(a):
        return ffi.cast("void *", a.ctypes.data)

    def flat(a, size):
        """A contiguous 1-D view/copy of ``a`` when it has ``size`` elements, else None."""
        return np.ascontiguousarray(a).reshape(-1) if a.size == size else None

    def call(name, dt, *args):
        status = getattr(lib, f"ec_{name}_{_SUFFIX[dt]}")(*args)
        if status:
            raise RuntimeError(f"ember_cext: {name} failed with status {status}")

    def same(dt, *arrays):
        return dt in _SUFFIX and all(a.dtype == dt for a in arrays)

    def batch_norm(x, weight, bias, eps):
        c = x.shape[1] if x.ndim >= 2 else -1
        if x.ndim < 2 or not same(x.dtype, weight, bias) or weight.size != c or bias.size != c:
            return NP["batch_norm"](x, weight, bias, eps)
        n = x.shape[0]
        m = x.size // (n * c) if n * c else 0
        x = np.ascontiguousarray(x)
        w, b = flat(weight, c), flat(bias, c)  # keep the (possibly copied) arrays alive across the call
        out = np.empty(x.shape, x.dtype)
        mean, var = np.empty(c, x.dtype), np.empty(c, x.dtype)
        call("batch_norm", x.dtype, ptr(x), ptr(w), ptr(b), ptr(out), ptr(mean), ptr(var), n, c, m, float(eps))
        return out, mean, var

    def batch_norm_backward(g, x, weight, mean, var, eps):
        c = x.shape[1] if x.ndim >= 2 else -1
        if (x.ndim < 2 or g.shape != x.shape or not same(x.dtype, g, weight, mean, var)
                or any(a.size != c for a in (weight, mean, var))):
            return NP["batch_norm_backward"](g, x, weight, mean, var, eps)
        n = x.shape[0]
        m = x.size // (n * c) if n * c else 0
        g, x = np.ascontiguousarray(g), np.ascontiguousarray(x)
        w, mu, v = flat(weight, c), flat(mean, c), flat(var, c)
        gx = np.empty(x.shape, x.dtype)
        gw, gb = np.empty(c, x.dtype), np.empty(c, x.dtype)
        call("batch_norm_backward", x.dtype, ptr(g), ptr(x), ptr(w), ptr(mu), ptr(v), ptr(gx), ptr(gw), ptr(gb),
             n, c, m, float(eps))
        return gx, gw.reshape(weight.shape), gb.reshape(weight.shape)

    def ln_geometry(x, k):
        d = 1
        for s in x.shape[x.ndim - k:]:
            d *= s
        return (x.size // d if d else 0), d

    def layer_norm(x, weight, bias, k, eps):
        rows, d = ln_geometry(x, k)
        if not same(x.dtype, weight, bias) or weight.size != d or bias.size != d or d == 0:
            return NP["layer_norm"](x, weight, bias, k, eps)
        x, w, b = np.ascontiguousarray(x), flat(weight, d), flat(bias, d)
        out = np.empty(x.shape, x.dtype)
        stat_shape = tuple(x.shape[:x.ndim - k]) + (1,) * k
        mean, var = np.empty(stat_shape, x.dtype), np.empty(stat_shape, x.dtype)
        call("layer_norm", x.dtype, ptr(x), ptr(w), ptr(b), ptr(out), ptr(mean), ptr(var), rows, d, float(eps))
        return out, mean, var

    def layer_norm_backward(g, x, weight, mean, var, k, eps):
        rows, d = ln_geometry(x, k)
        if (g.shape != x.shape or not same(x.dtype, g, weight, mean, var) or weight.size != d or d == 0
                or mean.size != rows or var.size != rows):
            return NP["layer_norm_backward"](g, x, weight, mean, var, k, eps)
        g, x = np.ascontiguousarray(g), np.ascontiguousarray(x)
        w, mu, v = flat(weight, d), flat(mean, rows), flat(var, rows)
        gx = np.empty(x.shape, x.dtype)
        parts = max(1, min(LN_PARTS, rows))
        gw_part, gb_part = np.empty((parts, d)), np.empty((parts, d))
        call("layer_norm_backward", x.dtype, ptr(g), ptr(x), ptr(w), ptr(mu), ptr(v), ptr(gx), ptr(gw_part),
             ptr(gb_part), rows, d, parts, float(eps))
        gw = gw_part.sum(axis=0).astype(x.dtype).reshape(weight.shape)
        gb = gb_part.sum(axis=0).astype(x.dtype).reshape(weight.shape)
        return gx, gw, gb

    return {
        "batch_norm": batch_norm,
        "batch_norm_backward": batch_norm_backward,
        "layer_norm": layer_norm,
        "layer_norm_backward": layer_norm_backward,
    }
