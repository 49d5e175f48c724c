"""Activation functions and the softmax family.

The common activations are ops with backward formulas written in ember ops (so they differentiate twice) and a
decomposition into elementwise ops (so a backend without the fused kernel still runs them):
relu, leaky_relu, elu (also serves selu and celu through ``scale`` / ``input_scale``), gelu, silu, mish,
hardtanh, hardsigmoid, hardswish, softplus, logsigmoid, threshold, softmax and log_softmax.

The public functions here are the ones ``torch`` exposes at top level (``torch.relu``, ``torch.softmax``,
``torch.selu``, ...); ``ember.nn.functional`` builds the rest of ``torch.nn.functional``'s activations on the
ops declared here.
"""
from __future__ import annotations

import math as _m

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from .._tensor import Tensor
from ._util import reg, wrap_dim
from .elementwise import (
    abs,
    add,
    check_tensor_arg,
    exp,
    gt,
    le,
    log,
    logical_and,
    lt,
    mul,
    not_implemented,
    sub,
    where,
)
from .inplace import inplace
from .math import clamp, erf, log1p, sigmoid, tanh
from .reduce import amax, sum

F = "activation"

INPLACE = ("relu",)

_SQRT1_2 = _m.sqrt(0.5)
_SQRT2_PI = _m.sqrt(2.0 / _m.pi)
_INV_SQRT_2PI = 1.0 / _m.sqrt(2.0 * _m.pi)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _x(ctx):
    return ctx.saved[0]


# --- relu / leaky_relu / threshold / hardtanh ---------------------------------------------------

def _relu_decomp(x):
    return where(gt(x, 0), x, 0)


def _leaky_decomp(x, slope):
    return where(gt(x, 0), x, mul(x, slope))


def _threshold_decomp(x, threshold, value):
    return where(gt(x, threshold), x, value)


def _hardtanh_bwd(ctx, g):
    x = _x(ctx)
    lo, hi = ctx.params
    return (where(logical_and(gt(x, lo), lt(x, hi)), g, 0.0),)


# Hot backward formulas are ops too: one fused kernel on the first-order path; under create_graph their inputs
# require grad and the dispatcher differentiates through the decomposition, so higher orders still work.
RELU_BACKWARD = defop("relu_backward", F, "relu_backward(grad, out) -> grad_x",
                      decomposition=lambda g, y: where(gt(y, 0), g, 0.0), doc="grad where out > 0 else 0")
RELU = defop("relu", F, "relu(x) -> out", save="output", decomposition=_relu_decomp,
             backward=lambda ctx, g: (apply(RELU_BACKWARD, (g, ctx.output)),), doc="max(x, 0)")
LEAKY_RELU = defop("leaky_relu", F, "leaky_relu(x, negative_slope) -> out", save="inputs", decomposition=_leaky_decomp,
                   backward=lambda ctx, g: (where(gt(_x(ctx), 0), g, mul(g, ctx.params[0])),),
                   doc="x where x > 0 else negative_slope * x")
THRESHOLD = defop("threshold", F, "threshold(x, threshold, value) -> out", save="inputs",
                  decomposition=_threshold_decomp,
                  backward=lambda ctx, g: (where(gt(_x(ctx), ctx.params[0]), g, 0.0),),
                  doc="x where x > threshold else value")
HARDTANH = defop("hardtanh", F, "hardtanh(x, min_val, max_val) -> out", save="inputs", backward=_hardtanh_bwd,
                 decomposition=lambda x, lo, hi: clamp(x, lo, hi),
                 doc="clamp(x, min_val, max_val); the gradient is zero at and beyond the bounds")


# --- elu family ------------------------------------------------------------------------------

def _elu_decomp(x, alpha, scale, input_scale):
    neg = mul(sub(exp(mul(x, input_scale)), 1.0), alpha * scale)
    return where(gt(x, 0), mul(x, scale), neg)


def _elu_bwd(ctx, g):
    alpha, scale, input_scale = ctx.params
    x = _x(ctx)
    neg = mul(exp(mul(x, input_scale)), alpha * scale * input_scale)
    return (mul(g, where(gt(x, 0), scale, neg)),)


ELU = defop("elu", F, "elu(x, alpha, scale, input_scale) -> out", save="inputs", backward=_elu_bwd,
            decomposition=_elu_decomp,
            doc="scale * x where x > 0 else alpha * scale * (exp(x * input_scale) - 1); serves selu and celu")


# --- smooth activations ------------------------------------------------------------------------

def _gelu_decomp(x, approximate):
    if approximate == "tanh":
        inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), _SQRT2_PI)
        return mul(mul(x, 0.5), add(tanh(inner), 1.0))
    return mul(mul(x, 0.5), add(erf(mul(x, _SQRT1_2)), 1.0))


def _gelu_bwd(ctx, g):
    return (apply(GELU_BACKWARD, (g, _x(ctx)), ctx.params),)


def _gelu_bwd_decomp(g, x, approximate):
    if approximate == "tanh":
        x2 = mul(x, x)
        inner = mul(add(x, mul(mul(x2, x), 0.044715)), _SQRT2_PI)
        t = tanh(inner)
        dinner = mul(add(mul(x2, 3 * 0.044715), 1.0), _SQRT2_PI)
        d = add(mul(add(t, 1.0), 0.5), mul(mul(mul(x, 0.5), sub(1.0, mul(t, t))), dinner))
        return mul(g, d)
    cdf = mul(add(erf(mul(x, _SQRT1_2)), 1.0), 0.5)
    pdf = mul(exp(mul(mul(x, x), -0.5)), _INV_SQRT_2PI)
    return mul(g, add(cdf, mul(x, pdf)))


def _silu_bwd_decomp(g, x):
    s = sigmoid(x)
    return mul(g, mul(s, add(mul(x, sub(1.0, s)), 1.0)))


def _softplus_decomp(x, beta, threshold):
    bx = mul(x, beta)
    soft = mul(log1p(exp(mul(abs(bx), -1.0))), 1.0 / beta)
    soft = add(soft, mul(where(gt(bx, 0), bx, 0.0), 1.0 / beta))
    return where(gt(bx, threshold), x, soft)


def _softplus_bwd(ctx, g):
    beta, threshold = ctx.params
    bx = mul(_x(ctx), beta)
    return (where(gt(bx, threshold), g, mul(g, sigmoid(bx))),)


def _mish_decomp(x):
    return mul(x, tanh(_softplus_decomp(x, 1.0, 20.0)))


def _mish_bwd(ctx, g):
    x = _x(ctx)
    t = tanh(_softplus_decomp(x, 1.0, 20.0))
    return (mul(g, add(t, mul(mul(x, sigmoid(x)), sub(1.0, mul(t, t))))),)


def _logsigmoid_decomp(x):
    # log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|))
    return sub(where(lt(x, 0), x, 0.0), log1p(exp(mul(abs(x), -1.0))))


def _hardsigmoid_decomp(x):
    return mul(clamp(add(x, 3.0), 0.0, 6.0), 1.0 / 6.0)


def _hardsigmoid_bwd(ctx, g):
    x = _x(ctx)
    return (where(logical_and(gt(x, -3.0), lt(x, 3.0)), mul(g, 1.0 / 6.0), 0.0),)


def _hardswish_decomp(x):
    return mul(x, _hardsigmoid_decomp(x))


def _hardswish_bwd(ctx, g):
    x = _x(ctx)
    mid = add(mul(x, 1.0 / 3.0), 0.5)
    d = where(lt(x, -3.0), 0.0, where(le(x, 3.0), mid, 1.0))
    return (mul(g, d),)


GELU_BACKWARD = defop("gelu_backward", F, "gelu_backward(grad, x, approximate) -> grad_x",
                      decomposition=_gelu_bwd_decomp, doc="grad * d gelu(x) / dx")
SILU_BACKWARD = defop("silu_backward", F, "silu_backward(grad, x) -> grad_x", decomposition=_silu_bwd_decomp,
                      doc="grad * sigmoid(x) * (1 + x * (1 - sigmoid(x)))")
GELU = defop("gelu", F, "gelu(x, approximate) -> out", save="inputs", backward=_gelu_bwd, decomposition=_gelu_decomp,
             doc="x * Phi(x) (approximate='none') or its tanh approximation (approximate='tanh')")
SILU = defop("silu", F, "silu(x) -> out", save="inputs",
             backward=lambda ctx, g: (apply(SILU_BACKWARD, (g, _x(ctx))),),
             decomposition=lambda x: mul(x, sigmoid(x)), doc="x * sigmoid(x)")
MISH = defop("mish", F, "mish(x) -> out", save="inputs", backward=_mish_bwd, decomposition=_mish_decomp,
             doc="x * tanh(softplus(x))")
SOFTPLUS = defop("softplus", F, "softplus(x, beta, threshold) -> out", save="inputs", backward=_softplus_bwd,
                 decomposition=_softplus_decomp, doc="log(1 + exp(beta * x)) / beta; x where beta * x > threshold")
LOGSIGMOID = defop("logsigmoid", F, "logsigmoid(x) -> out", save="inputs", decomposition=_logsigmoid_decomp,
                   backward=lambda ctx, g: (mul(g, sigmoid(mul(_x(ctx), -1.0))),), doc="log(sigmoid(x)), stable")
HARDSIGMOID = defop("hardsigmoid", F, "hardsigmoid(x) -> out", save="inputs", backward=_hardsigmoid_bwd,
                    decomposition=_hardsigmoid_decomp, doc="clamp(x / 6 + 1/2, 0, 1)")
HARDSWISH = defop("hardswish", F, "hardswish(x) -> out", save="inputs", backward=_hardswish_bwd,
                  decomposition=_hardswish_decomp, doc="x * hardsigmoid(x)")


# --- softmax / log_softmax ---------------------------------------------------------------------

def _softmax_decomp(x, dim):
    e = exp(sub(x, amax(x, dim, keepdim=True).detach()))
    return e / sum(e, dim, keepdim=True)


def _log_softmax_decomp(x, dim):
    s = sub(x, amax(x, dim, keepdim=True).detach())
    return sub(s, log(sum(exp(s), dim, keepdim=True)))


SOFTMAX_BACKWARD = defop("softmax_backward", F, "softmax_backward(grad, out, dim) -> grad_x",
                         decomposition=lambda g, y, dim: mul(y, sub(g, sum(mul(g, y), dim, keepdim=True))),
                         doc="out * (grad - sum(grad * out, dim))")
LOG_SOFTMAX_BACKWARD = defop("log_softmax_backward", F, "log_softmax_backward(grad, out, dim) -> grad_x",
                             decomposition=lambda g, y, dim: sub(g, mul(exp(y), sum(g, dim, keepdim=True))),
                             doc="grad - exp(out) * sum(grad, dim)")


def _softmax_bwd(ctx, g):
    return (apply(SOFTMAX_BACKWARD, (g, ctx.output), ctx.params),)


def _log_softmax_bwd(ctx, g):
    return (apply(LOG_SOFTMAX_BACKWARD, (g, ctx.output), ctx.params),)


SOFTMAX = defop("softmax", F, "softmax(x, dim) -> out", save="output", backward=_softmax_bwd,
                decomposition=_softmax_decomp, doc="exp(x - max) / sum(exp(x - max)) along dim (x of ndim >= 1)")
LOG_SOFTMAX = defop("log_softmax", F, "log_softmax(x, dim) -> out", save="output", backward=_log_softmax_bwd,
                    decomposition=_log_softmax_decomp, doc="x - max - log(sum(exp(x - max))) along dim (ndim >= 1)")


# --- helpers shared with ember.nn.functional ----------------------------------------------------

def _float_activation(op, input, params=(), kernel_name=None):
    """Apply a float-only activation op; integer inputs raise PyTorch's NotImplementedError."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op.name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not input.dtype.is_floating_point:
        raise not_implemented(kernel_name or f"{op.name}_cpu", input.dtype)
    return apply(op, (input,), params)


def _softmax_like(op, input, dim, dtype, name):
    """softmax / log_softmax along ``dim`` (0-d inputs treated as 1-element vectors), after casting to ``dtype``."""
    check_tensor_arg(input, name, "input", 1)
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise not_implemented(f"{name}_lastdim_kernel_impl", input.dtype)
    d = wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return apply(op, (input.reshape(1),), (0,)).reshape(())
    return apply(op, (input,), (d,))


# --- public functions (the torch.* top-level names) -------------------------------------------

@reg("relu")
def relu(input):
    """max(input, 0) elementwise.

    >>> ember.relu(ember.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    check_tensor_arg(input, "relu", "input", 1)
    if input.dtype is D.bool:
        raise RuntimeError("Boolean inputs not supported for relu")
    return apply(RELU, (input,))


def relu_(input):
    """In-place :func:`relu`."""
    return input.relu_()


def threshold(input, threshold, value):
    """``input`` where ``input > threshold`` else ``value``."""
    check_tensor_arg(input, "threshold", "input", 1)
    if input.dtype is D.bool:
        raise RuntimeError("threshold: Boolean inputs not supported")
    if not input.dtype.is_floating_point:
        threshold, value = int(threshold), int(value)
    return apply(THRESHOLD, (input,), (threshold, value))


_threshold = threshold


def threshold_(input, threshold, value):
    """In-place :func:`threshold`."""
    return inplace(input, _threshold, threshold, value, op="threshold_")


def _elu(input, alpha, scale, input_scale):
    return _float_activation(ELU, input, (float(alpha), float(scale), float(input_scale)), "elu_cpu")


def selu(input):
    """scale * (max(0, x) + min(0, alpha * (exp(x) - 1))) with the self-normalising constants."""
    return _elu(input, SELU_ALPHA, SELU_SCALE, 1.0)


def selu_(input):
    """In-place :func:`selu`."""
    return inplace(input, selu, op="selu_")


def celu(input, alpha=1.0):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _elu(input, alpha, 1.0, 1.0 / alpha)


def celu_(input, alpha=1.0):
    """In-place :func:`celu`."""
    return inplace(input, celu, alpha, op="celu_")


@reg("hardshrink")
def hardshrink(input, lambd=0.5):
    """``input`` where ``|input| > lambd`` else 0."""
    check_tensor_arg(input, "hardshrink", "input", 1)
    if not input.dtype.is_floating_point:
        raise not_implemented("hardshrink_cpu", input.dtype)
    return where(gt(abs(input), lambd), input, 0.0)


@reg("prelu")
def prelu(input, weight):
    """``input`` where positive, else ``weight * input``; ``weight`` has 1 or ``input.size(1)`` elements."""
    check_tensor_arg(input, "prelu", "input", 1)
    check_tensor_arg(weight, "prelu", "weight", 2)
    if not input.dtype.is_floating_point:
        raise not_implemented("prelu_cpu", input.dtype)
    n = weight.numel()
    if n != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.ndim >= 2 else 1
        if n != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{n} and channel size = {channels}.")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    if n == 1:
        w = weight.reshape(())
    else:
        w = weight.reshape((n,) + (1,) * (input.ndim - 2)) if input.ndim >= 2 else weight
    return where(gt(input, 0), input, mul(w, input))


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """Randomized leaky ReLU: negative slopes drawn from U(lower, upper) in training, (lower + upper) / 2 in eval."""
    check_tensor_arg(input, "rrelu", "input", 1)
    if not input.dtype.is_floating_point:
        raise not_implemented("rrelu_with_noise_cpu", input.dtype)
    if not training:
        return apply(LEAKY_RELU, (input,), ((lower + upper) / 2.0,))
    from .random import rand_like
    with _no_grad():
        slope = rand_like(input) * (upper - lower) + lower
    return where(gt(input, 0), input, mul(input, slope))


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """In-place :func:`rrelu`."""
    return inplace(input, rrelu, lower, upper, training, generator, op="rrelu_")


def _no_grad():
    from ..autograd.grad_mode import no_grad
    return no_grad()


@reg("softmax")
def softmax(input, dim, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim`` (computed stably; ``dtype`` casts the input first).

    >>> ember.softmax(ember.tensor([0.0, 0.0]), 0)
    tensor([0.5000, 0.5000])
    """
    return _softmax_like(SOFTMAX, input, dim, dtype, "softmax")


@reg("log_softmax")
def log_softmax(input, dim, dtype=None):
    """log(softmax(x)) along ``dim``, computed stably."""
    return _softmax_like(LOG_SOFTMAX, input, dim, dtype, "log_softmax")

