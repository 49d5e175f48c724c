"""OpInfos for ember/ops/attention.py: ``F.scaled_dot_product_attention`` (float and boolean masks,
causal masking with L != S, explicit scale, grouped-query heads, fully masked rows, dropout_p=1)."""
from __future__ import annotations

import numpy as np
from ember.testing.opinfo import FLOAT_DTYPES, ErrorInput, OpInfo, SampleInput

from ._samples import make_array

HALF_TOLS = {"float16": (5e-3, 5e-3), "bfloat16": (3e-2, 3e-2)}


def _sdpa(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    import ember.nn.functional as F
    return F.scaled_dot_product_attention(query, key, value, attn_mask=attn_mask, dropout_p=dropout_p,
                                          is_causal=is_causal, scale=scale, enable_gqa=enable_gqa)


def _ref(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    if enable_gqa and q.ndim >= 3 and k.shape[-3] != q.shape[-3]:
        rep = q.shape[-3] // k.shape[-3]
        k, v = np.repeat(k, rep, axis=-3), np.repeat(v, rep, axis=-3)
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * scale
    L, S = s.shape[-2:]
    if attn_mask is not None:
        s = s + (np.where(attn_mask, 0.0, -np.inf) if attn_mask.dtype == bool else attn_mask)
    if is_causal:
        s = np.where(np.tri(L, S, dtype=bool), s, -np.inf)
    m = s.max(-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.exp(s - m)
    tot = e.sum(-1, keepdims=True)
    p = e / np.where(tot == 0, 1.0, tot)
    if dropout_p >= 1.0:
        p = p * 0.0
    return p @ v


def _samples(dtype, rng):
    a = lambda *shape: make_array(shape, dtype, rng, -1.5, 1.5)
    yield SampleInput(a(2, 3, 4, 5), a(2, 3, 6, 5), a(2, 3, 6, 7), name="4-D, L != S")
    yield SampleInput(a(3, 4, 5), a(3, 4, 5), a(3, 4, 5), is_causal=True, name="causal square")
    yield SampleInput(a(2, 3, 4), a(2, 5, 4), a(2, 5, 3), is_causal=True, name="causal L < S")
    yield SampleInput(a(2, 5, 4), a(2, 3, 4), a(2, 3, 3), is_causal=True, name="causal L > S")
    yield SampleInput(a(2, 2, 4, 3), a(2, 2, 5, 3), a(2, 2, 5, 3), attn_mask=a(4, 5), name="float mask")
    mask = rng.random((2, 1, 4, 5)) < 0.7
    mask[..., 0] = True
    yield SampleInput(a(2, 2, 4, 3), a(2, 2, 5, 3), a(2, 2, 5, 3), attn_mask=mask, name="bool mask")
    dead = np.ones((4, 5), dtype=bool)
    dead[1] = False
    yield SampleInput(a(1, 4, 3), a(1, 5, 3), a(1, 5, 2), attn_mask=dead, name="a fully masked row")
    yield SampleInput(a(2, 4, 3), a(2, 5, 3), a(2, 5, 3), scale=0.25, name="explicit scale")
    yield SampleInput(a(4, 3), a(5, 3), a(5, 2), name="2-D")
    yield SampleInput(a(1, 4, 3, 2), a(1, 2, 5, 2), a(1, 2, 5, 2), enable_gqa=True, name="gqa 4 / 2 heads")
    yield SampleInput(a(2, 3, 4), a(2, 5, 4), a(2, 5, 3), dropout_p=1.0, name="dropout_p=1")
    yield SampleInput(a(2, 0, 4), a(2, 5, 4), a(2, 5, 3), name="empty L")


def _errors():
    f = np.zeros
    yield ErrorInput(SampleInput(f((2, 3, 4), np.float32), f((2, 5, 4), np.float32), f((2, 5, 4), np.float32),
                                 attn_mask=np.ones((3, 5), bool), is_causal=True),
                     RuntimeError, "Explicit attn_mask should not be set when is_causal=True")
    yield ErrorInput(SampleInput(f((2, 3, 4), np.float32), f((2, 5, 4), np.float32), f((2, 5, 4), np.float32),
                                 attn_mask=np.ones((3, 5), np.int64)),
                     RuntimeError, "Expected attn_mask dtype to be bool or float")
    yield ErrorInput(SampleInput(f((2, 3, 4), np.float32), f((2, 5, 4), np.float32), f((2, 5, 4), np.float32),
                                 attn_mask=np.ones((3, 5), np.float64)),
                     RuntimeError, "attn_mask.dtype: double and  query.dtype: float instead")
    yield ErrorInput(SampleInput(f((2, 3, 4), np.float32), f((2, 5, 3), np.float32), f((2, 5, 4), np.float32)),
                     RuntimeError, "same embedding size")
    yield ErrorInput(SampleInput(f((2, 3, 4), np.float32), f((2, 5, 4), np.float32), f((2, 5, 4), np.float64)),
                     RuntimeError, "same dtype")
    yield ErrorInput(SampleInput(f((2, 3, 4), np.float32), f((2, 5, 4), np.float32), f((2, 5, 4), np.float32),
                                 dropout_p=1.5), ValueError, "dropout probability")


OP_DB = [
    OpInfo("scaled_dot_product_attention", _sdpa, _ref, _samples, dtypes=FLOAT_DTYPES, gradgrad=True,
           error_inputs=_errors, tols=HALF_TOLS, grad_samples=4),
]


