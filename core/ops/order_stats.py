"""Order statistics: median, nanmedian and mode, over all elements or along one dim.

They belong to the ``reduce`` family (their kernels live in each backend's reduce module) and
return ``(values, indices)`` namedtuples like max/min along a dim.
"""
from __future__ import annotations

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from ._util import reg
from .inplace import torch_type_name as _tname
from .reduce import F, _dim1, _evenly, _index_bwd, _parsed, _values_indices, _write


def _median_bwd(ctx, g):
    x = ctx.saved[0]
    return (_evenly(g, x, ctx.output, tuple(range(x.ndim)), False),)


def _median_decomp(along):
    def decomp(x):
        if x.numel() == 0:
            from .creation import full
            return full((), float("nan"), dtype=x.dtype, device=x.device)
        return apply(along, (x.reshape(-1),), (0, False), (x.dtype, D.int64))[0]
    return decomp


MEDIAN_DIM = defop("median_dim", F, "median_dim(x, dim, keepdim) -> (values, indices)", nout=2, save="output",
                   backward=_index_bwd, doc="lower median along `dim` and its index; NaN propagates (first NaN)")
NANMEDIAN_DIM = defop("nanmedian_dim", F, "nanmedian_dim(x, dim, keepdim) -> (values, indices)", nout=2,
                      save="output", backward=_index_bwd, doc="lower median of the non-NaN values along `dim`")
MEDIAN = defop("median", F, "median(x) -> out", backward=_median_bwd, save="both",
               decomposition=_median_decomp(MEDIAN_DIM), doc="lower median of all elements (nan when empty)")
NANMEDIAN = defop("nanmedian", F, "nanmedian(x) -> out", backward=_median_bwd, save="both",
                  decomposition=_median_decomp(NANMEDIAN_DIM), doc="lower median of the non-NaN elements")
MODE = defop("mode", F, "mode(x, dim, keepdim) -> (values, indices)", nout=2, save="output", backward=_index_bwd,
             doc="most frequent value along `dim` (the smallest on ties) and the index of its last occurrence")


def _median(whole, along, name, input, dim, keepdim, out):
    if dim is not None:
        return _values_indices(along, name, input, _dim1(dim, input.ndim, name), keepdim, out, bool_ok=False)
    if input.dtype is D.bool:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'Bool\'')
    if input.numel() == 0 and not input.dtype.is_floating_point:
        raise RuntimeError(f"{name}(): cannot compute the median of an empty {_tname(input.dtype)} tensor")
    return _write(apply(whole, (input,), ()), out)


@reg("median")
@_parsed
def median(input, dim=None, keepdim=False, *, out=None):
    """``median(x)``: the lower median of all elements (NaN if any); ``median(x, dim)``: namedtuple
    (values, indices)."""
    return _median(MEDIAN, MEDIAN_DIM, "median", input, dim, keepdim, out)


@reg("nanmedian")
@_parsed
def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """As :func:`median`, ignoring NaN values."""
    return _median(NANMEDIAN, NANMEDIAN_DIM, "nanmedian", input, dim, keepdim, out)


@reg("mode")
@_parsed
def mode(input, dim=-1, keepdim=False, *, out=None):
    """Namedtuple (values, indices): the most frequent value along ``dim``."""
    return _values_indices(MODE, "mode", input, _dim1(dim, input.ndim, "mode"), keepdim, out)
