"""View / movement kernels, generic over ``xp``: results alias the input where PyTorch's do,
and are fresh C-contiguous arrays everywhere else (never negative-stride NumPy views)."""
from __future__ import annotations

import numpy as np

from ._dtypes import TO_NP


def kernels(xp):
    as_strided = xp.lib.stride_tricks.as_strided

    def view(x, shape):
        v = x.view()
        try:
            v.shape = shape
        except AttributeError:
            return None
        return v

    def view_dtype(x, dtype):
        """The same bytes as ``dtype`` (ember checked PyTorch's stride and size rules first).  A 0-d or
        size-1-last-dim input is reshaped so NumPy sees a contiguous last axis."""
        npd = TO_NP[dtype]
        if x.itemsize == npd.itemsize or x.shape[-1] != 1 or x.strides[-1] == x.itemsize:
            return x.view(npd)
        return as_strided(x, x.shape, x.strides[:-1] + (x.itemsize,)).view(npd)

    def expand(x, shape):
        if xp is np and x.flags.c_contiguous and x.dtype.kind in "biuf":
            # the hot path (e.g. sum's backward): a read-only zero-stride view without broadcast_to's overhead
            strides = [0] * len(shape)
            off = len(shape) - x.ndim
            for i, (n, st) in enumerate(zip(x.shape, x.strides)):
                if n != 1:
                    strides[off + i] = st
            a = np.ndarray(shape, x.dtype, x, 0, tuple(strides))
            a.flags.writeable = False
            return a
        return xp.broadcast_to(x, shape)

    def permute(x, dims):
        return x.transpose(dims)

    # a trailing Ellipsis makes NumPy return a 0-d view instead of a scalar copy
    def select(x, dim, index):
        return x[(slice(None),) * dim + (index, Ellipsis)]

    def select_scatter(x, src, dim, index):
        out = x.copy()
        out[(slice(None),) * dim + (index, Ellipsis)] = src
        return out

    def basic_index(x, key):
        return x[key + (Ellipsis,)]

    def basic_index_scatter(x, src, key):
        out = x.copy()
        out[key + (Ellipsis,)] = src
        return out

    def diagonal(x, offset, dim1, dim2):
        shape, strides = x.shape, x.strides
        n1, n2 = shape[dim1], shape[dim2]
        length = max(0, min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2))
        start = [0] * x.ndim
        if length:
            start[dim2 if offset >= 0 else dim1] = abs(offset)
        sub = x[tuple(slice(s, None) for s in start)] if length else x
        keep = [i for i in range(x.ndim) if i not in (dim1, dim2)]
        return as_strided(sub, tuple(shape[i] for i in keep) + (length,),
                          tuple(strides[i] for i in keep) + (strides[dim1] + strides[dim2],))

    def diagonal_scatter(x, src, offset, dim1, dim2):
        out = x.copy()
        diagonal(out, offset, dim1, dim2)[...] = src
        return out

    def unfold(x, dim, size, step):
        shape, strides = list(x.shape), list(x.strides)
        count = (shape[dim] - size) // step + 1
        shape[dim], strides[dim] = count, strides[dim] * step
        return as_strided(x, tuple(shape) + (size,), tuple(strides) + (x.strides[dim],))

    def unfold_backward(g, input_shape, dim, size, step):
        out = xp.zeros(input_shape, dtype=g.dtype)
        count = g.shape[dim]
        pre = (slice(None),) * dim
        for k in range(size):
            out[pre + (slice(k, k + step * (count - 1) + 1, step),)] += g[..., k]
        return out

    return {
        "view": view, "view_dtype": view_dtype, "expand": expand, "permute": permute, "select": select, "select_scatter": select_scatter,
        "basic_index": basic_index, "basic_index_scatter": basic_index_scatter, "diagonal": diagonal,
        "diagonal_scatter": diagonal_scatter, "unfold": unfold, "unfold_backward": unfold_backward,
    }


KERNELS = kernels(np)
