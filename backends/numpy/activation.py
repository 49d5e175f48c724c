"""NumPy kernels for ember/ops/activation.py, generic over the array module ``xp``.

float16/bfloat16 inputs compute in float32 and round once (as PyTorch does on CPU); float32 stays float32.
"""
from __future__ import annotations

import math

import numpy as np

from ._dtypes import HALF
from .elementwise import quiet
from .math import kernels as math_kernels

_SQRT1_2 = math.sqrt(0.5)
_SQRT2_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def kernels(xp):
    nd = xp.ndarray
    asarray = xp.asarray

    def float_kernel(f):
        """Wrap ``f(x, *params)``: half types compute in float32, result in the input dtype, always an array."""
        def k(x, *params):
            dt = x.dtype
            if dt in HALF:
                r = quiet(f, x.astype(np.float32), *params).astype(dt)
            else:
                r = quiet(f, x, *params)
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = f.__name__
        return k

    erf = math_kernels(xp)["erf"]

    def _erf(x):
        return erf(x)

    def relu(x):
        return xp.maximum(x, x.dtype.type(0))

    def leaky_relu(x, slope):
        return xp.where(x > 0, x, x * x.dtype.type(slope))

    def threshold(x, thr, value):
        return xp.where(x > thr, x, x.dtype.type(value))

    def hardtanh(x, lo, hi):
        return xp.minimum(xp.maximum(x, x.dtype.type(lo)), x.dtype.type(hi))

    def elu(x, alpha, scale, input_scale):
        t = x.dtype.type
        neg = xp.expm1(xp.minimum(x, t(0)) * t(input_scale)) * t(alpha * scale)
        return xp.where(x > 0, x * t(scale), neg)

    def gelu(x, approximate):
        t = x.dtype.type
        if approximate == "tanh":
            inner = (x + x * x * x * t(0.044715)) * t(_SQRT2_PI)
            return t(0.5) * x * (t(1) + xp.tanh(inner))
        return t(0.5) * x * (t(1) + _erf(x * t(_SQRT1_2)))

    def _sigmoid(x):
        t = x.dtype.type
        return t(1) / (t(1) + xp.exp(-x))

    def silu(x):
        return x * _sigmoid(x)

    def _softplus(x, beta, threshold):
        t = x.dtype.type
        bx = x * t(beta)
        soft = (xp.log1p(xp.exp(-xp.abs(bx))) + xp.maximum(bx, t(0))) / t(beta)
        return xp.where(bx > threshold, x, soft)

    def mish(x):
        return x * xp.tanh(_softplus(x, 1.0, 20.0))

    def logsigmoid(x):
        t = x.dtype.type
        return xp.minimum(x, t(0)) - xp.log1p(xp.exp(-xp.abs(x)))

    def hardsigmoid(x):
        t = x.dtype.type
        return xp.minimum(xp.maximum(x + t(3), t(0)), t(6)) / t(6)

    def hardswish(x):
        return x * hardsigmoid(x)

    def softmax(x, dim):
        if x.size == 0:
            return x.copy()
        e = xp.exp(x - xp.max(x, axis=dim, keepdims=True))
        e /= xp.sum(e, axis=dim, keepdims=True)
        return e

    def log_softmax(x, dim):
        if x.size == 0:
            return x.copy()
        s = x - xp.max(x, axis=dim, keepdims=True)
        return s - xp.log(xp.sum(xp.exp(s), axis=dim, keepdims=True))

    def relu_backward(g, y):
        return g * (y > 0)

    def gelu_backward(g, x, approximate):
        t = x.dtype.type
        if approximate == "tanh":
            x2 = x * x
            th = xp.tanh((x + x2 * x * t(0.044715)) * t(_SQRT2_PI))
            dinner = (x2 * t(3 * 0.044715) + t(1)) * t(_SQRT2_PI)
            return g * ((th + t(1)) * t(0.5) + x * t(0.5) * (t(1) - th * th) * dinner)
        cdf = (_erf(x * t(_SQRT1_2)) + t(1)) * t(0.5)
        pdf = xp.exp(x * x * t(-0.5)) * t(_INV_SQRT_2PI)
        return g * (cdf + x * pdf)

    def silu_backward(g, x):
        s = _sigmoid(x)
        return g * s * (t1(x) + x * (t1(x) - s))

    def t1(x):
        return x.dtype.type(1)

    def softmax_backward(g, y, dim):
        return y * (g - (g * y).sum(axis=dim, keepdims=True))

    def log_softmax_backward(g, y, dim):
        return g - xp.exp(y) * g.sum(axis=dim, keepdims=True)

    def grad_kernel(f):
        """Backward kernels ``f(grad, saved, *params)``: half types in float32, result in the saved dtype."""
        def k(g, s, *params):
            dt = s.dtype
            if dt in HALF:
                r = quiet(f, g.astype(np.float32), s.astype(np.float32), *params).astype(dt)
            else:
                r = quiet(f, g, s, *params)
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = f.__name__
        return k

    def relu_any(x):
        r = relu(x)
        return r if r.__class__ is nd else asarray(r)

    def hardtanh_any(x, lo, hi):
        if x.dtype.kind in "iu":
            lo, hi = int(lo), int(hi)
            r = xp.minimum(xp.maximum(x, lo), hi).astype(x.dtype)
            return r if r.__class__ is nd else asarray(r)
        return float_kernel(hardtanh)(x, lo, hi)

    def threshold_any(x, thr, value):
        if x.dtype.kind in "iu":
            r = xp.where(x > thr, x, xp.asarray(value).astype(x.dtype))
            return r if r.__class__ is nd else asarray(r)
        return float_kernel(threshold)(x, thr, value)

    return {
        "relu": relu_any, "leaky_relu": float_kernel(leaky_relu), "threshold": threshold_any,
        "hardtanh": hardtanh_any, "elu": float_kernel(elu), "gelu": float_kernel(gelu), "silu": float_kernel(silu),
        "mish": float_kernel(mish), "softplus": float_kernel(_softplus), "logsigmoid": float_kernel(logsigmoid),
        "hardsigmoid": float_kernel(hardsigmoid), "hardswish": float_kernel(hardswish),
        "softmax": float_kernel(softmax), "log_softmax": float_kernel(log_softmax),
        "relu_backward": grad_kernel(relu_backward), "gelu_backward": grad_kernel(gelu_backward),
        "silu_backward": grad_kernel(silu_backward), "softmax_backward": grad_kernel(softmax_backward),
        "log_softmax_backward": grad_kernel(log_softmax_backward),
    }


KERNELS = kernels(np)
