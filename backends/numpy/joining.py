"""Joining / repeating / triangular kernels (mirrors ember/ops/joining.py), generic over ``xp``."""
from __future__ import annotations

import numpy as np


def kernels(xp):
    def cat(*args):
        *xs, dim = args
        real = [x for x in xs if not (x.ndim == 1 and x.shape[0] == 0)]
        return xp.concatenate(real or xs[:1], axis=dim)

    def stack(*args):
        *xs, dim = args
        if dim == 0 and xs[0].ndim:
            # same shapes (checked by the frontend): one concatenate, without xp.stack's per-array reshapes
            return xp.concatenate(xs).reshape((len(xs),) + xs[0].shape)
        return xp.stack(xs, axis=dim)

    def flip(x, dims):
        return xp.ascontiguousarray(xp.flip(x, dims)) if dims else x.copy()

    def roll(x, shifts, dims):
        return xp.roll(x, shifts, dims)

    def repeat(x, reps):
        return xp.tile(x, reps) if reps else x.copy()

    def repeat_interleave(repeats):
        if (repeats < 0).any():
            raise RuntimeError("repeats can not be negative")
        return xp.repeat(xp.arange(repeats.shape[0], dtype=np.int64), repeats)

    def tril(x, diagonal):
        return xp.tril(x, diagonal)

    def triu(x, diagonal):
        return xp.triu(x, diagonal)

    return {
        "cat": cat, "stack": stack, "flip": flip, "roll": roll, "repeat": repeat,
        "repeat_interleave": repeat_interleave, "tril": tril, "triu": triu,
    }


KERNELS = kernels(np)
