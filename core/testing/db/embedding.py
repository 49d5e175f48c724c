"""OpInfos for ember/ops/embedding.py (through ``nn.functional.embedding``) and embedding_bag."""
from __future__ import annotations

import numpy as np
from ember.testing.opinfo import ErrorInput, OpInfo, SampleInput

from ._samples import make_array

_F32 = np.float32


def _F():
    import ember.nn.functional as F
    return F


def _emb(indices, weight, **kw):
    return _F().embedding(indices, weight, **kw)


def _emb_ref(indices, weight, padding_idx=None, scale_grad_by_freq=False):
    return weight[indices]


def _emb_samples(dtype, rng):
    w = make_array((7, 3), dtype, rng)
    for shape in ((4,), (2, 3), (), (0,), (2, 2, 2)):
        yield SampleInput(rng.integers(0, 7, size=shape), w, grad_args=(1,), name=f"indices {shape}")
    yield SampleInput(np.array([[0, 2, 2], [6, 2, 1]], np.int32), w, grad_args=(1,), padding_idx=2,
                      name="int32 indices, padding_idx=2")
    # scale_grad_by_freq's gradient is deliberately not the derivative: never gradchecked (grad_args=())
    yield SampleInput(np.array([1, 1, 3, 1, 0]), w, grad_args=(), scale_grad_by_freq=True, padding_idx=-7,
                      name="scale_grad_by_freq, padding_idx=-7")


def _emb_errors():
    w = np.ones((5, 2), _F32)
    yield ErrorInput(SampleInput(np.array([1, 5]), w), IndexError, "index out of range in self")
    yield ErrorInput(SampleInput(np.array([-1]), w), IndexError, "index out of range in self")
    yield ErrorInput(SampleInput(np.array([1.0], _F32), w), RuntimeError,
                     "Expected tensor for argument #1 'indices' to have one of the following scalar types")
    yield ErrorInput(SampleInput(np.array([1]), w, padding_idx=5), AssertionError, "Padding_idx must be within")


def _bag(input, weight, offsets=None, **kw):
    return _F().embedding_bag(input, weight, offsets, **kw)


def _bag_ref(input, weight, offsets=None, mode="mean", per_sample_weights=None, include_last_offset=False,
             padding_idx=None):
    if input.ndim == 2:
        bags = list(input)
        psw = list(per_sample_weights) if per_sample_weights is not None else [None] * len(bags)
    else:
        ends = list(offsets[1:]) + ([] if include_last_offset else [len(input)])
        starts = list(offsets[:len(ends)])
        bags = [input[s:e] for s, e in zip(starts, ends)]
        psw = [per_sample_weights[s:e] if per_sample_weights is not None else None for s, e in zip(starts, ends)]
    out = np.zeros((len(bags), weight.shape[1]))
    for i, (bag, p) in enumerate(zip(bags, psw)):
        keep = bag != padding_idx if padding_idx is not None else np.ones(len(bag), bool)
        rows = weight[bag[keep]]
        if p is not None:
            rows = rows * p[keep][:, None]
        if len(rows):
            out[i] = {"sum": rows.sum(0), "mean": rows.mean(0), "max": rows.max(0)}[mode]
    return out


def _bag_samples(dtype, rng):
    w = make_array((6, 3), dtype, rng)
    idx = np.array([0, 2, 5, 5, 1, 3, 2])
    offs = np.array([0, 3, 3, 5])
    for mode in ("sum", "mean", "max"):
        yield SampleInput(idx, w, offs, mode=mode, grad_args=(1,), name=f"1-D with offsets, {mode}")
        yield SampleInput(rng.integers(0, 6, size=(3, 2)), w, mode=mode, grad_args=(1,), name=f"2-D, {mode}")
    yield SampleInput(idx, w, np.array([0, 2, 2, 7]), mode="mean", include_last_offset=True, grad_args=(1,),
                      name="include_last_offset")
    yield SampleInput(idx, w, offs, mode="sum", per_sample_weights=make_array((7,), dtype, rng), grad_args=(1, 3),
                      name="per_sample_weights")
    yield SampleInput(idx, w, offs, mode="mean", padding_idx=2, grad_args=(1,), name="mean, padding_idx=2")
    yield SampleInput(idx, w, offs, mode="max", padding_idx=5, grad_args=(1,), name="max, padding_idx=5")


def _bag_errors():
    w = np.ones((5, 2), _F32)
    yield ErrorInput(SampleInput(np.array([1, 2]), w), ValueError, "offsets has to be a 1D Tensor but got None")
    yield ErrorInput(SampleInput(np.array([1, 2]), w, np.array([0]), mode="median"), ValueError,
                     "mode has to be one of sum, mean or max")
    yield ErrorInput(SampleInput(np.array([[1, 2]]), w, np.array([0])), ValueError,
                     "if input is 2D, then offsets has to be None")
    yield ErrorInput(SampleInput(np.array([1, 2]), w, np.array([0]), mode="mean",
                                 per_sample_weights=np.ones(2, _F32)), NotImplementedError,
                     "per_sample_weights is only supported for mode='sum'")


OP_DB = [
    OpInfo("embedding", _emb, _emb_ref, _emb_samples, gradgrad=True, error_inputs=_emb_errors),
    OpInfo("embedding_bag", _bag, _bag_ref, _bag_samples, gradgrad=True, error_inputs=_bag_errors, grad_samples=6,
           tols={"float16": (2e-3, 2e-3), "bfloat16": (1.6e-2, 2e-2)}),
]
