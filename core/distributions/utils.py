"""Helpers shared by the distributions: parameter broadcasting, probs <-> logits, lazy properties."""
from __future__ import annotations

from functools import update_wrapper
from numbers import Number

import ember

euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant


def broadcast_all(*values):
    """Broadcast numbers and tensors to one shape; numbers take the first tensor's dtype/device.

    Raises ``ValueError`` for an argument that is neither a number nor a tensor, as torch does.
    """
    if not all(isinstance(v, (ember.Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, torch.Tensor or objects "
                         "implementing __torch_function__.")
    tensors = [v for v in values if isinstance(v, ember.Tensor)]
    if not tensors:
        dtype = ember.get_default_dtype()
        return ember.broadcast_tensors(*[ember.tensor(float(v), dtype=dtype) for v in values])
    like = tensors[0]
    values = [v if isinstance(v, ember.Tensor) else ember.tensor(v, dtype=like.dtype, device=like.device)
              for v in values]
    return ember.broadcast_tensors(*values)


def _standard_normal(shape, dtype, device):
    return ember.randn(shape, dtype=dtype, device=device)


def _sum_rightmost(value, dim: int):
    """Sum out the ``dim`` rightmost dimensions of ``value`` (a no-op for ``dim == 0``)."""
    if dim == 0:
        return value
    return value.reshape(value.shape[:value.dim() - dim] + (-1,)).sum(-1)


def clamp_probs(probs):
    """Clamp probabilities into the open interval ``(eps, 1 - eps)`` of their dtype."""
    eps = ember.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def logits_to_probs(logits, is_binary: bool = False):
    """Sigmoid of binary logits, softmax over the last dimension otherwise."""
    if is_binary:
        return ember.sigmoid(logits)
    return ember.softmax(logits, dim=-1)


def probs_to_logits(probs, is_binary: bool = False):
    """Log-odds of binary probabilities, log-probabilities otherwise (clamped away from 0 and 1)."""
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ember.log(ps_clamped) - ember.log1p(-ps_clamped)
    return ember.log(ps_clamped)


def _clamp_by_zero(x):
    # max(x, 0) with gradient 1/2 at 0, as torch uses in Binomial
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


def _batch_mv(bmat, bvec):
    """Batched matrix @ vector with broadcasting of the batch dimensions."""
    return ember.matmul(bmat, bvec.unsqueeze(-1)).squeeze(-1)


def _batch_mahalanobis(bL, bx):
    """Squared Mahalanobis distance ``x^T (L L^T)^-1 x`` for lower-triangular ``L``, batch dims broadcast."""
    n = bx.shape[-1]
    batch = ember.broadcast_shapes(bL.shape[:-2], bx.shape[:-1])
    solved = ember.linalg.solve_triangular(bL.expand(batch + (n, n)), bx.expand(batch + (n,)).unsqueeze(-1),
                                           upper=False)
    return solved.squeeze(-1).pow(2).sum(-1)


class lazy_property:
    """A property computed on first access and then stored on the instance (``probs`` from ``logits``, ...).

    Accessed on the class it returns a ``_lazy_property_and_property`` so constraints can introspect it.
    """

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with ember.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """Behaves like a lazy property on instances and like a plain property for introspection."""

    def __init__(self, wrapped):
        property.__init__(self, wrapped)
