"""Reductions along dims: sum, mean, ... (kernels take a sorted dim tuple and keepdim)."""
from __future__ import annotations

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from ._util import reg, wrap_dims

F = "reduce"


def expand_reduced(g, shape, dims, keepdim):
    """Broadcast a reduction's gradient back to the input ``shape``."""
    if not keepdim and dims:
        ks = list(shape)
        for d in dims:
            ks[d] = 1
        g = g.reshape(tuple(ks))
    return g.expand(shape)


def _sum_bwd(ctx, g):
    dims, keepdim = ctx.params[0], ctx.params[1]
    return (expand_reduced(g, ctx.shapes[0], dims, keepdim),)


SUM = defop("sum", F, "sum(x, dims, keepdim, dtype) -> out", backward=_sum_bwd,
            doc="sum over the sorted `dims` tuple; accumulates in (and returns) `dtype`")


def _sum_dtype(x, dtype):
    if dtype is not None:
        return D.to_dtype(dtype)
    return D.int64 if x.dtype.category < 2 else x.dtype


@reg("sum")
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum of elements over ``dim`` (all dims when None); integer inputs sum to int64."""
    dims = wrap_dims(dim, input.ndim, "sum") if not (isinstance(dim, (list, tuple)) and len(dim) == 0) else \
        tuple(range(input.ndim))
    odt = _sum_dtype(input, dtype)
    res = apply(SUM, (input,), (dims, bool(keepdim), odt), odt)
    if out is not None:
        from .inplace import write_out
        return write_out(out, res)
    return res


def sum_to_size(input, *size):
    """Sum ``input`` down to ``size`` (the inverse of broadcasting), as ``Tensor.sum_to_size``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = tuple(input.shape)
    if shape == tuple(size):
        return input
    lead = len(shape) - len(size)
    if lead < 0:
        raise RuntimeError(f"size {{{', '.join(map(str, size))}}} is not expandable to size "
                           f"{{{', '.join(map(str, shape))}}}.")
    dims = list(range(lead))
    for i, s in enumerate(size):
        if s == 1 and shape[lead + i] != 1:
            dims.append(lead + i)
        elif s != shape[lead + i]:
            raise RuntimeError(f"size {{{', '.join(map(str, size))}}} is not expandable to size "
                               f"{{{', '.join(map(str, shape))}}}.")
    res = apply(SUM, (input,), (tuple(dims), True, input.dtype), input.dtype) if dims else input
    if lead:
        res = res.reshape(tuple(size))
    return res


reg("sum_to_size")(sum_to_size)


@reg("mean")
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean over ``dim``; requires a floating-point input (or ``dtype``)."""
    if dtype is not None:
        input = input.to(D.to_dtype(dtype))
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_tname(input.dtype)}")
    dims = wrap_dims(dim, input.ndim, "mean") if not (isinstance(dim, (list, tuple)) and len(dim) == 0) else \
        tuple(range(input.ndim))
    n = 1
    for d in dims:
        n *= input.shape[d]
    res = sum(input, dims, keepdim) / (n if n else float("nan"))
    if out is not None:
        from .inplace import write_out
        return write_out(out, res)
    return res


def _tname(dt):
    from .inplace import torch_type_name
    return torch_type_name(dt)
