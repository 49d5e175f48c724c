"""Random numbers on the GPU: cuRAND (Philox) through ``cupy.random.RandomState``.

The native state is a :class:`CounterRNG`: a 64-bit seed and a draw counter.
Every draw reseeds one cached generator with ``mix(seed, counter)`` and
increments the counter, so the whole state is 16 bytes that
``rng_get_state``/``rng_set_state`` save and restore exactly (cuRAND's own
state cannot be read back).  Philox seeds without a setup kernel, which makes
per-draw reseeding cheap.

The sampling kernels are the NumPy backend's (``ember_numpy.random``): they
call a NumPy ``Generator``-style API (``random``, ``integers``,
``standard_normal``...), which :class:`CounterRNG` provides on top of the
legacy ``RandomState`` API that CuPy and NumPy share.
"""
from __future__ import annotations

import numpy as np

from ember_numpy import random as shared_random

_MASK64 = (1 << 64) - 1
_STATE_BYTES = 16
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
PHILOX4_32_10 = 161  # curandRngType_t CURAND_RNG_PSEUDO_PHILOX4_32_10


def philox_state():
    """A cuRAND Philox4x32-10 generator (CuPy)."""
    import cupy
    return cupy.random.RandomState(method=PHILOX4_32_10)


def mix(seed, counter):
    """splitmix64 of (seed, counter): decorrelated 64-bit seeds for consecutive draws."""
    z = (seed + (counter + 1) * 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


class CounterRNG:
    """A (seed, counter) state with the subset of NumPy's ``Generator`` API the shared kernels use."""

    __slots__ = ("seed", "counter", "_rs", "_new_rs")

    def __init__(self, seed, new_rs):
        self.seed = int(seed) & _MASK64
        self.counter = 0
        self._rs = None
        self._new_rs = new_rs

    def _next(self):
        if self._rs is None:
            self._rs = self._new_rs()
        self._rs.seed(mix(self.seed, self.counter))
        self.counter += 1
        return self._rs

    def random(self, shape=None, dtype=_F64):
        u = self._next().random_sample(size=shape)
        if np.dtype(dtype) == _F32:
            # [0, 1) on float32's grid: rounding a float64 draw could give 1.0
            u = (u * 16777216.0) // 1.0 * (1.0 / 16777216.0)
            return u.astype(_F32)
        return u

    def integers(self, low, high, size=None, dtype=np.int64, endpoint=False):
        return self._next().randint(low, high + 1 if endpoint else high, size=size, dtype=dtype)

    def standard_normal(self, shape=None, dtype=_F64):
        return self._next().standard_normal(size=shape).astype(dtype, copy=False)

    def standard_exponential(self, shape=None, dtype=_F64):
        return self._next().standard_exponential(size=shape).astype(dtype, copy=False)

    def standard_cauchy(self, shape=None):
        return self._next().standard_cauchy(size=shape)

    def permutation(self, n):
        return self._next().permutation(n)

    def poisson(self, lam):
        return self._next().poisson(lam)

    def geometric(self, p, size=None):
        return self._next().geometric(p, size=size)

    def standard_gamma(self, shape):
        return self._next().standard_gamma(shape)

    def binomial(self, n, p):
        return self._next().binomial(n, p)


def kernels(xp, new_rs):
    def rng_new(seed):
        return CounterRNG(seed, new_rs)

    def rng_get_state(gen):
        return gen.seed.to_bytes(8, "little") + gen.counter.to_bytes(8, "little")

    def rng_set_state(gen, data):
        if len(data) != _STATE_BYTES:
            raise RuntimeError(f"Expected a CuPy counter-RNG state of size {_STATE_BYTES} but found the input RNG "
                               f"state size to be {len(data)}")
        gen.seed = int.from_bytes(data[:8], "little")
        gen.counter = int.from_bytes(data[8:], "little")
        return gen

    table = dict(shared_random.kernels(xp))
    table.update({"rng_new": rng_new, "rng_get_state": rng_get_state, "rng_set_state": rng_set_state})
    return table
