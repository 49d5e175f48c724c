"""NumPy kernels for ember/ops/special.py, generic over the array module ``xp``.

i0 and i1 use Cephes' Chebyshev expansions of exp(-|x|) I_n(x) on [0, 8] and (8, inf) (the ones
PyTorch's CPU kernels use), evaluated in float64 and rounded once to the input dtype.
float16/bfloat16 arithmetic runs in float32, as PyTorch does on CPU.
"""
from __future__ import annotations

import numpy as np

from ._dtypes import HALF
from .elementwise import quiet, wrap_int

# Cephes i0.c: exp(-x) I0(x) on [0, 8] (in y = x/2 - 2) and sqrt(x) exp(-x) I0(x) on (8, inf) (in 32/x - 2)
_I0_A = (-4.41534164647933937950e-18, 3.33079451882223809783e-17, -2.43127984654795469359e-16,
         1.71539128555513303061e-15, -1.16853328779934516808e-14, 7.67618549860493561688e-14,
         -4.85644678311192946090e-13, 2.95505266312963983461e-12, -1.72682629144155570723e-11,
         9.67580903537323691224e-11, -5.18979560163526290666e-10, 2.65982372468238665035e-9,
         -1.30002500998624804212e-8, 6.04699502254191894932e-8, -2.67079385394061173391e-7,
         1.11738753912010371815e-6, -4.41673835845875056359e-6, 1.64484480707288970893e-5,
         -5.75419501008210370398e-5, 1.88502885095841655729e-4, -5.76375574538582365885e-4,
         1.63947561694133579842e-3, -4.32430999505057594430e-3, 1.05464603945949983183e-2,
         -2.37374148058994688156e-2, 4.93052842396707084878e-2, -9.49010970480476444210e-2,
         1.71620901522208775349e-1, -3.04682672343198398683e-1, 6.76795274409476084995e-1)
_I0_B = (-7.23318048787475395456e-18, -4.83050448594418207126e-18, 4.46562142029675999901e-17,
         3.46122286769746109310e-17, -2.82762398051658348494e-16, -3.42548561967721913462e-16,
         1.77256013305652638360e-15, 3.81168066935262242075e-15, -9.55484669882830764870e-15,
         -4.15056934728722208663e-14, 1.54008621752140982691e-14, 3.85277838274214270114e-13,
         7.18012445138366623367e-13, -1.79417853150680611778e-12, -1.32158118404477131188e-11,
         -3.14991652796324136454e-11, 1.18891471078464383424e-11, 4.94060238822496958910e-10,
         3.39623202570838634515e-9, 2.26666899049817806459e-8, 2.04891858946906374183e-7,
         2.89137052083475648297e-6, 6.88975834691682398426e-5, 3.36911647825569408990e-3,
         8.04490411014108831608e-1)
# Cephes i1.c: exp(-x) I1(x) / x on [0, 8] and sqrt(x) exp(-x) I1(x) on (8, inf)
_I1_A = (2.77791411276104639959e-18, -2.11142121435816608115e-17, 1.55363195773620046921e-16,
         -1.10559694773538630805e-15, 7.60068429473540693410e-15, -5.04218550472791168711e-14,
         3.22379336594557470981e-13, -1.98397439776494371520e-12, 1.17361862988909016308e-11,
         -6.66348972350202774223e-11, 3.62559028155211703701e-10, -1.88724975172282928790e-9,
         9.38153738649577178388e-9, -4.44505912879632808065e-8, 2.00329475355213526229e-7,
         -8.56872026469545474066e-7, 3.47025130813767847674e-6, -1.32731636560394358279e-5,
         4.78156510755005422638e-5, -1.61760815825896745588e-4, 5.12285956168575772895e-4,
         -1.51357245063125314899e-3, 4.15642294431288815669e-3, -1.05640848946261981558e-2,
         2.47264490306265168283e-2, -5.29459812080949914269e-2, 1.02643658689847095384e-1,
         -1.76416518357834055153e-1, 2.52587186443633654823e-1)
_I1_B = (7.51729631084210481353e-18, 4.41434832307170791151e-18, -4.65030536848935832153e-17,
         -3.20952592199342395980e-17, 2.96262899764595013876e-16, 3.30820231092092828324e-16,
         -1.88035477551078244854e-15, -3.81440307243700780478e-15, 1.04202769841288027642e-14,
         4.27244001671195135429e-14, -2.10154184277266431302e-14, -4.08355111109219731823e-13,
         -7.19855177624590851209e-13, 2.03562854414708950722e-12, 1.41258074366137813316e-11,
         3.25260358301548823856e-11, -1.89749581235054123450e-11, -5.58974346219658380687e-10,
         -3.83538038596423702205e-9, -2.63146884688951950684e-8, -2.51223623787020892529e-7,
         -3.88256480887769039346e-6, -1.10588938762623716291e-4, -9.76109749136146840777e-3,
         7.78576235018280120474e-1)


def kernels(xp):
    nd = xp.ndarray
    asarray = xp.asarray

    def _arr(r, dt=None):
        r = r if r.__class__ is nd else asarray(r)
        return r if dt is None or r.dtype == dt else r.astype(dt)

    def _compute_dtype(dt):
        return np.dtype(np.float32) if dt in HALF else dt

    def _scalar(value, dt):
        """The Python-number ``value`` as a 0-d array of ``dt`` (integers wrap like C)."""
        if dt.kind in "iu":
            return asarray(wrap_int(int(value), dt), dtype=dt)
        return asarray(value, dtype=dt)

    def addcmul(x, t1, t2, value):
        dt = x.dtype
        ct = _compute_dtype(dt)
        x, t1, t2 = x.astype(ct, copy=False), t1.astype(ct, copy=False), t2.astype(ct, copy=False)
        return _arr(quiet(lambda: x + _scalar(value, ct) * t1 * t2), dt)

    def addcdiv(x, t1, t2, value):
        dt = x.dtype
        ct = _compute_dtype(dt)
        x, t1, t2 = x.astype(ct, copy=False), t1.astype(ct, copy=False), t2.astype(ct, copy=False)
        return _arr(quiet(lambda: x + _scalar(value, ct) * t1 / t2), dt)

    def gcd(x, y):
        return _arr(xp.gcd(x, y))

    def lcm(x, y):
        """|x / gcd * y| in C's arithmetic: types narrower than int promote to int first (PyTorch's CPU
        kernel), so the product is exact there and only the final cast wraps."""
        dt = x.dtype
        ct = np.dtype(np.int32) if dt.itemsize < 4 else dt

        def f():
            a, b = x.astype(ct), y.astype(ct)
            g = xp.gcd(a, b)
            zero = g == 0
            r = xp.abs((a // xp.where(zero, 1, g).astype(ct)) * b)
            return xp.where(zero, 0, r).astype(dt)
        return _arr(quiet(f))

    def heaviside(x, values):
        return _arr(quiet(lambda: xp.where(x == 0, values, x > 0)), x.dtype)

    def sinc(x):
        dt = x.dtype
        return _arr(quiet(xp.sinc, x.astype(_compute_dtype(dt), copy=False)), dt)

    def _chbevl(y, coeffs):
        b0 = xp.zeros_like(y) + coeffs[0]
        b1 = xp.zeros_like(y)
        b2 = b1
        for c in coeffs[1:]:
            b2 = b1
            b1 = b0
            b0 = y * b1 - b2 + c
        return 0.5 * (b0 - b2)

    def _bessel(x, a, b, odd):
        z = xp.abs(x)
        small = z <= 8.0
        zs = xp.where(small, z, 8.0)
        zl = xp.where(small, 9.0, z)
        rs = _chbevl(zs / 2.0 - 2.0, a) * (zs if odd else 1.0)
        rl = _chbevl(32.0 / zl - 2.0, b) / xp.sqrt(zl)
        r = xp.exp(z) * xp.where(small, rs, rl)
        return xp.where(x < 0, -r, r) if odd else r

    def i0(x):
        dt = x.dtype
        return _arr(quiet(_bessel, x.astype(np.float64), _I0_A, _I0_B, False), dt)

    def i1(x):
        dt = x.dtype
        return _arr(quiet(_bessel, x.astype(np.float64), _I1_A, _I1_B, True), dt)

    def frexp(x):
        dt = x.dtype
        m, e = xp.frexp(x.astype(_compute_dtype(dt), copy=False))
        return _arr(m, dt), _arr(e, np.dtype(np.int32))

    return {
        "addcmul": addcmul, "addcdiv": addcdiv, "gcd": gcd, "lcm": lcm, "heaviside": heaviside,
        "sinc": sinc, "i0": i0, "i1": i1, "frexp": frexp,
    }


KERNELS = kernels(np)
