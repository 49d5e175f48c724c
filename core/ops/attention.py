"""Scaled dot-product attention, one op: ``softmax(q k^T * scale + mask) @ v``.

The op takes the tensors ``(q, k, v, [mask], [keep])``: ``mask`` is an additive float mask (the frontend
turns a boolean mask into 0 / -inf) and ``keep`` the dropout multiplier (0 or ``1 / (1 - p)``), drawn by the
frontend with ember's random ops.  It returns ``(out, attn)`` where ``attn`` is the softmax before dropout;
both are differentiable (``nn.MultiheadAttention`` returns the weights).  Rows whose every score is masked
out give zero weights and a zero output, as PyTorch's CPU kernel does.
"""
from __future__ import annotations

import math as _m

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from .._tensor import Tensor

F = "attention"


def _split(tensors, params):
    """(q, k, v, mask or None, keep or None, scale, is_causal) from the op's flat arguments."""
    scale, is_causal, has_mask, has_keep = params
    q, k, v = tensors[:3]
    rest = list(tensors[3:])
    mask = rest.pop(0) if has_mask else None
    keep = rest.pop(0) if has_keep else None
    return q, k, v, mask, keep, scale, is_causal


def _causal(q, k):
    from .creation import ones
    L, S = q.shape[-2], k.shape[-2]
    return ones((L, S), dtype=D.bool, device=q.device).tril()


def _probs(q, k, mask, scale, is_causal):
    """softmax(q k^T * scale + mask) with fully masked rows giving zeros (ember ops)."""
    from .elementwise import where
    s = (q @ k.transpose(-2, -1)) * scale
    if mask is not None:
        s = s + mask
    if is_causal:
        s = where(_causal(q, k), s, -_m.inf)
    m = s.amax(-1, keepdim=True).detach()
    m = where(m.isfinite(), m, 0.0)
    e = (s - m).exp()
    total = e.sum(-1, keepdim=True)
    return e / where(total == 0, 1.0, total)


def _sdpa_decomp(*args):
    q, k, v, mask, keep, scale, is_causal = _split(args[:-4], args[-4:])
    p = _probs(q, k, mask, scale, is_causal)
    pd = p if keep is None else p * keep
    return pd @ v, p


def _sdpa_bwd(ctx, g_out, g_attn):
    q, k, v, mask, keep, scale, _ = _split(ctx.saved, ctx.params)
    need = ctx.needs_input_grad
    _, p = ctx.output
    pd = p if keep is None else p * keep
    gp = None
    if g_out is not None:
        gp = g_out @ v.transpose(-2, -1)
        if keep is not None:
            gp = gp * keep
    if g_attn is not None:
        gp = g_attn if gp is None else gp + g_attn
    grads = [None] * len(ctx.saved)
    if g_out is not None and need[2]:
        grads[2] = pd.transpose(-2, -1) @ g_out
    if gp is None:
        return tuple(grads)
    gs = p * (gp - (gp * p).sum(-1, keepdim=True))
    if need[0]:
        grads[0] = (gs @ k) * scale
    if need[1]:
        grads[1] = (gs.transpose(-2, -1) @ q) * scale
    if mask is not None and need[3]:
        grads[3] = gs
    return tuple(grads)


SDPA = defop("scaled_dot_product_attention", F,
             "scaled_dot_product_attention(q, k, v, *mask_keep, scale, is_causal, has_mask, has_keep) -> (out, attn)",
             backward=_sdpa_bwd, decomposition=_sdpa_decomp, save="both", nout=2,
             doc="q (..., L, E), k (..., S, E), v (..., S, Ev); optional additive float mask broadcastable to "
                 "(..., L, S) and dropout multiplier keep (..., L, S); is_causal masks the upper triangle "
                 "(top-left aligned); returns (keep * attn) @ v and attn = softmax(q k^T * scale + mask), "
                 "zeros for fully masked rows; half dtypes compute in float32")


def _check(x, name):
    if not isinstance(x, Tensor):
        raise TypeError(f"scaled_dot_product_attention(): argument '{name}' must be Tensor, not {type(x).__name__}")


def attention_probs(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                    enable_gqa=False, generator=None):
    """``(output, attn_weights, keep)``: scaled dot-product attention, its softmax weights (before dropout)
    and the dropout multiplier used (None without dropout).

    The workhorse of ``F.scaled_dot_product_attention`` and ``F.multi_head_attention_forward``.
    """
    for x, name in ((query, "query"), (key, "key"), (value, "value")):
        _check(x, name)
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError(f"scaled_dot_product_attention(): query, key and value must be at least 2-D, got "
                           f"{query.ndim}-D, {key.ndim}-D and {value.ndim}-D tensors")
    dt = query.dtype
    if not dt.is_floating_point:
        raise RuntimeError(f"scaled_dot_product_attention(): expected a floating-point query, got {dt}")
    if key.dtype is not dt or value.dtype is not dt:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: {dt} "
                           f"key.dtype: {key.dtype} and value.dtype: {value.dtype} instead.")
    if query.shape[-1] != key.shape[-1]:
        raise RuntimeError(f"scaled_dot_product_attention(): query and key must have the same embedding size, got "
                           f"{query.shape[-1]} and {key.shape[-1]}")
    if key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention(): key and value must have the same sequence length, got "
                           f"{key.shape[-2]} and {value.shape[-2]}")
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        hq, hk = query.shape[-3], key.shape[-3]
        if hk == 0 or hq % hk or value.shape[-3] != hk:
            raise RuntimeError(f"scaled_dot_product_attention(): number of heads in key/value ({hk}) must divide "
                               f"the number of heads in query ({hq})")
        key = key.repeat_interleave(hq // hk, dim=-3)
        value = value.repeat_interleave(hq // hk, dim=-3)
    tensors = [query, key, value]
    L, S = query.shape[-2], key.shape[-2]
    if attn_mask is not None:
        if is_causal:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                               "is_causal=True")
        _check(attn_mask, "attn_mask")
        if attn_mask.dtype is D.bool:
            from .elementwise import where
            attn_mask = where(attn_mask, 0.0, -_m.inf).to(dt)
        elif attn_mask.dtype is not dt:
            if attn_mask.dtype is D.float32:  # PyTorch also accepts a float32 mask for any query dtype
                attn_mask = attn_mask.to(dt)
            else:
                raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                                   f"attn_mask.dtype: {_cpp(attn_mask.dtype)} and  query.dtype: {_cpp(dt)} instead.")
        tensors.append(attn_mask)
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    if dropout_p > 0.0:
        from ._util import broadcast_shapes
        from .creation import empty
        batch = broadcast_shapes(tuple(query.shape[:-2]), tuple(key.shape[:-2]))
        keep = empty(batch + (L, S), dtype=dt, device=query.device)
        if dropout_p >= 1.0:
            keep = keep.zero_()
        else:
            keep = keep.bernoulli_(1.0 - dropout_p, generator=generator) / (1.0 - dropout_p)
        tensors.append(keep)
    else:
        keep = None
    if scale is None:
        scale = 1.0 / _m.sqrt(query.shape[-1]) if query.shape[-1] else 1.0
    params = (float(scale), bool(is_causal), attn_mask is not None, dropout_p > 0.0)
    out, attn = apply(SDPA, tuple(tensors), params, (dt, dt))
    return out, attn, keep


def _cpp(dt):
    from .linalg import _CPP
    return _CPP.get(dt.name, dt.name)
