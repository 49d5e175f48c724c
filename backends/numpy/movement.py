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


def _more(xp):
    def select(x, dim, index):
        return x[(slice(None),) * dim + (index,)]

    def select_scatter(x, src, dim, index):
        out = x.copy()
        out[(slice(None),) * dim + (index,)] = src
        return out

    return {"select": select, "select_scatter": select_scatter}


KERNELS.update(_more(np))
