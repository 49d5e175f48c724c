"""NumPy kernels for ember/ops/attention.py, generic over the array module ``xp``.

One fused pass: scores = q k^T * scale (+ mask, causal), a stable softmax in place, dropout, @ v.
float16/bfloat16 compute in float32, as PyTorch does on CPU.
"""
from __future__ import annotations

import numpy as np

from ._dtypes import HALF
from .elementwise import quiet


def kernels(xp):
    def _softmax_rows(s):
        """In-place stable softmax over the last axis; rows that are all -inf give zeros."""
        m = s.max(axis=-1, keepdims=True)
        m[~xp.isfinite(m)] = 0
        s -= m
        xp.exp(s, out=s)
        total = s.sum(axis=-1, keepdims=True)
        total[total == 0] = 1
        s /= total
        return s

    def scaled_dot_product_attention(q, k, v, *rest):
        *tensors, scale, is_causal, has_mask, has_keep = rest
        dt = q.dtype
        ct = np.dtype(np.float32) if dt in HALF else dt
        q, k, v = (a.astype(ct, copy=False) for a in (q, k, v))

        def run():
            s = xp.matmul(q, xp.swapaxes(k, -1, -2))
            s *= ct.type(scale)
            i = 0
            if has_mask:
                s = s + tensors[0].astype(ct, copy=False)
                i = 1
            if is_causal:
                L, S = s.shape[-2], s.shape[-1]
                s[..., ~xp.tri(L, S, dtype=bool)] = -xp.inf
            p = _softmax_rows(s)
            pd = p * tensors[i].astype(ct, copy=False) if has_keep else p
            return xp.matmul(pd, v), p

        out, p = quiet(run)
        return xp.asarray(out).astype(dt, copy=False), xp.asarray(p).astype(dt, copy=False)

    return {"scaled_dot_product_attention": scaled_dot_product_attention}


KERNELS = kernels(np)
