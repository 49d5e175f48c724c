"""Random-number kernels for ember/ops/random.py, generic over the array module ``xp``.

The native RNG state is an ``xp.random.Generator`` (PCG64 on NumPy), created by
``rng_new(seed)`` and advanced in place by every sampling kernel.  Sampling
kernels take a ``like`` array that fixes the output's shape and dtype (its
values are unused), the state, then plain Python parameters.  Half-precision
results are drawn in float32 (or from exact grids) and rounded once.
"""
from __future__ import annotations

import numpy as np

from . import math as _math
from ._dtypes import HALF
from .elementwise import quiet

_F64 = np.dtype(np.float64)
_F32 = np.dtype(np.float32)
# significand bits (incl. the implicit one) of each float dtype: uniform draws use that many random bits
_DIGITS = {np.dtype(np.float16): 11, HALF[1]: 8, _F32: 24, _F64: 53}
_STATE_BYTES = 37  # PCG64: state (16) + inc (16) + has_uint32 (1) + uinteger (4)

# d x / d alpha for x ~ Gamma(alpha, 1) follows PyTorch's standard_gamma_grad_one (ATen/native/Distributions.h),
# so reparameterised gradients agree with PyTorch's: its thresholds are float literals (0.8f, 0.9f, 1.1f) ...
_GRAD_SMALL_X = float(np.float32(0.8))
_GRAD_NEAR = (float(np.float32(0.9)), float(np.float32(1.1)))
# ... and, for alpha <= 8 and x >= 0.8, exp(p(u, v) / q(u, v)) with u = log(x / alpha), v = log(alpha): the
# coefficients of p (first 4) and q (last 4) in v are quadratics in u (rows: the u**0, u**1, u**2 terms)
_GRAD_UV = ((0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084),
            (0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915,
             -0.00058392623),
            (0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326, 0.00085092367,
             -1.5247877e-07))


def kernels(xp):
    def work_dtype(npd):
        """The dtype samples are drawn in before rounding to ``npd``."""
        return _F64 if npd == _F64 else _F32

    def rng_new(seed):
        return xp.random.default_rng(seed)

    def rng_get_state(gen):
        st = gen.bit_generator.state
        if st["bit_generator"] != "PCG64":
            raise RuntimeError(f"rng_get_state: expected a PCG64 generator, got {st['bit_generator']}")
        inner = st["state"]
        return (inner["state"].to_bytes(16, "little") + inner["inc"].to_bytes(16, "little")
                + bytes([st["has_uint32"]]) + st["uinteger"].to_bytes(4, "little"))

    def rng_set_state(gen, data):
        if len(data) != _STATE_BYTES:
            raise RuntimeError(f"Expected a NumPy PCG64 generator state of size {_STATE_BYTES} but found the input "
                               f"RNG state size to be {len(data)}")
        gen.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": int.from_bytes(data[:16], "little"), "inc": int.from_bytes(data[16:32], "little")},
            "has_uint32": data[32], "uinteger": int.from_bytes(data[33:37], "little"),
        }
        return gen

    def unit_uniform(gen, shape, npd):
        """Exact samples of [0, 1) on the grid of ``npd``'s significand."""
        if npd == _F32 or npd == _F64:
            return gen.random(shape, dtype=npd)
        bits = _DIGITS[npd]
        return (gen.integers(0, 1 << bits, size=shape) * (2.0 ** -bits)).astype(npd)

    def uniform(like, gen, low, high):
        npd = like.dtype
        u = unit_uniform(gen, like.shape, npd)
        if low == 0 and high == 1:
            return u
        w = u.astype(_F64)  # low + (high - low) * u in float64, rounded once; in place, one buffer
        w *= high - low
        w += low
        out = w.astype(npd, copy=False)
        if high > low:
            # rounding may reach `high`; PyTorch's range is [low, high)
            over = out >= npd.type(high)
            if over.any():
                out[over] = npd.type(low)
        return out

    def normal(like, gen, mean, std):
        npd = like.dtype
        z = gen.standard_normal(like.shape, dtype=work_dtype(npd))
        # mean + std * z in the work dtype (Python scalars do not promote it), in place: no temporaries
        if std != 1:
            z *= std  # z * 1 is z exactly
        z += mean  # kept for mean == 0 too: 0.0 + -0.0 is +0.0
        return z.astype(npd, copy=False)

    def normal_tensor(mean, std, gen):
        npd = mean.dtype
        wd = work_dtype(npd)
        shape = xp.broadcast_shapes(mean.shape, std.shape)
        z = gen.standard_normal(shape, dtype=wd)
        return xp.asarray(mean.astype(wd) + std.astype(wd) * z).astype(npd)

    def randint(like, gen, low, high):
        # endpoint form: `high` may be 2**63 (int64.random_()), one past int64's range
        vals = gen.integers(low, high - 1, size=like.shape, dtype=np.int64, endpoint=True)
        return vals.astype(like.dtype)

    def randperm(like, gen):
        return gen.permutation(like.shape[0]).astype(like.dtype)

    def bernoulli(like, p, gen):
        u = gen.random(like.shape)
        if p.ndim == 0:  # scalar probability: compare against a Python float (same draws, same mask)
            return (u < float(p)).astype(like.dtype)
        return (u < xp.broadcast_to(p.astype(_F64), like.shape)).astype(like.dtype)

    def multinomial(probs, gen, num_samples, replacement):
        p = probs.astype(_F64).reshape(-1, probs.shape[-1])
        rows, k = p.shape
        if replacement:
            cdf = xp.cumsum(p, axis=1)
            u = gen.random((rows, num_samples)) * cdf[:, -1:]
            idx = xp.stack([xp.searchsorted(cdf[r], u[r], side="right") for r in range(rows)]) if rows else u
            # rounding can push an index past the last category with non-zero probability
            last_nz = k - 1 - xp.argmax(p[:, ::-1] > 0, axis=1)
            out = xp.minimum(idx, last_nz[:, None])
        else:
            # exponential race: the first `num_samples` arrivals of clocks with rates p
            keys = p / gen.standard_exponential((rows, k))
            out = xp.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
        return out.astype(np.int64).reshape(probs.shape[:-1] + (num_samples,))

    def poisson(rates, gen):
        lam = rates.astype(_F64)
        huge = ~(lam < 1e15)  # NumPy's sampler rejects huge rates; their relative spread is ~1e-7
        draws = gen.poisson(xp.where(huge, 0.0, lam))
        return xp.where(huge, lam, draws).astype(rates.dtype)

    def exponential(like, gen, lambd):
        npd = like.dtype
        e = gen.standard_exponential(like.shape, dtype=work_dtype(npd))
        return xp.asarray(e / lambd).astype(npd)

    def geometric(like, gen, p):
        return gen.geometric(p, size=like.shape).astype(like.dtype)

    def log_normal(like, gen, mean, std):
        npd = like.dtype
        z = gen.standard_normal(like.shape, dtype=_F64)
        return xp.exp(mean + std * z).astype(npd)

    def cauchy(like, gen, median, sigma):
        c = gen.standard_cauchy(like.shape)
        return xp.asarray(median + sigma * c).astype(like.dtype)

    def standard_gamma(alpha, gen):
        a = alpha.astype(_F64)
        valid = a > 0  # NumPy rejects alpha <= 0 and NaN; PyTorch returns the clamp value below for them
        draws = xp.where(valid, gen.standard_gamma(xp.where(valid, a, 1.0)), 0.0).astype(alpha.dtype)
        # a 0 draw (tiny alpha) would make log(x) -inf; asarray: NumPy returns a scalar for 0-d input
        return xp.asarray(xp.maximum(draws, np.finfo(alpha.dtype).tiny))

    digamma = _math.kernels(xp)["digamma"]

    def _gamma_grad_small_x(a, x):
        """x < 0.8: -(dP/da) / pdf with P(a, x) = x**a * sum_k (-x)**k / (k! (a + k)) to six terms."""
        term = xp.ones_like(x)
        series1, series2 = 1.0 / a, 1.0 / (a * a)
        for k in range(1, 6):
            term = term * (-x / k)
            series1 = series1 + term / (a + k)
            series2 = series2 + term / ((a + k) * (a + k))
        x_pow_a = x ** a
        pdf = x ** (a - 1) * xp.exp(-x)
        dcdf = (xp.log(x) - digamma(a)) * x_pow_a * series1 - x_pow_a * series2
        r = -dcdf / pdf
        return xp.where(xp.isnan(r), 0.0, r)

    def _gamma_grad_large_alpha(a, x):
        """alpha > 8: Rice's saddle-point expansion, its Taylor form within 10% of the mean."""
        numer_1 = 1 + 24 * a * (1 + 12 * a)
        numer_2 = 1440 * a * a + 6 * x * (53 - 120 * x) - 65 * x * x / a + a * (107 + 3600 * x)
        near_mean = numer_1 * numer_2 / (1244160 * a * a * a * a)
        root = xp.sqrt(8 * a)
        term2 = root / (a - x)
        term3 = (x - a - a * xp.log(x / a)) ** -1.5
        term23 = xp.where(x < a, term2 - term3, term2 + term3)
        term1 = xp.log(x / a) * term23 - xp.sqrt(2 / a) * (a + x) / ((a - x) * (a - x))
        stirling = 1 + 1 / (12 * a) * (1 + 1 / (24 * a))
        far = -stirling * x * term1 / root
        near = (_GRAD_NEAR[0] * a <= x) & (x <= _GRAD_NEAR[1] * a)
        return xp.where(near, near_mean, far)

    def _gamma_grad_rational(a, x):
        u, v = xp.log(x / a), xp.log(a)
        c = [c0 + u * (c1 + u * c2) for c0, c1, c2 in zip(*_GRAD_UV)]
        p = c[0] + v * (c[1] + v * (c[2] + v * c[3]))
        q = c[4] + v * (c[5] + v * (c[6] + v * c[7]))
        return xp.exp(p / q)

    def _gamma_grad64(a, x):
        return xp.where(x < _GRAD_SMALL_X, _gamma_grad_small_x(a, x),
                        xp.where(a > 8, _gamma_grad_large_alpha(a, x), _gamma_grad_rational(a, x)))

    def standard_gamma_grad(alpha, x):
        a, x = xp.broadcast_arrays(alpha.astype(_F64), x.astype(_F64))
        return xp.asarray(quiet(_gamma_grad64, a, x)).astype(alpha.dtype)

    def binomial(count, prob, gen):
        shape = xp.broadcast_shapes(count.shape, prob.shape)
        n = xp.broadcast_to(count, shape).astype(np.int64)
        draws = gen.binomial(n, xp.broadcast_to(prob.astype(_F64), shape))
        return xp.asarray(draws).astype(prob.dtype)  # a Python int for 0-d input

    return {
        "rng_new": rng_new, "rng_get_state": rng_get_state, "rng_set_state": rng_set_state,
        "uniform": uniform, "normal": normal, "normal_tensor": normal_tensor, "randint": randint,
        "randperm": randperm, "bernoulli": bernoulli, "multinomial": multinomial, "poisson": poisson,
        "exponential": exponential, "geometric": geometric, "log_normal": log_normal, "cauchy": cauchy,
        "standard_gamma": standard_gamma, "standard_gamma_grad": standard_gamma_grad, "binomial": binomial,
    }


KERNELS = kernels(np)
