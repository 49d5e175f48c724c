"""``ember.linalg``: PyTorch's ``torch.linalg`` namespace.

The ops (kernels + backward formulas) are declared in ``ember/ops/linalg.py``;
this module validates arguments like PyTorch (same exception types and
messages), handles batching / broadcasting / vector right-hand sides, and turns
the kernels' LAPACK-style ``info`` outputs into :class:`LinAlgError`.

    import ember
    A = ember.tensor([[4.0, 1.0], [1.0, 3.0]])
    ember.linalg.cholesky(A)          # lower-triangular L with L @ L.T == A
"""
from __future__ import annotations

import math as _math

from . import _dtype as _D
from ._dispatch import apply as _apply
from ._tensor import Tensor as _Tensor
from .ops import decomp as _DC
from .ops import linalg as _L
from .ops._util import broadcast_shapes as _bshape
from .ops._util import check_tensor as _check_tensor
from .ops._util import wrap_dim as _wrap_dim
from .ops._util import wrap_dims as _wrap_dims
from .ops.linalg import _linalg_cross, _mT, _tname, _vector_norm, matmul
from .ops.reduce import return_type as _rt

__all__ = [
    "LinAlgError",
    "cholesky",
    "cholesky_ex",
    "cross",
    "det",
    "diagonal",
    "eigh",
    "eigvalsh",
    "inv",
    "inv_ex",
    "lstsq",
    "matmul",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_ex",
    "solve_triangular",
    "svd",
    "svdvals",
    "vecdot",
    "vector_norm",
]


class LinAlgError(RuntimeError):
    """A factorisation failed: the input is singular or not positive-definite."""


# kernels PyTorch names in its NotImplementedError for half / integer inputs
_LOWP_KERNEL = {"linalg.det": "lu_cpu", "linalg.solve": "lu_cpu", "linalg.cholesky": "cholesky_cpu",
                "linalg.qr": "geqrf_cpu", "linalg.svd": "linalg_svd_cpu", "linalg.eigh": "linalg_eigh_cpu",
                "linalg.solve_triangular": "triangular_solve_cpu"}
_INT_KERNEL = ("linalg.eigh", "linalg.solve_triangular")


def _check_linalg(A, op, square=False, name="A"):
    """PyTorch's checks for a (batch of) matrices of float/double."""
    _check_tensor(A, op, name)
    if A.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions.")
    dt = A.dtype
    if dt.category < 2:
        if op in _INT_KERNEL:
            raise NotImplementedError(f"\"{_LOWP_KERNEL[op]}\" not implemented for '{_tname(dt)}'")
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {_tname(dt)}")
    if dt in (_D.float16, _D.bfloat16):
        if op in _LOWP_KERNEL:
            raise NotImplementedError(f"\"{_LOWP_KERNEL[op]}\" not implemented for '{_tname(dt)}'")
        raise RuntimeError(f"{op}: Low precision dtypes not supported. Got {_tname(dt)}")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    return A


def _raise_info(info, op, message):
    """Raise LinAlgError for the first failed matrix (``info`` > 0) of a batch."""
    for b, k in enumerate(_flat(info.tolist())):
        if k:
            where = f"(Batch element {b}): " if info.ndim else ""
            raise LinAlgError(f"{op}: {where}{message(k)}")


def _singular(k):
    return f"The diagonal element {k} is zero, the inversion could not be completed because the input matrix is " \
           f"singular."


def _not_pd(k):
    return f"The factorization could not be completed because the input is not positive-definite (the leading " \
           f"minor of order {k} is not positive-definite)."


def _out(res, out):
    if out is None:
        return res
    from .ops.inplace import write_out
    if isinstance(res, tuple):
        return type(res)(*(write_out(o, r) for o, r in zip(out, res)))
    return write_out(out, res)


# --- determinants and inverses ------------------------------------------------------

def det(A, *, out=None) -> _Tensor:
    """Determinant of a (batch of) square matrices."""
    _check_linalg(A, "linalg.det", square=True)
    return _out(_apply(_DC.DET, (A,)), out)


def slogdet(A, *, out=None):
    """``(sign, logabsdet)`` with ``det(A) == sign * exp(logabsdet)``."""
    _check_linalg(A, "linalg.slogdet", square=True)
    logabs, sign = _apply(_DC.SLOGDET, (A,), (), (A.dtype, A.dtype))
    return _out(_rt("linalg_slogdet", ("sign", "logabsdet"))(sign, logabs), out)


def inv_ex(A, *, check_errors=False, out=None):
    """``(inverse, info)``; info > 0 marks a singular matrix (no error unless ``check_errors``)."""
    _check_linalg(A, "linalg.inv", square=True)
    res, info = _apply(_DC.INV, (A,), (), (A.dtype, _D.int32))
    if check_errors:
        _raise_info(info, "linalg.inv", _singular)
    return _out(_rt("linalg_inv_ex", ("inverse", "info"))(res, info), out)


def inv(A, *, out=None) -> _Tensor:
    """Inverse of a (batch of) square matrices; raises :class:`LinAlgError` when singular."""
    return _out(inv_ex(A, check_errors=True)[0], out)


def matrix_power(A, n, *, out=None) -> _Tensor:
    """``A`` to the integer power ``n`` by repeated squaring; negative ``n`` inverts first."""
    _check_tensor(A, "linalg.matrix_power")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    n = n.__index__()
    if n == 0:
        return _out(_L._eye(A.shape[-1], A).expand(tuple(A.shape)).clone(), out)
    if n < 0:
        A, n = inv(A), -n
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return _out(result.clone() if result is A else result, out)


# --- solvers -------------------------------------------------------------------------

def _solve_args(A, B, left, op):
    """(A, B as a batch of matrices, was_vector) broadcast to a common batch shape."""
    _check_tensor(A, op, "A")
    _check_tensor(B, op, "B")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"{op}: Expected A and B to have the same dtype, but found A of type {_tname(A.dtype)} "
                           f"and B of type {_tname(B.dtype)} instead")
    _check_linalg(A, op, square=True)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    Bm = B.unsqueeze(-1) if vector else B
    n = A.shape[-1]
    if Bm.ndim < 2 or (Bm.shape[-2] if left else Bm.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation {eq} ({n}x{n} and "
                           f"{Bm.shape[-2]}x{Bm.shape[-1]})")
    batch = _bshape(tuple(A.shape[:-2]), tuple(Bm.shape[:-2]), op=op)
    return A.expand(batch + (n, n)), Bm.expand(batch + tuple(Bm.shape[-2:])), vector


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """``(result, info)`` of :func:`solve` without raising unless ``check_errors``."""
    A, Bm, vector = _solve_args(A, B, left, "linalg.solve")
    if left:
        X, info = _apply(_DC.SOLVE, (A, Bm), (), (A.dtype, _D.int32))
    else:
        Xt, info = _apply(_DC.SOLVE, (_mT(A), _mT(Bm)), (), (A.dtype, _D.int32))
        X = _mT(Xt)
    if check_errors:
        _raise_info(info, "torch.linalg.solve",
                    lambda k: "The solver failed because the input matrix is singular.")
    if vector:
        X = X.squeeze(-1)
    return _out(_rt("linalg_solve_ex", ("result", "info"))(X, info), out)


def solve(A, B, *, left=True, out=None) -> _Tensor:
    """Solve ``A X = B`` (``X A = B`` with ``left=False``); B may be a (batch of) vectors."""
    return _out(solve_ex(A, B, left=left, check_errors=True)[0], out)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None) -> _Tensor:
    """Solve a triangular system; only the ``upper`` / lower triangle of ``A`` is read."""
    op = "linalg.solve_triangular"
    _check_linalg(A, op, square=True)
    _check_tensor(B, op, "B")
    if B.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor B must have at least 2 dimensions.")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"{op}: Expected A and B to have the same dtype, but found A of type {_tname(A.dtype)} "
                           f"and B of type {_tname(B.dtype)} instead")
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation {'AX = B' if left else 'XA = B'} "
                           f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    batch = _bshape(tuple(A.shape[:-2]), tuple(B.shape[:-2]), op=op)
    A, B = A.expand(batch + (n, n)), B.expand(batch + tuple(B.shape[-2:]))
    return _out(_apply(_DC.SOLVE_TRIANGULAR, (A, B), (bool(upper), bool(left), bool(unitriangular))), out)


def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of ``A X = B`` (minimum norm), as ``torch.linalg.lstsq`` on CPU.

    ``residuals`` are filled for drivers gels/gelsd/gelss when m > n and A has full
    rank; ``rank`` for all drivers but gels; ``singular_values`` for gelsd/gelss.
    """
    op = "torch.linalg.lstsq"
    _check_tensor(A, op)
    _check_tensor(B, op, "other")
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"{op}: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"{op}: Expected input and other to have the same dtype, but got input's dtype "
                           f"{_tname(A.dtype)} and other's dtype {_tname(B.dtype)}")
    _check_linalg(A, "linalg.lstsq")
    m, n = A.shape[-2], A.shape[-1]
    vector = B.ndim == A.ndim - 1
    Bm = B.unsqueeze(-1) if vector else B
    if Bm.shape[-2] != m:
        raise RuntimeError(f"{op}: input.size(-2) should match other.size(-2)")
    driver = driver or "gelsy"
    eps = _D.finfo(A.dtype).eps
    rtol = eps * max(m, n) if rcond is None or rcond < 0 else rcond
    X = matmul(pinv(A, rtol=rtol), Bm)
    from .ops.creation import empty
    rank = matrix_rank(A, rtol=rtol) if driver != "gels" else empty((0,), dtype=_D.int64, device=A.device)
    sv = svdvals(A) if driver in ("gelsd", "gelss") else empty((0,), dtype=A.dtype, device=A.device)
    res = empty((0,), dtype=A.dtype, device=A.device)
    if driver != "gelsy" and m > n:
        full = matrix_rank(A, rtol=rtol) if driver == "gels" else rank
        if all(v == n for v in _flat(full.tolist())):
            res = ((matmul(A, X) - Bm) ** 2).sum(-2)
            if vector:
                res = res.squeeze(-1)
    if vector:
        X = X.squeeze(-1)
    return _rt("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))(X, res, rank, sv)


def _flat(v):
    if not isinstance(v, list):
        return [v]
    return [y for x in v for y in _flat(x)]


# --- factorisations ------------------------------------------------------------------

def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """``(L, info)``; info > 0 is the order of the first leading minor that is not positive-definite."""
    _check_linalg(A, "linalg.cholesky", square=True)
    L, info = _apply(_DC.CHOLESKY, (A,), (bool(upper),), (A.dtype, _D.int32))
    if check_errors:
        _raise_info(info, "linalg.cholesky", _not_pd)
    return _out(_rt("linalg_cholesky_ex", ("L", "info"))(L, info), out)


def cholesky(A, *, upper=False, out=None) -> _Tensor:
    """Cholesky factor of a symmetric positive-definite matrix (reads the lower / ``upper`` triangle)."""
    return _out(cholesky_ex(A, upper=upper, check_errors=True)[0], out)


def qr(A, mode="reduced", *, out=None):
    """``(Q, R)`` with ``A = Q R``; ``mode`` is 'reduced', 'complete' or 'r' (Q empty)."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           f"or 'complete'")
    _check_linalg(A, "linalg.qr")
    Q, R = _apply(_DC.QR, (A,), (mode,), (A.dtype, A.dtype))
    return _out(_rt("linalg_qr", ("Q", "R"))(Q, R), out)


def svd(A, full_matrices=True, *, driver=None, out=None):
    """``(U, S, Vh)`` with ``A = U diag(S) Vh``, singular values in descending order."""
    _check_linalg(A, "linalg.svd")
    U, S, Vh = _apply(_DC.SVD, (A,), (bool(full_matrices),), (A.dtype,) * 3)
    return _out(_rt("linalg_svd", ("U", "S", "Vh"))(U, S, Vh), out)


def svdvals(A, *, driver=None, out=None) -> _Tensor:
    """Singular values in descending order."""
    _check_linalg(A, "linalg.svd")
    return _out(_apply(_DC.SVDVALS, (A,)), out)


def _uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO


def eigh(A, UPLO="L", *, out=None):
    """``(eigenvalues, eigenvectors)`` of a symmetric matrix (ascending eigenvalues)."""
    _check_linalg(A, "linalg.eigh", square=True)
    w, v = _apply(_DC.EIGH, (A,), (_uplo(UPLO),), (A.dtype, A.dtype))
    return _out(_rt("linalg_eigh", ("eigenvalues", "eigenvectors"))(w, v), out)


def eigvalsh(A, UPLO="L", *, out=None) -> _Tensor:
    """Eigenvalues of a symmetric matrix, ascending."""
    _check_linalg(A, "linalg.eigh", square=True)
    return _out(_apply(_DC.EIGVALSH, (A,), (_uplo(UPLO),)), out)


def _tol(x, name):
    if isinstance(x, _Tensor):
        if x.numel() != 1:
            raise NotImplementedError(f"ember.linalg: a tensor {name} must hold a single value")
        return float(x.item())
    return None if x is None else float(x)


def _tolerances(A, atol, rtol):
    """PyTorch's defaults: rtol = eps * max(m, n) unless atol > 0 is given."""
    atol, rtol = _tol(atol, "atol"), _tol(rtol, "rtol")
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else _D.finfo(A.dtype).eps * max(A.shape[-2], A.shape[-1])
    return (0.0 if atol is None else atol), rtol


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None) -> _Tensor:
    """Moore-Penrose pseudo-inverse; singular values <= max(atol, rtol * largest) count as zero."""
    _check_tensor(A, "linalg.pinv")
    if A.ndim < 2 or A.dtype not in (_D.float32, _D.float64):
        raise RuntimeError(f"linalg.pinv({_tname(A.dtype)}{{{list(A.shape)}}}): expected a tensor with 2 or more "
                           f"dimensions of float, double, cfloat or cdouble types")
    if rcond is not None:
        if rtol is not None:
            raise TypeError("linalg_pinv(): pass either rcond or rtol, not both")
        rtol = rcond
    atol, rtol = _tolerances(A, atol, rtol)
    return _out(_apply(_DC.PINV, (A,), (atol, rtol, bool(hermitian))), out)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None) -> _Tensor:
    """Number of singular values above ``max(atol, rtol * largest)`` (int64)."""
    _check_tensor(A, "linalg.matrix_rank")
    if A.dtype not in (_D.float32, _D.float64):
        raise RuntimeError("This function doesn't handle types other than float and double")
    _check_linalg(A, "linalg.matrix_rank")
    if tol is not None:
        atol, rtol = tol, 0.0
    atol, rtol = _tolerances(A, atol, rtol)
    s = eigvalsh(A).abs() if hermitian else svdvals(A)
    if s.shape[-1] == 0:
        return _out(s.sum(-1).to(_D.int64), out)
    smax = _vector_norm(s, float("inf"), (s.ndim - 1,), True, s.dtype)
    thresh = smax * rtol
    if atol > 0:
        from .ops.elementwise import where
        thresh = where(thresh > atol, thresh, atol)
    return _out((s > thresh).sum(-1), out)


# --- norms ----------------------------------------------------------------------------

def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None) -> _Tensor:
    """``ord``-norm of ``x`` over ``dim`` (all elements when None): sum(|x|^ord)^(1/ord), max/min for +-inf,
    the number of non-zeros for 0."""
    _check_tensor(x, "linalg.vector_norm", "x")
    if isinstance(ord, str) or not isinstance(ord, (int, float)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not {type(ord).__name__}")
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_tname(x.dtype)}")
    dt = x.dtype
    if dtype is not None:
        dtype = _D.to_dtype(dtype)
        if not dtype.is_floating_point or dtype.itemsize < dt.itemsize or \
                (dtype.itemsize == dt.itemsize and dtype is not dt):
            raise RuntimeError(f"linalg.vector_norm: the dtype of the input ({_tname(dt)}) should be convertible "
                               f"without narrowing to the specified dtype ({_tname(dtype)})")
        dt = dtype
    dims = tuple(range(x.ndim)) if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0) else \
        _wrap_dims(dim, x.ndim, "linalg.vector_norm")
    ord = float(ord)
    if (ord < 0 or _math.isinf(ord)) and any(x.shape[d] == 0 for d in dims):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on an empty tensor because the "
                           f"operation does not have an identity")
    return _out(_vector_norm(x, ord, dims, bool(keepdim), dt), out)


_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, float("inf"), -float("inf"))


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None) -> _Tensor:
    """Frobenius ('fro'), nuclear ('nuc'), spectral (+-2), max column sum (+-1) or max row sum (+-inf) norm."""
    op = "linalg.matrix_norm"
    _check_tensor(A, op, "A")
    if A.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {_tname(A.dtype)}")
    if isinstance(dim, int) or len(dim) != 2:
        raise RuntimeError(f"{op}: dim must be a 2-tuple. Got {dim if isinstance(dim, int) else ' '.join(map(str, dim))}")
    d0, d1 = _wrap_dim(dim[0], A.ndim, op), _wrap_dim(dim[1], A.ndim, op)
    if d0 == d1:
        raise RuntimeError(f"{op}: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord not in _MATRIX_ORDS:
        raise RuntimeError(f"{op}: Order {ord} not supported.")
    if dtype is not None:
        A = A.to(_D.to_dtype(dtype))
    if ord == "fro":
        return _out(_vector_norm(A, 2.0, tuple(sorted((d0, d1))), bool(keepdim), A.dtype), out)
    if ord in ("nuc", 2, -2):
        if A.dtype in (_D.float16, _D.bfloat16):
            raise RuntimeError(f"{op}: Low precision dtypes not supported. Got {_tname(A.dtype)}")
        rest = [d for d in range(A.ndim) if d not in (d0, d1)]
        s = svdvals(A.permute(rest + [d0, d1]))
        if ord == "nuc":
            r = s.sum(-1)
        else:
            r = _vector_norm(s, float("inf") if ord == 2 else -float("inf"), (s.ndim - 1,), False, s.dtype)
        if keepdim:
            for d in sorted((d0, d1)):
                r = r.unsqueeze(d)
        return _out(r, out)
    # +-1: extreme column sum (sum over rows d0); +-inf: extreme row sum (sum over columns d1)
    red, other = (d0, d1) if abs(ord) == 1 else (d1, d0)
    sums = _vector_norm(A, 1.0, (red,), True, A.dtype)
    r = _vector_norm(sums, float("inf") if ord > 0 else -float("inf"), (other,), True, A.dtype)
    if not keepdim:
        r = r.squeeze((d0, d1))
    return _out(r, out)


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None) -> _Tensor:
    """Vector or matrix norm, chosen like ``torch.linalg.norm`` from ``ord`` and ``dim``."""
    _check_tensor(A, "linalg.norm", "A")
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype, out=out)
        if isinstance(ord, str):
            return matrix_norm(A, ord, dims, keepdim, dtype=dtype, out=out)
        return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype, out=out)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype, out=out)
    if A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A.ndim}D.")
    if isinstance(ord, str) or A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype, out=out)
    return vector_norm(A, ord, None, keepdim, dtype=dtype, out=out)


# --- products and helpers ---------------------------------------------------------------

def vecdot(x, y, *, dim=-1, out=None) -> _Tensor:
    """Dot product of vectors along ``dim`` (with broadcasting)."""
    _check_tensor(x, "linalg.vecdot", "x")
    _check_tensor(y, "linalg.vecdot", "y")
    if x.dtype is not y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{_tname(x.dtype)} and y of type {_tname(y.dtype)} instead")
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vecdot: Expected a floating point or complex tensor as input. Got "
                           f"{_tname(x.dtype)}")
    return _out((x * y).sum(dim), out)


def cross(input, other, *, dim=-1, out=None) -> _Tensor:
    """Cross product of 3-vectors along ``dim`` (with broadcasting)."""
    return _out(_linalg_cross(input, other, dim), out)


def multi_dot(tensors, *, out=None) -> _Tensor:
    """Product of a chain of matrices in the cheapest order; the first / last may be vectors."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        _check_tensor(t, "multi_dot", f"tensors[{i}]")
        where = "the first tensor" if i == 0 else "the last tensor" if i == len(tensors) - 1 else None
        if where and t.ndim not in (1, 2):
            raise RuntimeError(f"multi_dot(): {where} must be 1D or 2D but got {t.ndim}D")
        if where is None and t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{_L._CPP[tensors[0].dtype.name]} and tensor {i} {_L._CPP[t.dtype.name]}")
    first_vec, last_vec = tensors[0].ndim == 1, tensors[-1].ndim == 1
    mats = [tensors[0].unsqueeze(0) if first_vec else tensors[0]] + tensors[1:-1] + \
        [tensors[-1].unsqueeze(-1) if last_vec else tensors[-1]]
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(mats[i].shape)} and "
                               f"{list(mats[i + 1].shape)} cannot be multiplied")
    res = _chain(mats, _chain_order([m.shape[0] for m in mats] + [mats[-1].shape[1]]), 0, len(mats) - 1)
    if first_vec:
        res = res.squeeze(0)
    if last_vec:
        res = res.squeeze(-1)
    return _out(res, out)


def _chain_order(p):
    """Matrix-chain dynamic programme: split[i][j] = best split of mats i..j."""
    n = len(p) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(mats, split, i, j):
    if i == j:
        return mats[i]
    k = split[i][j]
    return matmul(_chain(mats, split, i, k), _chain(mats, split, k + 1, j))


def diagonal(A, *, offset=0, dim1=-2, dim2=-1) -> _Tensor:
    """The diagonal of each matrix in ``A`` (a view), as ``torch.linalg.diagonal``."""
    from .ops import movement
    return movement.diagonal(A, offset=offset, dim1=dim1, dim2=dim2)
