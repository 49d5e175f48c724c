"""gradcheck / gradgradcheck: torch's signature and defaults, passing on right gradients, failing on wrong ones."""
import inspect

import pytest

import ember
from ember.autograd import Function, gradcheck, gradgradcheck
from ember.autograd.gradcheck import GradcheckError

from ._helpers import Exp, leaf


class WrongSquare(Function):
    """x * x with a backward that forgets the factor 2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x


class FirstOrderOnlyExp(Exp):
    """exp whose backward is right but cuts the graph (second derivative wrong)."""

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y.detach()


def test_signature_and_defaults_match_torch():
    sig = inspect.signature(gradcheck).parameters
    assert (sig["eps"].default, sig["atol"].default, sig["rtol"].default) == (1e-6, 1e-5, 1e-3)
    assert sig["raise_exception"].default is True and sig["fast_mode"].default is False
    assert sig["eps"].kind is inspect.Parameter.KEYWORD_ONLY
    gsig = inspect.signature(gradgradcheck).parameters
    assert list(gsig)[:3] == ["func", "inputs", "grad_outputs"]
    assert (gsig["eps"].default, gsig["atol"].default, gsig["rtol"].default) == (1e-6, 1e-5, 1e-3)
    assert issubclass(GradcheckError, RuntimeError)


@pytest.mark.parametrize("fast_mode", [False, True])
def test_passes_on_correct_gradients(fast_mode):
    x = leaf([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    b = leaf([0.1, 0.2, 0.3])
    s = leaf(1.5)
    assert gradcheck(lambda a, c, k: ((a * c).exp() * k).sum(1), (x, b, s), fast_mode=fast_mode)
    assert gradcheck(lambda a: a.matmul(a.permute(1, 0)), (x,), fast_mode=fast_mode)
    assert gradcheck(lambda a, c: (a / (c * c + 1), a - c), (x, b), fast_mode=fast_mode)
    assert gradcheck(lambda a: (a.reshape(3, 2) ** 3).mean(), (x,), fast_mode=fast_mode)


def test_non_tensor_and_non_differentiable_inputs_pass_through():
    x = leaf([1.0, 2.0])
    c = ember.tensor([3.0, 4.0], dtype=ember.float64)
    assert gradcheck(lambda a, k, d: a * k + d * a, (x, 2.5, c))


def test_multiple_outputs_with_a_non_differentiable_one():
    x = leaf([1.0, -2.0])
    assert gradcheck(lambda a: (a * 2, a.detach() * 3, a.exp()), (x,))


@pytest.mark.parametrize("fast_mode", [False, True])
def test_raises_gradcheck_error_on_wrong_backward(fast_mode):
    x = leaf([1.0, 2.0])
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0"):
        gradcheck(WrongSquare.apply, (x,), fast_mode=fast_mode)
    assert gradcheck(WrongSquare.apply, (x,), raise_exception=False, fast_mode=fast_mode) is False


def test_error_message_shows_both_jacobians():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError) as info:
        gradcheck(WrongSquare.apply, (x,))
    msg = str(info.value)
    assert "numerical:tensor([[2.0000, 0.0000],\n        [0.0000, 4.0000]], dtype=ember.float64)" in msg
    assert "analytical:tensor([[1., 0.],\n        [0., 2.]], dtype=ember.float64)" in msg


def test_wrong_gradient_for_second_input_is_located():
    class WrongSecond(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, g * b  # second should be g * a

    with pytest.raises(GradcheckError, match="with respect to input 1"):
        gradcheck(WrongSecond.apply, (leaf([1.0, 2.0]), leaf([3.0, 5.0])))


def test_requires_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        gradcheck(lambda a: a * 2, (ember.tensor([1.0], dtype=ember.float64),))


def test_warns_for_non_double_inputs():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="is not a double precision floating point"):
        gradcheck(lambda a: a * 2, (x,), atol=1e-2, rtol=1e-2, eps=1e-3)


def test_single_tensor_input_and_zero_dim():
    assert gradcheck(lambda a: a * a * a, leaf(0.7))
    assert gradcheck(lambda a: (a * a).sum(), leaf([0.1, 0.2, 0.3]))


def test_inputs_are_left_unchanged():
    x = leaf([1.0, 2.0])
    v = x._version
    gradcheck(lambda a: a.exp(), (x,))
    assert x.tolist() == [1.0, 2.0] and x._version == v and x.grad is None


def test_gradgradcheck_passes_on_correct_second_derivatives():
    x = leaf([0.5, -1.0, 2.0])
    y = leaf([1.5, 0.5, -0.5])
    assert gradgradcheck(lambda a, b: (a * b * a).exp(), (x, y))
    assert gradgradcheck(lambda a: a.log() / a, (leaf([0.5, 1.5]),))
    assert gradgradcheck(lambda a: a ** 3, (x,), grad_outputs=(leaf([1.0, -1.0, 0.5]),))


def test_gradgradcheck_catches_graph_cutting_backward():
    x = leaf([0.5, 1.0])
    assert gradcheck(FirstOrderOnlyExp.apply, (x,))
    with pytest.raises(GradcheckError):
        gradgradcheck(FirstOrderOnlyExp.apply, (x,))
    assert gradgradcheck(FirstOrderOnlyExp.apply, (x,), raise_exception=False) is False
