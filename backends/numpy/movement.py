"""View / movement kernels, generic over ``xp``: results alias the input where PyTorch's do."""
from __future__ import annotations

import numpy as np


def kernels(xp):
    def view(x, shape):
        v = x.view()
        try:
            v.shape = shape
        except AttributeError:
            return None
        return v

    def expand(x, shape):
        return xp.broadcast_to(x, shape)

    def permute(x, dims):
        return x.transpose(dims)

    return {"view": view, "expand": expand, "permute": permute}


KERNELS = kernels(np)
