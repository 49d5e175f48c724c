"""Embedding lookup: rows of a weight matrix gathered by integer indices.

``embedding`` is a composite (``index_select`` on the flattened indices) with a fused kernel; its
gradient scatter-adds the output gradient into the weight's rows with ``index_add`` (itself
differentiable), skipping ``padding_idx`` and optionally dividing by each index's frequency.
The public entry point with PyTorch's checks is ``ember.nn.functional.embedding``.
"""
from __future__ import annotations

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from .elementwise import where
from .indexing import INDEX_ADD, INDEX_SELECT

F = "embedding"


def _embedding_bwd(ctx, g):
    weight, indices = ctx.saved
    padding_idx, scale_grad_by_freq = ctx.params
    flat = indices.reshape(-1)
    gf = g.reshape((flat.shape[0], weight.shape[1]))
    if padding_idx >= 0:
        gf = where((flat != padding_idx).unsqueeze(-1), gf, 0.0)
    if scale_grad_by_freq:
        ones = flat.new_ones(flat.shape, dtype=g.dtype)
        counts = apply(INDEX_ADD, (g.new_zeros((weight.shape[0],)), flat, ones), (0, 1))
        scaled = gf / apply(INDEX_SELECT, (counts, flat), (0,)).unsqueeze(-1)
        # like PyTorch's embedding_dense_double_backward, the second-order pass sees the scaling once
        # (through this node's own backward), so the scaled value enters with an unscaled derivative
        gf = gf + (scaled - gf).detach()
    return apply(INDEX_ADD, (g.new_zeros(tuple(weight.shape)), flat, gf), (0, 1)), None


def _embedding_decomp(weight, indices, padding_idx, scale_grad_by_freq):
    flat = indices.reshape(-1)
    rows = apply(INDEX_SELECT, (weight, flat), (0,))
    if padding_idx >= 0 or scale_grad_by_freq:
        # same values, gradient multiplied per lookup: 0 at padding_idx, 1/count with scale_grad_by_freq
        factor = flat.new_ones(flat.shape, dtype=weight.dtype)
        if scale_grad_by_freq:
            counts = apply(INDEX_ADD, (weight.new_zeros((weight.shape[0],)), flat, factor), (0, 1))
            factor = factor / apply(INDEX_SELECT, (counts, flat), (0,))
        if padding_idx >= 0:
            factor = where(flat != padding_idx, factor, 0.0)
        frozen = rows.detach()
        rows = frozen + (rows - frozen) * factor.unsqueeze(-1)
    return rows.reshape(tuple(indices.shape) + (weight.shape[1],))


EMBEDDING = defop("embedding", F, "embedding(weight, indices, padding_idx, scale_grad_by_freq) -> out",
                  backward=_embedding_bwd, decomposition=_embedding_decomp, save="inputs",
                  doc="weight[indices]: rows of the 2-D weight at integer indices (shape indices.shape + (D,)); "
                      "padding_idx (-1: none) gets no gradient, scale_grad_by_freq divides by index counts")


def embedding_lookup(weight, indices, padding_idx=-1, scale_grad_by_freq=False):
    """``weight[indices]`` through the registry (no argument checks: see ``nn.functional.embedding``)."""
    if indices.dtype not in (D.int32, D.int64):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {indices.type()} instead (while checking arguments for embedding)")
    return apply(EMBEDDING, (weight, indices), (int(padding_idx), bool(scale_grad_by_freq)), weight.dtype)
