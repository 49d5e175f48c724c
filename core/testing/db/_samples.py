"""Sample-input builders and small helpers shared by the OpInfo family modules."""
from __future__ import annotations

import numpy as np

from ember.testing.opinfo import FLOAT_DTYPES, INT_DTYPES, ErrorInput, SampleInput

NUMERIC = INT_DTYPES + FLOAT_DTYPES
UNARY_SHAPES = [(), (0,), (7,), (3, 4), (2, 3, 4)]
BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (3,)), ((3, 4), ()), ((0, 3), (3,))]


def make_array(shape, dtype, rng, low=None, high=None, exclude_zero=False):
    """Random array of ``dtype`` (a dtype name) in [low, high)."""
    from ember_numpy._dtypes import TO_NP
    import ember
    npd = TO_NP[getattr(ember, dtype)]
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    if npd.kind in "iu":
        info = np.iinfo(npd)
        lo = max(info.min, -9 if low is None else int(low))
        hi = min(info.max, 10 if high is None else int(high))
        a = rng.integers(lo, hi, size=shape).astype(npd)
        if exclude_zero:
            a = np.where(a == 0, 1, a).astype(npd)
        return a
    lo = -3.0 if low is None else low
    hi = 3.0 if high is None else high
    a = rng.uniform(lo, hi, size=shape)
    if exclude_zero:
        a = np.where(np.abs(a) < 0.1, 0.5, a)
    return np.asarray(a).astype(npd)


def unary_samples(dtype, rng, low=None, high=None, shapes=UNARY_SHAPES, **kw):
    for s in shapes:
        yield SampleInput(make_array(s, dtype, rng, low, high, **kw), name=f"shape {s}")


def binary_samples(dtype, rng, low=None, high=None, scalars=(2.5, -2), rhs_low=None, rhs_high=None,
                   exclude_zero_rhs=False):
    for sa, sb in BINARY_SHAPES:
        yield SampleInput(make_array(sa, dtype, rng, low, high),
                          make_array(sb, dtype, rng, rhs_low if rhs_low is not None else low,
                                     rhs_high if rhs_high is not None else high, exclude_zero=exclude_zero_rhs),
                          name=f"{sa} op {sb}")
    for s in scalars:
        if dtype in ("bool", "uint8", "int8", "int16", "int32", "int64") and isinstance(s, float):
            continue
        yield SampleInput(make_array((3, 4), dtype, rng, low, high), s, name=f"tensor op scalar {s}")


def np_dtype(dtype):
    """The NumPy dtype of the ember dtype named ``dtype``."""
    from ember_numpy._dtypes import TO_NP
    import ember
    return TO_NP[getattr(ember, dtype)]


def zeros(*shape, dtype=np.float32):
    return np.zeros(shape, dtype)


def anchor():
    """A 0-element array whose tensor tells a factory which backend to build on."""
    return np.zeros(0, np.float32)


# --- result dtypes (an OpInfo's ``result_dtype(dtype, sample)``) ---------------------------

def same_dtype(dtype, sample):
    return dtype


def to_float(dtype, sample):
    return dtype if dtype in FLOAT_DTYPES else "float32"


def int64_result(dtype, sample):
    return "int64"


def bool_result(dtype, sample):
    return "bool"


# --- error inputs ------------------------------------------------------------------------

def shape_error(dtype=np.float32):
    """The broadcasting error of a binary op on shapes (2, 3) and (4,)."""
    yield ErrorInput(SampleInput(np.zeros((2, 3), dtype), np.zeros((4,), dtype)), RuntimeError,
                     r"size of tensor a \(3\) must match the size of tensor b \(4\)")


def error_cases(cases):
    """Error inputs from ``cases``: a list of (args, kwargs, exception, regex)."""
    def gen():
        for args, kwargs, exc, match in cases:
            yield ErrorInput(SampleInput(*args, **kwargs), exc, match)
    return gen


def error_samples(*cases):
    """Error inputs from ``cases``: each a (SampleInput, exception, regex)."""
    def gen():
        for sample, exc, match in cases:
            yield ErrorInput(sample, exc, match)
    return gen
