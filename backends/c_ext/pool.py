"""Native pooling kernels (mirrors ember/ops/pool.py): 1-D and 2-D max/average pooling in C.

float32/float64 inputs of 1 or 2 spatial dims run natively (1-D as height 1); 3-D pooling, other
dtypes and index arrays of another shape fall back to the NumPy backend's kernels.
"""
from __future__ import annotations

from ember.ops.pool import pool_geometry

import numpy as np

from ember_numpy.pool import KERNELS as NP

_SUFFIX = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}


def _as2d(sizes, *tuples):
    """Spatial sizes and per-dim parameters as 2-D ones (a leading 1 for 1-D pooling), or None for 3-D."""
    if len(sizes) == 2:
        return (tuple(sizes),) + tuple(tuple(t) for t in tuples)
    if len(sizes) == 1:
        return ((1,) + tuple(sizes),) + tuple((fill,) + tuple(t) for t, fill in zip(tuples, (1, 1, 0, 1)))
    return None


def kernels(lib, ffi):
    def ptr(a):
        return ffi.cast("void *", a.ctypes.data)

    def call(name, dt, *args):
        status = getattr(lib, f"ec_{name}_{_SUFFIX[dt]}")(*args)
        if status == 2:
            raise MemoryError(f"ember_cext: {name}: out of memory")
        if status:
            raise RuntimeError(f"ember_cext: {name} failed with status {status}")

    def max_pool(x, kernel, stride, padding, dilation, ceil_mode):
        geo = _as2d(x.shape[2:], kernel, stride, padding, dilation)
        if geo is None or x.dtype not in _SUFFIX or any(p < 0 for p in padding):
            return NP["max_pool"](x, kernel, stride, padding, dilation, ceil_mode)
        sizes, k, s, p, dl = geo
        osp, _ = pool_geometry(sizes, k, s, p, dl, ceil_mode)
        out_shape = tuple(x.shape[:2]) + osp[2 - len(kernel):]
        x = np.ascontiguousarray(x)
        vals = np.empty(out_shape, x.dtype)
        idx = np.empty(out_shape, np.int64)
        planes = x.shape[0] * x.shape[1]
        call("max_pool2d", x.dtype, ptr(x), ptr(vals), ptr(idx), planes, *sizes, *k, *s, *p, *dl, *osp)
        return vals, idx

    def max_pool_backward(g, indices, input_shape):
        if g.dtype not in _SUFFIX or indices.dtype != np.int64 or g.shape != indices.shape or g.ndim < 3:
            return NP["max_pool_backward"](g, indices, input_shape)
        g = np.ascontiguousarray(g)
        indices = np.ascontiguousarray(indices)
        out = np.empty(tuple(input_shape), g.dtype)
        planes = input_shape[0] * input_shape[1]
        in_plane = out.size // planes if planes else 0
        out_plane = g.size // planes if planes else 0
        call("max_pool_backward", g.dtype, ptr(g), ptr(indices), ptr(out), planes, in_plane, out_plane)
        return out

    def avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
        geo = _as2d(x.shape[2:], kernel, stride, padding)
        if geo is None or x.dtype not in _SUFFIX or any(p < 0 for p in padding):
            return NP["avg_pool"](x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
        sizes, k, s, p = geo
        osp, _ = pool_geometry(sizes, k, s, p, (1, 1), ceil_mode)
        x = np.ascontiguousarray(x)
        out = np.empty(tuple(x.shape[:2]) + osp[2 - len(kernel):], x.dtype)
        call("avg_pool2d", x.dtype, ptr(x), ptr(out), x.shape[0] * x.shape[1], *sizes, *k, *s, *p, *osp,
             int(bool(count_include_pad)), int(divisor_override or 0))
        return out

    def avg_pool_backward(g, input_shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
        geo = _as2d(tuple(input_shape[2:]), kernel, stride, padding)
        fallback = geo is None or g.dtype not in _SUFFIX or any(p < 0 for p in padding)
        if not fallback:
            sizes, k, s, p = geo
            osp, _ = pool_geometry(sizes, k, s, p, (1, 1), ceil_mode)
            fallback = tuple(g.shape) != tuple(input_shape[:2]) + osp[2 - len(kernel):]
        if fallback:
            return NP["avg_pool_backward"](g, input_shape, kernel, stride, padding, ceil_mode, count_include_pad,
                                           divisor_override)
        g = np.ascontiguousarray(g)
        out = np.empty(tuple(input_shape), g.dtype)
        call("avg_pool2d_backward", g.dtype, ptr(g), ptr(out), input_shape[0] * input_shape[1], *sizes, *k, *s,
             *p, *osp, int(bool(count_include_pad)), int(divisor_override or 0))
        return out

    return {
        "max_pool": max_pool,
        "max_pool_backward": max_pool_backward,
        "avg_pool": avg_pool,
        "avg_pool_backward": avg_pool_backward,
    }
