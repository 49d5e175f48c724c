"""Helpers shared by the tests in tests/core."""
import pytest

import ember
from ember.autograd import Function


def leaf(values, dtype=ember.float64):
    return ember.tensor(values, dtype=dtype, requires_grad=True)


class Exp(Function):
    """exp as a custom Function that saves its output; the backward is written in ember ops (differentiable
    again)."""

    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y


def raises_like_torch(case):
    """Run ``case(module)`` with torch and with ember: both must raise, with the same exception class.

    Returns ``(torch_exception, ember_exception)``."""
    import torch

    with pytest.raises(Exception) as t:
        case(torch)
    with pytest.raises(Exception) as e:
        case(ember)
    assert type(e.value) is type(t.value), f"torch raised {t.value!r}, ember raised {e.value!r}"
    return t.value, e.value
