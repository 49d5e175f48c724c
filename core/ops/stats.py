"""Statistics, numerical integration and array utilities, composed of ember ops.

diff, cov, corrcoef, quantile / nanquantile, trapezoid / trapz / cumulative_trapezoid, dist, renorm,
isin, cartesian_prod, combinations, block_diag, tril_indices / triu_indices, unravel_index, vander and
the window functions (hann, hamming, blackman, bartlett, kaiser).

Every function here is a composite written in other ember ops: no new kernels, every backend runs
them, and autograd (first and higher order) comes from the ops they are made of.  Argument checks
and messages follow PyTorch's.
"""
from __future__ import annotations

import builtins
import itertools
import math as _m
import warnings

from .. import _dtype as D
from .._dispatch import common_backend
from .._tensor import Tensor
from ._util import reg, wrap_dim
from .creation import (
    arange,
    clone,
    empty,
    full,
    full_like,
    ones,
    scalar_tensor,
    tensor,
    zeros,
    zeros_like,
)
from .elementwise import _out, check_tensor_arg, logical_xor, not_implemented, where
from .indexing import nonzero
from .inplace import torch_type_name
from .joining import cat, meshgrid, stack
from .sort import searchsorted
from .special import i0

INPLACE = ("renorm",)


def _int_arg(value, op, name, pos=None):
    """``value`` as an int; PyTorch's TypeError for floats, bools and other non-integers."""
    if isinstance(value, Tensor) and not value.dtype.is_floating_point and value.dtype is not D.bool \
            and value.ndim == 0:
        return int(value.item())
    if isinstance(value, builtins.bool) or not hasattr(value, "__index__"):
        where_ = f" (position {pos})" if pos else ""
        raise TypeError(f"{op}(): argument '{name}'{where_} must be int, not {type(value).__name__}")
    return value.__index__()


def _num_arg(value, op, name, pos):
    if isinstance(value, Tensor):
        return value.item()
    if isinstance(value, str) or not isinstance(value, (int, float)):
        raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be Number, not {type(value).__name__}")
    return value


def _check_same_device(op, *tensors):
    common_backend(op, [t for t in tensors if t is not None])


# --- diff -------------------------------------------------------------------------------------

def _check_diff_operand(input, other, dim, name, pos):
    if other is None:
        return
    check_tensor_arg(other, "diff", name, pos)
    if other.ndim != input.ndim:
        raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    for i in range(other.ndim):
        if i != dim and other.shape[i] != input.shape[i]:
            raise RuntimeError(
                f"diff expects the shape of tensor to prepend or append to match that of input except along the "
                f"differencing dimension; input.size({i}) = {input.shape[i]}, but got tensor.size({i}) = "
                f"{other.shape[i]}")


@reg("diff")
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim``, after concatenating ``prepend`` and ``append``.

    >>> ember.diff(ember.tensor([1, 3, 6, 10]))
    tensor([2, 3, 4])
    """
    check_tensor_arg(input, "diff", "input", 1)
    n = _int_arg(n, "diff", "n")
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = wrap_dim(dim, input.ndim, "diff")
    _check_diff_operand(input, prepend, d, "prepend", 4)
    _check_diff_operand(input, append, d, "append", 5)
    parts = [t for t in (prepend, input, append) if t is not None]
    x = cat(parts, d) if len(parts) > 1 else input
    if n == 0:
        return clone(x)
    for _ in range(builtins.min(n, x.shape[d])):
        m = x.shape[d] - 1
        hi, lo = x.narrow(d, 1, m), x.narrow(d, 0, m)
        x = logical_xor(hi, lo) if x.dtype is D.bool else hi - lo
    return x


# --- cov / corrcoef ---------------------------------------------------------------------------

def _check_weights(w, kind, nobs):
    if w.ndim > 1:
        raise RuntimeError(f"cov(): expected {kind} to have one or fewer dimensions but got {kind} with {w.ndim} "
                           f"dimensions")
    integral = w.dtype.category < 2 and w.dtype is not D.bool
    if kind == "fweights" and not integral:
        raise RuntimeError(f"cov(): expected fweights to have integral dtype but got fweights with "
                           f"{torch_type_name(w.dtype)} dtype")
    if kind == "aweights" and not w.dtype.is_floating_point:
        raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got aweights with "
                           f"{torch_type_name(w.dtype)} dtype")
    if w.numel() != nobs:
        raise RuntimeError(f"cov(): expected {kind} to have the same numel as there are observations in the input "
                           f"but got {w.numel()} != {nobs}")
    if nobs > 0 and builtins.bool((w < 0).any()):
        raise RuntimeError(f"cov(): {kind} cannot be negative")


@reg("cov")
def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance of the variables in the rows of ``input`` (columns are observations).

    ``correction`` is subtracted from the (weighted) number of observations; ``fweights`` are integer
    frequency weights, ``aweights`` floating observation weights.

    >>> ember.cov(ember.tensor([[0., 1., 2.], [2., 1., 0.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    check_tensor_arg(input, "cov", "input", 1)
    correction = _int_arg(correction, "cov", "correction")
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    if input.dtype is D.bool:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    nobs = x.shape[1]
    w = None
    if fweights is not None:
        check_tensor_arg(fweights, "cov", "fweights", 2)
        _check_weights(fweights, "fweights", nobs)
        w = fweights
    if aweights is not None:
        check_tensor_arg(aweights, "cov", "aweights", 3)
        _check_weights(aweights, "aweights", nobs)
        w = aweights if w is None else w * aweights
    _check_same_device("cov", input, fweights, aweights)
    if w is None:
        w_sum = nobs
        avg = x.sum(1) / nobs
        norm_factor = nobs - correction
        too_few = norm_factor <= 0
    else:
        w_sum = w.sum()
        if not builtins.bool(w_sum != 0):
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
        avg = (x * w).sum(1) / w_sum
        if aweights is not None and correction != 0:
            norm_factor = w_sum - correction * (w * aweights).sum() / w_sum
        else:
            norm_factor = w_sum - correction
        too_few = builtins.bool(norm_factor <= 0)
    if too_few:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=2)
        norm_factor = 0 if w is None else zeros_like(norm_factor)
    xc = x - avg.unsqueeze(1)
    c = xc.mm((xc if w is None else xc * w).t())
    return (c / norm_factor).squeeze()


@reg("corrcoef")
def corrcoef(input):
    """Pearson correlation coefficients of the variables in the rows of ``input``, clipped to [-1, 1]."""
    check_tensor_arg(input, "corrcoef", "input", 1)
    if input.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    c = cov(input)
    if c.ndim == 0:
        return c / c  # nan for a variance of 0, nan or inf; 1 otherwise
    std = c.diagonal().sqrt()
    c = c / std.reshape(-1, 1)
    c = c / std.reshape(1, -1)
    return c.clamp(-1, 1)


# --- quantile / nanquantile -------------------------------------------------------------------

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, out, ignore_nan):
    op = "nanquantile" if ignore_nan else "quantile"
    check_tensor_arg(input, op, "input", 1)
    if not isinstance(q, Tensor):
        q = builtins.float(_num_arg(q, op, "q", 2))
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q:g}")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    if input.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if isinstance(q, Tensor) and q.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if input.dtype not in (D.float32, D.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        if q.dtype is not input.dtype:
            raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
        _check_same_device(op, input, q)
        if not builtins.bool(((q >= 0) & (q <= 1)).all()):
            raise RuntimeError("quantile() q values must be in the range [0, 1]")
    scalar_q = not isinstance(q, Tensor) or q.ndim == 0
    qs = q.reshape(-1) if isinstance(q, Tensor) else tensor([q], dtype=input.dtype, device=input.device)

    # sorted slices along the last dim; NaN sorts last
    if dim is None or input.ndim == 0:
        if dim is not None:
            wrap_dim(dim, 0, op)
        d = None
        x = input.reshape(-1)
    else:
        d = wrap_dim(dim, input.ndim, op)
        x = input.movedim(d, -1)
    srt = x.sort(-1).values
    n = srt.shape[-1]
    nans = srt.isnan()
    if ignore_nan:
        ranks = qs * ((~nans).sum(-1, keepdim=True) - 1)
        ranks = where(ranks < 0, 0.0, ranks)  # all NaN: rank 0 picks NaN
    else:
        ranks = where(nans.any(-1, keepdim=True), builtins.float(n - 1), qs * (n - 1))  # any NaN: pick it
    if interpolation == "lower":
        ranks = ranks.floor()
    elif interpolation == "higher":
        ranks = ranks.ceil()
    elif interpolation == "nearest":
        ranks = ranks.round()  # half to even, like PyTorch
    below = ranks.to(D.int64)
    values = srt.gather(-1, below)
    if interpolation in ("linear", "midpoint"):
        weights = full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
        values = values.lerp(srt.gather(-1, ranks.ceil().to(D.int64)), weights)
    values = values.movedim(-1, 0)  # (q, *batch)
    if scalar_q:
        values = values.squeeze(0)
    if keepdim:
        if d is None:
            values = values.reshape(tuple(values.shape[:1 - scalar_q]) + (1,) * input.ndim)
        else:
            values = values.unsqueeze(d + (not scalar_q))
    return _out(values, out)


@reg("quantile")
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The ``q``-th quantiles of ``input`` along ``dim`` (all elements when None).

    ``q`` is a number or a 0-d/1-D tensor in [0, 1] (a 1-D ``q`` adds a leading output dim).
    ``interpolation`` between the two nearest data points: linear, lower, higher, midpoint or nearest.
    Any NaN in a slice makes its quantile NaN (see :func:`nanquantile`).

    >>> ember.quantile(ember.tensor([1., 2., 3., 4.]), 0.5)
    tensor(2.5000)
    """
    return _quantile(input, q, dim, keepdim, interpolation, out, ignore_nan=False)


@reg("nanquantile")
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """:func:`quantile` ignoring NaN values (NaN only where a slice is all NaN)."""
    return _quantile(input, q, dim, keepdim, interpolation, out, ignore_nan=True)


# --- trapezoid / cumulative_trapezoid ---------------------------------------------------------

def _trapz_args(op, y, x, dx, dim):
    check_tensor_arg(y, op, "y", 1)
    if x is not None and dx is not None:
        raise TypeError(f"{op}() received an invalid combination of arguments - got (Tensor, x=Tensor, dx="
                        f"{type(dx).__name__}), but expected one of: (Tensor y, Tensor x, *, int dim = -1) or "
                        f"(Tensor y, *, Number dx = 1, int dim = -1)")
    if x is not None and not isinstance(x, Tensor):
        raise TypeError(f"{op}() received an invalid combination of arguments - got (Tensor, {type(x).__name__}), "
                        f"but expected one of: (Tensor y, Tensor x, *, int dim = -1) or (Tensor y, *, Number dx "
                        f"= 1, int dim = -1)")
    if x is None:
        dx = 1 if dx is None else dx
        if isinstance(dx, Tensor):
            dx = dx.item()
        if isinstance(dx, builtins.bool) or not isinstance(dx, (int, float)):
            raise RuntimeError(f"{op}: Currently, we only support dx as a real number.")
    dim = _int_arg(dim, op, "dim")
    if y.ndim == 0:
        if op == "cumulative_trapezoid" and x is None:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return wrap_dim(dim, y.ndim, op), dx


def _spacing(op, y, x, d):
    """Differences of the sample points ``x``, shaped to broadcast against the differences of ``y``."""
    if y.dtype is D.bool or x.dtype is D.bool:
        raise RuntimeError(f"{op}: received a bool input for `x` or `y`, but bool is not supported")
    _check_same_device(op, y, x)
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point")
        x = x.reshape(tuple(x.shape[0] if i == d else 1 for i in range(y.ndim)))
    elif x.ndim < y.ndim:
        x = x.reshape((1,) * (y.ndim - x.ndim) + tuple(x.shape))
    m = builtins.max(x.shape[d] - 1, 0)
    return x.narrow(d, x.shape[d] - m, m) - x.narrow(d, 0, m)


def _sides(y, d):
    m = builtins.max(y.shape[d] - 1, 0)
    return y.narrow(d, 0, m), y.narrow(d, y.shape[d] - m, m)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """Integral of ``y`` along ``dim`` by the trapezoidal rule, with sample points ``x`` or spacing ``dx``.

    >>> ember.trapezoid(ember.tensor([1., 2., 3.]))
    tensor(4.)
    """
    d, dx = _trapz_args("trapezoid", y, x, dx, dim)
    if y.shape[d] == 0:
        return zeros(tuple(s for i, s in enumerate(y.shape) if i != d), dtype=y.dtype, device=y.device)
    if x is not None:
        left, right = _sides(y, d)
        return (_spacing("trapezoid", y, x, d) * (right + left) / 2.0).sum(d)
    if y.dtype is D.bool:
        raise RuntimeError("trapezoid: received a bool input for `y`, but bool is not supported")
    return (y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * builtins.float(dx)


def trapz(y, x=None, *, dx=None, dim=-1):
    """Alias of :func:`trapezoid` (its ``dx`` is a float argument, so ``True`` passes as 1.0)."""
    if isinstance(dx, builtins.bool):
        dx = builtins.float(dx)
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """Running trapezoidal integral of ``y`` along ``dim`` (one element shorter than ``y`` there).

    >>> ember.cumulative_trapezoid(ember.tensor([1., 2., 3.]))
    tensor([1.5000, 4.0000])
    """
    d, dx = _trapz_args("cumulative_trapezoid", y, x, dx, dim)
    left, right = _sides(y, d)
    if x is not None:
        return (_spacing("cumulative_trapezoid", y, x, d) * (left + right) / 2.0).cumsum(d)
    if y.dtype is D.bool:
        raise RuntimeError("cumulative_trapezoid: received a bool input for `y`, but bool is not supported")
    return (builtins.float(dx) / 2.0 * (left + right)).cumsum(d)


# --- dist / renorm ----------------------------------------------------------------------------

@reg("dist")
def dist(input, other, p=2):
    """The ``p``-norm of ``input - other`` (broadcast), over all elements.

    >>> ember.dist(ember.tensor([0., 0.]), ember.tensor([3., 4.]))
    tensor(5.)
    """
    from .. import linalg
    check_tensor_arg(input, "dist", "input", 1)
    check_tensor_arg(other, "dist", "other", 2)
    p = _num_arg(p, "dist", "p", 3)
    difference = input - other
    if not difference.dtype.is_floating_point:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{torch_type_name(difference.dtype)} instead.")
    return linalg.vector_norm(difference, builtins.float(p))


@reg("renorm")
def renorm(input, p, dim, maxnorm, *, out=None):
    """Rescale each slice ``input.select(dim, i)`` whose ``p``-norm exceeds ``maxnorm`` to norm ``maxnorm``.

    >>> ember.renorm(ember.tensor([[3., 4.], [0.3, 0.4]]), 2, 0, 1.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    from .. import linalg
    check_tensor_arg(input, "renorm", "input", 1)
    p = builtins.float(_num_arg(p, "renorm", "p", 2))
    maxnorm = builtins.float(_num_arg(maxnorm, "renorm", "maxnorm", 4))
    if not p > 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    d = wrap_dim(dim, input.ndim, "renorm")
    others = tuple(i for i in range(input.ndim) if i != d)
    acc = D.float32 if input.dtype in (D.float16, D.bfloat16) else None  # half types: norm in float32
    norm = linalg.vector_norm(input, p, others, True, dtype=acc)
    factor = where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
    return _out(input * factor.to(input.dtype), out)


# --- isin -------------------------------------------------------------------------------------

def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each element of ``elements`` occurs in ``test_elements`` (either may be a Python scalar).

    >>> ember.isin(ember.tensor([1, 2, 3]), ember.tensor([2, 5]))
    tensor([False,  True, False])
    """
    te, tt = isinstance(elements, Tensor), isinstance(test_elements, Tensor)
    bad = not (te or tt) or not isinstance(assume_unique, builtins.bool) or not isinstance(invert, builtins.bool)
    if bad:
        got = ", ".join(type(a).__name__ if not isinstance(a, Tensor) else "Tensor" for a in (elements, test_elements))
        raise TypeError(f"isin() received an invalid combination of arguments - got ({got}, ...), but expected "
                        f"one of: (Tensor elements, Tensor test_elements, *, bool assume_unique = False, bool invert "
                        f"= False) or (Number element, Tensor test_elements, ...) or (Tensor elements, Number "
                        f"test_element, ...)")
    ct = D.result_dtype((elements, test_elements))
    for a in (elements, test_elements):
        if isinstance(a, Tensor) and a.dtype is D.bool or isinstance(a, builtins.bool):
            raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    if te and tt:
        _check_same_device("isin", elements, test_elements)
    backend = (elements if te else test_elements)._backend
    e = elements.to(ct) if te else scalar_tensor(elements, ct, backend)
    t = test_elements.to(ct) if tt else scalar_tensor(test_elements, ct, backend)
    flat = e.reshape(-1)
    if t.numel() == 0:
        found = zeros(tuple(e.shape), dtype=D.bool, device=e.device)
    else:
        table = t.reshape(-1).sort().values
        pos = searchsorted(table, flat).clamp(max=table.shape[0] - 1)
        found = (table.index_select(0, pos) == flat).reshape(tuple(e.shape))
    return ~found if invert else found


# --- cartesian_prod / combinations / block_diag -------------------------------------------------

def _check_vector(t, op, pos):
    check_tensor_arg(t, op, "tensors" if op == "cartesian_prod" else "input", pos)
    if t.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")


def cartesian_prod(*tensors):
    """Cartesian product of 1-D tensors: a ``(prod(len), len(tensors))`` tensor (itertools.product order).

    >>> ember.cartesian_prod(ember.tensor([1, 2]), ember.tensor([3, 4]))
    tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    for i, t in enumerate(tensors):
        _check_vector(t, "cartesian_prod", i + 1)
    if len(tensors) == 1:
        return tensors[0]
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if any(t.dtype is not tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    _check_same_device("cartesian_prod", *tensors)
    return stack([g.reshape(-1) for g in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input, r=2, with_replacement=False):
    """Length-``r`` combinations of the elements of 1-D ``input``, as rows (itertools order).

    >>> ember.combinations(ember.tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    _check_vector(input, "combinations", 1)
    r = _int_arg(r, "combinations", "r", 2)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return empty((0,), dtype=input.dtype, device=input.device)
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    flat = [i for combo in gen(range(input.shape[0]), r) for i in combo]
    index = tensor(flat, dtype=D.int64, device=input.device)
    return input.index_select(0, index).reshape(-1, r)


def block_diag(*tensors):
    """Block-diagonal matrix of the given 0-, 1- or 2-D tensors (a 1-D tensor is one row).

    >>> ember.block_diag(ember.tensor([[1, 2]]), ember.tensor(3))
    tensor([[1, 2, 0],
            [0, 0, 3]])
    """
    if not tensors:
        return empty((1, 0))
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
    _check_same_device("block_diag", *tensors)
    rt = D.result_dtype(tensors)
    blocks = [t.reshape(1, -1) if t.ndim < 2 else t for t in tensors]
    cols = builtins.sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    device = tensors[0].device
    for b in blocks:
        h, w = b.shape
        rows.append(cat([zeros(h, left, dtype=rt, device=device), b.to(rt),
                         zeros(h, cols - left - w, dtype=rt, device=device)], 1))
        left += w
    return cat(rows, 0)


# --- tril_indices / triu_indices / unravel_index / vander -------------------------------------

def _tri_indices(op, row, col, offset, dtype, device, lower):
    row = _int_arg(row, op, "row", 1)
    col = _int_arg(col, op, "col", 2)
    offset = _int_arg(offset, op, "offset", 3)
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    dtype = D.int64 if dtype is None else D.to_dtype(dtype)
    if dtype not in (D.int32, D.int64):
        raise not_implemented(op, dtype)
    k = arange(col, device=device) - arange(row, device=device).reshape(-1, 1)  # column - row
    mask = k <= offset if lower else k >= offset
    return nonzero(mask).t().contiguous().to(dtype)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=False):
    """``(2, N)`` coordinates of the lower triangle of a ``row x col`` matrix (diagonal ``offset``), row-major.

    >>> ember.tril_indices(2, 2)
    tensor([[0, 1, 1],
            [0, 0, 1]])
    """
    return _tri_indices("tril_indices", row, col, offset, dtype, device, True)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=False):
    """``(2, N)`` coordinates of the upper triangle of a ``row x col`` matrix (diagonal ``offset``), row-major."""
    return _tri_indices("triu_indices", row, col, offset, dtype, device, False)


def unravel_index(indices, shape):
    """Flat indices into a tensor of ``shape`` -> a tuple of coordinate tensors (one per dim), like NumPy.

    >>> ember.unravel_index(ember.tensor([4, 1]), (2, 3))
    (tensor([1, 0]), tensor([1, 1]))
    """
    if not isinstance(indices, Tensor):
        raise TypeError(f"unravel_index(): argument 'indices' must be Tensor, not {type(indices).__name__}")
    if indices.dtype.is_floating_point or indices.dtype is D.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, builtins.bool) or not isinstance(shape, (int, tuple, list)) and \
            not hasattr(shape, "__index__"):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    if not isinstance(shape, (tuple, list)):
        shape = (shape,)
    for s in shape:
        if isinstance(s, builtins.bool) or not hasattr(s, "__index__"):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(s)}")
    shape = tuple(s.__index__() for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    strides = list(itertools.accumulate(reversed(shape[1:] + (1,)), lambda a, b: a * b))[::-1]
    coords = indices.unsqueeze(-1).floor_divide(tensor(strides, dtype=D.int64, device=indices.device))
    coords = coords % tensor(list(shape), dtype=D.int64, device=indices.device)
    return tuple(coords.unbind(-1))


def vander(x, N=None, increasing=False):
    """Vandermonde matrix: columns ``x ** (N-1), ..., x, 1`` (reversed when ``increasing``).

    >>> ember.vander(ember.tensor([1, 2, 3]), 3)
    tensor([[1, 1, 1],
            [4, 2, 1],
            [9, 3, 1]])
    """
    check_tensor_arg(x, "vander", "x", 1)
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else _int_arg(N, "vander", "N", 2)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    rt = D.promote_types(x.dtype, D.int64)  # integer inputs give int64, as cumprod does
    m = x.shape[0]
    result = ones(m, builtins.min(n, 1), dtype=rt, device=x.device)
    if n > 1:
        powers = x.to(rt).unsqueeze(1).expand(m, n - 1).cumprod(1)
        result = cat([result, powers], 1)
    return result if increasing else result.flip(1)


# --- window functions -------------------------------------------------------------------------

def _window_args(name, window_length, dtype):
    if isinstance(window_length, Tensor):
        window_length = _int_arg(window_length, name, "window_length", 1)
    elif isinstance(window_length, builtins.bool) or not hasattr(window_length, "__index__"):
        raise TypeError(f"{name}(): argument 'window_length' (position 1) must be int, not "
                        f"{type(window_length).__name__}")
    dtype = D.get_default_dtype() if dtype is None else D.to_dtype(dtype)
    if not dtype.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype="
                           f"{torch_type_name(dtype)})")
    window_length = window_length.__index__()
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    return window_length, dtype


def _window(name, window_length, periodic, dtype, device, requires_grad, body):
    """The shared frame of the window functions: checks, the 0/1-length cases, and periodic = the
    symmetric window of length + 1 without its last point.  ``body(n_points, dtype, device)``."""
    n, dtype = _window_args(name, window_length, dtype)
    if n == 0:
        w = empty((0,), dtype=dtype, device=device)
    elif n == 1:
        w = ones((1,), dtype=dtype, device=device)
    else:
        points = n + 1 if periodic else n
        w = body(points, dtype, device)
        if periodic:
            w = w.narrow(0, 0, n).contiguous()
    return w.requires_grad_(True) if requires_grad else w


def _ramp(points, step, dtype, device):
    return arange(points, dtype=dtype, device=device) * step


def _cosine_window(alpha, beta):
    def body(points, dtype, device):
        return _ramp(points, 2.0 * _m.pi / (points - 1), dtype, device).cos() * -beta + alpha
    return body


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False,
                pin_memory=False):
    """Hann window ``0.5 - 0.5 cos(2 pi n / (N - 1))``; ``periodic`` drops the last point of a length+1 window.

    >>> ember.hann_window(4)
    tensor([0.0000, 0.5000, 1.0000, 0.5000])
    """
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad, _cosine_window(0.5, 0.5))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   requires_grad=False, pin_memory=False):
    """Hamming window ``alpha - beta cos(2 pi n / (N - 1))``."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_window(builtins.float(alpha), builtins.float(beta)))


def _blackman(points, dtype, device):
    w = _ramp(points, _m.pi / (points - 1), dtype, device)
    return (w * 4).cos() * 0.08 - (w * 2).cos() * 0.5 + 0.42


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False,
                    pin_memory=False):
    """Blackman window ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``."""
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad, _blackman)


def _bartlett(points, dtype, device):
    w = _ramp(points, 2.0 / (points - 1), dtype, device)
    second_half = arange(points, device=device) >= (points - 1) // 2 + 1
    return where(second_half, 2 - w, w)


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False,
                    pin_memory=False):
    """Bartlett (triangular) window ``1 - |2n / (N - 1) - 1|``."""
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad, _bartlett)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  requires_grad=False, pin_memory=False):
    """Kaiser window ``i0(beta sqrt(1 - ((n - a) / a)^2)) / i0(beta)``, ``a = (N - 1) / 2``."""
    beta = builtins.float(beta)

    def body(points, dtype, device):
        ct = D.float32 if dtype in (D.float16, D.bfloat16) else dtype  # computed in float32, rounded once
        alpha = (points - 1) / 2.0
        t = (arange(points, dtype=ct, device=device) - alpha) / alpha
        w = i0((1 - t * t).abs().sqrt() * beta) / i0(full((), beta, dtype=ct, device=device))
        return w.to(dtype)

    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, body)
