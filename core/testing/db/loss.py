"""OpInfos for ember/ops/loss.py: the fused cross_entropy and nll_loss ops (through ``ember.nn.functional``)."""
from __future__ import annotations

import ember.nn.functional as F
import numpy as np
from ember.ops import loss as L
from ember.testing.opinfo import ErrorInput, OpInfo, SampleInput

from ._samples import make_array


def _log_softmax(x, axis):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def _nll_ref(logp, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    squeeze = logp.ndim == 1
    if squeeze:
        logp, target = logp[None], np.asarray(target)[None]
    c = logp.shape[1]
    w = np.ones(c) if weight is None else np.asarray(weight, np.float64)
    mask = target != ignore_index
    ts = np.where(mask, target, 0)
    picked = np.take_along_axis(logp, ts[:, None], axis=1)[:, 0]
    wt = w[ts] * mask
    loss = -picked * wt
    smooth = -(logp * w.reshape((1, c) + (1,) * (logp.ndim - 2))).sum(axis=1) * mask
    if reduction == "none":
        out = (1 - label_smoothing) * loss + label_smoothing / c * smooth
        return out[0] if squeeze else out
    if reduction == "sum":
        return np.asarray((1 - label_smoothing) * loss.sum() + label_smoothing / c * smooth.sum())
    return np.asarray(((1 - label_smoothing) * loss.sum() + label_smoothing / c * smooth.sum()) / wt.sum())


def _ce_ref(x, target, **kw):
    return _nll_ref(_log_softmax(x, 0 if x.ndim == 1 else 1), target, **kw)


def _class_samples(logits):
    def gen(dtype, rng):
        def arr(shape):
            a = make_array(shape, dtype, rng, -3, 3)
            return a if logits else np.asarray(_log_softmax(a.astype(np.float64), 1 if a.ndim > 1 else 0)).astype(
                a.dtype)
        w = make_array((5,), dtype, rng, 0.2, 2.0)
        for red in ("mean", "sum", "none"):
            yield SampleInput(arr((4, 5)), rng.integers(0, 5, 4), reduction=red, name=f"(N, C) {red}")
            yield SampleInput(arr((4, 5)), np.array([0, -100, 3, 4]), weight=w, reduction=red,
                              name=f"weight + ignored {red}")
            yield SampleInput(arr((2, 5, 3, 2)), rng.integers(0, 5, (2, 3, 2)), weight=w, ignore_index=1,
                              reduction=red, name=f"K-dim {red}")
        yield SampleInput(arr((5,)), np.array(2), name="unbatched (C,)")
        yield SampleInput(arr((5,)), np.array(2), reduction="none", name="unbatched (C,) none")
        yield SampleInput(arr((0, 5)), np.zeros(0, np.int64), reduction="sum", name="empty batch")
        if logits:
            for red in ("mean", "none"):
                yield SampleInput(arr((4, 5)), np.array([1, 0, -100, 4]), weight=w, label_smoothing=0.2,
                                  reduction=red, name=f"label smoothing {red}")
                yield SampleInput(arr((2, 5, 3)), rng.integers(0, 5, (2, 3)), label_smoothing=0.1, reduction=red,
                                  name=f"K-dim label smoothing {red}")
    return gen


def _class_errors(name):
    def gen():
        x = np.zeros((3, 5), np.float32)
        yield ErrorInput(SampleInput(x, np.zeros(3, np.int64), reduction="avg"), ValueError,
                         "avg is not a valid value for reduction")
        yield ErrorInput(SampleInput(x, np.zeros(2, np.int64)), ValueError,
                         r"Expected input batch_size \(3\) to match target batch_size \(2\)")
        yield ErrorInput(SampleInput(x, np.zeros(3, np.int32)), RuntimeError,
                         "expected target dtype to be Long or Byte, but got Int")
        yield ErrorInput(SampleInput(x, np.array([0, 7, 1])), IndexError, "Target 7 is out of bounds")
        yield ErrorInput(SampleInput(x, np.zeros(3, np.int64), weight=np.ones(4, np.float32)), RuntimeError,
                         "weight tensor should be defined either for all 5 classes or no classes")
        yield ErrorInput(SampleInput(np.zeros((2, 3, 4), np.float32), np.zeros((2, 5), np.int64)), RuntimeError,
                         r"Expected target size \[2, 4\], got \[2, 5\]")
        if name == "cross_entropy":
            yield ErrorInput(SampleInput(x, np.zeros(3, np.int64), label_smoothing=1.5), RuntimeError,
                             "label_smoothing must be between 0.0 and 1.0")
            yield ErrorInput(SampleInput(x, np.zeros((3, 5), np.int64)), RuntimeError,
                             "Expected floating point type for target with class probabilities, got Long")
    return gen


def _backward_op(op):
    from ember._dispatch import apply

    def fn(g, x, t, w, *params):
        return apply(op, (g, x, t, w), params, x.dtype)
    fn.__name__ = op.name
    return fn


def _ce_grad_ref(g, x, t, w, ignore_index, reduction, ls):
    c = x.shape[1]
    e = np.exp(x - x.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    mask = t != ignore_index
    ts = np.where(mask, t, 0)
    onehot = (ts[:, None] == np.arange(c).reshape((1, c) + (1,) * (x.ndim - 2))).astype(np.float64)
    wt = w[ts] * mask
    wb = w.reshape((1, c) + (1,) * (x.ndim - 2))
    grad = (1 - ls) * wt[:, None] * (p - onehot) + ls / c * (p * w.sum() - wb) * mask[:, None]
    return grad * _grad_scale_ref(g, wt, reduction)


def _nll_grad_ref(g, x, t, w, ignore_index, reduction):
    c = x.shape[1]
    mask = t != ignore_index
    ts = np.where(mask, t, 0)
    onehot = (ts[:, None] == np.arange(c).reshape((1, c) + (1,) * (x.ndim - 2))).astype(np.float64)
    wt = w[ts] * mask
    return -onehot * wt[:, None] * _grad_scale_ref(g, wt, reduction)


def _grad_scale_ref(g, wt, reduction):
    if reduction == "none":
        return g[:, None]
    return g if reduction == "sum" else g / wt.sum()


def _class_grad_samples(smoothing):
    def gen(dtype, rng):
        for shape in ((4, 5), (2, 5, 3, 2)):
            x = make_array(shape, dtype, rng, -3, 3)
            t = rng.integers(0, 5, (shape[0],) + shape[2:])
            t.reshape(-1)[1] = -100
            w = make_array((5,), dtype, rng, 0.2, 2.0)
            for red in ("none", "mean", "sum"):
                g = make_array(t.shape if red == "none" else (), dtype, rng)
                extra = (0.2,) if smoothing else ()
                yield SampleInput(g, x, t, w, -100, red, *extra, name=f"{shape} {red}", grad_args=(0, 1))
    return gen


OP_DB = [
    OpInfo("nn.functional.cross_entropy", F.cross_entropy, _ce_ref, _class_samples(True), gradgrad=True,
           grad_samples=8, error_inputs=_class_errors("cross_entropy")),
    OpInfo("nn.functional.nll_loss", F.nll_loss, _nll_ref, _class_samples(False), gradgrad=True, grad_samples=4,
           error_inputs=_class_errors("nll_loss")),
    OpInfo("cross_entropy_backward", _backward_op(L.CROSS_ENTROPY_BACKWARD), _ce_grad_ref,
           _class_grad_samples(True)),
    OpInfo("nll_loss_backward", _backward_op(L.NLL_LOSS_BACKWARD), _nll_grad_ref, _class_grad_samples(False)),
]
