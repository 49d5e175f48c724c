"""OpInfos for ember/ops/special.py: addcmul, addcdiv, gcd, lcm, heaviside, sinc, i0 and frexp."""
from __future__ import annotations

import ember
import numpy as np
from ember.testing.opinfo import (
    ALL_DTYPES,
    FLOAT_DTYPES,
    INT_DTYPES,
    ErrorInput,
    OpInfo,
    SampleInput,
)

from ._samples import make_array, unary_samples

NUMERIC = INT_DTYPES + FLOAT_DTYPES
_F32 = np.float32
# (input, tensor1, tensor2) shapes: equal, broadcast in every position, 0-d, empty
TERNARY_SHAPES = [((3, 4), (3, 4), (3, 4)), ((3, 1), (4,), (3, 4)), ((), (2, 3), (3,)), ((2, 1, 4), (3, 1), ()),
                  ((), (), ()), ((0, 3), (3,), (1, 3))]


def _npd(dtype, rng):
    return make_array((), dtype, rng).dtype


def _to_float(dtype, sample):
    return dtype if dtype in FLOAT_DTYPES else "float32"


# --- addcmul / addcdiv --------------------------------------------------------------------------

def _addc_samples(divide):
    def gen(dtype, rng):
        for shapes in TERNARY_SHAPES:
            x, t1 = (make_array(s, dtype, rng) for s in shapes[:2])
            t2 = make_array(shapes[2], dtype, rng, 0.5, 3.0) if divide else make_array(shapes[2], dtype, rng)
            yield SampleInput(x, t1, t2, name=f"shapes {shapes}")
        x, t1 = make_array((3, 4), dtype, rng), make_array((3, 4), dtype, rng)
        t2 = make_array((3, 4), dtype, rng, 0.5, 3.0) if divide else make_array((3, 4), dtype, rng)
        for v in ((0.5, -2, 3.0) if dtype in FLOAT_DTYPES else (-2, 3)):
            yield SampleInput(x, t1, t2, value=v, name=f"value={v}")
    return gen


def _addcmul_ref(x, t1, t2, value=1):
    if x.dtype.kind in "iu":  # wraps around like the integer kernel
        return (x.astype(np.int64) + value * t1.astype(np.int64) * t2.astype(np.int64)).astype(x.dtype)
    return x + value * t1 * t2


def _addcdiv_ref(x, t1, t2, value=1):
    return x + value * t1 / t2


def _addc_errors(name):
    def gen():
        yield ErrorInput(SampleInput(np.ones(3, bool), np.ones(3, bool), np.ones(3, bool)),
                         NotImplementedError if name == "addcmul" else RuntimeError,
                         "not implemented for 'Bool'" if name == "addcmul" else "Integer division with addcdiv")
        yield ErrorInput(SampleInput(np.ones(3, _F32), np.ones(3, _F32), 2.0), TypeError,
                         r"argument 'tensor2' \(position 3\) must be Tensor")
        yield ErrorInput(SampleInput(np.ones((2,), _F32), np.ones((3,), _F32), np.ones((3,), _F32)), RuntimeError,
                         "must match the size")
        if name == "addcdiv":
            yield ErrorInput(SampleInput(np.ones(3, _F32), np.ones(3, np.int64), np.ones(3, np.int64)), RuntimeError,
                             "Integer division with addcdiv is no longer supported")
    return gen


# --- gcd / lcm / heaviside ---------------------------------------------------------------------

def _int_pairs(dtype, rng):
    for sa, sb in (((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (5,)), ((0, 3), (3,))):
        yield SampleInput(make_array(sa, dtype, rng, -9, 10), make_array(sb, dtype, rng, -9, 10), name=f"{sa}, {sb}")
    z = np.array([0, 0, 6, -4, 7]).astype(_npd(dtype, rng)) if dtype != "uint8" else np.array([0, 0, 6, 4, 7], np.uint8)
    w = np.array([0, 5, 0, 6, 7]).astype(z.dtype)
    yield SampleInput(z, w, name="zeros and equal values", noncontig=False)


def _int_only_errors(name):
    def gen():
        yield ErrorInput(SampleInput(np.ones(3, _F32), np.ones(3, _F32)), NotImplementedError,
                         f'"{name}_cpu" not implemented for \'Float\'')
        yield ErrorInput(SampleInput(np.ones(3, bool), np.ones(3, bool)), NotImplementedError, "not implemented for "
                                                                                              "'Bool'")
        yield ErrorInput(SampleInput(np.ones(3, np.int64), 2), TypeError, r"argument 'other' \(position 2\) must be "
                                                                          r"Tensor")
    return gen


def _heaviside_samples(dtype, rng):
    for sa, sb in (((3, 4), (3, 4)), ((3, 4), (4,)), ((), (3,)), ((0, 3), (3,))):
        x = make_array(sa, dtype, rng, -2, 3)
        if x.size and dtype != "bool":
            x.reshape(-1)[::3] = 0
        yield SampleInput(x, make_array(sb, dtype, rng), name=f"{sa}, {sb}")
    if dtype in FLOAT_DTYPES:
        npd = _npd(dtype, rng)
        yield SampleInput(np.array([-np.inf, -0.0, 0.0, np.nan, np.inf]).astype(npd), np.array(0.5).astype(npd),
                          name="special values", noncontig=False)


def _heaviside_ref(x, v):
    return np.where(x == 0, v, x > 0).astype(np.result_type(x, v))


def _heaviside_errors():
    yield ErrorInput(SampleInput(np.ones(3, np.int64), np.ones(3, _F32)), RuntimeError,
                     "heaviside is not yet implemented for tensors with different dtypes")
    yield ErrorInput(SampleInput(np.ones(3, _F32), 0.5), TypeError, r"argument 'values' \(position 2\) must be Tensor")
    yield ErrorInput(SampleInput(np.ones((2, 3), _F32), np.ones(4, _F32)), RuntimeError, "must match the size")


# --- sinc / i0 / frexp --------------------------------------------------------------------------

def _unary_with_specials(low, high, specials):
    def gen(dtype, rng):
        yield from unary_samples(dtype, rng, low, high)
        if dtype in FLOAT_DTYPES:
            yield SampleInput(np.array(specials).astype(_npd(dtype, rng)), name="special values", noncontig=False)
    return gen


def _f64(f):
    def ref(x):
        return f(np.asarray(x, dtype=np.float64))
    return ref


def _i0_ref(x):
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        r = np.i0(np.where(np.isfinite(x), x, 0.0)).reshape(x.shape) if x.size else x.copy()
    return np.where(np.isnan(x) | np.isinf(x), np.nan, r)  # PyTorch's i0(+-inf) is nan


def _tensor_arg_error(name):
    def gen():
        yield ErrorInput(SampleInput(2.0), TypeError, rf"{name}\(\): argument 'input' \(position 1\) must be Tensor")
    return gen


def _frexp_samples(dtype, rng):
    yield from unary_samples(dtype, rng, -100, 100)
    npd = _npd(dtype, rng)
    tiny = float(ember.finfo(getattr(ember, dtype)).tiny)
    yield SampleInput(np.array([0.0, -0.0, 1.0, -0.75, 1024.0, tiny, tiny / 4, np.inf, -np.inf, np.nan]).astype(npd),
                      name="powers of two, subnormals, inf, nan", noncontig=False)


def _frexp_ref(x):
    m, e = np.frexp(np.asarray(x, dtype=np.float64))
    return m, e.astype(np.int32)


def _frexp_errors():
    yield ErrorInput(SampleInput(np.ones(3, np.int64)), RuntimeError, "only supports floating-point dtypes")
    yield ErrorInput(SampleInput(1.0), TypeError, "must be Tensor")


OP_DB = [
    OpInfo("addcmul", ember.addcmul, _addcmul_ref, _addc_samples(False), dtypes=NUMERIC, gradgrad=True,
           tols={"float16": (4e-3, 4e-3), "bfloat16": (3e-2, 3e-2)}, error_inputs=_addc_errors("addcmul")),
    OpInfo("addcdiv", ember.addcdiv, _addcdiv_ref, _addc_samples(True), gradgrad=True,
           tols={"float16": (4e-3, 4e-3), "bfloat16": (3e-2, 3e-2)}, error_inputs=_addc_errors("addcdiv")),
    OpInfo("gcd", ember.gcd, np.gcd, _int_pairs, dtypes=INT_DTYPES, supports_grad=False,
           error_inputs=_int_only_errors("gcd")),
    OpInfo("lcm", ember.lcm, np.lcm, _int_pairs, dtypes=INT_DTYPES, supports_grad=False,
           error_inputs=_int_only_errors("lcm")),
    OpInfo("heaviside", ember.heaviside, _heaviside_ref, _heaviside_samples, dtypes=ALL_DTYPES, supports_grad=False,
           ref_in_input_dtype=True, error_inputs=_heaviside_errors),
    OpInfo("sinc", ember.sinc, _f64(np.sinc), _unary_with_specials(-3.0, 3.0, (0.0, -0.0, 1.0, 0.5, 1e-6, np.inf)),
           dtypes=ALL_DTYPES, result_dtype=_to_float, gradgrad=True, error_inputs=_tensor_arg_error("sinc")),
    OpInfo("i0", ember.i0, _i0_ref, _unary_with_specials(-6.0, 6.0, (0.0, 7.99, 8.0, 8.01, -10.0, 11.5, np.inf, np.nan)),
           dtypes=ALL_DTYPES, result_dtype=_to_float, gradgrad=True, error_inputs=_tensor_arg_error("i0")),
    OpInfo("frexp", ember.frexp, _frexp_ref, _frexp_samples, dtypes=FLOAT_DTYPES, error_inputs=_frexp_errors),
]
