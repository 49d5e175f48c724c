"""NumPy kernels for ember/ops/loss.py, generic over the array module ``xp``.

Input ``x`` is (N, C, d1, ..., dk), ``t`` (N, d1, ..., dk) int64, ``w`` (C,).  float16/bfloat16 compute in
float32 and round once.
"""
from __future__ import annotations

import numpy as np

from ._dtypes import HALF
from .elementwise import quiet


def kernels(xp):
    asarray = xp.asarray

    def _parts(x, t, w, ignore_index):
        mask = t != ignore_index
        ts = xp.where(mask, t, 0)
        c = x.shape[1]
        bad = mask & ((t < 0) | (t >= c))
        if bad.any():
            raise IndexError(f"Target {int(t[bad].reshape(-1)[0])} is out of bounds.")
        wt = w[ts] * mask
        return mask, ts, wt

    def _reduce(loss, wt, reduction):
        if reduction == "none":
            return loss
        total = loss.sum()
        return total if reduction == "sum" else total / wt.sum()

    def _nll(logp, t, w, ignore_index, reduction):
        mask, ts, wt = _parts(logp, t, w, ignore_index)
        picked = xp.take_along_axis(logp, ts[:, None], axis=1)[:, 0]
        return _reduce(-picked * wt, wt, reduction), mask, wt

    def _finish(r, dt):
        return asarray(r).astype(dt, copy=False)

    def nll_loss(x, t, w, ignore_index, reduction):
        dt = x.dtype
        if dt in HALF:
            x, w = x.astype(np.float32), w.astype(np.float32)
        r, _, _ = quiet(_nll, x, t, w, ignore_index, reduction)
        return _finish(r, dt)

    def _ce(x, t, w, ignore_index, reduction, label_smoothing):
        s = x - x.max(axis=1, keepdims=True) if x.size else x
        logp = s - xp.log(xp.exp(s).sum(axis=1, keepdims=True))
        nll, mask, wt = _nll(logp, t, w, ignore_index, reduction)
        if label_smoothing <= 0:
            return nll
        c = x.shape[1]
        wb = w.reshape((1, c) + (1,) * (x.ndim - 2))
        smooth = -(logp * wb).sum(axis=1) * mask
        smooth = _reduce(smooth, wt, reduction)
        return nll * (1.0 - label_smoothing) + smooth * (label_smoothing / c)

    def cross_entropy(x, t, w, ignore_index, reduction, label_smoothing):
        dt = x.dtype
        if dt in HALF:
            x, w = x.astype(np.float32), w.astype(np.float32)
        return _finish(quiet(_ce, x, t, w, ignore_index, reduction, label_smoothing), dt)

    def _onehot(x, ts):
        c = x.shape[1]
        classes = xp.arange(c).reshape((1, c) + (1,) * (x.ndim - 2))
        return (ts[:, None] == classes).astype(x.dtype)

    def _scale(g, wt, reduction):
        if reduction == "none":
            return g[:, None]
        return g if reduction == "sum" else g / wt.sum()

    def _ce_bwd(g, x, t, w, ignore_index, reduction, ls):
        mask, ts, wt = _parts(x, t, w, ignore_index)
        e = xp.exp(x - x.max(axis=1, keepdims=True)) if x.size else x
        p = e / e.sum(axis=1, keepdims=True)
        wt1 = wt[:, None]
        grad = (p - _onehot(x, ts)) * wt1
        if ls > 0:
            c = x.shape[1]
            wb = w.reshape((1, c) + (1,) * (x.ndim - 2))
            smooth = (p * w.sum() - wb) * mask[:, None]
            grad = grad * (1.0 - ls) + smooth * (ls / c)
        return grad * _scale(g, wt, reduction)

    def _nll_bwd(g, x, t, w, ignore_index, reduction):
        _, ts, wt = _parts(x, t, w, ignore_index)
        return -_onehot(x, ts) * wt[:, None] * _scale(g, wt, reduction)

    def backward(f):
        def k(g, x, t, w, *params):
            dt = x.dtype
            if dt in HALF:
                g, x, w = g.astype(np.float32), x.astype(np.float32), w.astype(np.float32)
            return _finish(quiet(f, g, x, t, w, *params), dt)
        k.__name__ = f.__name__
        return k

    return {"nll_loss": nll_loss, "cross_entropy": cross_entropy, "cross_entropy_backward": backward(_ce_bwd),
            "nll_loss_backward": backward(_nll_bwd)}


KERNELS = kernels(np)
