"""OpInfos for the deterministic factories and conversions of ember/ops/creation.py.

Factories have no tensor argument to tell the harness's backend, so each sample
starts with a 0-element "anchor" array: the harness turns it into a tensor on
the backend under test and the op builds on ``anchor.device``.  References are
NumPy; results must match them exactly (casts, fills, eye) or to the dtype's
rounding (ranges).
"""
from __future__ import annotations

import numpy as np

import ember
from ember.testing.opinfo import ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, OpInfo, SampleInput

from ._samples import NUMERIC, UNARY_SHAPES, anchor, error_samples, make_array

EXACT = {d: (0.0, 0.0) for d in FLOAT_DTYPES}
SHAPES = [(3, 4), (), (0,), (2, 0, 3), (5,)]


def _np(dtype):
    from ember_numpy._dtypes import TO_NP
    return TO_NP[dtype]


def _on_anchor(fn):
    def call(anchor, *args, **kwargs):
        return fn(*args, device=anchor.device, **kwargs)
    call.__name__ = fn.__name__
    return call


def _drop_anchor(ref):
    def call(anchor, *args, **kwargs):
        return ref(*args, **kwargs)
    return call


def _dt(dtype):
    return getattr(ember, dtype)


def _sample(*args, name="", **kwargs):
    return SampleInput(anchor(), *args, noncontig=False, name=name, **kwargs)


def _kwarg_dtype(dtype, sample):
    """Result dtype of a sample: its ``dtype=`` if given, else the OpInfo's dtype."""
    d = sample.kwargs.get("dtype")
    return d.name if d is not None else dtype


def _fill_values(dtype):
    if dtype == "bool":
        return (True, False)
    if dtype == "uint8":
        return (7, 255)
    if dtype in INT_DTYPES:
        return (7, -3)
    return (2.5, -1.25, float("inf"), float("nan"))


# --- fills ---------------------------------------------------------------------------

def _full_samples(dtype, rng):
    for s in SHAPES:
        for v in _fill_values(dtype):
            yield _sample(s, v, dtype=_dt(dtype), name=f"{s} filled with {v}")
    yield _sample([2, 3], _fill_values(dtype)[0], dtype=_dt(dtype), name="size as a list")
    inferred = {"float32": 2.5, "int64": 7, "bool": True}  # full infers its dtype from the value
    if dtype in inferred:
        yield _sample((2, 3), inferred[dtype], name=f"dtype inferred from {inferred[dtype]!r}")


def _full_ref(size, value, dtype=None):
    return np.full(tuple(size), value, dtype=_np(dtype) if dtype is not None else None)


def _const_samples(dtype, rng):
    for s in SHAPES:
        yield _sample(*s, dtype=_dt(dtype), name=f"sizes {s}") if s else _sample((), dtype=_dt(dtype), name="0-d")
        yield _sample(s, dtype=_dt(dtype), name=f"size tuple {s}")
    if dtype == "float32":
        yield _sample(2, 3, name="default dtype")


def _const_ref(value):
    def ref(*size, dtype=None):
        shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
        return np.full(shape, value, dtype=_np(dtype) if dtype is not None else np.float32)
    return ref


def _eye_samples(dtype, rng):
    for nm in ((3,), (2, 4), (4, 2), (0,), (1, 0), (1,)):
        yield _sample(*nm, dtype=_dt(dtype), name=f"eye{nm}")
    if dtype == "float32":
        yield _sample(3, name="default dtype")


def _eye_ref(n, m=None, dtype=None):
    return np.eye(n, m)


# --- ranges --------------------------------------------------------------------------

def _arange_samples(dtype, rng):
    dt = _dt(dtype)
    yield _sample(5, dtype=dt, name="arange(end)")
    yield _sample(2, 9, dtype=dt, name="arange(start, end)")
    yield _sample(1, 20, 3, dtype=dt, name="arange(start, end, step)")
    yield _sample(4, 4, dtype=dt, name="empty range")
    if dtype != "uint8":
        yield _sample(-3, 4, 2, dtype=dt, name="negative start")
        yield _sample(10, -5, -3, dtype=dt, name="negative step")
    if dtype in FLOAT_DTYPES:
        yield _sample(0.5, 3.7, 0.4, dtype=dt, name="float bounds")
        yield _sample(5.0, -3.0, -1.5, dtype=dt, name="float negative step")
        yield _sample(0.0, 1.0, 0.1, dtype=dt, name="step 0.1")
    if dtype == "float32":
        yield _sample(0.0, 5, name="float bound: default float dtype")
    if dtype == "int64":
        yield _sample(7, name="int bounds: int64")
        yield _sample(2, 11, 4, name="int bounds with step: int64")


def _arange_ref(*args, dtype=None):
    return np.arange(*args, dtype=np.float64)


def _linspace_samples(dtype, rng):
    dt = _dt(dtype)
    cases = [(0, 10, 4), (3, 100, 7), (1, 1, 3), (5, 0, 6), (2, 8, 1), (0, 1, 0)]
    if dtype != "uint8":
        cases += [(-10, 0, 4), (-3, 9, 5)]
    if dtype in FLOAT_DTYPES:
        cases += [(0.0, 1.0, 5), (-2.0, 3.5, 7), (0.1, 0.9, 100)]
    for c in cases:
        yield _sample(*c, dtype=dt, name=f"linspace{c}")
    if dtype == "float32":
        yield _sample(0, 1, 11, name="default dtype")


def _linspace_ref(start, end, steps, dtype=None):
    vals = np.linspace(start, end, steps)
    return np.trunc(vals) if dtype is not None and not dtype.is_floating_point else vals


def _logspace_samples(dtype, rng):
    dt = _dt(dtype)
    cases = [((0, 2, 3), {}), ((0, 2, 5), {"base": 2.0})]
    if dtype not in ("uint8", "int8"):
        cases.append(((0, 3, 4), {}))
    if dtype in FLOAT_DTYPES:
        cases += [((-1.0, 1.0, 4), {}), ((0.0, 1.0, 6), {"base": 3.0}), ((1, 1, 1), {})]
    for args, kw in cases:
        yield _sample(*args, dtype=dt, name=f"logspace{args} {kw}", **kw)
    if dtype == "float32":
        yield _sample(0, 2, 3, name="default dtype")


def _logspace_ref(start, end, steps, base=10.0, dtype=None):
    vals = np.logspace(start, end, steps, base=base)
    return np.trunc(vals) if dtype is not None and not dtype.is_floating_point else vals


# --- *_like ------------------------------------------------------------------------------

def _like_samples(extra=(), override=True):
    def gen(dtype, rng):
        for s in UNARY_SHAPES:
            yield SampleInput(make_array(s, dtype, rng), *extra, name=f"like {s}")
        if override:
            other = "float64" if dtype != "float64" else "int32"
            yield SampleInput(make_array((2, 3), dtype, rng), *extra, dtype=_dt(other), name=f"dtype={other}")
    return gen


def _full_like_samples(dtype, rng):
    for v in _fill_values(dtype):
        yield from _like_samples((v,), override=False)(dtype, rng)
    yield from _like_samples((1,))(dtype, rng)  # a value every dtype holds, with a dtype= override


def _full_like_ref(x, value, dtype=None):
    return np.full(np.shape(x), value)


def _shape_only(actual, expected, rtol, atol):
    """``empty_like``: the harness already checked shape, dtype and backend; the values are undefined."""


# --- data in ------------------------------------------------------------------------------

def _nested(arr):
    return (arr.astype(np.float64) if arr.dtype.kind not in "biu" else arr).tolist()


def _tensor_samples(dtype, rng):
    for s in SHAPES:
        yield _sample(_nested(make_array(s, dtype, rng)), dtype=_dt(dtype), name=f"nested list {s}")
    yield _sample([_nested(make_array((3,), dtype, rng)), _nested(make_array((3,), dtype, rng))],
                  dtype=_dt(dtype), name="list of lists")
    yield _sample((1, 0), dtype=_dt(dtype), name="tuple")
    inferred = {
        "float32": [[1.5, 2], [3, -4.25]],  # any float -> the default dtype
        "int64": [[1, -2], [3, True]],  # ints (and bools) -> int64
        "bool": [[True, False], [False, True]],
    }
    if dtype in inferred:
        yield _sample(inferred[dtype], name=f"dtype inferred from {inferred[dtype]}")
        yield _sample(inferred[dtype][0][0], name="a Python scalar")
    if dtype == "float32":
        yield _sample([], name="empty list")


def _tensor_ref(data, dtype=None):
    return np.array(data, dtype=np.float64 if dtype is not None and dtype.is_floating_point else None)


def _frombuffer_samples(dtype, rng):
    for s in [(5,), (3, 4), (1,)]:
        a = make_array(s, dtype, rng)
        yield _sample(bytearray(a.tobytes()), dtype=_dt(dtype), name=f"bytearray of {s}")
        yield _sample(a.tobytes(), dtype=_dt(dtype), name=f"read-only bytes of {s}")
    a = make_array((6,), dtype, rng)
    yield _sample(memoryview(a.tobytes()), dtype=_dt(dtype), count=3, offset=2 * a.itemsize,
                  name="memoryview, count and offset")


def _frombuffer(anchor, buffer, dtype, count=-1, offset=0):
    t = ember.frombuffer(buffer, dtype=dtype, count=count, offset=offset)
    return t.to(anchor.device) if t.device != anchor.device else t


def _frombuffer_ref(buffer, dtype, count=-1, offset=0):
    a = np.frombuffer(buffer, dtype=_np(dtype), count=count,
                      offset=offset)
    return a.astype(np.float64) if a.dtype.kind not in "biu" else a


# --- conversions ---------------------------------------------------------------------------

def _cast_source(dtype, target, rng, shape=(3, 4)):
    """Values of ``dtype`` whose cast to ``target`` is defined in PyTorch (no float->int overflow)."""
    if dtype in FLOAT_DTYPES and target in ("uint8", "bool"):
        a = make_array(shape, dtype, rng, 0, 100)
    elif dtype in FLOAT_DTYPES and target in INT_DTYPES:
        a = make_array(shape, dtype, rng, -100, 100)
    elif dtype in ("int16", "int32", "int64"):
        a = make_array(shape, dtype, rng, -300, 300)  # wraps modulo 2**bits into 8-bit targets
    else:
        a = make_array(shape, dtype, rng)
    if dtype in FLOAT_DTYPES and a.size:
        a.flat[0] = 0  # exact zero -> False / 0
    return a


def _to_samples(dtype, rng):
    for target in ALL_DTYPES:
        yield SampleInput(_cast_source(dtype, target, rng), _dt(target), name=f"{dtype} -> {target}")
    for s in ((), (0,), (2, 3, 4)):
        for target in ("float32", "int64", "bool"):
            yield SampleInput(_cast_source(dtype, target, rng, s), _dt(target), name=f"{s} -> {target}")
    if dtype in ("float32", "float64"):
        big = np.array([1e5, -7e4, 3.4e38, 1e-8, -0.0], dtype=_np(_dt(dtype)))
        for target in ("float16", "bfloat16", "float32"):
            yield SampleInput(big, _dt(target), name=f"overflow / underflow -> {target}")
        yield SampleInput(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30], _np(_dt(dtype))), ember.bool,
                          name="nan/inf/zeros -> bool")


def _to_ref(x, dtype):
    npd = _np(dtype)
    if dtype.category == 1 and x.dtype.kind == "f":
        return np.trunc(x).astype(npd)  # C-style truncation toward zero
    return x.astype(npd)


def _to_result(dtype, sample):
    return sample.args[0].name


OP_DB = [
    OpInfo("full", _on_anchor(ember.full), _drop_anchor(_full_ref), _full_samples, dtypes=ALL_DTYPES,
           supports_grad=False, tols=EXACT, result_dtype=_kwarg_dtype, error_inputs=error_samples(
               (_sample((-1, 2), 1.0), RuntimeError, r"negative dimension -1"))),
    OpInfo("zeros", _on_anchor(ember.zeros), _drop_anchor(_const_ref(0)), _const_samples, dtypes=ALL_DTYPES,
           supports_grad=False, tols=EXACT, error_inputs=error_samples(
               (_sample(2, -3), RuntimeError, r"negative dimension -3"),
               (_sample(2, 1.5), TypeError, "must be a tuple of ints"))),
    OpInfo("ones", _on_anchor(ember.ones), _drop_anchor(_const_ref(1)), _const_samples, dtypes=ALL_DTYPES,
           supports_grad=False, tols=EXACT),
    OpInfo("eye", _on_anchor(ember.eye), _drop_anchor(_eye_ref), _eye_samples, dtypes=ALL_DTYPES,
           supports_grad=False, tols=EXACT, error_inputs=error_samples(
               (_sample(-1), RuntimeError, "n and m must be non-negative"))),
    OpInfo("arange", _on_anchor(ember.arange), _drop_anchor(_arange_ref), _arange_samples, dtypes=NUMERIC,
           supports_grad=False, error_inputs=error_samples(
               (_sample(0, 5, 0), RuntimeError, "step must be nonzero"),
               (_sample(0, 5, -1), RuntimeError, "inconsistent with step sign"))),
    OpInfo("linspace", _on_anchor(ember.linspace), _drop_anchor(_linspace_ref), _linspace_samples,
           dtypes=NUMERIC, supports_grad=False, error_inputs=error_samples(
               (_sample(0, 1, -1), RuntimeError, "number of steps must be non-negative"))),
    OpInfo("logspace", _on_anchor(ember.logspace), _drop_anchor(_logspace_ref), _logspace_samples,
           dtypes=NUMERIC, supports_grad=False),
    OpInfo("zeros_like", ember.zeros_like, lambda x, dtype=None: np.zeros(np.shape(x)), _like_samples(),
           dtypes=ALL_DTYPES, supports_grad=False, tols=EXACT, result_dtype=_kwarg_dtype),
    OpInfo("ones_like", ember.ones_like, lambda x, dtype=None: np.ones(np.shape(x)), _like_samples(),
           dtypes=ALL_DTYPES, supports_grad=False, tols=EXACT, result_dtype=_kwarg_dtype),
    OpInfo("full_like", ember.full_like, _full_like_ref, _full_like_samples, dtypes=ALL_DTYPES,
           supports_grad=False, tols=EXACT, result_dtype=_kwarg_dtype),
    OpInfo("empty_like", ember.empty_like, lambda x, dtype=None: np.empty(np.shape(x)), _like_samples(),
           dtypes=ALL_DTYPES, supports_grad=False, result_dtype=_kwarg_dtype, compare=_shape_only),
    OpInfo("tensor", _on_anchor(ember.tensor), _drop_anchor(_tensor_ref), _tensor_samples, dtypes=ALL_DTYPES,
           supports_grad=False, tols=EXACT, error_inputs=error_samples(
               (_sample([[1, 2], [3]]), ValueError, "expected sequence of length 2"),
               (_sample(["a"]), ValueError, "too many dimensions 'str'"),
               (_sample("a"), TypeError, "invalid data type 'str'"))),
    OpInfo("as_tensor", _on_anchor(ember.as_tensor), _drop_anchor(_tensor_ref), _tensor_samples,
           dtypes=ALL_DTYPES, supports_grad=False, tols=EXACT),
    OpInfo("frombuffer", _frombuffer, _drop_anchor(_frombuffer_ref), _frombuffer_samples, dtypes=ALL_DTYPES,
           supports_grad=False, tols=EXACT, error_inputs=error_samples(
               (_sample(bytearray(8), dtype=ember.int32, count=3), ValueError, "requested buffer length"),
               (_sample(bytearray(8), dtype=ember.int32, offset=9), ValueError, "offset"),
               (_sample(bytearray(7), dtype=ember.int32), ValueError, "multiple of element size"),
               (_sample([1, 2], dtype=ember.int32), TypeError, "buffer protocol"))),
    OpInfo("to", lambda x, dtype: x.to(dtype), _to_ref, _to_samples, dtypes=ALL_DTYPES, supports_grad=False,
           tols=EXACT, result_dtype=_to_result, ref_in_input_dtype=True),
    OpInfo("clone", ember.clone, np.copy, lambda dt, rng: (SampleInput(make_array(s, dt, rng), name=f"{s}")
                                                          for s in UNARY_SHAPES),
           dtypes=ALL_DTYPES, gradgrad=True, tols=EXACT, ref_in_input_dtype=True),
    # share_memory_ moves the storage (host backends' share_memory kernel); the values must not change
    OpInfo("share_memory_", lambda x: x.detach().clone().share_memory_(), np.copy,
           lambda dt, rng: (SampleInput(make_array(s, dt, rng), name=f"{s}") for s in UNARY_SHAPES),
           dtypes=ALL_DTYPES, supports_grad=False, tols=EXACT, ref_in_input_dtype=True),
]
