"""``ember.special`` (``torch.special``): special functions under PyTorch's names.

Most names are ember's existing ops (``expit`` is ``sigmoid``, ``gammaln`` is ``lgamma``, ``psi`` is
``digamma``, ``modified_bessel_i0`` is ``i0``...). ``i1``, ``entr``, ``xlog1py``, ``ndtr``,
``multigammaln`` and ``spherical_bessel_j0`` are built from ember ops in numerically safe forms, with
PyTorch's gradients. Functions that ember cannot compute accurately from its ops (``erfcx``, ``i0e``,
``log_ndtr``, ``ndtri``, ``zeta``, the Bessel/Airy and orthogonal-polynomial families...) are absent, so
using one fails with ``AttributeError`` instead of returning an inaccurate value.
"""
from __future__ import annotations

import math

from . import _dtype as D
from ._functional import (
    digamma,
    erf,
    erfc,
    erfinv,
    exp2,
    expm1,
    i0,
    isnan,
    lgamma,
    log,
    log1p,
    log_softmax,
    logit,
    logsumexp,
    polygamma,
    round,
    sigmoid,
    sinc,
    softmax,
    where,
    xlogy,
)
from ._tensor import Tensor
from .autograd.function import Function
from .ops.elementwise import _out, check_tensor_arg

__all__ = ["digamma", "entr", "erf", "erfc", "erfinv", "exp2", "expit", "expm1", "gammaln", "i0", "i1", "log1p",
           "log_softmax", "logit", "logsumexp", "modified_bessel_i0", "modified_bessel_i1", "multigammaln", "ndtr",
           "polygamma", "psi", "round", "sinc", "softmax", "spherical_bessel_j0", "xlog1py", "xlogy"]

expit = sigmoid
gammaln = lgamma
psi = digamma
modified_bessel_i0 = i0


def _float(x: Tensor) -> Tensor:
    """Integer and bool inputs compute in the default float dtype, as PyTorch's special functions do."""
    return x if x.dtype.is_floating_point else x.to(D.get_default_dtype())


def i1(input: Tensor, *, out=None) -> Tensor:
    """Modified Bessel function of the first kind, order 1.

    >>> ember.special.i1(ember.tensor([0.0, 1.0]))
    tensor([0.0000, 0.5652])
    """
    from ._dispatch import unary
    from .ops.special import I1
    check_tensor_arg(input, "special_i1", "input", 1)
    return _out(unary(I1, input, float_op=True), out)


modified_bessel_i1 = i1


class _Entr(Function):
    """``-x log x`` (0 at 0, -inf below 0, nan for nan); gradient ``-(log x + 1)`` as PyTorch's."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        pos = x > 0
        safe = where(pos, x, 1.0)  # keeps log() away from 0 and negatives in the branch where() discards
        rest = where(x == 0, 0.0, where(isnan(x), x, -math.inf))
        return where(pos, -safe * log(safe), rest)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -g * (log(x) + 1)


def entr(input: Tensor, *, out=None) -> Tensor:
    """Elementwise entropy ``-x * log(x)``: 0 at 0, ``-inf`` for negative ``x``.

    >>> ember.special.entr(ember.tensor([0.0, 0.5, -1.0]))
    tensor([0.0000, 0.3466,   -inf])
    """
    check_tensor_arg(input, "special_entr", "input", 1)
    return _out(_Entr.apply(_float(input)), out)


class _Xlog1py(Function):
    """``x * log1p(y)`` that is 0 where ``x == 0`` (unless ``y`` is nan); PyTorch's gradients."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xlog1py(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = g * _xlog1py((x != 0).to(x.dtype), y)
        gy = g * x / (1 + y)
        return gx.sum_to_size(x.shape), gy.sum_to_size(y.shape)


def _xlog1py(x, y):
    y_safe = where(x == 0, 0.0, y)  # where x == 0 the product is 0 even if log1p(y) is infinite
    return where(isnan(y), y, x * log1p(y_safe))


def xlog1py(input, other, *, out=None) -> Tensor:
    """``input * log1p(other)``, with 0 where ``input == 0`` (even where ``other == -1``); either argument may
    be a Python number.

    >>> ember.special.xlog1py(ember.tensor([0.0, 2.0]), ember.tensor([-1.0, 1.0]))
    tensor([0.0000, 1.3863])
    """
    ti, to = isinstance(input, Tensor), isinstance(other, Tensor)
    if not (ti or to) or not (ti or isinstance(input, (int, float, bool))) or not (
            to or isinstance(other, (int, float, bool))):
        raise TypeError(f"special_xlog1py() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__}), but expected one of: (Tensor input, "
                        f"Tensor other), (Number self, Tensor other), (Tensor input, Number other)")
    dt = D.result_type(input, other)
    if not dt.is_floating_point:
        dt = D.get_default_dtype()
    ref = input if ti else other
    from ._functional import full
    x = input.to(dt) if ti else full((), input, dtype=dt, device=ref.device)
    y = other.to(dt) if to else full((), other, dtype=dt, device=ref.device)
    return _out(_Xlog1py.apply(x, y), out)


_SQRT1_2 = math.sqrt(0.5)


def ndtr(input: Tensor, *, out=None) -> Tensor:
    """The standard normal CDF, ``0.5 * erfc(-x / sqrt(2))`` (accurate in the lower tail, unlike ``1 + erf``).

    >>> ember.special.ndtr(ember.tensor([0.0]))
    tensor([0.5000])
    """
    check_tensor_arg(input, "special_ndtr", "input", 1)
    return _out(0.5 * erfc(_float(input) * -_SQRT1_2), out)


def spherical_bessel_j0(input: Tensor, *, out=None) -> Tensor:
    """Spherical Bessel function of the first kind, order 0: ``sin(x) / x`` (1 at 0), i.e. ``sinc(x / pi)``."""
    check_tensor_arg(input, "spherical_bessel_j0", "input", 1)
    return _out(sinc(_float(input) / math.pi), out)


def multigammaln(input: Tensor, p: int, *, out=None) -> Tensor:
    """Log of the multivariate gamma function of dimension ``p``:
    ``p(p-1)/4 log(pi) + sum_{i<p} lgamma(input - i/2)``.

    >>> ember.special.multigammaln(ember.tensor([2.5]), 2)
    tensor([0.4939])
    """
    from ._functional import arange
    check_tensor_arg(input, "special_multigammaln", "input", 1)
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = _float(input)
    args = arange(-p * 0.5 + 0.5, 0.5, 0.5, dtype=x.dtype, device=x.device) + x.unsqueeze(-1)
    return _out(lgamma(args).sum(-1) + p * (p - 1) * 0.25 * math.log(math.pi), out)
