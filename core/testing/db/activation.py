"""OpInfos for ember/ops/activation.py: the activation ops (through ``ember.nn.functional``) and the softmax family."""
from __future__ import annotations

import math

import ember
import ember.nn.functional as F
import numpy as np
from ember.ops import activation as A
from ember.testing.opinfo import (
    FLOAT_DTYPES,
    ErrorInput,
    OpInfo,
    SampleInput,
)

from ._samples import make_array, unary_samples

_SELU_A = 1.6732632423543772848170429916717
_SELU_S = 1.0507009873554804934193349852946
_erf = np.vectorize(math.erf, otypes=[np.float64])
_SIGNED_INTS = ("int8", "int16", "int32", "int64")


def _softplus(x, beta=1.0, threshold=20.0):
    bx = x * beta
    return np.where(bx > threshold, x, np.logaddexp(0.0, bx) / beta)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _hardsigmoid(x):
    return np.clip(x / 6.0 + 0.5, 0.0, 1.0)


def _elu(x, alpha=1.0, scale=1.0, input_scale=1.0):
    return np.where(x > 0, scale * x, alpha * scale * np.expm1(np.minimum(x, 0) * input_scale))


def _gelu(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + _erf(x / math.sqrt(2))) if x.size else x.copy()


def _softmax(x, dim):
    if x.ndim == 0:
        return np.ones_like(x)
    if x.size == 0:
        return x.copy()
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _log_softmax(x, dim):
    if x.ndim == 0:
        return np.zeros_like(x)
    if x.size == 0:
        return x.copy()
    s = x - x.max(axis=dim, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=dim, keepdims=True))


def _with_params(*params, low=None, high=None):
    """Unary samples (shapes incl. 0-d and empty) times each params tuple (positional or a kwargs dict)."""
    def gen(dtype, rng):
        for p in params:
            for s in unary_samples(dtype, rng, low, high):
                if isinstance(p, dict):
                    yield SampleInput(s.input, name=f"{s.name} {p}", **p)
                else:
                    yield SampleInput(s.input, *p, name=f"{s.name} {p}")
    return gen


def _softmax_samples(dtype, rng):
    for shape, dims in (((), (0, -1)), ((0,), (0,)), ((7,), (0,)), ((3, 4), (0, 1, -1)), ((2, 3, 4), (1, -1)),
                        ((2, 0, 3), (2,))):
        for d in dims:
            yield SampleInput(make_array(shape, dtype, rng, -4, 4), d, name=f"shape {shape} dim {d}")
    big = np.array([[1000.0, 0.0, -1000.0], [-50.0, -50.0, -50.0]]).astype(make_array((1,), dtype, rng).dtype)
    yield SampleInput(big, 1, name="large magnitudes (stability)", noncontig=False)


def _float_only(fn, kernel_name):
    def gen():
        yield ErrorInput(SampleInput(np.arange(3, dtype=np.int64)), NotImplementedError,
                         f'"{kernel_name}" not implemented for \'Long\'')
    return gen


def _softmax_errors(name):
    def gen():
        yield ErrorInput(SampleInput(np.arange(3, dtype=np.int64), 0), NotImplementedError,
                         "not implemented for 'Long'")
        yield ErrorInput(SampleInput(np.ones((2, 3), np.float32), 2), IndexError, "Dimension out of range")
    return gen


def _relu_errors():
    yield ErrorInput(SampleInput(np.array([True, False])), RuntimeError, "Boolean inputs not supported for relu")


def _hardtanh_errors():
    yield ErrorInput(SampleInput(np.ones(3, np.float32), 2.0, 1.0), ValueError,
                     "min_val cannot be greater than max_val")


def _threshold_errors():
    yield ErrorInput(SampleInput(np.array([True]), 0.5, 1.0), RuntimeError, "Boolean inputs not supported")


def _gelu_errors():
    yield from _float_only(None, "GeluKernelImpl")()
    yield ErrorInput(SampleInput(np.ones(3, np.float32), approximate="sigmoid"), RuntimeError,
                     "approximate argument must be either none or tanh")


_INT_OK = _SIGNED_INTS + FLOAT_DTYPES


# --- the fused backward ops (what a backend registers to speed up the first-order backward pass) -------------

def _backward_op(op):
    from ember._dispatch import apply

    def fn(g, saved, *params):
        return apply(op, (g, saved), params)
    fn.__name__ = op.name
    return fn


def _grad_samples(saved, *params, grad_args=None):
    """(grad, saved) pairs of several shapes; ``saved`` maps a random array to the saved tensor (x or the output).
    ``grad_args=(0,)``: gradcheck only w.r.t. the incoming gradient (relu's mask has a kink at the saved zeros)."""
    def gen(dtype, rng):
        for p in params:
            for shape in ((), (7,), (3, 4), (2, 3, 4)):
                if p and isinstance(p[0], int) and not p[0] < max(len(shape), 1):
                    continue
                x = make_array(shape, dtype, rng, -4, 4)
                s = np.asarray(saved(x.astype(np.float64), *p)).astype(x.dtype)
                yield SampleInput(make_array(shape, dtype, rng), s, *p, name=f"shape {shape} {p}",
                                  grad_args=grad_args)
    return gen


def _gelu_grad(g, x, approximate):
    if approximate == "tanh":
        k = math.sqrt(2 / math.pi)
        t = np.tanh(k * (x + 0.044715 * x ** 3))
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x))
    return g * (0.5 * (1 + _erf(x / math.sqrt(2))) + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi))


def _silu_grad(g, x):
    s = _sigmoid(x)
    return g * s * (1 + x * (1 - s))


OP_DB = [
    OpInfo("relu", ember.relu, lambda x: np.maximum(x, 0).astype(x.dtype), _with_params(()),
           dtypes=("uint8",) + _INT_OK, ref_in_input_dtype=True, gradgrad=True, error_inputs=_relu_errors),
    OpInfo("nn.functional.leaky_relu", F.leaky_relu,
           lambda x, negative_slope=0.01: np.where(x > 0, x, x * negative_slope),
           _with_params((), (0.2,), {"negative_slope": -0.5}), gradgrad=True,
           error_inputs=_float_only(None, "leaky_relu_cpu")),
    OpInfo("threshold", ember.threshold, lambda x, t, v: np.where(x > t, x, v).astype(x.dtype),
           _with_params((0.5, -2.0), (-1.0, 3.0)), dtypes=_INT_OK, ref_in_input_dtype=True,
           error_inputs=_threshold_errors),
    OpInfo("nn.functional.hardtanh", F.hardtanh, lambda x, lo=-1.0, hi=1.0: np.clip(x, lo, hi).astype(x.dtype),
           _with_params((), (-2.0, 0.5)), dtypes=_INT_OK, ref_in_input_dtype=True, gradgrad=True,
           error_inputs=_hardtanh_errors),
    OpInfo("nn.functional.elu", F.elu, lambda x, a=1.0: _elu(x, a), _with_params((), (0.5,)), gradgrad=True,
           error_inputs=_float_only(None, "elu_cpu")),
    OpInfo("selu", ember.selu, lambda x: _elu(x, _SELU_A, _SELU_S), _with_params(())),
    OpInfo("celu", ember.celu, lambda x, a=1.0: _elu(x, a, 1.0, 1.0 / a), _with_params((), (2.0,))),
    OpInfo("nn.functional.gelu", F.gelu, _gelu, _with_params((), {"approximate": "tanh"}), gradgrad=True,
           error_inputs=_gelu_errors),
    OpInfo("nn.functional.silu", F.silu, lambda x: x * _sigmoid(x), _with_params(()), gradgrad=True,
           error_inputs=_float_only(None, "silu_cpu")),
    OpInfo("nn.functional.mish", F.mish, lambda x: x * np.tanh(_softplus(x)), _with_params(()), gradgrad=True,
           error_inputs=_float_only(None, "mish_cpu")),
    OpInfo("nn.functional.softplus", F.softplus, _softplus, _with_params((), (2.0, 1.0), (0.5, 30.0), low=-6, high=6),
           gradgrad=True, error_inputs=_float_only(None, "softplus_cpu")),
    OpInfo("nn.functional.logsigmoid", F.logsigmoid, lambda x: -np.logaddexp(0.0, -x),
           _with_params((), low=-30, high=30), gradgrad=True,
           error_inputs=_float_only(None, "log_sigmoid_forward_cpu")),
    OpInfo("nn.functional.hardsigmoid", F.hardsigmoid, _hardsigmoid, _with_params((), low=-5, high=5),
           error_inputs=_float_only(None, "hardsigmoid_cpu")),
    OpInfo("nn.functional.hardswish", F.hardswish, lambda x: x * _hardsigmoid(x), _with_params((), low=-5, high=5),
           error_inputs=_float_only(None, "hardswish_cpu")),
    OpInfo("softmax", ember.softmax, _softmax, _softmax_samples, gradgrad=True,
           error_inputs=_softmax_errors("softmax")),
    OpInfo("log_softmax", ember.log_softmax, _log_softmax, _softmax_samples, gradgrad=True,
           error_inputs=_softmax_errors("log_softmax")),
    OpInfo("relu_backward", _backward_op(A.RELU_BACKWARD), lambda g, y: np.where(y > 0, g, 0.0),
           _grad_samples(lambda x: np.maximum(x, 0), (), grad_args=(0,))),
    OpInfo("gelu_backward", _backward_op(A.GELU_BACKWARD), _gelu_grad,
           _grad_samples(lambda x, a: x, ("none",), ("tanh",))),
    OpInfo("silu_backward", _backward_op(A.SILU_BACKWARD), _silu_grad, _grad_samples(lambda x: x, ())),
    OpInfo("softmax_backward", _backward_op(A.SOFTMAX_BACKWARD),
           lambda g, y, d: y * (g - (g * y).sum(axis=d, keepdims=True)), _grad_samples(_softmax, (0,), (1,))),
    OpInfo("log_softmax_backward", _backward_op(A.LOG_SOFTMAX_BACKWARD),
           lambda g, y, d: g - np.exp(y) * g.sum(axis=d, keepdims=True), _grad_samples(_log_softmax, (0,), (1,))),
]
