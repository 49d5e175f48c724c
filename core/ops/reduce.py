"""Reductions and scans: sum, mean, prod, max/min, var/std, logsumexp, all/any, cumsum/cumprod/
cummax/cummin/logcumsumexp (median and mode: order_stats.py, in this family too).

Dim-tuple kernels take a sorted ``dims`` tuple and ``keepdim``; single-dim kernels an int ``dim`` of
an input with at least one dimension (0-d inputs run through a 1-element view here).  Ops returning
``(values, indices)`` give namedtuples built by :func:`return_type` (``ember.return_types``).
"""
from __future__ import annotations

import builtins as _b
import collections
import functools
import sys
import types
import warnings

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from .._tensor import Tensor
from ..amp.autocast_mode import autocast_entry as _autocast_entry
from ..autograd.grad_mode import STATE
from ._util import check_tensor, numel, reg, wrap_dim, wrap_dims
from .elementwise import abs, exp, isinf, isnan, log, where
from .inplace import torch_type_name as _tname
from .inplace import write_out

F = "reduce"

INPLACE = ("cumsum", "cumprod")

# --- return types (torch.return_types) ---------------------------------------------

return_types = types.ModuleType("ember.return_types", "Named tuples returned by max, median, cummax, ...")
sys.modules.setdefault("ember.return_types", return_types)


def _rt_repr(self):
    body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
    return f"ember.return_types.{type(self).__name__}(\n{body})"


def return_type(name, fields=("values", "indices")):
    """The namedtuple class ``ember.return_types.<name>``, created on first use.

    >>> values, indices = return_type("topk")(v, i)
    """
    fields = tuple(fields)
    cls = getattr(return_types, name, None)
    if cls is None:
        base = collections.namedtuple(name, fields)
        cls = type(name, (base,), {"__slots__": (), "__repr__": _rt_repr, "__module__": "ember.return_types"})
        setattr(return_types, name, cls)
    elif cls._fields != fields:
        raise ValueError(f"return_type({name!r}): already defined with fields {cls._fields}, got {fields}")
    return cls


def _named(name, values, indices, out=None, fields=("values", "indices")):
    if out is not None:
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError(f"{name}(): argument 'out' must be tuple of Tensors")
        values, indices = _write(values, out[0]), _write(indices, out[1])
    return return_type(name, fields)(values, indices)


# --- argument helpers --------------------------------------------------------------

def _write(res, out):
    return res if out is None else write_out(out, res)


def _rdims(dim, ndim, op):
    """``dim`` (None, int, or a possibly empty sequence: all dims) -> sorted tuple of dims to reduce."""
    if isinstance(dim, (bool, float, str)):
        raise TypeError(f"{op}(): argument 'dim' must be tuple of ints, not {type(dim).__name__}")
    if dim is None or isinstance(dim, (tuple, list)) and len(dim) == 0:
        return tuple(range(ndim))
    dims = wrap_dims(dim, ndim, op)
    return dims if ndim else ()


def _parsed(fn):
    """PyTorch's argument parsing for a reduction: the input must be a Tensor, and NumPy's ``axis`` /
    ``keepdims`` spell ``dim`` / ``keepdim``."""
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs:
            if "axis" in kwargs:
                kwargs["dim"] = kwargs.pop("axis")
            if "keepdims" in kwargs:
                kwargs["keepdim"] = kwargs.pop("keepdims")
        x = args[0] if args else kwargs.get("input")
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
        return fn(*args, **kwargs)
    return wrapper


def _dim1(dim, ndim, op):
    """A single int ``dim`` (PyTorch's ``int dim`` arguments), wrapped."""
    if isinstance(dim, bool) or not hasattr(dim, "__index__") or isinstance(dim, Tensor) and dim.ndim:
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    return wrap_dim(dim, ndim, op)


def _count(shape, dims):
    return numel([shape[d] for d in dims])


def _acc_dtype(x, dtype):
    """Result dtype of sum-like ops: ``dtype`` if given, else int64 for bool/integer inputs."""
    if dtype is not None:
        return D.to_dtype(dtype)
    return D.int64 if x.dtype.category < 2 else x.dtype


def _nonempty(x, dims, op):
    """max-like ops have no identity: every reduced dim must be non-empty."""
    for d in dims:
        if x.shape[d] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")


def _no_dim_empty(x, op):
    if x.numel() == 0:
        raise RuntimeError(f"{op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           f"reduction dim with the 'dim' argument.")


def _one_dim(fn, x, dim):
    """Run a single-dim op; a 0-d ``x`` goes through a 1-element view and its results back to 0-d."""
    if x.ndim:
        return fn(x, dim)
    res = fn(x.reshape(1), 0)
    return tuple(r.reshape(()) for r in res) if isinstance(res, tuple) else res.reshape(())


# --- gradient helpers (in ember ops) -------------------------------------------------

def _keep(t, shape, dims, keepdim):
    """A reduced tensor in keepdim form (broadcastable against the input of ``shape``)."""
    if keepdim or not dims or not t._data.shape:  # a 0-d result broadcasts as it is
        return t
    return t.reshape(tuple(1 if i in dims else s for i, s in enumerate(shape)))


def expand_reduced(g, shape, dims, keepdim):
    """Broadcast a reduction's gradient back to the input ``shape``."""
    return _keep(g, shape, dims, keepdim).expand(shape)


def _evenly(g, x, value, dims, keepdim):
    """Gradient of a value-selecting reduction (amax, max(), median()) shared evenly by the elements
    equal to the result, like PyTorch; a NaN result selects the NaNs."""
    v = _keep(value, x.shape, dims, keepdim)
    mask = where(isnan(v), isnan(x), x == v)
    return where(mask, _keep(g, x.shape, dims, keepdim) / sum(mask, dims, True), 0.0)


def _index_bwd(ctx, g, *_):
    """Gradient of a (values, indices) reduction along ``dim``: ``g`` lands at the indices."""
    from .creation import arange
    dim, keepdim = ctx.params[0], ctx.params[1]
    idx, shape = ctx.output[1], ctx.shapes[0]
    if not keepdim:
        g, idx = g.unsqueeze(dim), idx.unsqueeze(dim)
    pos = arange(shape[dim], device=g.device).reshape((-1,) + (1,) * (len(shape) - dim - 1))
    return (where(idx == pos, g, 0.0).expand(shape),)


def _rev_cumsum(g, dim):
    return cumsum(g.flip(dim), dim).flip(dim)


# --- sum / mean / nansum / prod -------------------------------------------------------

def _sum_bwd(ctx, g):
    return (expand_reduced(g, ctx.shapes[0], ctx.params[0], ctx.params[1]),)


def _mean_bwd(ctx, g):
    shape, (dims, keepdim, _) = ctx.shapes[0], ctx.params
    return (expand_reduced(g, shape, dims, keepdim) / _count(shape, dims),)


def _mean_decomp(x, dims, keepdim, dtype):
    n = _count(x.shape, dims)
    return apply(SUM, (x,), (dims, keepdim, dtype), dtype) / (n if n else float("nan"))


def _nansum_bwd(ctx, g):
    x, (dims, keepdim, _) = ctx.saved[0], ctx.params
    return (where(isnan(x), 0.0, expand_reduced(g, x.shape, dims, keepdim)),)


def _nansum_decomp(x, dims, keepdim, dtype):
    return apply(SUM, (where(isnan(x), 0, x),), (dims, keepdim, dtype), dtype)


def _prod_bwd(ctx, g):
    x, out = ctx.saved[0], ctx.output
    dims, keepdim, _ = ctx.params
    if x.ndim == 0:
        return (g,)
    ge = expand_reduced(g, x.shape, dims, keepdim)
    if not bool(any(x == 0)):
        return (ge * _keep(out, x.shape, dims, keepdim) / x,)
    return (ge * _prod_of_others(x, dims),)


def _prod_of_others(x, dims):
    """For every element, the product of the other elements of its slice (exact with zeros):
    exclusive cumulative products from both ends over the flattened reduced dims."""
    from .joining import cat
    perm = tuple(d for d in range(x.ndim) if d not in dims) + tuple(dims)
    xt = x.permute(perm)
    flat = xt.reshape(tuple(xt.shape[:x.ndim - len(dims)]) + (-1,))
    n = flat.shape[-1]
    one = flat.narrow(-1, 0, 1) * 0 + 1

    def exclusive(t):
        return cat([one, cumprod(t.narrow(-1, 0, n - 1), -1)], -1)

    others = (exclusive(flat) * exclusive(flat.flip(-1)).flip(-1)).reshape(xt.shape)
    inverse = sorted(range(len(perm)), key=perm.__getitem__)
    return others.permute(tuple(inverse))


SUM = defop("sum", F, "sum(x, dims, keepdim, dtype) -> out", backward=_sum_bwd,
            doc="sum over the sorted `dims` tuple; accumulates in (and returns) `dtype`")
MEAN = defop("mean", F, "mean(x, dims, keepdim, dtype) -> out", backward=_mean_bwd, decomposition=_mean_decomp,
             doc="arithmetic mean in floating `dtype`; nan over empty dims")
NANSUM = defop("nansum", F, "nansum(x, dims, keepdim, dtype) -> out", backward=_nansum_bwd, save="inputs",
               decomposition=_nansum_decomp, doc="sum treating NaN as zero")
PROD = defop("prod", F, "prod(x, dims, keepdim, dtype) -> out", backward=_prod_bwd, save="both",
             doc="product over the sorted `dims` tuple in `dtype`")


@reg("sum")
@_parsed
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum over ``dim`` (all dims when None); bool/integer inputs sum to int64.

    >>> ember.tensor([[1, 2], [3, 4]]).sum(0)
    tensor([4, 6])
    """
    odt = _acc_dtype(input, dtype)
    return _write(apply(SUM, (input,), (_rdims(dim, input.ndim, "sum"), bool(keepdim), odt), odt), out)


def sum_to_size(input, *size):
    """Sum ``input`` down to ``size`` (the inverse of broadcasting), as ``Tensor.sum_to_size``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = tuple(input.shape)
    if shape == tuple(size):
        return input
    lead = len(shape) - len(size)
    bad = RuntimeError(f"size {{{', '.join(map(str, size))}}} is not expandable to size "
                       f"{{{', '.join(map(str, shape))}}}.")
    if lead < 0:
        raise bad
    dims = list(range(lead))
    for i, s in enumerate(size):
        if s == 1 and shape[lead + i] != 1:
            dims.append(lead + i)
        elif s != shape[lead + i]:
            raise bad
    res = apply(SUM, (input,), (tuple(dims), True, input.dtype), input.dtype) if dims else input
    return res.reshape(tuple(size)) if lead else res


reg("sum_to_size")(sum_to_size)


@reg("nansum")
@_parsed
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum over ``dim`` treating NaN as zero."""
    odt = _acc_dtype(input, dtype)
    return _write(apply(NANSUM, (input,), (_rdims(dim, input.ndim, "nansum"), bool(keepdim), odt), odt), out)


@reg("mean")
@_parsed
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean over ``dim``; needs a floating-point input or ``dtype``."""
    if dtype is not None:
        dtype = D.to_dtype(dtype)
        if not dtype.is_floating_point:
            raise RuntimeError(f"mean(): could not infer output dtype. Optional dtype must be either a floating "
                               f"point or complex dtype. Got: {_tname(dtype)}")
    elif not input.dtype.is_floating_point:
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_tname(input.dtype)}")
    odt = dtype or input.dtype
    return _write(apply(MEAN, (input,), (_rdims(dim, input.ndim, "mean"), bool(keepdim), odt), odt), out)


@reg("nanmean")
@_parsed
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean of the non-NaN elements over ``dim``."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_tname(input.dtype)}")
    if dtype is not None:
        input = input.to(D.to_dtype(dtype))
    return _write(nansum(input, dim, keepdim) / sum(~isnan(input), dim, keepdim), out)


@reg("prod")
@_parsed
@_autocast_entry("prod")
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product of all elements, or over the int ``dim``; bool/integer inputs give int64."""
    dims = _rdims(None if dim is None else _dim1(dim, input.ndim, "prod"), input.ndim, "prod")
    odt = _acc_dtype(input, dtype)
    return _write(apply(PROD, (input,), (dims, bool(keepdim), odt), odt), out)


# --- amax / amin / max / min / argmax / argmin / aminmax -------------------------------

def _extreme_bwd(ctx, g):
    return (_evenly(g, ctx.saved[0], ctx.output, *ctx.params),)


AMAX = defop("amax", F, "amax(x, dims, keepdim) -> out", backward=_extreme_bwd, save="both",
             doc="maximum over non-empty `dims`; NaN propagates")
AMIN = defop("amin", F, "amin(x, dims, keepdim) -> out", backward=_extreme_bwd, save="both",
             doc="minimum over non-empty `dims`; NaN propagates")
ARGMAX = defop("argmax", F, "argmax(x, dim, keepdim) -> out",
               doc="int64 index of the first maximum (a NaN counts as the maximum); dim None: of the flattened x")
ARGMIN = defop("argmin", F, "argmin(x, dim, keepdim) -> out", doc="as argmax, for the minimum")
MAX_DIM = defop("max_dim", F, "max_dim(x, dim, keepdim) -> (values, indices)", nout=2, save="output",
                backward=_index_bwd, decomposition=lambda x, d, k: (apply(AMAX, (x,), ((d,), k)),
                                                                    apply(ARGMAX, (x,), (d, k), D.int64)),
                doc="maximum along `dim` and the index of its first occurrence")
MIN_DIM = defop("min_dim", F, "min_dim(x, dim, keepdim) -> (values, indices)", nout=2, save="output",
                backward=_index_bwd, decomposition=lambda x, d, k: (apply(AMIN, (x,), ((d,), k)),
                                                                    apply(ARGMIN, (x,), (d, k), D.int64)),
                doc="minimum along `dim` and the index of its first occurrence")


def _amaxmin(op, name, input, dim, keepdim, out):
    if dim is None or isinstance(dim, (tuple, list)) and not dim:
        _no_dim_empty(input, name)
    dims = _rdims(dim, input.ndim, name)
    _nonempty(input, dims, name)
    return _write(apply(op, (input,), (dims, bool(keepdim))), out)


@reg("amax")
@_parsed
def amax(input, dim=(), keepdim=False, *, out=None):
    """Maximum over ``dim`` (all dims when empty); the gradient is shared evenly among ties."""
    return _amaxmin(AMAX, "amax", input, dim, keepdim, out)


@reg("amin")
@_parsed
def amin(input, dim=(), keepdim=False, *, out=None):
    """Minimum over ``dim`` (all dims when empty); the gradient is shared evenly among ties."""
    return _amaxmin(AMIN, "amin", input, dim, keepdim, out)


def _values_indices(op, name, input, d, keepdim, out, bool_ok=True):
    """Namedtuple (values, indices) of the single-dim reduction ``op`` along ``d``."""
    _nonempty(input, _rdims(d, input.ndim, name), name)
    if input.dtype is D.bool and not bool_ok:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'Bool\'')
    keepdim = bool(keepdim)
    values, indices = _one_dim(lambda x, d_: apply(op, (x,), (d_, keepdim), (x.dtype, D.int64)), input, d)
    return _named(name, values, indices, out)


def _max_min(name, whole, along, binary, input, dim, keepdim, out, other):
    if other is not None or isinstance(dim, Tensor):
        from . import math as M
        return getattr(M, binary)(input, dim if other is None else other, out=out)
    if dim is None:
        if keepdim:
            raise TypeError(f"{name}() received an invalid combination of arguments - got keepdim without dim")
        _no_dim_empty(input, name)
        return _write(apply(whole, (input,), (_rdims(None, input.ndim, name), False)), out)
    return _values_indices(along, name, input, _dim1(dim, input.ndim, name), keepdim, out)


@reg("max")
@_parsed
def max(input, dim=None, keepdim=False, *, out=None, other=None):
    """``max(x)``: the largest element; ``max(x, dim)``: namedtuple (values, indices) with the first maximum;
    ``max(x, other)``: elementwise maximum."""
    return _max_min("max", AMAX, MAX_DIM, "maximum", input, dim, keepdim, out, other)


@reg("min")
@_parsed
def min(input, dim=None, keepdim=False, *, out=None, other=None):
    """``min(x)``: the smallest element; ``min(x, dim)``: namedtuple (values, indices) with the first minimum;
    ``min(x, other)``: elementwise minimum."""
    return _max_min("min", AMIN, MIN_DIM, "minimum", input, dim, keepdim, out, other)


def _arg(op, name, input, dim, keepdim, out):
    if input.dtype is D.bool:
        raise RuntimeError(f"{name}(): does not support bool input")
    keepdim = bool(keepdim)
    if dim is None:
        if input.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        return _write(apply(op, (input,), (None, keepdim and input.ndim > 0), D.int64), out)
    d = _dim1(dim, input.ndim, name)
    _nonempty(input, _rdims(d, input.ndim, name), name)
    return _write(_one_dim(lambda x, d_: apply(op, (x,), (d_, keepdim), D.int64), input, d), out)


@reg("argmax")
@_parsed
def argmax(input, dim=None, keepdim=False, *, out=None):
    """Index of the first maximum over ``dim`` (of the flattened input when None)."""
    return _arg(ARGMAX, "argmax", input, dim, keepdim, out)


@reg("argmin")
@_parsed
def argmin(input, dim=None, keepdim=False, *, out=None):
    """Index of the first minimum over ``dim`` (of the flattened input when None)."""
    return _arg(ARGMIN, "argmin", input, dim, keepdim, out)


@reg("aminmax")
@_parsed
def aminmax(input, *, dim=None, keepdim=False, out=None):
    """Namedtuple (min, max) over the int ``dim`` (all elements when None)."""
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                               "identity.")
        dims = _rdims(None, input.ndim, "aminmax")
    else:
        dims = _rdims(_dim1(dim, input.ndim, "aminmax"), input.ndim, "aminmax")
        _nonempty(input, dims, "aminmax")
    params = (dims, bool(keepdim))
    return _named("aminmax", apply(AMIN, (input,), params), apply(AMAX, (input,), params), out, ("min", "max"))


# --- all / any / count_nonzero ----------------------------------------------------------

def _count_nonzero_decomp(x, dims, keepdim=False):
    return apply(SUM, (x != 0,), (dims, keepdim, D.int64), D.int64)


def _logical_decomp(test):
    def decomp(x, dims, keepdim):
        r = test(_count_nonzero_decomp(x, dims, keepdim), _count(x.shape, dims))
        return r.to(D.uint8) if x.dtype is D.uint8 else r
    return decomp


ALL = defop("all", F, "all(x, dims, keepdim) -> out", decomposition=_logical_decomp(lambda nz, n: nz == n),
            doc="whether every element is nonzero: bool (uint8 for uint8 inputs)")
ANY = defop("any", F, "any(x, dims, keepdim) -> out", decomposition=_logical_decomp(lambda nz, n: nz > 0),
            doc="whether some element is nonzero: bool (uint8 for uint8 inputs)")
COUNT_NONZERO = defop("count_nonzero", F, "count_nonzero(x, dims) -> out", decomposition=_count_nonzero_decomp,
                      doc="int64 count of the nonzero elements over `dims`")


def _logical(op, name, input, dim, keepdim, out):
    odt = D.uint8 if input.dtype is D.uint8 else D.bool
    return _write(apply(op, (input,), (_rdims(dim, input.ndim, name), bool(keepdim)), odt), out)


@reg("all")
@_parsed
def all(input, dim=None, keepdim=False, *, out=None):
    """Whether all elements (over ``dim``) are nonzero; True for empty input."""
    return _logical(ALL, "all", input, dim, keepdim, out)


@reg("any")
@_parsed
def any(input, dim=None, keepdim=False, *, out=None):
    """Whether any element (over ``dim``) is nonzero; False for empty input."""
    return _logical(ANY, "any", input, dim, keepdim, out)


@reg("count_nonzero")
@_parsed
def count_nonzero(input, dim=None):
    """Number of nonzero elements over ``dim`` (int or tuple; all when None), as int64."""
    return apply(COUNT_NONZERO, (input,), (_rdims(dim, input.ndim, "count_nonzero"),), D.int64)


# --- var / std ----------------------------------------------------------------------------

def _var_grad(g, x, dims, correction, keepdim):
    """PyTorch's var_backward: g * 2 (x - mean) / max(N - correction, 0)."""
    div = _b.max(_count(x.shape, dims) - correction, 0)
    centered = x - apply(MEAN, (x,), (dims, True, x.dtype)) if dims else x * 0
    return _keep(g, x.shape, dims, keepdim) * centered * (2.0 / div if div else float("inf"))


def _var_decomp(x, dims, correction, keepdim):
    centered = x - apply(MEAN, (x,), (dims, True, x.dtype)) if dims else x * 0
    div = _b.max(_count(x.shape, dims) - correction, 0)
    return apply(SUM, (centered * centered,), (dims, keepdim, x.dtype)) / float(div)


def _std_bwd(ctx, g):
    out = ctx.output
    return (_var_grad(where(out == 0, 0.0, g / (out * 2)), ctx.saved[0], *ctx.params),)


VAR = defop("var", F, "var(x, dims, correction, keepdim) -> out", save="inputs", decomposition=_var_decomp,
            backward=lambda ctx, g: (_var_grad(g, ctx.saved[0], *ctx.params),),
            doc="variance with divisor max(N - correction, 0)")
STD = defop("std", F, "std(x, dims, correction, keepdim) -> out", backward=_std_bwd, save="both",
            decomposition=lambda x, dims, c, k: _var_decomp(x, dims, c, k) ** 0.5, doc="square root of var")


def _var_args(name, input, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):  # var(input, unbiased)
        dim, unbiased = None, dim
    if not input.dtype.is_floating_point:
        what = name if "_" in name else "std and var"
        raise RuntimeError(f"{what} only support floating point and complex dtypes")
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both 'unbiased' and "
                        f"'correction'; pass only one of them")
    c = correction if correction is not None else (0 if unbiased is False else 1)
    dims = _rdims(dim, input.ndim, name)
    if _count(input.shape, dims) - c <= 0:
        warnings.warn(f"{name.split('_')[0]}(): degrees of freedom is <= 0. Correction should be strictly less "
                      f"than the reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return dims, c, bool(keepdim)


@reg("var")
@_parsed
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over ``dim`` with ``correction`` (default 1, Bessel's); ``unbiased`` is the legacy spelling."""
    return _write(apply(VAR, (input,), _var_args("var", input, dim, unbiased, keepdim, correction)), out)


@reg("std")
@_parsed
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation over ``dim``: ``sqrt(var(input, dim, correction=...))``."""
    return _write(apply(STD, (input,), _var_args("std", input, dim, unbiased, keepdim, correction)), out)


@_parsed
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(variance, mean) over ``dim``."""
    dims, c, k = _var_args("var_mean", input, dim, unbiased, keepdim, correction)
    return apply(VAR, (input,), (dims, c, k)), apply(MEAN, (input,), (dims, k, input.dtype))


@_parsed
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(standard deviation, mean) over ``dim``."""
    dims, c, k = _var_args("std_mean", input, dim, unbiased, keepdim, correction)
    return apply(STD, (input,), (dims, c, k)), apply(MEAN, (input,), (dims, k, input.dtype))


# --- logsumexp / norm ------------------------------------------------------------------------

def _logsumexp_bwd(ctx, g):
    x, out = ctx.saved[0], ctx.output
    dims, keepdim = ctx.params
    return (_keep(g, x.shape, dims, keepdim) * exp(x - _keep(out, x.shape, dims, keepdim)),)


def _stable_shift(x, dims):
    """The shift of a stable log-sum-exp: the maximum over ``dims`` (keepdim), 0 where it is infinite."""
    m = apply(AMAX, (x.detach(),), (dims, True))
    return where(isinf(m), 0.0, m)


def _logsumexp_decomp(x, dims, keepdim):
    if _b.any(x.shape[d] == 0 for d in dims):
        return log(apply(SUM, (x,), (dims, keepdim, x.dtype)) * 0)  # log(0) = -inf, in the output shape
    m = _stable_shift(x, dims)
    r = log(apply(SUM, (exp(x - m),), (dims, True, x.dtype))) + m
    return r if keepdim else r.reshape(tuple(s for i, s in enumerate(x.shape) if i not in dims))


LOGSUMEXP = defop("logsumexp", F, "logsumexp(x, dims, keepdim) -> out", backward=_logsumexp_bwd, save="both",
                  decomposition=_logsumexp_decomp, doc="log(sum(exp(x))) computed stably; -inf over empty dims")


@reg("logsumexp")
@_parsed
def logsumexp(input, dim, keepdim=False, *, out=None):
    """``log(sum(exp(input), dim))`` without overflow; integer inputs give the default float dtype."""
    if not input.dtype.is_floating_point:
        input = input.to(D.get_default_dtype())
    return _write(apply(LOGSUMEXP, (input,), (_rdims(dim, input.ndim, "logsumexp"), bool(keepdim))), out)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """``torch.norm``: the vector ``p``-norm over ``dim`` (all elements when None) through
    ``linalg.vector_norm``; ``"fro"`` is the 2-norm, ``"nuc"`` and other strings go to ``linalg.matrix_norm``."""
    from .. import linalg as LA
    check_tensor(input, "norm")
    dims = [dim] if isinstance(dim, int) else dim
    kw = {"dtype": dtype, "out": out}
    if isinstance(p, str):
        if p == "fro" and (dims is None or len(dims) <= 2):
            return LA.vector_norm(input, 2, _vector_dims(input, dims), keepdim, **kw)
        return LA.matrix_norm(input, p, list(range(input.ndim)) if dims is None else dims, keepdim, **kw)
    return LA.vector_norm(input, 2.0 if p is None else p, _vector_dims(input, dims), keepdim, **kw)


def _vector_dims(x, dims):
    """The dims for linalg.vector_norm; for a 0-d tensor any valid dim means all of it."""
    if x.ndim == 0 and dims is not None:
        wrap_dims(dims, 0, "norm")
        return None
    return dims


def _norm_method(self, p="fro", dim=None, keepdim=False, dtype=None):
    return norm(self, p, dim, keepdim, dtype=dtype)


reg("norm")(_norm_method)


# --- scans ---------------------------------------------------------------------------------

def _cumprod_bwd(ctx, g):
    x, out = ctx.saved[0], ctx.output
    dim = ctx.params[0]
    if x.shape[dim] <= 1:
        return (g,)
    if not bool(any(x == 0)):
        return (_rev_cumsum(g * out, dim) / x,)
    if STATE.enabled:  # recording a double backward: keep every entry differentiable in every x
        return (_cumprod_grad_dense(g, x, dim),)
    return (_cumprod_grad_zeros(g, x, out, dim),)


def _cumprod_grad_zeros(g, x, out, dim):
    """PyTorch's O(n) formula with zeros: before the first zero z of a slice the simple formula holds
    (out is 0 from z on); at z the gradient is prod(x[:z]) * sum_{j>=z} g_j prod(x[z+1:j+1]); after z, 0."""
    is_zero = x == 0
    zeros_upto = cumsum(is_zero, dim)
    before = zeros_upto == 0
    g_before = where(before, _rev_cumsum(g * out, dim) / where(before, x, 1.0), 0.0)
    prefix = cumprod(where(before, x, 1.0), dim)
    after = cumprod(where(zeros_upto - is_zero.to(D.int64) == 0, 1.0, x), dim)
    return g_before + where(is_zero & (zeros_upto == 1), prefix * _rev_cumsum(g * after, dim), 0.0)


def _cumprod_grad_dense(g, x, dim):
    """grad_k = sum_{j>=k} g_j prod_{i<=j, i!=k} x_i through an (n, n) table per slice: O(n^2) memory."""
    from .creation import arange
    n = x.shape[dim]
    xt, gt = x.transpose(dim, -1), g.transpose(dim, -1)
    k, j = arange(n, device=x.device).reshape(n, 1), arange(n, device=x.device)
    others = cumprod(where(k == j, 1.0, xt.unsqueeze(-2)), -1)  # [..., k, j] = prod_{i<=j, i!=k} x_i
    return sum(where(k <= j, gt.unsqueeze(-2) * others, 0.0), -1).transpose(dim, -1)


def _cum_extreme_bwd(ctx, g, *_):
    from .creation import zeros
    dim, idx = ctx.params[0], ctx.output[1]
    return (zeros(ctx.shapes[0], dtype=g.dtype, device=g.device).scatter_add(dim, idx, g),)


def _logcumsumexp_bwd(ctx, g):
    """PyTorch's formula: the positive and negative parts of ``g`` accumulated in log space."""
    x, out = ctx.saved[0], ctx.output
    dim = ctx.params[0]
    log_abs, lowest = log(abs(g)), D.finfo(g.dtype).min

    def part(log_g):
        return exp(logcumsumexp((log_g - out).flip(dim), dim).flip(dim) + x)

    return (part(where(g > 0, log_abs, lowest)) - part(where(g < 0, log_abs, lowest)),)


def _logcumsumexp_decomp(x, dim):
    if x.numel() == 0:
        return x * 1
    m = _stable_shift(x, (dim,))
    return log(apply(CUMSUM, (exp(x - m),), (dim, x.dtype))) + m


CUMSUM = defop("cumsum", F, "cumsum(x, dim, dtype) -> out", backward=lambda ctx, g: (_rev_cumsum(g, ctx.params[0]),),
               doc="inclusive prefix sums along `dim`, accumulated in `dtype`")
CUMPROD = defop("cumprod", F, "cumprod(x, dim, dtype) -> out", backward=_cumprod_bwd, save="both",
                doc="inclusive prefix products along `dim`, accumulated in `dtype`")
CUMMAX = defop("cummax", F, "cummax(x, dim) -> (values, indices)", nout=2, save="output", backward=_cum_extreme_bwd,
               doc="running maximum and the index of its latest occurrence; NaN propagates")
CUMMIN = defop("cummin", F, "cummin(x, dim) -> (values, indices)", nout=2, save="output", backward=_cum_extreme_bwd,
               doc="running minimum and the index of its latest occurrence; NaN propagates")
LOGCUMSUMEXP = defop("logcumsumexp", F, "logcumsumexp(x, dim) -> out", backward=_logcumsumexp_bwd, save="both",
                     decomposition=_logcumsumexp_decomp, doc="log(cumsum(exp(x))) computed stably")


def _scan(op, name, input, dim, dtype, out):
    d = _dim1(dim, input.ndim, name)
    return _write(_one_dim(lambda x, d_: apply(op, (x,), (d_, dtype), dtype), input, d), out)


@reg("cumsum")
@_parsed
def cumsum(input, dim, *, dtype=None, out=None):
    """Cumulative sum along ``dim``; bool/integer inputs accumulate in int64."""
    return _scan(CUMSUM, "cumsum", input, dim, _acc_dtype(input, dtype), out)


@reg("cumprod")
@_parsed
def cumprod(input, dim, *, dtype=None, out=None):
    """Cumulative product along ``dim``; bool/integer inputs accumulate in int64."""
    return _scan(CUMPROD, "cumprod", input, dim, _acc_dtype(input, dtype), out)


def _cum_extreme(op, name, input, dim, out):
    d = _dim1(dim, input.ndim, name)
    values, indices = _one_dim(lambda x, d_: apply(op, (x,), (d_,), (x.dtype, D.int64)), input, d)
    return _named(name, values, indices, out)


@reg("cummax")
@_parsed
def cummax(input, dim, *, out=None):
    """Namedtuple (values, indices): the running maximum along ``dim`` (ties: the latest index)."""
    return _cum_extreme(CUMMAX, "cummax", input, dim, out)


@reg("cummin")
@_parsed
def cummin(input, dim, *, out=None):
    """Namedtuple (values, indices): the running minimum along ``dim`` (ties: the latest index)."""
    return _cum_extreme(CUMMIN, "cummin", input, dim, out)


@reg("logcumsumexp")
@_parsed
def logcumsumexp(input, dim, *, out=None):
    """``log(cumsum(exp(input), dim))`` computed stably."""
    d = _dim1(dim, input.ndim, "logcumsumexp")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{_tname(input.dtype)}\'')
    return _write(_one_dim(lambda x, d_: apply(LOGCUMSUMEXP, (x,), (d_,)), input, d), out)
