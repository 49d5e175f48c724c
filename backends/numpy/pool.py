"""NumPy kernels for ember/ops/pool.py, generic over the array module ``xp``.

Pools reduce over the kernel offsets: one vectorised pass per offset over a strided slice of the
padded input (a running max / sum), never a loop over output pixels.  Gradients scatter back with
``bincount`` (max pooling) or one strided add per kernel offset (average pooling).  float16/bfloat16 compute in float32.
"""
from __future__ import annotations

import itertools

from ember.ops.pool import avg_divisor_factors, pool_geometry

import numpy as np

from .conv import window_tools


def kernels(xp):
    up, _, col2im = window_tools(xp)

    def _lowest(dt):
        return -xp.inf if dt.kind == "f" else xp.iinfo(dt).min

    def _divisor(sizes, osp, kernel, stride, padding, count_include_pad, divisor_override, dt):
        if divisor_override:
            return dt.type(divisor_override)
        div = xp.ones((), dt)
        for i, f in enumerate(avg_divisor_factors(sizes, osp, kernel, stride, padding, count_include_pad)):
            div = div[..., None] * xp.asarray(f, dt)
        return div

    def padded(x, pads, fill):
        if any(a or b for a, b in pads):
            return xp.pad(x, [(0, 0), (0, 0)] + list(pads), constant_values=fill)
        return x

    def offset_slices(kernel, stride, dilation, osp):
        """For every kernel offset (row-major): the strided slice of the padded input it reads."""
        lead = (slice(None), slice(None))
        for kidx in itertools.product(*(range(k) for k in kernel)):
            yield kidx, lead + tuple(slice(ki * dl, ki * dl + s * (o - 1) + 1, s)
                                     for ki, dl, s, o in zip(kidx, dilation, stride, osp))

    def max_pool(x, kernel, stride, padding, dilation, ceil_mode):
        # a running maximum over the kernel offsets: K vectorised passes over the output, no window copy
        dt = x.dtype
        xu = up(x)
        d = len(kernel)
        sizes = x.shape[2:]
        osp, pads = pool_geometry(sizes, kernel, stride, padding, dilation, ceil_mode)
        xpad = padded(xu, pads, _lowest(xu.dtype))
        mult = [1] * d
        for i in range(d - 2, -1, -1):
            mult[i] = mult[i + 1] * sizes[i + 1]
        slices = list(offset_slices(kernel, stride, dilation, osp))
        offs = [sum(ki * dl * m for ki, dl, m in zip(kidx, dilation, mult)) for kidx, _ in slices]
        best = xpad[slices[0][1]].copy()
        for _, sl in slices[1:]:
            xp.maximum(best, xpad[sl], out=best)  # propagates NaN, as PyTorch
        # the argmax: the first offset holding the maximum (PyTorch's strict `>` scan)
        kdt = xp.uint8 if len(slices) < 256 else xp.int32
        best_k = xp.zeros(best.shape, kdt)
        found = xpad[slices[0][1]] == best
        for j, (_, sl) in enumerate(slices[1:], 1):
            eq = xpad[sl] == best
            eq &= ~found
            best_k += eq.astype(kdt) * kdt(j)
            found |= eq
        if xu.dtype.kind == "f":
            nan = xp.isnan(best)
            if nan.any():  # PyTorch keeps the last NaN of a window
                for j, (_, sl) in enumerate(slices):
                    best_k[nan & xp.isnan(xpad[sl])] = j
        base = xp.zeros((1,) * d, xp.int64)
        for i in range(d):
            start = xp.arange(osp[i], dtype=xp.int64) * stride[i] - padding[i]
            base = base + (start * mult[i]).reshape((osp[i],) + (1,) * (d - 1 - i))
        idx = base + xp.asarray(offs, dtype=xp.int64)[best_k]
        lowest = best == _lowest(xu.dtype)
        if lowest.any():
            # PyTorch starts each window's scan at its first in-image tap and only a strict `>` moves it, so a
            # window whose maximum is the lowest value points there (past the plane when it has no such tap)
            first = xp.zeros((1,) * d, xp.int64)
            for i in range(d):
                start = xp.arange(osp[i], dtype=xp.int64) * stride[i] - padding[i]
                start = xp.where(start < 0, start + (-start + dilation[i] - 1) // dilation[i] * dilation[i], start)
                first = first + (start * mult[i]).reshape((osp[i],) + (1,) * (d - 1 - i))
            idx = xp.where(lowest, xp.broadcast_to(first, idx.shape), idx)
        return best.astype(dt, copy=False), idx

    def max_pool_backward(g, indices, input_shape):
        n, c = input_shape[:2]
        s = 1
        for v in input_shape[2:]:
            s *= v
        off = (xp.arange(n * c, dtype=xp.int64) * s).reshape((n, c) + (1,) * (indices.ndim - 2))
        inside = (indices >= 0) & (indices < s)  # an index past the plane (a window with no in-image tap): no grad
        flat = xp.where(inside, indices + off, 0).ravel()
        w = xp.where(inside, g.astype(xp.float64), 0.0).ravel()
        r = xp.bincount(flat, weights=w, minlength=n * c * s)
        return r.reshape(input_shape).astype(g.dtype)

    def avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
        dt = x.dtype
        xu = up(x)
        ones = (1,) * len(kernel)
        osp, pads = pool_geometry(x.shape[2:], kernel, stride, padding, ones, ceil_mode)
        xpad = padded(xu, pads, 0)
        total = None
        for _, sl in offset_slices(kernel, stride, ones, osp):
            total = xpad[sl].copy() if total is None else xp.add(total, xpad[sl], out=total)
        div = _divisor(x.shape[2:], osp, kernel, stride, padding, count_include_pad, divisor_override, total.dtype)
        return (total / div).astype(dt, copy=False)

    def avg_pool_backward(g, input_shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
        dt = g.dtype
        d = len(kernel)
        ones = (1,) * d
        osp, pads = pool_geometry(input_shape[2:], kernel, stride, padding, ones, ceil_mode)
        gu = up(g)
        gd = gu / _divisor(input_shape[2:], osp, kernel, stride, padding, count_include_pad, divisor_override,
                           gu.dtype)
        n, c = input_shape[:2]
        dc = xp.broadcast_to(gd.reshape((n, c) + ones + osp), (n, c) + tuple(kernel) + osp)
        r = col2im(dc, input_shape, kernel, osp, stride, pads, ones)
        return xp.ascontiguousarray(r).astype(dt, copy=False)

    return {
        "max_pool": max_pool,
        "max_pool_backward": max_pool_backward,
        "avg_pool": avg_pool,
        "avg_pool_backward": avg_pool_backward,
    }


KERNELS = kernels(np)
