"""OpInfos for ember/ops/elementwise.py: arithmetic, comparisons, where, logical/bitwise ops, predicates."""
from __future__ import annotations

import ember
import numpy as np
from ember.testing.opinfo import ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, ErrorInput, OpInfo, SampleInput

from ._samples import (BINARY_SHAPES, NUMERIC, binary_samples, bool_result, make_array, shape_error, to_float,
                       unary_samples)

SIGNED_INTS = ("int8", "int16", "int32", "int64")
INTS_BOOL = ("bool",) + INT_DTYPES
_F32 = np.float32


# --- shared helpers -------------------------------------------------------------------

def _errors(*extra, shape=True):
    """Error inputs: the broadcast-shape error plus ``extra`` (ErrorInput factories)."""
    def gen():
        if shape:
            yield from shape_error()
        for e in extra:
            yield e()
    return gen


def _promoted(dtype, sample):
    """Result dtype of a binary op on arrays of ``dtype`` and the sample's Python scalars."""
    scalars = [a for a in sample.all_args() if isinstance(a, (bool, int, float)) and not isinstance(a, np.ndarray)]
    if dtype not in FLOAT_DTYPES and any(isinstance(s, float) for s in scalars):
        return "float32"
    if dtype == "bool" and any(isinstance(s, int) and not isinstance(s, bool) for s in scalars):
        return "int64"
    return dtype


def _scalar_first(dtype, rng, values=(2, 3.5), low=None, high=None):
    """``op(scalar, tensor)`` samples (reflected operators)."""
    for v in values:
        if dtype not in FLOAT_DTYPES and isinstance(v, float):
            continue
        yield SampleInput(v, make_array((3, 4), dtype, rng, low, high), name=f"scalar {v} op tensor")


def _with_scalar_first(sampler, **kw):
    def gen(dtype, rng):
        yield from sampler(dtype, rng)
        yield from _scalar_first(dtype, rng, **kw)
    return gen


def _int_div_samples(dtype, rng):
    """Divisors without zeros (integer division by zero raises)."""
    yield from binary_samples(dtype, rng, exclude_zero_rhs=True, scalars=(2.5, -2, 3))
    yield from _scalar_first(dtype, rng, values=(7, -5.5), low=1, high=9)


def _zero_div_error(op):
    def gen():
        yield ErrorInput(SampleInput(np.array([1, 2, 3]), np.array([1, 0, 2])), RuntimeError, "ZeroDivisionError")
        yield ErrorInput(SampleInput(np.array([1, 2, 3]), 0), RuntimeError, "ZeroDivisionError")
        yield ErrorInput(SampleInput(np.array([True]), np.array([True])), NotImplementedError,
                         "not implemented for 'Bool'")
        yield from shape_error(np.int32)
    return gen


def _wrapping(f):
    """NumPy reference ``f`` with a Python int next to an integer array cast (wrapping) to the array's dtype,
    as PyTorch does."""
    def ref(*args, **kwargs):
        arrays = [a for a in args if isinstance(a, np.ndarray)]
        if arrays and arrays[0].dtype.kind in "iu":
            dt = arrays[0].dtype
            args = [np.array(a).astype(dt) if type(a) is int else a for a in args]
        return f(*args, **kwargs)
    return ref


def f64(f):
    """Reference ``f`` evaluated on float64 copies of integer/bool arrays (NumPy would pick float16 for uint8)."""
    def ref(*args, **kwargs):
        return f(*[a.astype(np.float64) if isinstance(a, np.ndarray) else a for a in args], **kwargs)
    return ref


def _is_int_op(x, y):
    kinds = {np.asarray(a).dtype.kind for a in (x, y)}
    return kinds <= {"i", "u"}


@_wrapping
def _py_floordiv(x, y):
    return np.floor_divide(x, y)


@_wrapping
def _trunc_div(x, y):
    if _is_int_op(x, y):
        q = np.floor_divide(x, y)
        r = np.subtract(x, np.multiply(q, y))
        fix = (r != 0) & ((np.asarray(x) < 0) != (np.asarray(y) < 0))
        return q + fix.astype(q.dtype)
    return np.trunc(np.true_divide(x, y))


def _div_ref(x, y, rounding_mode=None):
    if rounding_mode is None:
        return np.true_divide(np.asarray(x, dtype=np.float64), y)
    return _py_floordiv(x, y) if rounding_mode == "floor" else _trunc_div(x, y)


def _div_samples(dtype, rng):
    for mode in (None, "trunc", "floor"):
        if dtype == "bool" and mode is not None:
            continue
        for s in binary_samples(dtype, rng, exclude_zero_rhs=True, scalars=(2.5, -2)):
            if mode is not None:
                s.kwargs["rounding_mode"] = mode
            yield s


def _div_dtype(dtype, sample):
    if sample.kwargs.get("rounding_mode") is None:
        return to_float(dtype, sample)
    return _promoted(dtype, sample)


def _alpha_samples(dtype, rng):
    yield from binary_samples(dtype, rng)
    if dtype == "bool":
        return
    alpha = 2.5 if dtype in FLOAT_DTYPES else 3
    for sa, sb in BINARY_SHAPES[:3]:
        yield SampleInput(make_array(sa, dtype, rng), make_array(sb, dtype, rng), alpha=alpha, name=f"alpha={alpha}")
    yield SampleInput(make_array((3, 4), dtype, rng), 2, alpha=alpha, name="scalar other, alpha")


@_wrapping
def _add_ref(x, y, alpha=1):
    return np.add(x, np.multiply(y, alpha)) if alpha != 1 else np.add(x, y)


@_wrapping
def _sub_ref(x, y, alpha=1):
    return np.subtract(x, np.multiply(y, alpha)) if alpha != 1 else np.subtract(x, y)


def _alpha_errors():
    yield ErrorInput(SampleInput(np.ones(3, np.int32), np.ones(3, np.int32), alpha=2.5), RuntimeError,
                     "alpha must not be a floating point number")
    yield ErrorInput(SampleInput(np.ones(3, _F32), np.ones(3, _F32), alpha=True), RuntimeError,
                     "Boolean alpha only supported for Boolean results")
    yield from shape_error()


def _int_pow_ref(x, y):
    """C++ integer power: negative exponents give 0, or +-1 for bases +-1."""
    x = np.asarray(x)
    y = np.asarray(y)
    if x.dtype.kind in "iu" and y.dtype.kind in "iu":
        dt = np.result_type(x, y) if x.ndim and y.ndim else (x.dtype if x.ndim else y.dtype)
        neg = y < 0
        r = np.power(x, np.where(neg, 0, y)).astype(dt)
        special = np.where(x == 1, 1, np.where(x == -1, np.where(y % 2 == 1, -1, 1), 0))
        return np.where(neg, special, r).astype(dt)
    return np.power(x, y)


def _pow_samples(dtype, rng):
    if dtype in FLOAT_DTYPES:
        yield from binary_samples(dtype, rng, low=0.5, high=2.0, scalars=(2, 0.5, 3, -1.5))
        yield SampleInput(2.0, make_array((3, 4), dtype, rng, -2, 2), name="scalar base")
        yield SampleInput(make_array((4,), dtype, rng, -2, 2), np.array([0., 1., 2., 3.]).astype(
            make_array((1,), dtype, rng).dtype), name="negative base, integral exponents")
        return
    yield from binary_samples(dtype, rng, low=0 if dtype == "uint8" else -3, high=4, rhs_low=0, rhs_high=4,
                              scalars=(2, 3))
    if dtype != "uint8":
        yield SampleInput(np.array([0, 2, -2, 1, -1, 3], dtype=make_array((1,), dtype, rng).dtype),
                          np.array([-1, -1, -1, -3, -3, -2], dtype=make_array((1,), dtype, rng).dtype),
                          name="negative integer exponents")
    yield SampleInput(2, make_array((3, 4), dtype, rng, 0, 5), name="scalar base")


def _pow_errors():
    yield ErrorInput(SampleInput(np.array([1, 2]), -1), RuntimeError,
                     "Integers to negative integer powers are not allowed")
    yield ErrorInput(SampleInput(np.array([True]), np.array([True])), NotImplementedError,
                     "not implemented for 'Bool'")
    yield from shape_error()


def _float_power_samples(dtype, rng):
    low = 0.5 if dtype in FLOAT_DTYPES else 0
    yield from binary_samples(dtype, rng, low=low, high=3, scalars=(2, 0.5))
    yield SampleInput(2.0, make_array((3, 4), dtype, rng, low, 3), name="scalar base")


def _unary_with(low=None, high=None, **kw):
    def gen(dtype, rng):
        yield from unary_samples(dtype, rng, low, high, **kw)
    return gen


def _sign_samples(dtype, rng):
    yield from unary_samples(dtype, rng)
    if dtype in FLOAT_DTYPES:
        yield SampleInput(np.array([0.0, -0.0, np.nan, np.inf, -np.inf, -1.5]).astype(
            make_array((1,), dtype, rng).dtype), name="specials")


def _sign_ref(x):
    return np.where(np.isnan(x), 0, np.sign(x)) if x.dtype.kind == "f" else np.sign(x).astype(x.dtype) \
        if x.dtype.kind != "b" else x


def _bool_error(op, exc=NotImplementedError, match="not implemented for 'Bool'"):
    def gen():
        yield ErrorInput(SampleInput(np.array([True, False])), exc, match)
        yield ErrorInput(SampleInput(2.0), TypeError, "must be Tensor")
    return gen


def _tensor_arg_error():
    yield ErrorInput(SampleInput(2.0), TypeError, "must be Tensor")


# --- comparisons / where ------------------------------------------------------------------

def _cmp_samples(dtype, rng):
    yield from binary_samples(dtype, rng)
    if dtype in INT_DTYPES:
        yield SampleInput(make_array((5,), dtype, rng), 300, name="out-of-range int scalar wraps")
    if dtype in FLOAT_DTYPES:
        yield SampleInput(np.array([np.nan, 1.0, np.inf]).astype(make_array((1,), dtype, rng).dtype),
                          np.array([np.nan, 1.0, -np.inf]).astype(make_array((1,), dtype, rng).dtype), name="nan/inf")


def _where_samples(dtype, rng):
    for sc, sa, sb in (((3, 4), (3, 4), (3, 4)), ((3, 1), (1, 4), (4,)), ((), (2, 3), ()), ((0, 3), (3,), (1,))):
        yield SampleInput(make_array(sc, "bool", rng), make_array(sa, dtype, rng), make_array(sb, dtype, rng),
                          name=f"cond{sc} x{sa} y{sb}", grad_args=(1, 2))
    if dtype != "bool":
        yield SampleInput(make_array((3, 4), "bool", rng), make_array((3, 4), dtype, rng), 0,
                          name="scalar other", grad_args=(1,))


def _where_errors():
    yield ErrorInput(SampleInput(np.ones(3, _F32), np.ones(3, _F32), np.ones(3, _F32)), RuntimeError,
                     "where expected condition to be a boolean tensor")
    yield ErrorInput(SampleInput(np.ones(3, bool), np.ones(2, _F32), np.ones(3, _F32)), RuntimeError,
                     "must match the size")


# --- logical / bitwise ---------------------------------------------------------------------

def _logical_samples(dtype, rng):
    for sa, sb in BINARY_SHAPES:
        a = make_array(sa, dtype, rng, -2, 3)
        b = make_array(sb, dtype, rng, -2, 3)
        yield SampleInput(a, b, name=f"{sa} op {sb}")


def _logical_errors():
    yield ErrorInput(SampleInput(np.ones(3, _F32), 1), TypeError, r"argument 'other' \(position 2\) must be Tensor")
    yield from shape_error()


def _bitwise_samples(dtype, rng):
    yield from binary_samples(dtype, rng, scalars=(3, -2) if dtype != "uint8" else (3, 200))
    yield from _scalar_first(dtype, rng, values=(5,))


def _bitwise_errors():
    yield ErrorInput(SampleInput(np.ones(3, _F32), np.ones(3, _F32)), NotImplementedError,
                     "not implemented for 'Float'")
    yield ErrorInput(SampleInput(np.ones(3, np.int64), 2.5), NotImplementedError, "not implemented for 'Float'")
    yield from shape_error(np.int32)


def _shift_samples(dtype, rng):
    bits = {"uint8": 8, "int8": 8, "int16": 16, "int32": 32, "int64": 64}[dtype]
    lo = 0 if dtype == "uint8" else -100
    for sa, sb in BINARY_SHAPES:
        yield SampleInput(make_array(sa, dtype, rng, lo, 100), make_array(sb, dtype, rng, 0, bits),
                          name=f"{sa} op {sb}")
    counts = np.array([0, 1, bits - 1, bits, bits + 3] + ([-1] if dtype != "uint8" else []))
    x = make_array(counts.shape, dtype, rng, lo, 100)
    yield SampleInput(x, counts.astype(x.dtype), name="counts outside [0, bits)")
    yield SampleInput(make_array((3, 4), dtype, rng, lo, 100), 2, name="tensor op scalar")
    yield SampleInput(3, make_array((3, 4), dtype, rng, 0, bits), name="scalar op tensor")


def _shift_ref(left):
    def ref(x, y):
        dt = x.dtype if isinstance(x, np.ndarray) else y.dtype
        xa, ya = np.broadcast_arrays(np.asarray(x).astype(dt), np.asarray(y).astype(dt))
        bits = dt.itemsize * 8
        out = []
        for a, b in zip(xa.ravel().tolist(), ya.ravel().tolist()):
            if b < 0 or b >= bits:
                v = 0 if left or a >= 0 else -1
            else:
                v = a << b if left else a >> b
            v &= (1 << bits) - 1
            if dt.kind == "i" and v >= 1 << (bits - 1):
                v -= 1 << bits
            out.append(v)
        return np.array(out, dtype=dt).reshape(xa.shape)
    return ref


def _shift_errors():
    yield ErrorInput(SampleInput(np.ones(3, _F32), 1), NotImplementedError, "not implemented for 'Float'")
    yield ErrorInput(SampleInput(np.ones(3, bool), np.ones(3, bool)), NotImplementedError,
                     "not implemented for 'Bool'")


# --- predicates -------------------------------------------------------------------------------

def _special_samples(dtype, rng):
    yield from unary_samples(dtype, rng)
    if dtype in FLOAT_DTYPES:
        npd = make_array((1,), dtype, rng).dtype
        yield SampleInput(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.0, -np.nan]).astype(npd),
                          name="specials")


def _signbit_ref(x):
    return np.signbit(x) if x.dtype.kind == "f" else (x < 0) if x.dtype.kind == "i" else np.zeros(x.shape, bool)


def _nan_to_num_samples(dtype, rng):
    yield from _special_samples(dtype, rng)
    if dtype in FLOAT_DTYPES:
        npd = make_array((1,), dtype, rng).dtype
        x = np.array([np.nan, np.inf, -np.inf, 1.5, -2.0]).astype(npd)
        yield SampleInput(x, nan=1.0, posinf=2.0, neginf=-3.0, name="explicit replacements")
        yield SampleInput(x, 0.5, name="positional nan")


def _nan_to_num_ref(x, nan=0.0, posinf=None, neginf=None):
    if x.dtype.kind != "f":
        return x
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def _nan_to_num_compare(actual, expected, rtol, atol):
    """The float64 reference replaces infinities with float64's extremes; the op uses its own dtype's."""
    from ember.testing.comparison import assert_close
    if actual.dtype.kind in "fV":
        import ml_dtypes
        big = float(ml_dtypes.finfo(actual.dtype).max)
        fmax = np.finfo(np.float64).max
        expected = np.where(expected == fmax, big, np.where(expected == -fmax, -big, expected))
    assert_close(actual, expected, rtol=rtol, atol=atol)


def _isclose_samples(dtype, rng):
    for sa, sb in BINARY_SHAPES[:4]:
        a = make_array(sa, dtype, rng)
        b = make_array(sb, dtype, rng)
        if sa == sb:  # mostly-close pairs
            b = np.where(make_array(sa, "bool", rng), a, b).astype(a.dtype)
        yield SampleInput(a, b, name=f"{sa} vs {sb}")
    a = make_array((6,), dtype, rng, 1, 5)
    yield SampleInput(a, a, rtol=0.0, atol=0.0, name="exact")
    if dtype in INT_DTYPES:
        yield SampleInput(np.array([10, 11, 20], dtype=a.dtype), np.array([11, 10, 24], dtype=a.dtype), atol=1.0,
                          rtol=0.1, name="integers, no wrap-around")
    if dtype in FLOAT_DTYPES:
        x = np.array([np.nan, np.inf, -np.inf, 1.0, 1.0 + 1e-3]).astype(a.dtype)
        y = np.array([np.nan, np.inf, np.inf, 1.0, 1.0]).astype(a.dtype)
        yield SampleInput(x, y, name="nan/inf")
        yield SampleInput(x, y, equal_nan=True, atol=1e-2, name="equal_nan")


def _isclose_ref(x, y, rtol=1e-05, atol=1e-08, equal_nan=False):
    if x.dtype.kind in "iub":
        xf, yf = x.astype(np.float64), y.astype(np.float64)
        return (x == y) | (np.abs(xf - yf) <= atol + np.abs(rtol * yf))
    return np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)


def _isclose_errors():
    yield ErrorInput(SampleInput(np.ones(3, np.int64), np.ones(3, _F32)), RuntimeError, "Long did not match Float")
    yield ErrorInput(SampleInput(np.ones(3, _F32), np.ones(3, _F32), rtol=-1.0), RuntimeError,
                     "rtol must be greater than or equal to zero")
    yield ErrorInput(SampleInput(np.ones(3, _F32), np.ones(3, _F32), atol=-1.0), RuntimeError,
                     "atol must be greater than or equal to zero")
    yield ErrorInput(SampleInput(np.ones(3, _F32), 1.0), TypeError, "must be Tensor")


def _allclose_ref(x, y, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.all(_isclose_ref(x, y, rtol, atol, equal_nan)))


def _equal_samples(dtype, rng):
    a = make_array((3, 4), dtype, rng)
    yield SampleInput(a, a.copy(), name="equal")
    b = a.copy()
    b.flat[5] = not b.flat[5] if dtype == "bool" else b.flat[5] + 1
    yield SampleInput(a, b, name="one element differs")
    yield SampleInput(a, make_array((4, 3), dtype, rng), name="different shapes")
    yield SampleInput(make_array((0,), dtype, rng), make_array((0,), dtype, rng), name="empty")


def _equal_ref(x, y):
    return x.shape == y.shape and bool(np.all(x == y))


def _nonneg_int_samples(dtype, rng):
    yield from unary_samples(dtype, rng, low=-5 if dtype != "uint8" else 0, high=100)


OP_DB = [
    # arithmetic
    OpInfo("add", ember.add, _add_ref, _with_scalar_first(_alpha_samples), dtypes=ALL_DTYPES, gradgrad=True,
           error_inputs=_alpha_errors, ref_in_input_dtype=True, result_dtype=_promoted),
    OpInfo("sub", ember.sub, _sub_ref, _with_scalar_first(_alpha_samples), dtypes=NUMERIC,
           error_inputs=_errors(lambda: ErrorInput(SampleInput(np.ones(2, bool), np.ones(2, bool)), RuntimeError,
                                                   "Subtraction, the `-` operator, with two bool tensors")),
           ref_in_input_dtype=True, result_dtype=_promoted),
    OpInfo("rsub", ember.rsub, lambda x, y, alpha=1: _sub_ref(y, x, alpha), _alpha_samples, dtypes=NUMERIC,
           ref_in_input_dtype=True, result_dtype=_promoted),
    OpInfo("mul", ember.mul, _wrapping(np.multiply), _with_scalar_first(binary_samples), dtypes=ALL_DTYPES, gradgrad=True,
           ref_in_input_dtype=True, result_dtype=_promoted, error_inputs=shape_error),
    OpInfo("div", ember.div, _div_ref, _div_samples, dtypes=ALL_DTYPES, gradgrad=True, result_dtype=_div_dtype,
           error_inputs=_errors(lambda: ErrorInput(SampleInput(np.ones(2, _F32), 2.0, rounding_mode="round"),
                                                   RuntimeError, "rounding_mode to be one of None, 'trunc', or "
                                                                 "'floor'"))),
    OpInfo("true_divide", ember.true_divide, f64(np.true_divide),
           lambda dt, rng: binary_samples(dt, rng, exclude_zero_rhs=True), dtypes=ALL_DTYPES,
           result_dtype=to_float, error_inputs=shape_error),
    OpInfo("floor_divide", ember.floor_divide, _py_floordiv, _int_div_samples, dtypes=NUMERIC, supports_grad=False,
           ref_in_input_dtype=True, result_dtype=_promoted, error_inputs=_zero_div_error("floor_divide")),
    OpInfo("remainder", ember.remainder, _wrapping(np.remainder), _int_div_samples, dtypes=NUMERIC, ref_in_input_dtype=True,
           result_dtype=_promoted, error_inputs=_zero_div_error("remainder"),
           tols={"float16": (2e-3, 4e-3), "bfloat16": (1.6e-2, 3e-2)}),
    OpInfo("fmod", ember.fmod, _wrapping(np.fmod), lambda dt, rng: binary_samples(dt, rng, exclude_zero_rhs=True,
                                                                          scalars=(2.5, -2, 3)),
           dtypes=NUMERIC, ref_in_input_dtype=True, result_dtype=_promoted, error_inputs=_zero_div_error("fmod"),
           tols={"float16": (2e-3, 4e-3), "bfloat16": (1.6e-2, 3e-2)}),
    OpInfo("pow", ember.pow, _int_pow_ref, _pow_samples, dtypes=NUMERIC, gradgrad=True, ref_in_input_dtype=True,
           result_dtype=_promoted, error_inputs=_pow_errors),
    OpInfo("float_power", ember.float_power, f64(np.power), _float_power_samples, dtypes=ALL_DTYPES,
           result_dtype=lambda dt, s: "float64", error_inputs=shape_error),
    OpInfo("neg", ember.neg, np.negative, unary_samples, dtypes=NUMERIC, ref_in_input_dtype=True,
           error_inputs=_bool_error("neg", RuntimeError, "Negation, the `-` operator, on a bool tensor")),
    OpInfo("positive", ember.positive, lambda x: x, unary_samples, dtypes=NUMERIC, ref_in_input_dtype=True,
           error_inputs=_bool_error("positive", RuntimeError, "The `\\+` operator, on a bool tensor")),
    OpInfo("abs", ember.abs, np.abs, unary_samples, dtypes=NUMERIC, gradgrad=True, ref_in_input_dtype=True,
           error_inputs=_bool_error("abs")),
    OpInfo("sign", ember.sign, _sign_ref, _sign_samples, dtypes=ALL_DTYPES, ref_in_input_dtype=True,
           error_inputs=_tensor_arg_error),
    OpInfo("sgn", ember.sgn, _sign_ref, _sign_samples, dtypes=ALL_DTYPES, ref_in_input_dtype=True),
    OpInfo("reciprocal", ember.reciprocal, lambda x: 1.0 / np.asarray(x, np.float64),
           _unary_with(exclude_zero=True), dtypes=ALL_DTYPES, result_dtype=to_float, gradgrad=True,
           error_inputs=_tensor_arg_error),
    OpInfo("square", ember.square, lambda x: np.multiply(x, x) if x.dtype != bool else x.astype(np.int64),
           unary_samples, dtypes=ALL_DTYPES, gradgrad=True, ref_in_input_dtype=True,
           result_dtype=lambda dt, s: "int64" if dt == "bool" else dt, error_inputs=_tensor_arg_error),
    OpInfo("exp", ember.exp, f64(np.exp), unary_samples, dtypes=ALL_DTYPES, gradgrad=True, result_dtype=to_float,
           error_inputs=_tensor_arg_error),
    OpInfo("log", ember.log, f64(np.log), _unary_with(0.1, 5.0), dtypes=ALL_DTYPES, gradgrad=True,
           result_dtype=to_float, error_inputs=_tensor_arg_error),
    # comparisons and where
    *[OpInfo(name, getattr(ember, name), _wrapping(ref), _cmp_samples, dtypes=ALL_DTYPES,
             supports_grad=False, result_dtype=bool_result, ref_in_input_dtype=True,
             error_inputs=shape_error if name in ("eq", "lt") else None)
      for name, ref in (("eq", np.equal), ("ne", np.not_equal), ("lt", np.less), ("le", np.less_equal),
                        ("gt", np.greater), ("ge", np.greater_equal), ("greater", np.greater),
                        ("greater_equal", np.greater_equal), ("less", np.less), ("less_equal", np.less_equal),
                        ("not_equal", np.not_equal))],
    OpInfo("where", ember.where, np.where, _where_samples, dtypes=ALL_DTYPES, gradgrad=True, ref_in_input_dtype=True,
           error_inputs=_where_errors),
    # logical / bitwise
    *[OpInfo(name, getattr(ember, name), ref, _logical_samples, dtypes=ALL_DTYPES, supports_grad=False,
             result_dtype=bool_result, ref_in_input_dtype=True, error_inputs=_logical_errors)
      for name, ref in (("logical_and", np.logical_and), ("logical_or", np.logical_or),
                        ("logical_xor", np.logical_xor))],
    OpInfo("logical_not", ember.logical_not, np.logical_not, _unary_with(-2, 3), dtypes=ALL_DTYPES,
           supports_grad=False, result_dtype=bool_result, ref_in_input_dtype=True, error_inputs=_tensor_arg_error),
    *[OpInfo(name, getattr(ember, name), ref, _bitwise_samples, dtypes=INTS_BOOL, supports_grad=False,
             ref_in_input_dtype=True, result_dtype=_promoted, error_inputs=_bitwise_errors)
      for name, ref in (("bitwise_and", _wrapping(np.bitwise_and)), ("bitwise_or", _wrapping(np.bitwise_or)),
                        ("bitwise_xor", _wrapping(np.bitwise_xor)))],
    OpInfo("bitwise_not", ember.bitwise_not, np.invert, unary_samples, dtypes=INTS_BOOL, supports_grad=False,
           ref_in_input_dtype=True,
           error_inputs=lambda: iter([ErrorInput(SampleInput(np.ones(3, _F32)), NotImplementedError,
                                                 "not implemented for 'Float'")])),
    OpInfo("bitwise_left_shift", ember.bitwise_left_shift, _shift_ref(True), _shift_samples, dtypes=INT_DTYPES,
           supports_grad=False, ref_in_input_dtype=True, error_inputs=_shift_errors),
    OpInfo("bitwise_right_shift", ember.bitwise_right_shift, _shift_ref(False), _shift_samples, dtypes=INT_DTYPES,
           supports_grad=False, ref_in_input_dtype=True, error_inputs=_shift_errors),
    # predicates
    *[OpInfo(name, getattr(ember, name), ref, _special_samples, dtypes=ALL_DTYPES, supports_grad=False,
             result_dtype=bool_result, ref_in_input_dtype=True,
             error_inputs=_tensor_arg_error if name == "isnan" else None)
      for name, ref in (("isnan", np.isnan), ("isinf", np.isinf), ("isposinf", np.isposinf),
                        ("isneginf", np.isneginf), ("isfinite", np.isfinite), ("signbit", _signbit_ref),
                        ("isreal", lambda x: np.ones(x.shape, bool)))],
    OpInfo("nan_to_num", ember.nan_to_num, _nan_to_num_ref, _nan_to_num_samples, dtypes=ALL_DTYPES,
           ref_in_input_dtype=True, error_inputs=_tensor_arg_error, compare=_nan_to_num_compare),
    OpInfo("isclose", ember.isclose, _isclose_ref, _isclose_samples, dtypes=ALL_DTYPES, supports_grad=False,
           result_dtype=bool_result, ref_in_input_dtype=True, error_inputs=_isclose_errors),
    OpInfo("allclose", ember.allclose, _allclose_ref, _isclose_samples, dtypes=ALL_DTYPES, supports_grad=False,
           ref_in_input_dtype=True),
    OpInfo("equal", ember.equal, _equal_ref, _equal_samples, dtypes=ALL_DTYPES, supports_grad=False,
           ref_in_input_dtype=True, noncontig=False),
]
