"""NumPy kernels for ember/ops/math.py, generic over the array module ``xp``.

Special functions NumPy lacks (erf, erfc, erfinv, lgamma, digamma, polygamma)
are vectorised float64 approximations: W. J. Cody's rational Chebyshev
approximations for erf/erfc, Giles' approximation refined by Halley steps for
erfinv, Lanczos (g=7) for lgamma, and recurrence + asymptotic series for the
polygamma family.  float16/bfloat16/float32 inputs are computed in float64 and
rounded once.
"""
from __future__ import annotations

import math

import numpy as np

from ._dtypes import HALF
from .elementwise import quiet

# Cody (1969), Math. Comp. 23, 631-637: erf on |x| <= 0.5, erfc on [0.5, 4], erfc on (4, inf)
_ERF_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
          1.85777706184603153e-1)
_ERF_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)
_ERF_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
          8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
          2.15311535474403846e-8)
_ERF_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
          3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03)
_ERF_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
          6.58749161529837803e-4, 1.63153871373020978e-2)
_ERF_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
          2.33520497626869185e-3)
_SQRPI = 5.6418958354775628695e-1  # 1 / sqrt(pi)
_MAX_SHIFT = 10000  # recurrence steps polygamma takes for negative x

# Lanczos approximation, g = 7, n = 9
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)
# Bernoulli numbers B_2k, k = 1..9 (asymptotic series of the polygamma family)
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798)


def kernels(xp):
    nd = xp.ndarray
    asarray = xp.asarray

    def _ret(r, dt):
        r = r.astype(dt, copy=False) if r.dtype != dt else r
        return r if r.__class__ is nd else asarray(r)

    def fn1(f):
        """Unary float kernel; half types compute in float32 (as PyTorch does on CPU)."""
        def k(x):
            if x.dtype in HALF:
                return _ret(asarray(quiet(f, x.astype(np.float32))), x.dtype)
            r = quiet(f, x)
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = getattr(f, "__name__", "kernel")
        return k

    def special(f):
        """Unary kernel computed in float64 and rounded once to the input dtype."""
        def k(x, *params):
            r = quiet(f, asarray(x, dtype=np.float64), *params)
            return _ret(asarray(r), x.dtype)
        k.__name__ = f.__name__
        return k

    def fn2(f):
        """Binary float kernel (one side may be a Python scalar); half types compute in float32."""
        def k(x, y):
            dt = x.dtype if getattr(x, "dtype", None) is not None else y.dtype
            if dt in HALF:
                x = x.astype(np.float32) if getattr(x, "dtype", None) is not None else x
                y = y.astype(np.float32) if getattr(y, "dtype", None) is not None else y
            return _ret(asarray(quiet(f, x, y)), dt)
        k.__name__ = f.__name__
        return k

    def _poly(coeffs, x):
        r = xp.zeros_like(x) + coeffs[-1]
        for c in reversed(coeffs[:-1]):
            r = r * x + c
        return r

    # --- erf family ---------------------------------------------------------------
    def _erfc_pos(y):
        """erfc(y) for y >= 0.5 (Cody's second and third intervals)."""
        mid = y <= 4.0
        ym = xp.where(mid, y, 1.0)
        num = _ERF_C[8] * ym
        den = ym
        for i in range(7):
            num = (num + _ERF_C[i]) * ym
            den = (den + _ERF_D[i]) * ym
        r_mid = (num + _ERF_C[7]) / (den + _ERF_D[7])
        yt = xp.where(mid, 5.0, y)
        z = 1.0 / (yt * yt)
        num = _ERF_P[5] * z
        den = z
        for i in range(4):
            num = (num + _ERF_P[i]) * z
            den = (den + _ERF_Q[i]) * z
        r_tail = (_SQRPI - z * (num + _ERF_P[4]) / (den + _ERF_Q[4])) / yt
        r = xp.where(mid, r_mid, r_tail)
        # exp(-y^2) split as exp(-ysq^2) * exp(-del) to keep full precision
        y = xp.where(y > 30.0, 30.0, y)  # erfc underflows to 0 well before 30 (and inf - inf is nan)
        ysq = xp.trunc(y * 16.0) / 16.0
        dl = (y - ysq) * (y + ysq)
        return xp.exp(-ysq * ysq) * xp.exp(-dl) * r

    def _erf_small(x):
        z = x * x
        num = _ERF_A[4] * z
        den = z
        for i in range(3):
            num = (num + _ERF_A[i]) * z
            den = (den + _ERF_B[i]) * z
        return x * (num + _ERF_A[3]) / (den + _ERF_B[3])

    def erf64(x):
        y = xp.abs(x)
        small = y <= 0.46875
        r_small = _erf_small(xp.where(small, x, 0.0))
        yl = xp.where(small, 1.0, y)
        r_large = 1.0 - _erfc_pos(yl)
        r = xp.where(small, r_small, xp.where(x < 0, -r_large, r_large))
        return xp.where(xp.isnan(x), xp.nan, xp.where(xp.isinf(x), xp.sign(x), r))

    def erfc64(x):
        y = xp.abs(x)
        small = y <= 0.46875
        r_small = 1.0 - _erf_small(xp.where(small, x, 0.0))
        yl = xp.where(small, 1.0, y)
        e = _erfc_pos(yl)
        r = xp.where(small, r_small, xp.where(x < 0, 2.0 - e, e))
        return xp.where(xp.isnan(x), xp.nan, xp.where(xp.isinf(x), 1.0 - xp.sign(x), r))

    def erfinv64(y):
        a = xp.abs(y)
        ac = xp.where(a < 1, a, 0.0)
        # Giles (2010) single-precision approximation as the starting point
        w = -xp.log((1.0 - ac) * (1.0 + ac))
        central = w < 5.0
        wc = xp.where(central, w, 5.0) - 2.5
        p1 = _poly((1.50140941, 0.246640727, -0.00417768164, -0.00125372503, 0.00021858087, -4.39150654e-06,
                    -3.5233877e-06, 3.43273939e-07, 2.81022636e-08), wc)
        wt = xp.sqrt(xp.where(central, 5.0, w)) - 3.0
        p2 = _poly((2.83297682, 1.00167406, 0.00943887047, -0.0076224613, 0.00573950773, -0.00367342844,
                    0.00134934322, 0.000100950558, -0.000200214257), wt)
        x = xp.where(central, p1, p2) * ac
        # refine on |y|: Halley steps on erf(x) - a in the centre, Newton steps on
        # log(erfc(x)) - log(1 - a) in the tails (1 - a is exact there, and log erfc is nearly linear)
        central = ac < 0.5
        tail_target = xp.log(xp.where(central, 0.5, 1.0 - ac))
        for _ in range(4):
            d = 2.0 * _SQRPI * xp.exp(-x * x)
            step = (erf64(x) - ac) / d
            x_central = x - step / (1.0 + x * step)
            ec = erfc64(x)
            x_tail = x + (xp.log(ec) - tail_target) * ec / d
            x = xp.where(central, x_central, x_tail)
        r = xp.where(a == 1, xp.inf, xp.where(a > 1, xp.nan, x))
        return xp.where(y < 0, -r, r) + xp.where(xp.isnan(y), xp.nan, 0.0)

    # --- gamma family -------------------------------------------------------------
    def _sinpi_abs(x):
        """|sin(pi * x)|, exact at integers."""
        return xp.abs(xp.sin(math.pi * (x - xp.round(x))))

    def lgamma64(x):
        refl = x < 0.5
        z = xp.where(refl, 1.0 - x, x) - 1.0
        a = _LANCZOS[0]
        for i in range(1, 9):
            a = a + _LANCZOS[i] / (z + i)
        t = z + 7.5
        lg = 0.5 * math.log(2 * math.pi) + (z + 0.5) * xp.log(t) - t + xp.log(a)
        r = xp.where(refl, math.log(math.pi) - xp.log(_sinpi_abs(x)) - lg, lg)
        pole = (x <= 0) & (x == xp.floor(x))
        return xp.where(pole | xp.isinf(x), xp.inf, r)

    def _shift_up(x, lo, term):
        """Accumulate ``term(x)`` while raising every element of ``x`` to at least ``lo``."""
        acc = xp.zeros_like(x)
        x = x.copy()
        for _ in range(64):
            m = x < lo
            if not m.any():
                break
            acc = acc + xp.where(m, term(xp.where(m, x, 1.0)), 0.0)
            x = xp.where(m, x + 1.0, x)
        return x, acc

    def _digamma_pos(x):
        x, acc = _shift_up(x, 10.0, lambda v: 1.0 / v)
        x2 = 1.0 / (x * x)
        series = x2 * _poly(tuple(b / (2 * k) for k, b in enumerate(_BERNOULLI[:7], 1)), x2)
        return xp.log(x) - 0.5 / x - series - acc

    def digamma64(x):
        neg = x < 0
        xr = xp.where(neg, 1.0 - x, x)
        r = _digamma_pos(xp.where(xr == 0, 1.0, xr))
        refl = math.pi / xp.tan(math.pi * (x - xp.floor(x)))
        r = xp.where(neg, r - refl, r)
        r = xp.where(neg & (x == xp.floor(x)), xp.nan, r)
        r = xp.where(x == 0, xp.where(xp.signbit(x), xp.inf, -xp.inf), r)
        return xp.where(x == xp.inf, xp.inf, xp.where(x == -xp.inf, xp.nan, r))

    def _polygamma_pos(n, x):
        """psi^(n)(x), n >= 1, via the recurrence up to x >= 20 and the asymptotic series."""
        fact = math.factorial(n)
        sign = -1.0 if n % 2 == 0 else 1.0  # (-1)^(n+1)
        x, acc = _shift_up(x, 20.0, lambda v: v ** -(n + 1.0))
        # (-1)^(n+1) [ (n-1)!/x^n + n!/(2 x^(n+1)) + sum_k B_2k (2k+n-1)!/(2k)! / x^(2k+n) ]
        s = math.factorial(n - 1) / x ** n + fact / (2.0 * x ** (n + 1))
        for k, b in enumerate(_BERNOULLI, 1):
            s = s + b * math.factorial(2 * k + n - 1) / math.factorial(2 * k) / x ** (2 * k + n)
        return sign * (s + fact * acc)

    def polygamma64(x, n):
        if n == 0:
            return digamma64(x)
        pole = (x <= 0) & (x == xp.floor(x)) & xp.isfinite(x)
        if n == 1:
            # reflection for x < 0.5: psi1(x) = -psi1(1 - x) + pi^2 / sin^2(pi x)
            refl = x < 0.5
            xr = xp.where(refl, 1.0 - x, x)
            r = _polygamma_pos(1, xp.where(pole | xp.isnan(xr), 1.0, xr))
            s = xp.sin(math.pi * (x - xp.round(x)))
            r = xp.where(refl, -r + (math.pi * math.pi) / (s * s), r)
        else:
            finite = xp.isfinite(x)
            r = _polygamma_pos(n, xp.where(pole | ~finite, 1.0, x))
            neg = (x < 0) & finite
            if neg.any():
                # upward recurrence from x < 0 (non-integer), as Cephes' Hurwitz zeta does; beyond
                # _MAX_SHIFT steps the result is NaN rather than an unbounded loop
                neg_acc = xp.zeros_like(x)
                cur = xp.where(neg, x, 1.0)
                for _ in range(_MAX_SHIFT):
                    m = cur < 0
                    if not m.any():
                        break
                    neg_acc = neg_acc + xp.where(m, xp.where(m, cur, 1.0) ** -(n + 1.0), 0.0)
                    cur = xp.where(m, cur + 1.0, cur)
                sign = -1.0 if n % 2 == 0 else 1.0
                tail = _polygamma_pos(n, xp.where(cur <= 0, 1.0, cur))
                tail = xp.where(cur < 0, xp.nan, tail)
                r = xp.where(neg, tail + sign * math.factorial(n) * neg_acc, r)
            r = xp.where(x == xp.inf, xp.nan, r)
        pole = pole | ((x == -xp.inf) & (n >= 2))
        r = xp.where(pole, xp.inf if n % 2 == 1 else -xp.inf, r)
        return xp.where(xp.isnan(x), xp.nan, r)

    # --- other unary --------------------------------------------------------------
    def sigmoid(x):
        return 1.0 / (1.0 + xp.exp(-x))

    def _logit(x):
        return xp.log(x / (1 - x))

    def logit(x, eps):
        """Bounds are rounded to the input dtype (as PyTorch does); half types compute in float32."""
        if eps is not None:
            x = xp.minimum(xp.maximum(x, xp.asarray(eps).astype(x.dtype)), xp.asarray(1.0 - eps).astype(x.dtype))
        return fn1(_logit)(x)

    def rsqrt(x):
        return 1.0 / xp.sqrt(x)

    def frac(x):
        return x - xp.trunc(x)

    def _round(x, decimals):
        if decimals == 0:
            return xp.rint(x)
        if decimals > 0:
            f = 10.0 ** decimals
            return xp.rint(x * f) / f
        f = 10.0 ** -decimals
        return xp.rint(x / f) * f

    def round_(x, decimals):
        if x.dtype.kind in "iub":
            return x.copy()
        if x.dtype in HALF:
            return _ret(asarray(quiet(_round, x.astype(np.float32), decimals)), x.dtype)
        r = quiet(_round, x, decimals)
        return r if r.__class__ is nd else asarray(r)

    def rounding(f):
        def k(x):
            if x.dtype.kind in "iub":
                return x.copy()
            r = f(x)
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = f.__name__
        return k

    # --- binary -------------------------------------------------------------------
    def lerp(x, y, w):
        dt = x.dtype
        if dt in HALF:
            x, y = x.astype(np.float32), y.astype(np.float32)
            w = w.astype(np.float32) if getattr(w, "dtype", None) is not None else w
        return _ret(asarray(quiet(_lerp, x, y, w)), dt)

    def nextafter(x, y):
        if x.dtype.itemsize != 2:
            r = xp.nextafter(x, y)
            return r if r.__class__ is nd else asarray(r)
        return _nextafter16(x, y)

    def _nextafter16(x, y):
        """IEEE nextafter on the bit pattern of a 16-bit float (NumPy's float16 loop mishandles infinities;
        bfloat16 has none)."""
        x, y = xp.broadcast_arrays(asarray(x), asarray(y))
        bits = x.view(np.uint16).astype(np.int32)
        sign, mag = bits & 0x8000, bits & 0x7FFF
        away_from_zero = (y > x) == (sign == 0)
        r = sign | xp.where(away_from_zero, mag + 1, mag - 1)
        r = xp.where(mag == 0, xp.where(y > 0, 1, 0x8001), r)  # from +-0: the smallest subnormal toward y
        out = r.astype(np.uint16).view(x.dtype)
        out = xp.where(x == y, y, out)
        return asarray(xp.where(xp.isnan(x) | xp.isnan(y), xp.asarray(np.nan).astype(x.dtype), out))

    def _lerp(x, y, w):
        d = y - x
        return xp.where(xp.abs(w) < 0.5, x + w * d, y - d * (1 - w))

    def xlogy(x, y):
        r = xp.where(x == 0, 0.0, x * xp.log(y))
        return xp.where(xp.isnan(y), xp.nan, r)

    def _nan_max(f):
        def k(x, y):
            r = f(x, y)
            return r if r.__class__ is nd else asarray(r)
        k.__name__ = f.__name__
        return k

    def clamp(x, lo, hi):
        r = x
        if lo is not None:
            r = xp.maximum(r, lo)
        if hi is not None:
            r = xp.minimum(r, hi)
        return _ret(asarray(r), x.dtype)

    def clamp_tensor(x, lo, hi):
        return asarray(xp.minimum(xp.maximum(x, lo), hi))

    return {
        "sqrt": fn1(xp.sqrt), "rsqrt": fn1(rsqrt), "exp2": fn1(xp.exp2), "expm1": fn1(xp.expm1),
        "log2": fn1(xp.log2), "log10": fn1(xp.log10), "log1p": fn1(xp.log1p),
        "sin": fn1(xp.sin), "cos": fn1(xp.cos), "tan": fn1(xp.tan), "asin": fn1(xp.arcsin),
        "acos": fn1(xp.arccos), "atan": fn1(xp.arctan), "sinh": fn1(xp.sinh), "cosh": fn1(xp.cosh),
        "tanh": fn1(xp.tanh), "asinh": fn1(xp.arcsinh), "acosh": fn1(xp.arccosh), "atanh": fn1(xp.arctanh),
        "sigmoid": fn1(sigmoid), "deg2rad": fn1(xp.deg2rad), "rad2deg": fn1(xp.rad2deg),
        "logit": logit, "erf": special(erf64), "erfc": special(erfc64), "erfinv": special(erfinv64),
        "lgamma": special(lgamma64), "digamma": special(digamma64), "polygamma": special(polygamma64),
        "floor": rounding(xp.floor), "ceil": rounding(xp.ceil), "trunc": rounding(xp.trunc),
        "round": round_, "frac": fn1(frac),
        "atan2": fn2(xp.arctan2), "hypot": fn2(xp.hypot), "copysign": fn2(xp.copysign), "xlogy": fn2(xlogy),
        "logaddexp": fn2(xp.logaddexp), "logaddexp2": fn2(xp.logaddexp2), "nextafter": nextafter,
        "lerp": lerp, "lerp_tensor": lerp,
        "maximum": _nan_max(xp.maximum), "minimum": _nan_max(xp.minimum),
        "fmax": _nan_max(xp.fmax), "fmin": _nan_max(xp.fmin),
        "clamp": clamp, "clamp_tensor": clamp_tensor,
        "clamp_min": _nan_max(xp.maximum), "clamp_max": _nan_max(xp.minimum),
    }


KERNELS = kernels(np)
