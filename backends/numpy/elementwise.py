"""Elementwise kernels for ember/ops/elementwise.py, generic over the array module ``xp``.

Ufuncs return scalars for 0-d inputs under NumPy; every kernel turns them back
into 0-d arrays.  A Python int operand next to an integer array is wrapped to
the array's dtype (C-style, like PyTorch) instead of NumPy's NEP 50 overflow
error or value-based comparison.
"""
from __future__ import annotations

import ml_dtypes

import numpy as np

from ._dtypes import HALF


def wrap_int(s, dt):
    """Python int ``s`` cast to integer dtype ``dt`` with two's-complement wrap-around."""
    bits = dt.itemsize * 8
    s &= (1 << bits) - 1
    if dt.kind == "i" and s >= 1 << (bits - 1):
        s -= 1 << bits
    return s


try:  # NumPy 2: switch the floating-point error state without np.errstate's ~1 us overhead
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj
    _IGNORE = _make_extobj(all="ignore")

    def quiet(f, *args):
        """``f(*args)`` with NumPy's floating-point warnings off (PyTorch returns inf/nan silently)."""
        token = _extobj_contextvar.set(_IGNORE)
        try:
            return f(*args)
        finally:
            _extobj_contextvar.reset(token)
except ImportError:  # pragma: no cover - other NumPy versions
    def quiet(f, *args):
        with np.errstate(all="ignore"):
            return f(*args)


def _wrap_operands(x, y):
    if type(y) is int and getattr(x, "dtype", None) is not None and x.dtype.kind in "iu":
        return x, wrap_int(y, x.dtype)
    if type(x) is int and getattr(y, "dtype", None) is not None and y.dtype.kind in "iu":
        return wrap_int(x, y.dtype), y
    return x, y


def kernels(xp):
    nd = xp.ndarray
    asarray = xp.asarray
    errstate = np.errstate

    def ufunc2(f):
        def k(x, y):
            try:
                r = f(x, y)
            except OverflowError:  # Python int out of the array dtype's range
                r = f(*_wrap_operands(x, y))
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = f.__name__
        return k

    def arith2(f, ignore_fp_errors=False):
        """add/sub/mul/div: like PyTorch, a Python scalar meets a float16/bfloat16 array in float32
        (the scalar is not rounded to the half type first)."""
        def k(x, y):
            if x.__class__ is not nd or y.__class__ is not nd:
                arr = y if x.__class__ is not nd else x
                if arr.dtype in HALF:
                    xs = x.astype(np.float32) if x is arr else x
                    ys = y.astype(np.float32) if y is arr else y
                    r = quiet(f, xs, ys) if ignore_fp_errors else f(xs, ys)
                    return asarray(r).astype(arr.dtype)
            try:
                r = quiet(f, x, y) if ignore_fp_errors else f(x, y)
            except OverflowError:  # Python int out of the array dtype's range: wrap like C
                r = f(*_wrap_operands(x, y))
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = f.__name__
        return k

    def cmp2(f):
        # NumPy compares out-of-range Python ints by value; PyTorch casts them first
        def k(x, y):
            if y.__class__ is int or x.__class__ is int:
                x, y = _wrap_operands(x, y)
            r = f(x, y)
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = f.__name__
        return k

    def ufunc1(f):
        def k(x):
            r = f(x)
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = f.__name__
        return k

    def quiet1(f):
        def k(x):
            r = quiet(f, x)
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = f.__name__
        return k

    def _is_int(a):
        return getattr(a, "dtype", None) is not None and a.dtype.kind in "iub"

    def _int_operands(x, y):
        """True when the op runs on integers (then a zero divisor is an error)."""
        return _is_int(x) if not isinstance(x, (int, float)) else _is_int(y)

    def _check_zero(y):
        if isinstance(y, (int, bool)):
            if y == 0:
                raise RuntimeError("ZeroDivisionError")
        elif (y == 0).any():
            raise RuntimeError("ZeroDivisionError")

    def _half_scalar(x, y):
        """A Python scalar next to a float16/bfloat16 array becomes a 0-d array of that dtype (PyTorch casts
        it; ml_dtypes would otherwise promote bfloat16 to float32)."""
        if x.__class__ is not nd:
            return asarray(x, dtype=y.dtype), y
        return x, asarray(y, dtype=x.dtype)

    def int_div_op(f, float_f=None):
        """Integer division family: zero divisors raise like PyTorch on CPU."""
        ff = float_f or f

        def k(x, y):
            if _int_operands(x, y):
                _check_zero(y)
                x, y = _wrap_operands(x, y)
                r = f(x, y)
            else:
                if (x.__class__ is not nd or y.__class__ is not nd) and _arr_dtype(x, y) in HALF:
                    x, y = _half_scalar(x, y)
                r = quiet(ff, x, y)
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = f.__name__
        return k

    def _trunc_div_int(x, y):
        q = xp.floor_divide(x, y)
        r = xp.subtract(x, xp.multiply(q, y))
        fix = (r != 0) & ((asarray(x) < 0) != (asarray(y) < 0))
        return xp.add(q, fix.astype(q.dtype))

    def _trunc_div_float(x, y):
        return xp.trunc(xp.true_divide(x, y))

    def _arr_dtype(x, y):
        """dtype of the array operand (the other may be a Python scalar)."""
        return x.dtype if getattr(x, "dtype", None) is not None else y.dtype

    def _int_pow(x, y):
        dt = _arr_dtype(x, y)
        x = asarray(x, dtype=dt)
        y = asarray(y, dtype=dt)
        neg = y < 0
        if not neg.any():
            return xp.power(x, y)
        r = xp.power(x, xp.where(neg, 0, y).astype(dt))
        odd = (y & 1).astype(bool)
        special = xp.where(x == 1, 1, xp.where(x == -1, xp.where(odd, -1, 1), 0))
        return xp.where(neg, special, r).astype(dt)

    def pow_(x, y):
        if _int_operands(x, y):
            x, y = _wrap_operands(x, y)
            r = _int_pow(x, y)
        else:
            if (x.__class__ is not nd or y.__class__ is not nd) and _arr_dtype(x, y) in HALF:
                x, y = _half_scalar(x, y)
            r = quiet(xp.power, x, y)
        return r if r.__class__ is nd else asarray(r)

    def sign(x):
        if x.dtype.kind == "b":
            return x.copy()
        r = xp.sign(x)
        if x.dtype.kind not in "iu":
            r = xp.where(xp.isnan(x), 0, r).astype(x.dtype)
        return r if r.__class__ is nd else asarray(r)

    def reciprocal(x):
        r = quiet(xp.true_divide, 1, x)
        return r if r.__class__ is nd else asarray(r)

    def square(x):
        return asarray(xp.multiply(x, x))

    def where(c, x, y):
        return xp.where(c, x, y)

    # --- shifts: counts outside [0, bits) give 0 (left) or the sign fill (right) -----
    def _shift_operands(x, y):
        x, y = _wrap_operands(x, y)
        dt = _arr_dtype(x, y)
        xa, ya = asarray(x, dtype=dt), asarray(y, dtype=dt)
        bad = (ya < 0) | (ya >= dt.itemsize * 8)
        return dt, xa, xp.where(bad, 0, ya).astype(dt), bad

    def left_shift(x, y):
        dt, xa, ya, bad = _shift_operands(x, y)
        r = xp.where(bad, 0, xp.left_shift(xa, ya)).astype(dt)
        return r if r.__class__ is nd else asarray(r)

    def right_shift(x, y):
        dt, xa, ya, bad = _shift_operands(x, y)
        fill = xp.where(xa < 0, -1, 0) if dt.kind == "i" else 0
        r = xp.where(bad, fill, xp.right_shift(xa, ya)).astype(dt)
        return r if r.__class__ is nd else asarray(r)

    def bitwise_not(x):
        return asarray(xp.invert(x))

    # --- predicates -------------------------------------------------------------------
    def _floaty(x):
        return x.dtype.kind == "f" or x.dtype in HALF

    def isnan(x):
        return asarray(xp.isnan(x)) if _floaty(x) else xp.zeros(x.shape, bool)

    def isinf(x):
        return asarray(xp.isinf(x)) if _floaty(x) else xp.zeros(x.shape, bool)

    def isposinf(x):
        return asarray(x == xp.inf) if _floaty(x) else xp.zeros(x.shape, bool)

    def isneginf(x):
        return asarray(x == -xp.inf) if _floaty(x) else xp.zeros(x.shape, bool)

    def isfinite(x):
        return asarray(xp.isfinite(x)) if _floaty(x) else xp.ones(x.shape, bool)

    def signbit(x):
        if _floaty(x):
            return asarray(xp.signbit(x))
        if x.dtype.kind == "i":
            return asarray(x < 0)
        return xp.zeros(x.shape, bool)

    def nan_to_num(x, nan, posinf, neginf):
        if not _floaty(x):
            return x.copy()
        info = ml_dtypes.finfo(x.dtype)
        hi = float(info.max) if posinf is None else posinf
        lo = float(info.min) if neginf is None else neginf
        with errstate(over="ignore", invalid="ignore"):
            r = xp.where(xp.isnan(x), xp.asarray(nan).astype(x.dtype),
                         xp.where(x == xp.inf, xp.asarray(hi).astype(x.dtype),
                                  xp.where(x == -xp.inf, xp.asarray(lo).astype(x.dtype), x)))
        return asarray(r).astype(x.dtype, copy=False)

    def isclose(x, y, rtol, atol, equal_nan):
        close = asarray(x == y)
        if _floaty(x) and equal_nan:
            close = close | (xp.isnan(x) & xp.isnan(y))
        if rtol == 0 and atol == 0:
            return close
        xf = x.astype(np.float64) if not _floaty(x) or x.dtype in HALF else x
        yf = y.astype(np.float64) if not _floaty(y) or y.dtype in HALF else y
        with errstate(invalid="ignore", over="ignore"):
            err = xp.abs(xf - yf)
            allowed = atol + xp.abs(rtol * yf)
            close = close | (xp.isfinite(err) & (err <= allowed))
        return asarray(close)

    return {
        "add": arith2(xp.add), "sub": arith2(xp.subtract), "mul": arith2(xp.multiply),
        "div": arith2(xp.true_divide, ignore_fp_errors=True), "pow": pow_,
        "div_trunc": int_div_op(_trunc_div_int, _trunc_div_float),
        "div_floor": int_div_op(xp.floor_divide), "floor_divide": int_div_op(xp.floor_divide), "remainder": int_div_op(xp.remainder),
        "fmod": int_div_op(xp.fmod),
        "neg": ufunc1(xp.negative), "abs": ufunc1(xp.abs), "sign": sign, "reciprocal": reciprocal,
        "square": square, "exp": quiet1(xp.exp), "log": quiet1(xp.log),
        "eq": cmp2(xp.equal), "ne": cmp2(xp.not_equal), "lt": cmp2(xp.less), "le": cmp2(xp.less_equal),
        "gt": cmp2(xp.greater), "ge": cmp2(xp.greater_equal), "where": where,
        "logical_and": ufunc2(xp.logical_and), "logical_or": ufunc2(xp.logical_or),
        "logical_xor": ufunc2(xp.logical_xor), "logical_not": ufunc1(xp.logical_not),
        "bitwise_and": ufunc2(xp.bitwise_and), "bitwise_or": ufunc2(xp.bitwise_or),
        "bitwise_xor": ufunc2(xp.bitwise_xor), "bitwise_not": bitwise_not,
        "bitwise_left_shift": left_shift, "bitwise_right_shift": right_shift,
        "isnan": isnan, "isinf": isinf, "isposinf": isposinf, "isneginf": isneginf, "isfinite": isfinite,
        "signbit": signbit, "nan_to_num": nan_to_num, "isclose": isclose,
    }


KERNELS = kernels(np)
