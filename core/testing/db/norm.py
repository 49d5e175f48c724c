"""OpInfos for ember/ops/norm.py (batch_norm, layer_norm, group_norm) through their functional
entry points, plus instance_norm (the group_norm op with one group per channel), rms_norm and
local_response_norm (compositions of registry ops)."""
from __future__ import annotations

import numpy as np
from ember.testing.opinfo import ErrorInput, OpInfo, SampleInput

from ._samples import make_array

_F32 = np.float32
# half-precision inputs normalize in float32 and round once; the output is O(1), so an absolute bound
_HALF_TOLS = {"float16": (4e-3, 4e-3), "bfloat16": (2e-2, 3e-2)}


def _F():
    import ember.nn.functional as F
    return F


def _moments(x, dims):
    m = x.mean(axis=dims, keepdims=True)
    return m, ((x - m) ** 2).mean(axis=dims, keepdims=True)


# --- batch_norm ---------------------------------------------------------------------------------

def _bn_train(x, w=None, b=None, eps=1e-5):
    return _F().batch_norm(x, None, None, w, b, training=True, eps=eps)


def _bn_train_ref(x, w=None, b=None, eps=1e-5):
    dims = (0,) + tuple(range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    m, v = _moments(x, dims)
    out = (x - m) / np.sqrt(v + eps)
    if w is not None:
        out = out * w.reshape(shape)
    if b is not None:
        out = out + b.reshape(shape)
    return out


def _bn_samples(dtype, rng):
    for shape in ((4, 3), (2, 3, 5), (2, 4, 3, 3), (2, 2, 2, 2, 3)):
        c = shape[1]
        yield SampleInput(make_array(shape, dtype, rng), make_array((c,), dtype, rng),
                          make_array((c,), dtype, rng), name=f"affine {shape}")
    yield SampleInput(make_array((5, 2, 3), dtype, rng), name="no affine")
    yield SampleInput(make_array((3, 4, 2), dtype, rng), make_array((4,), dtype, rng), None, eps=0.1,
                      name="weight only, eps=0.1")


def _bn_errors():
    yield ErrorInput(SampleInput(np.ones((1, 3), _F32)), ValueError, "Expected more than 1 value per channel")
    yield ErrorInput(SampleInput(np.ones((4, 3), _F32), np.ones(4, _F32), None), RuntimeError,
                     "weight should contain 3 elements not 4")
    yield ErrorInput(SampleInput(np.ones((4, 3), _F32), eps=0.0), ValueError, "eps must be positive")


def _bn_eval(x, rm, rv, w, b):
    return _F().batch_norm(x, rm, rv, w, b, training=False, eps=1e-3)


def _bn_eval_ref(x, rm, rv, w, b):
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    rm, rv, w, b = (a.reshape(shape) for a in (rm, rv, w, b))
    return (x - rm) / np.sqrt(rv + 1e-3) * w + b


def _bn_eval_samples(dtype, rng):
    for shape in ((4, 3), (2, 3, 5), (1, 2, 3, 3)):
        c = shape[1]
        yield SampleInput(make_array(shape, dtype, rng), make_array((c,), dtype, rng),
                          make_array((c,), dtype, rng, 0.5, 2.0), make_array((c,), dtype, rng),
                          make_array((c,), dtype, rng), grad_args=(0, 3, 4), name=f"running stats {shape}")


def _bn_eval_errors():
    yield ErrorInput(SampleInput(np.ones((4, 3), _F32), None, None, None, None), RuntimeError,
                     "running_mean must be defined in evaluation mode")
    yield ErrorInput(SampleInput(np.ones((4, 3), _F32), np.zeros(4, _F32), np.ones(4, _F32), None, None),
                     RuntimeError, "running_mean should contain 3 elements not 4")


# --- layer_norm / rms_norm ------------------------------------------------------------------------

def _ln_ref(x, normalized_shape, w=None, b=None, eps=1e-5):
    k = len(normalized_shape)
    m, v = _moments(x, tuple(range(x.ndim - k, x.ndim)))
    out = (x - m) / np.sqrt(v + eps)
    return (out if w is None else out * w) + (0 if b is None else b)


def _ln_samples(dtype, rng):
    for shape, ns in (((3, 5), (5,)), ((2, 3, 4), (3, 4)), ((6,), (6,)), ((0, 4), (4,)), ((2, 1, 3), (3,))):
        yield SampleInput(make_array(shape, dtype, rng), ns, make_array(ns, dtype, rng), make_array(ns, dtype, rng),
                          name=f"affine {shape} over {ns}")
    yield SampleInput(make_array((4, 3), dtype, rng), (3,), name="no affine")
    yield SampleInput(make_array((2, 3), dtype, rng), [3], make_array((3,), dtype, rng), None, eps=0.5,
                      name="weight only, eps=0.5")


def _ln_errors():
    yield ErrorInput(SampleInput(np.ones((2, 3), _F32), (4,)), RuntimeError,
                     r"Given normalized_shape=\[4\], expected input with shape \[\*, 4\]")
    yield ErrorInput(SampleInput(np.ones((2, 3), _F32), (3,), np.ones(4, _F32)), RuntimeError,
                     "Expected weight to be of same shape as normalized_shape")
    yield ErrorInput(SampleInput(np.ones((2, 3), np.int64), (3,)), NotImplementedError, "not implemented for 'Long'")


def _rms_ref(x, normalized_shape, w=None, eps=None):
    k = len(normalized_shape)
    eps = np.finfo(np.float32).eps if eps is None else eps  # the samples' default-eps cases are float32-like
    ms = (x * x).mean(axis=tuple(range(x.ndim - k, x.ndim)), keepdims=True)
    out = x / np.sqrt(ms + eps)
    return out if w is None else out * w


def _rms_samples(dtype, rng):
    for shape, ns in (((3, 5), (5,)), ((2, 3, 4), (3, 4)), ((0, 4), (4,))):
        yield SampleInput(make_array(shape, dtype, rng), ns, make_array(ns, dtype, rng), eps=1e-6,
                          name=f"{shape} over {ns}")
    yield SampleInput(make_array((2, 3), dtype, rng), (3,), eps=0.25, name="no weight")


def _rms_errors():
    yield ErrorInput(SampleInput(np.ones((2, 3), _F32), (4,)), RuntimeError, r"expected input with shape \[\*4\]")


# --- group_norm / instance_norm --------------------------------------------------------------------

def _gn_ref(x, groups, w=None, b=None, eps=1e-5):
    n, c = x.shape[:2]
    xg = x.reshape(n, groups, -1)
    m, v = _moments(xg, (2,))
    out = ((xg - m) / np.sqrt(v + eps)).reshape(x.shape)
    shape = (1, c) + (1,) * (x.ndim - 2)
    return out * (1 if w is None else w.reshape(shape)) + (0 if b is None else b.reshape(shape))


def _gn_samples(dtype, rng):
    for shape, g in (((2, 4, 3), 2), ((3, 6), 3), ((2, 6, 2, 2), 3), ((1, 4, 5), 1), ((2, 3, 2, 1, 2), 3)):
        c = shape[1]
        yield SampleInput(make_array(shape, dtype, rng), g, make_array((c,), dtype, rng), make_array((c,), dtype, rng),
                          name=f"{shape}, {g} groups")
    yield SampleInput(make_array((2, 4, 3), dtype, rng), 4, name="no affine, a group per channel")


def _gn_errors():
    yield ErrorInput(SampleInput(np.ones((2, 3, 4), _F32), 2), RuntimeError,
                     "Expected number of channels in input to be divisible by num_groups")
    yield ErrorInput(SampleInput(np.ones((2, 4, 4), _F32), 2, np.ones(3, _F32)), RuntimeError,
                     "Expected weight to be a vector of size equal to the number of channels")
    yield ErrorInput(SampleInput(np.ones((3,), _F32), 1), RuntimeError, "Expected at least 2 dimensions")


def _in(x, w=None, b=None, eps=1e-5):
    return _F().instance_norm(x, None, None, w, b, eps=eps)


def _in_ref(x, w=None, b=None, eps=1e-5):
    return _gn_ref(x, x.shape[1], w, b, eps)


def _in_samples(dtype, rng):
    for shape in ((2, 3, 4), (1, 2, 3, 3), (3, 1, 2)):
        c = shape[1]
        yield SampleInput(make_array(shape, dtype, rng), make_array((c,), dtype, rng), make_array((c,), dtype, rng),
                          name=f"affine {shape}")
    yield SampleInput(make_array((2, 2, 5), dtype, rng), name="no affine")


def _in_errors():
    yield ErrorInput(SampleInput(np.ones((2, 3, 1), _F32)), ValueError, "Expected more than 1 spatial element")


# --- local_response_norm ---------------------------------------------------------------------------

def _lrn_ref(x, size, alpha=1e-4, beta=0.75, k=1.0):
    c = x.shape[1]
    pad = [(0, 0)] * x.ndim
    pad[1] = (size // 2, (size - 1) // 2)
    sq = np.pad(x * x, pad)
    window = sum(sq[:, i:i + c] for i in range(size)) / size
    return x / (k + alpha * window) ** beta


def _lrn_samples(dtype, rng):
    yield SampleInput(make_array((2, 5, 3), dtype, rng), 3, name="3-D, size 3")
    yield SampleInput(make_array((2, 4, 2, 3), dtype, rng), 2, alpha=0.5, beta=0.6, k=2.0, name="4-D, size 2")
    yield SampleInput(make_array((1, 3, 2, 2, 2), dtype, rng), 4, alpha=0.1, name="5-D, size 4")


def _lrn_errors():
    yield ErrorInput(SampleInput(np.ones((2, 3), _F32), 2), ValueError, "Expected 3D or higher dimensionality")


def _fn(name):
    return lambda *a, **k: getattr(_F(), name)(*a, **k)


OP_DB = [
    OpInfo("batch_norm", _bn_train, _bn_train_ref, _bn_samples, gradgrad=True, error_inputs=_bn_errors,
           tols=_HALF_TOLS),
    OpInfo("batch_norm_eval", _bn_eval, _bn_eval_ref, _bn_eval_samples, gradgrad=True,
           error_inputs=_bn_eval_errors, tols=_HALF_TOLS),
    OpInfo("layer_norm", _fn("layer_norm"), _ln_ref, _ln_samples, gradgrad=True, error_inputs=_ln_errors,
           tols=_HALF_TOLS),
    OpInfo("group_norm", _fn("group_norm"), _gn_ref, _gn_samples, gradgrad=True, error_inputs=_gn_errors,
           tols=_HALF_TOLS),
    OpInfo("instance_norm", _in, _in_ref, _in_samples, error_inputs=_in_errors, tols=_HALF_TOLS),
    OpInfo("rms_norm", _fn("rms_norm"), _rms_ref, _rms_samples, gradgrad=True, error_inputs=_rms_errors,
           tols=_HALF_TOLS),
    OpInfo("local_response_norm", _fn("local_response_norm"), _lrn_ref, _lrn_samples, error_inputs=_lrn_errors,
           tols=_HALF_TOLS),
]
