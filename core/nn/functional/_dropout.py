"""``torch.nn.functional`` dropout: dropout, alpha_dropout, dropout1d/2d/3d, feature_alpha_dropout.

Masks are drawn with ``Tensor.bernoulli_`` from the backend's default generator, so
``ember.manual_seed`` reproduces them; kept elements are scaled by ``1 / (1 - p)``.  In evaluation
(``training=False``), with ``p == 0`` or an empty input the input itself is returned, like PyTorch.
"""
from __future__ import annotations

import warnings

import ember

from ..._tensor import Tensor

__all__ = ["dropout", "alpha_dropout", "dropout1d", "dropout2d", "dropout3d", "feature_alpha_dropout"]

_SELU_ALPHA = 1.7580993408473766  # -SELU's negative saturation value (scale * alpha)


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _noise(input, feature):
    if not feature:
        return ember.empty_like(input)
    if input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = (input.shape[0], input.shape[1]) + (1,) * (input.ndim - 2)
    return ember.empty(shape, dtype=input.dtype, device=input.device)


def _dropout_impl(input, p, train, inplace, feature=False, alpha=False):
    """ATen's ``_dropout_impl``: Bernoulli(1 - p) noise, scaled (or SELU-shifted for alpha dropout)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"dropout(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        zero = ember.zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(zero) if inplace else input * zero
    noise = _noise(input, feature).bernoulli_(1 - p)
    if alpha:
        a = 1.0 / ((_SELU_ALPHA * _SELU_ALPHA * p + 1) * (1 - p)) ** 0.5
        shift = (noise - 1) * (_SELU_ALPHA * a) + _SELU_ALPHA * a * p
        noise.mul_(a)
        return input.mul_(noise).add_(shift) if inplace else input * noise + shift
    noise.div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zeroes each element with probability ``p`` and scales the rest by ``1 / (1 - p)``.

    >>> ember.manual_seed(0); y = F.dropout(ember.ones(8), 0.5)   # entries are 0. or 2.
    """
    _check_p(p)
    return _dropout_impl(input, p, training, inplace)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout that keeps SELU's self-normalizing mean and variance (dropped units take the negative
    saturation value, then an affine correction is applied)."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, alpha=True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels (dim 1) of each sample."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=True)


def _channelwise(input, p, training, inplace, batched):
    if not batched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    result = _dropout_impl(input, p, training, inplace, feature=True)
    if not batched:
        result = result.squeeze_(0) if inplace else result.squeeze(0)
    return result


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zeroes whole channels of a (N, C, L) or (C, L) input with probability ``p``."""
    _check_p(p)
    d = input.ndim
    if d not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {d}D input. Note that dropout1d "
                           "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel "
                           "dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _channelwise(input, p, training, inplace, d == 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zeroes whole channels of a (N, C, H, W) input with probability ``p`` (a 3-D input is read as
    (N, C, L), as PyTorch still does, with its warning)."""
    _check_p(p)
    d = input.ndim
    if d not in (3, 4):
        warnings.warn(f"dropout2d: Received a {d}-D input to dropout2d, which is deprecated and will result in an "
                      "error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", stacklevel=2)
    if d == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", stacklevel=2)
    return _dropout_impl(input, p, training, inplace, feature=True)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zeroes whole channels of a (N, C, D, H, W) or (C, D, H, W) input with probability ``p``."""
    _check_p(p)
    d = input.ndim
    if d not in (4, 5):
        warnings.warn(f"dropout3d: Received a {d}-D input to dropout3d, which is deprecated and will result in an "
                      "error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D "
                      "inputs).", stacklevel=2)
    return _channelwise(input, p, training, inplace, d == 5)
