"""Sample-input builders shared by the OpInfo family modules."""
from __future__ import annotations

import numpy as np

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
    from ember.testing.opinfo import SampleInput
    for s in shapes:
        yield SampleInput(make_array(s, dtype, rng, low, high, **kw), name=f"shape {s}")


def binary_samples(dtype, rng, low=None, high=None, scalars=(2.5, -2), rhs_low=None, rhs_high=None,
                   exclude_zero_rhs=False):
    from ember.testing.opinfo import SampleInput
    for sa, sb in BINARY_SHAPES:
        yield SampleInput(make_array(sa, dtype, rng, low, high),
                          make_array(sb, dtype, rng, rhs_low if rhs_low is not None else low,
                                     rhs_high if rhs_high is not None else high, exclude_zero=exclude_zero_rhs),
                          name=f"{sa} op {sb}")
    for s in scalars:
        if dtype in ("bool", "uint8", "int8", "int16", "int32", "int64") and isinstance(s, float):
            continue
        yield SampleInput(make_array((3, 4), dtype, rng, low, high), s, name=f"tensor op scalar {s}")
