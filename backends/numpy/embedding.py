"""Embedding kernels for ember/ops/embedding.py, generic over ``xp``."""
from __future__ import annotations

import numpy as np


def kernels(xp):
    def embedding(weight, indices, padding_idx, scale_grad_by_freq):
        n = weight.shape[0]
        if indices.size and (int(indices.min()) < 0 or int(indices.max()) >= n):
            raise IndexError("index out of range in self")
        return xp.take(weight, indices, axis=0)

    return {"embedding": embedding}


KERNELS = kernels(np)
