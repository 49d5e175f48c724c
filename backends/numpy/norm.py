"""Fused normalization kernels for ember/ops/norm.py, generic over ``xp``.

Statistics use the two-pass (centred) biased variance; float16/bfloat16 compute in float32, like
PyTorch on CPU, and every output is cast back to the input dtype.
"""
from __future__ import annotations

import numpy as np

from ._dtypes import HALF


def kernels(xp):
    asarray = xp.asarray

    def compute(x):
        return x.astype(np.float32) if x.dtype in HALF else x

    def moments(xc, dims):
        """Mean and biased variance over ``dims`` (keepdims), and the centred input."""
        m = xc.mean(axis=dims, keepdims=True)
        d = xc - m
        v = xp.square(d).mean(axis=dims, keepdims=True)
        return m, v, d

    def back(a, dt):
        return asarray(a).astype(dt, copy=False)

    def channel_sum(a3):
        """Sum of an (N, C, M) array over N and M: (C,)."""
        return a3.sum(axis=2).sum(axis=0)

    def batch_norm(x, weight, bias, eps):
        n, c = x.shape[0], x.shape[1]
        x3 = compute(x).reshape(n, c, -1)
        count = n * x3.shape[2]
        with np.errstate(all="ignore"):
            m = channel_sum(x3) / count
            d = x3 - m[:, None]
            v = channel_sum(xp.square(d)) / count
            d *= (compute(weight) / xp.sqrt(v + eps))[:, None]
            d += compute(bias)[:, None]
        return back(d.reshape(x.shape), x.dtype), back(m, x.dtype), back(v, x.dtype)

    def layer_norm(x, weight, bias, k, eps):
        dt = x.dtype
        dims = tuple(range(x.ndim - k, x.ndim))
        with np.errstate(all="ignore"):
            m, v, d = moments(compute(x), dims)
            d /= xp.sqrt(v + eps)
            d *= compute(weight)
            d += compute(bias)
        return back(d, dt), back(m, dt), back(v, dt)

    def group_norm(x, weight, bias, groups, eps):
        dt = x.dtype
        shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
        with np.errstate(all="ignore"):
            m, v, d = moments(compute(x).reshape(x.shape[0], groups, -1), (2,))
            d /= xp.sqrt(v + eps)
            out = d.reshape(x.shape) * compute(weight).reshape(shape)
            out += compute(bias).reshape(shape)
        return back(out, dt), back(m[..., 0], dt), back(v[..., 0], dt)

    def centred_grad(gxhat, xhat, rstd, axis):
        """rstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat)) over ``axis``, reusing ``xhat``."""
        a = gxhat.mean(axis=axis, keepdims=True)
        c = (gxhat * xhat).mean(axis=axis, keepdims=True)
        xhat *= c
        xp.subtract(gxhat, xhat, out=xhat)
        xhat -= a
        xhat *= rstd
        return xhat

    def batch_norm_backward(g, x, weight, mean, var, eps):
        n, c = x.shape[0], x.shape[1]
        g3 = compute(g).reshape(n, c, -1)
        with np.errstate(all="ignore"):
            rstd = 1 / xp.sqrt(compute(var) + eps)
            xhat = compute(x).reshape(n, c, -1) - compute(mean)[:, None]
            xhat *= rstd[:, None]
            gb = channel_sum(g3)
            gw = channel_sum(g3 * xhat)
            count = g3.shape[0] * g3.shape[2]
            gx = xhat
            gx *= -(gw / count)[:, None]
            gx += g3
            gx -= (gb / count)[:, None]
            gx *= (compute(weight) * rstd)[:, None]
        return back(gx.reshape(x.shape), x.dtype), back(gw, weight.dtype), back(gb, weight.dtype)

    def layer_norm_backward(g, x, weight, mean, var, k, eps):
        d = 1
        for s in x.shape[x.ndim - k:]:
            d *= s
        g2 = compute(g).reshape(-1, d)
        with np.errstate(all="ignore"):
            rstd = 1 / xp.sqrt(compute(var).reshape(-1, 1) + eps)
            xhat = compute(x).reshape(-1, d) - compute(mean).reshape(-1, 1)
            xhat *= rstd
            gw = (g2 * xhat).sum(axis=0)
            gb = g2.sum(axis=0)
            gx = centred_grad(g2 * compute(weight).reshape(1, d), xhat, rstd, 1)
        return (back(gx.reshape(x.shape), x.dtype), back(gw.reshape(weight.shape), weight.dtype),
                back(gb.reshape(weight.shape), weight.dtype))

    def group_norm_backward(g, x, weight, mean, var, groups, eps):
        n, c = x.shape[0], x.shape[1]
        g3 = compute(g).reshape(n, c, -1)
        with np.errstate(all="ignore"):
            rstd = (1 / xp.sqrt(compute(var) + eps))[..., None]
            xhat = compute(x).reshape(n, groups, -1) - compute(mean)[..., None]
            xhat *= rstd
            xhat_c = xhat.reshape(n, c, -1)
            gw = channel_sum(g3 * xhat_c)
            gb = channel_sum(g3)
            gxhat = (g3 * compute(weight)[:, None]).reshape(n, groups, -1)
            gx = centred_grad(gxhat, xhat, rstd, 2)
        return back(gx.reshape(x.shape), x.dtype), back(gw, weight.dtype), back(gb, weight.dtype)

    return {"batch_norm": batch_norm, "layer_norm": layer_norm, "group_norm": group_norm,
            "batch_norm_backward": batch_norm_backward, "layer_norm_backward": layer_norm_backward,
            "group_norm_backward": group_norm_backward}


KERNELS = kernels(np)
