"""``torch.nn.functional`` activations: thin wrappers over the ops in ``ember.ops.activation``.

The heavy and common ones run a single op (fused kernel + backward formula); the rest are short compositions of
ember ops.  ``inplace=True`` computes out of place and commits the result into ``input`` (PyTorch's semantics,
including its autograd errors for leaves).
"""
from __future__ import annotations

import warnings

from ..._dispatch import apply
from ..._tensor import Tensor
from ...amp.autocast_mode import autocast_entry as _autocast_entry
from ...ops import activation as A
from ...ops.elementwise import abs, add, div, gt, lt, mul, sub, where
from ...ops.inplace import inplace as _commit
from ...ops.math import sigmoid as _sigmoid
from ...ops.math import tanh as _tanh
from ...ops.movement import chunk

__all__ = ["threshold", "threshold_", "relu", "relu_", "hardtanh", "hardtanh_", "relu6", "elu", "elu_", "selu",
           "selu_", "celu", "celu_", "leaky_relu", "leaky_relu_", "prelu", "rrelu", "rrelu_", "glu", "gelu",
           "logsigmoid", "hardshrink", "tanhshrink", "softsign", "softplus", "softmin", "softmax", "log_softmax",
           "softshrink", "tanh", "sigmoid", "hardsigmoid", "silu", "mish", "hardswish", "gumbel_softmax"]


def _maybe_inplace(fn, input, inplace, *args, name):
    if inplace:
        return _commit(input, fn, *args, op=name + "_")
    return fn(input, *args)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``input`` where ``input > threshold`` else ``value``."""
    return _maybe_inplace(A.threshold, input, inplace, threshold, value, name="threshold")


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return A.threshold_(input, threshold, value)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(input, 0).

    >>> F.relu(ember.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return _maybe_inplace(A.relu, input, inplace, name="relu")


def relu_(input: Tensor) -> Tensor:
    return A.relu_(input)


def _hardtanh(input, min_val, max_val):
    if not isinstance(input, Tensor):
        raise TypeError(f"hardtanh(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.dtype.name == "bool":
        raise RuntimeError("\"clamp_scalar_cpu\" not implemented for 'Bool'")
    return apply(A.HARDTANH, (input,), (min_val, max_val))


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """clamp(input, min_val, max_val) (zero gradient outside the open interval)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(_hardtanh, input, inplace, min_val, max_val, name="hardtanh")


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(0, input), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def _elu(input, alpha):
    return A._elu(input, alpha, 1.0, 1.0)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """input where > 0, else alpha * (exp(input) - 1)."""
    return _maybe_inplace(_elu, input, inplace, alpha, name="elu")


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, inplace=True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """Scaled ELU with the self-normalising constants."""
    return _maybe_inplace(A.selu, input, inplace, name="selu")


def selu_(input: Tensor) -> Tensor:
    return A.selu_(input)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    return _maybe_inplace(A.celu, input, inplace, alpha, name="celu")


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return A.celu_(input, alpha)


def _leaky_relu(input, negative_slope):
    return A._float_activation(A.LEAKY_RELU, input, (float(negative_slope),), "leaky_relu_cpu")


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """input where > 0, else negative_slope * input."""
    return _maybe_inplace(_leaky_relu, input, inplace, negative_slope, name="leaky_relu")


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, inplace=True)


@_autocast_entry("prelu")
def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """input where > 0, else weight * input (weight broadcast over dim 1)."""
    return A.prelu(input, weight)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Randomized leaky ReLU (random negative slopes in training, their mean in eval)."""
    return _maybe_inplace(A.rrelu, input, inplace, lower, upper, training, name="rrelu")


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    return A.rrelu_(input, lower, upper, training)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b), where a and b are the halves of ``input`` along ``dim``."""
    if not isinstance(input, Tensor):
        raise TypeError(f"glu(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    n = input.shape[dim]
    if n % 2:
        d = dim if dim >= 0 else dim + input.ndim
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    a, b = chunk(input, 2, dim)
    return mul(a, _sigmoid(b))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x); ``approximate='tanh'`` uses the tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return A._float_activation(A.GELU, input, (approximate,), "GeluKernelImpl")


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(input)), stable for large |input|."""
    return A._float_activation(A.LOGSIGMOID, input, (), "log_sigmoid_forward_cpu")


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """input where |input| > lambd, else 0."""
    return A.hardshrink(input, lambd)


def tanhshrink(input: Tensor) -> Tensor:
    """input - tanh(input)."""
    return sub(input, _tanh(input))


def softsign(input: Tensor) -> Tensor:
    """input / (1 + |input|)."""
    return div(input, add(abs(input), 1))


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold."""
    return A._float_activation(A.SOFTPLUS, input, (float(beta), float(threshold)), "softplus_cpu")


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """input - lambd where > lambd, input + lambd where < -lambd, else 0."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    if not input.dtype.is_floating_point:
        from ...ops.elementwise import not_implemented
        raise not_implemented("softshrink_cpu", input.dtype)
    return where(gt(input, lambd), sub(input, lambd), where(lt(input, -lambd), add(input, lambd), 0.0))


def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                  f"as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """softmax(-input) along ``dim``."""
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    if dtype is not None:
        input = input.to(dtype)
    return A.softmax(mul(input, -1), dim)


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim`` (numerically stable)."""
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return A.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """log(softmax(x)) along ``dim`` (numerically stable)."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return A.log_softmax(input, dim, dtype=dtype)


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    """Samples from the Gumbel-softmax distribution; ``hard=True`` returns straight-through one-hot vectors."""
    from ...ops.creation import zeros_like
    from ...ops.elementwise import log
    from ...ops.random import rand_like
    u = rand_like(logits)
    gumbels = mul(log(mul(log(u), -1.0)), -1.0)  # -log(Exponential(1)) samples
    y_soft = A.softmax(div(add(logits, gumbels), tau), dim)
    if not hard:
        return y_soft
    index = y_soft.argmax(dim, keepdim=True)
    y_hard = zeros_like(logits).scatter(dim, index, 1.0)
    return add(sub(y_hard, y_soft.detach()), y_soft)


def tanh(input: Tensor) -> Tensor:
    return _tanh(input)


def sigmoid(input: Tensor) -> Tensor:
    return _sigmoid(input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """clamp(x / 6 + 1/2, 0, 1)."""
    return _maybe_inplace(_op1(A.HARDSIGMOID, "hardsigmoid_cpu"), input, inplace, name="hardsigmoid")


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x)."""
    return _maybe_inplace(_op1(A.SILU, "silu_cpu"), input, inplace, name="silu")


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    return _maybe_inplace(_op1(A.MISH, "mish_cpu"), input, inplace, name="mish")


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * hardsigmoid(x)."""
    return _maybe_inplace(_op1(A.HARDSWISH, "hardswish_cpu"), input, inplace, name="hardswish")


def _op1(op, kernel_name):
    def fn(input):
        return A._float_activation(op, input, (), kernel_name)
    return fn
