"""``torch.nn.functional`` embeddings: embedding and embedding_bag.

``embedding`` runs the registry op ``embedding`` (gather rows; gradient scatter-added into the
weight).  ``embedding_bag`` reduces the looked-up rows of each bag with ``index_add`` (sum/mean) or
``scatter_reduce`` (max), all differentiable ember ops; empty bags give zeros, like PyTorch.
"""
from __future__ import annotations

import warnings

import ember

from ... import _dtype as D
from ..._tensor import Tensor
from ...ops.embedding import embedding_lookup

__all__ = ["embedding", "embedding_bag"]


def _renorm_(weight, input, max_norm, norm_type):
    """``embedding_renorm_``: rows of ``weight`` used by ``input`` with a ``norm_type``-norm above
    ``max_norm`` are rescaled in place to norm ``max_norm`` (no gradient is recorded)."""
    with ember.no_grad():
        rows = ember.unique(input.reshape(-1)).to(D.int64)
        sel = weight.index_select(0, rows)
        norms = ember.linalg.vector_norm(sel, float(norm_type), dim=1)
        scale = ember.where(norms > max_norm, max_norm / (norms + 1e-7), ember.ones_like(norms))
        weight.index_copy_(0, rows, sel * scale.unsqueeze(1))


def _padding_idx(padding_idx, num):
    if padding_idx is None:
        return -1
    if padding_idx > 0 and padding_idx >= num:
        raise AssertionError("Padding_idx must be within num_embeddings")
    if padding_idx < 0:
        if padding_idx < -num:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = num + padding_idx
    return padding_idx


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` at the integer ``input`` indices: shape ``input.shape + (embedding_dim,)``.

    >>> F.embedding(ember.tensor([[0, 2]]), ember.eye(3))
    tensor([[[1., 0., 0.],
             [0., 0., 1.]]])
    """
    for t, name in ((input, "input"), (weight, "weight")):
        if not isinstance(t, Tensor):
            raise TypeError(f"embedding(): argument '{name}' must be Tensor, not {type(t).__name__}")
    if weight.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D, but got a {weight.ndim}-D tensor")
    padding_idx = _padding_idx(padding_idx, weight.shape[0])
    if max_norm is not None:
        input = input.contiguous()
        _renorm_(weight, input, max_norm, norm_type)
    return embedding_lookup(weight, input, padding_idx, scale_grad_by_freq)


def _bag_ids(offsets, n, num_bags):
    """For each of the ``n`` flattened indices, the bag it belongs to (offsets are bag starts)."""
    marks = ember.zeros((n + 1,), dtype=D.int64, device=offsets.device)
    starts = offsets.narrow(0, 1, num_bags - 1) if num_bags > 1 else offsets.narrow(0, 0, 0)
    marks.index_add_(0, starts.clamp(0, n).to(D.int64), ember.ones_like(starts, dtype=D.int64))
    return ember.cumsum(marks, 0).narrow(0, 0, n)


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Sums, averages or takes the max of the embeddings of each bag of indices.

    A 2-D ``input`` (B, L) is B bags of length L; a 1-D ``input`` is split into bags at ``offsets``.
    """
    if weight.dtype is D.int64 and input.dtype.is_floating_point:
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, "
                      "input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.",
                      stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if weight.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.ndim}")
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        offsets = ember.arange(0, input.numel(), max(input.shape[1], 1), dtype=input.dtype, device=input.device)
        if input.shape[1] == 0:
            offsets = ember.zeros((input.shape[0],), dtype=input.dtype, device=input.device)
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        _renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  f"GitHub.")
    if input.dtype not in (D.int32, D.int64) or offsets.dtype not in (D.int32, D.int64):
        raise RuntimeError("embedding_bag: expected input and offsets to be int32 or int64 tensors")
    num_bags = offsets.shape[0] - 1 if include_last_offset else offsets.shape[0]
    n = input.shape[0]
    pad = _padding_idx(padding_idx, weight.shape[0])
    dim = weight.shape[1]
    if num_bags <= 0:
        return weight.new_zeros((0, dim))
    if include_last_offset:
        n = min(n, int(offsets[-1]))
        input = input.narrow(0, 0, n)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.narrow(0, 0, n)
    bag = _bag_ids(offsets, n, num_bags)
    rows = embedding_lookup(weight, input, pad, scale_grad_by_freq)
    keep = None
    if pad >= 0:
        keep = input != pad
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    out = weight.new_zeros((num_bags, dim))
    if mode == "max":
        if keep is not None:  # padded entries take part in no bag: send them to a scratch row
            bag = ember.where(keep, bag, num_bags)
            out = weight.new_zeros((num_bags + 1, dim))
        index = bag.unsqueeze(1).expand((n, dim))
        res = out.scatter_reduce(0, index, rows, "amax", include_self=False)
        return res.narrow(0, 0, num_bags) if keep is not None else res
    if keep is not None:
        rows = ember.where(keep.unsqueeze(1), rows, 0.0)
    out = out.index_add(0, bag, rows)
    if mode == "mean":
        ones = keep.to(weight.dtype) if keep is not None else weight.new_ones((n,))
        counts = weight.new_zeros((num_bags,)).index_add(0, bag, ones)
        out = out / counts.clamp(min=1).unsqueeze(1)
    return out
