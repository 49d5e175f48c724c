"""``torch.nn.functional`` distances and vector utilities: cosine_similarity, pairwise_distance, pdist, normalize
and one_hot."""
from __future__ import annotations

from ... import _dtype as D
from ..._tensor import Tensor
from ...ops import loss as _L
from ...ops.creation import arange
from ...ops.elementwise import div, eq
from ...ops.math import clamp_min
from ...ops.reduce import norm

__all__ = ["cosine_similarity", "pairwise_distance", "pdist", "normalize", "one_hot"]

cosine_similarity = _L.cosine_similarity
pairwise_distance = _L.pairwise_distance
pdist = _L.pdist


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """input / max(||input||_p along dim, eps).

    >>> F.normalize(ember.tensor([[3.0, 4.0]]))
    tensor([[0.6000, 0.8000]])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"normalize(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    denom = clamp_min(norm(input, p, dim, True), eps).expand_as(input)
    result = div(input, denom)
    if out is None:
        return result
    from ...ops.inplace import write_out
    return write_out(out, result)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding with a trailing class dimension (``num_classes=-1``: max + 1).

    >>> F.one_hot(ember.tensor([0, 2]), 3)
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"one_hot(): argument 'input' (position 1) must be Tensor, not {type(tensor).__name__}")
    if tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if tensor.numel() == 0:
        if num_classes == -1:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    else:
        lo, hi = int(tensor.min()), int(tensor.max())
        if lo < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes == -1:
            num_classes = hi + 1
        elif hi >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    classes = arange(num_classes, device=tensor.device)
    return eq(tensor.unsqueeze(-1), classes).to(D.int64)
