"""Reduction kernels, generic over ``xp``.  Half types accumulate in float32, like PyTorch on CPU."""
from __future__ import annotations

import numpy as np

from ._dtypes import HALF, TO_NP


def kernels(xp):
    asarray = xp.asarray

    def sum_(x, dims, keepdim, dtype):
        npd = TO_NP[dtype]
        acc = np.float32 if npd in HALF else npd
        r = xp.sum(x, axis=dims, keepdims=keepdim, dtype=acc)
        return asarray(r).astype(npd, copy=False)

    return {"sum": sum_}


KERNELS = kernels(np)
