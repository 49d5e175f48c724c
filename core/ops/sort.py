"""Sorting and searching: sort, argsort, msort, topk, kthvalue, unique, unique_consecutive,
searchsorted, bucketize, histc, histogram, bincount.

``sort``/``topk``/``kthvalue`` return ``(values, indices)`` namedtuples; their gradient
scatters the output gradient back to ``indices``.  The other ops are not
differentiable (their outputs are integer, or piecewise constant like ``histc``).
"""
from __future__ import annotations

import math as _math

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from .._tensor import Tensor
from ._util import check_tensor, reg, wrap_dim
from .inplace import torch_type_name as _tname, write_out
from .reduce import return_type

F = "sort"

INPLACE = ()


def _out(res, out):
    if out is None:
        return res
    if isinstance(res, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(res):
            raise TypeError(f"argument 'out' must be a tuple of {len(res)} Tensors")
        return type(res)(*(write_out(o, r) for o, r in zip(out, res)))
    return write_out(out, res)


def _scatter_back(g, indices, dim, keepdim, shape):
    """Gradient of a (values, indices) selection along ``dim``: ``g`` lands at ``indices``."""
    from .indexing import scatter_add
    if not shape:
        return g.reshape(())
    if not keepdim:
        g, indices = g.unsqueeze(dim), indices.unsqueeze(dim)
    return scatter_add(g.new_zeros(shape), dim, indices, g)


def _sort_bwd(ctx, g, _gi=None):
    dim = ctx.params[0]
    return (_scatter_back(g, ctx.output[1], dim, True, ctx.shapes[0]),)


def _topk_bwd(ctx, g, _gi=None):
    return (_scatter_back(g, ctx.output[1], ctx.params[1], True, ctx.shapes[0]),)


def _kthvalue_bwd(ctx, g, _gi=None):
    dim, keepdim = ctx.params[1], ctx.params[2]
    return (_scatter_back(g, ctx.output[1], dim, keepdim, ctx.shapes[0]),)


SORT = defop("sort", F, "sort(x, dim, descending, stable) -> (values, indices)", backward=_sort_bwd, save="output",
             nout=2, doc="always a stable sort; NaN sorts as the largest value")
TOPK = defop("topk", F, "topk(x, k, dim, largest, sorted) -> (values, indices)", backward=_topk_bwd, save="output",
             nout=2, doc="the k largest (smallest) along dim, in sorted order; NaN counts as the largest")
KTHVALUE = defop("kthvalue", F, "kthvalue(x, k, dim, keepdim) -> (values, indices)", backward=_kthvalue_bwd,
                 save="output", nout=2, doc="k-th smallest (1-based) along dim")
UNIQUE = defop("unique", F, "unique(x, dim) -> (values, inverse, counts)", nout=3,
               doc="sorted unique elements (dim None) or slices along dim; inverse/counts int64")
UNIQUE_CONSECUTIVE = defop("unique_consecutive", F, "unique_consecutive(x, dim) -> (values, inverse, counts)",
                           nout=3, doc="like unique but only collapses runs of equal consecutive elements/slices")
SEARCHSORTED = defop("searchsorted", F, "searchsorted(seq, values, right, out_int32) -> out",
                     doc="seq 1-D, or (..., M) with values (..., K) sharing the leading dims")
HISTC = defop("histc", F, "histc(x, bins, min, max) -> out",
              doc="equal-width bins on [min, max] (data range when min == max); others ignored")
HISTOGRAM = defop("histogram", F, "histogram(x, edges, weight, density) -> hist",
                  doc="counts (or weight sums) per bin of the 1-D `edges`; the last bin is closed")


def _dim_of(input, dim, op):
    d = wrap_dim(dim, max(input.ndim, 1))
    return d if input.ndim else 0


def _k_along(input, k, dim, op):
    """``(k, d, n)``: ``k`` as an int, the wrapped ``dim`` and its size (1 for a 0-d input)."""
    d = _dim_of(input, dim, op)
    return k.__index__(), d, (input.shape[d] if input.ndim else 1)


def _values_indices(op, name, input, params, out):
    """The namedtuple ``(values, indices)`` of ``op(input, *params)``, written to ``out`` if given."""
    v, i = apply(op, (input,), params, (input.dtype, D.int64))
    return _out(return_type(name)(v, i), out)


@reg("sort")
def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """``(values, indices)`` of ``input`` sorted along ``dim``; equal elements keep their order."""
    check_tensor(input, "sort")
    return _values_indices(SORT, "sort", input, (_dim_of(input, dim, "sort"), bool(descending), True), out)


@reg("argsort")
def argsort(input, dim=-1, descending=False, stable=False):
    """Indices that sort ``input`` along ``dim``."""
    check_tensor(input, "argsort")
    return sort(input, dim, descending, stable).indices


@reg("msort")
def msort(input, *, out=None):
    """``input`` sorted along its first dimension."""
    return _out(sort(input, 0).values, out)


@reg("topk")
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """``(values, indices)`` of the ``k`` largest (``largest=False``: smallest) elements along ``dim``."""
    check_tensor(input, "topk")
    if input.dtype is D.bool:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    k, d, n = _k_along(input, k, dim, "topk")
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    return _values_indices(TOPK, "topk", input, (k, d, bool(largest), bool(sorted)), out)


@reg("kthvalue")
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """``(values, indices)`` of the ``k``-th smallest element along ``dim``."""
    check_tensor(input, "kthvalue")
    if input.dtype is D.bool:
        raise NotImplementedError("\"kthvalue_cpu\" not implemented for 'Bool'")
    k, d, n = _k_along(input, k, dim, "kthvalue")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    return _values_indices(KTHVALUE, "kthvalue", input, (k, d, bool(keepdim)), out)


def _unique_dim(input, dim):
    if dim is None:
        return None
    d = wrap_dim(dim, input.ndim)
    if any(s == 0 for i, s in enumerate(input.shape) if i != d):
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
    return d


def _unique_result(values, inverse, counts, return_inverse, return_counts):
    res = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return res[0] if len(res) == 1 else res


@reg("unique")
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Unique elements (or slices along ``dim``) in ascending order, optionally with the inverse
    mapping and the counts.  Returns a tensor, or a tuple when either flag is set."""
    check_tensor(input, "unique")
    d = _unique_dim(input, dim)
    v, inv, cnt = apply(UNIQUE, (input,), (d,), (input.dtype, D.int64, D.int64))
    return _unique_result(v, inv, cnt, return_inverse, return_counts)


@reg("unique_consecutive")
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal consecutive elements (or slices along ``dim``)."""
    check_tensor(input, "unique_consecutive")
    d = _unique_dim(input, dim)
    v, inv, cnt = apply(UNIQUE_CONSECUTIVE, (input,), (d,), (input.dtype, D.int64, D.int64))
    return _unique_result(v, inv, cnt, return_inverse, return_counts)


def _as_values(values, like, op):
    if isinstance(values, Tensor):
        return values
    from .creation import scalar_tensor
    if not isinstance(values, (bool, int, float)):
        raise TypeError(f"{op}(): argument 'input' must be Tensor or Number, not {type(values).__name__}")
    return scalar_tensor(values, D.result_dtype((like, values)), like._backend)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """Indices where ``input`` would be inserted into the innermost dim of ``sorted_sequence``
    to keep it sorted (``right``/``side='right'``: after equal elements)."""
    op = "torch.searchsorted()"
    check_tensor(sorted_sequence, "searchsorted", "sorted_sequence")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"{op}: side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(f"{op}: side and right can't be set to opposites, got side of left while right was "
                               f"True")
        right = side == "right"
    scalar = not isinstance(input, Tensor)
    values = _as_values(input, sorted_sequence, "searchsorted")
    seq = sorted_sequence
    if scalar and seq.ndim != 1:
        raise RuntimeError(f"{op}: input value can be a scalar only when boundaries tensor dimension is 1, but we got "
                           f"boundaries tensor dim({seq.ndim}) and input value's dim(0) numel(1)")
    if seq.ndim == 0:
        raise RuntimeError(f"{op}: boundaries tensor should have positive dimension, but got 0 dimension")
    if seq.ndim != 1 and (values.ndim != seq.ndim or tuple(seq.shape[:-1]) != tuple(values.shape[:-1])):
        raise RuntimeError(f"{op}: boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                           f"boundaries tensor and input value tensor must match, but we got boundaries tensor "
                           f"{list(seq.shape)} and input value tensor {list(values.shape)}")
    if sorter is not None:
        if tuple(sorter.shape) != tuple(seq.shape):
            raise RuntimeError(f"{op}: boundary and sorter must have the same size, but got boundary tensor "
                               f"{list(seq.shape)}and got sorter tensor {list(sorter.shape)}")
        if sorter.dtype is not D.int64:
            raise RuntimeError(f"{op}: sorter must be a tensor of long dtype but got {_tname(sorter.dtype)}")
        from .indexing import gather
        seq = gather(seq, -1, sorter)
    res = apply(SEARCHSORTED, (seq.detach(), values.detach()), (bool(right), bool(out_int32)),
                D.int32 if out_int32 else D.int64)
    return _out(res, out)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """Index of the bucket of each element given 1-D sorted ``boundaries``
    (``right=False``: boundaries[i-1] < x <= boundaries[i])."""
    check_tensor(boundaries, "bucketize", "boundaries")
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    values = _as_values(input, boundaries, "bucketize")
    res = apply(SEARCHSORTED, (boundaries.detach(), values.detach()), (bool(right), bool(out_int32)),
                D.int32 if out_int32 else D.int64)
    return _out(res, out)


def _float_input(input, kernel):
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_tname(input.dtype)}'")


@reg("histc")
def histc(input, bins=100, min=0, max=0, *, out=None):
    """Histogram of ``bins`` equal-width bins on [min, max] (the data range when min == max);
    elements outside the range are ignored."""
    check_tensor(input, "histc")
    _float_input(input, "histogram_cpu")
    bins = bins.__index__()
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if lo == hi and input.numel():
        from .reduce import amax, amin
        lo, hi = float(amin(input.detach()).item()), float(amax(input.detach()).item())
    if not (_math.isfinite(lo) and _math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    return _out(apply(HISTC, (input.detach(),), (bins, lo, hi)), out)


@reg("histogram")
def histogram(input, bins, *, range=None, weight=None, density=False, out=None):
    """``(hist, bin_edges)``: counts (or ``weight`` sums) per bin; ``bins`` is a count or the edges."""
    check_tensor(input, "histogram")
    _float_input(input, "histogramdd")
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should "
                           f"have the same dtype, but got input({_cpp(input.dtype)}), and weight({_cpp(weight.dtype)})")
    if isinstance(bins, Tensor):
        edges = bins.to(input.dtype)
    else:
        bins = bins.__index__()
        if bins <= 0:
            raise RuntimeError(f"torch.histogramdd(): bins must be > 0, but got {bins} for dimension 0")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
        elif input.numel():
            from .reduce import amax, amin
            lo, hi = float(amin(input.detach()).item()), float(amax(input.detach()).item())
        else:
            lo, hi = 0.0, 1.0
        if lo > hi:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo:g} max {hi:g} for "
                               f"dimension 0")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        from .creation import linspace
        edges = linspace(lo, hi, bins + 1, dtype=input.dtype, device=input.device)
    flat = input.detach().reshape(-1)
    w = weight.detach().reshape(-1) if weight is not None else flat.new_ones(flat.shape)
    hist = apply(HISTOGRAM, (flat, edges, w), (bool(density),))
    return _out(return_type("histogram", ("hist", "bin_edges"))(hist, edges), out)


def _cpp(dt):
    from .linalg import _CPP
    return _CPP[dt.name]


@reg("bincount")
def bincount(input, weights=None, minlength=0):
    """Occurrences of each value in a 1-D non-negative integer tensor (``weights``: their sums)."""
    check_tensor(input, "bincount")
    if input.dtype.category != 1:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{_tname(input.dtype)}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if input.ndim != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != input.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    from .reduce import amax, amin
    if input.numel() and int(amin(input).item()) < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    n = max(int(amax(input).item()) + 1 if input.numel() else 0, minlength)
    if weights is None:
        src, dt = input.new_ones(input.shape, dtype=D.int64), D.int64
    else:
        dt = D.float32 if weights.dtype is D.float32 else D.float64
        src = weights.to(dt)
    from .creation import zeros
    from .indexing import scatter_add
    return scatter_add(zeros((n,), dtype=dt, device=input.device), 0, input.to(D.int64), src)

