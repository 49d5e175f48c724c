"""OpInfos for ember/ops/linalg.py and ember.linalg: matrix products, norms, factorisations.

Factorisations are compared through gauge-invariant functions of their outputs (sign-
normalised QR factors, U @ Vh and U * U for the SVD, V * V for eigh), and symmetric
inputs are symmetrised inside the op so gradients are those of a function of a
general matrix (PyTorch's gradcheck wrapper for hermitian inputs).  Test matrices are
well conditioned: random plus n * I (invertible), X X^T + n * I (positive-definite).
"""
from __future__ import annotations

import ember
import ember.linalg as LA
import numpy as np
from ember.testing.opinfo import FLOAT_DTYPES, OpInfo, SampleInput

from ._samples import error_cases as _errors, int64_result, make_array, np_dtype, zeros as _z

INTS = ("uint8", "int8", "int16", "int32", "int64")
PRODUCT_DTYPES = FLOAT_DTYPES + INTS
F3264 = ("float32", "float64")
LA_TOLS = {"float32": (1e-4, 1e-4)}
HALF_TOLS = {"float16": (5e-3, 5e-3), "bfloat16": (3e-2, 3e-2)}
# chained products round every intermediate to the half dtype (as PyTorch on CPU does): errors compound
CHAIN_TOLS = {"float16": (2e-2, 4e-2), "bfloat16": (8e-2, 2e-1)}
_F32 = np.float32


def _arr(shape, dtype, rng):
    """Small values so integer products cannot overflow."""
    lo = 0 if dtype == "uint8" else -3
    return make_array(shape, dtype, rng, low=lo, high=3)


def _products(cases):
    """``cases``: list of (shapes, kwargs); one array per shape."""
    def gen(dtype, rng):
        for shapes, kw in cases:
            yield SampleInput(*[_arr(s, dtype, rng) for s in shapes], name=f"{shapes} {kw}", **kw)
    return gen


def _invertible(shape, dtype, rng):
    n = shape[-1]
    a = rng.uniform(-1, 1, shape) + n * np.eye(n)
    return np.asarray(a).astype(np_dtype(dtype))


def _spd(shape, dtype, rng):
    x = rng.uniform(-1, 1, shape)
    a = x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])
    return np.asarray(a).astype(np_dtype(dtype))


def _general(shape, dtype, rng):
    return np.asarray(rng.uniform(-1, 1, shape)).astype(np_dtype(dtype))


def _mats(cases, make=_invertible):
    """``cases``: list of (shapes, kwargs); the first shape through ``make``, the rest general."""
    def gen(dtype, rng):
        for shapes, kw in cases:
            arrays = [make(shapes[0], dtype, rng)] + [_general(s, dtype, rng) for s in shapes[1:]]
            yield SampleInput(*arrays, name=f"{shapes} {kw}", **kw)
    return gen


def _sym(a):
    square = a.ndim >= 2 and a.shape[-1] == a.shape[-2]
    return (a + a.mT) / 2 if square else a


def _np_sym(a):
    return (a + np.swapaxes(a, -1, -2)) / 2


def _mT(a):
    return np.swapaxes(a, -1, -2)


# --- references --------------------------------------------------------------------------

def _np_einsum(*args, eq):
    return np.einsum(eq, *args)


def _int_safe(fn):
    """Run a NumPy reference in int64 for integer inputs and wrap back to their dtype (as PyTorch does)."""
    def ref(*args, **kw):
        dt = args[0].dtype
        if dt.kind not in "iu":
            return fn(*args, **kw)
        return fn(*(a.astype(np.int64) for a in args), **kw).astype(dt)
    return ref


@_int_safe
def _np_addmm(c, a, b, beta=1, alpha=1):
    return beta * c + alpha * (a @ b)


def _np_cross(a, b, dim=None):
    if dim is None:
        dim = next(i for i, s in enumerate(np.broadcast_shapes(a.shape, b.shape)) if s == 3)
    return np.cross(a, b, axis=dim)


def _np_cdist(a, b, p=2.0):
    d = np.abs(a[..., :, None, :] - b[..., None, :, :])
    if p == 0:
        return (d != 0).sum(-1).astype(a.dtype)
    if p == np.inf:
        return d.max(-1)
    return (d ** p).sum(-1) ** (1 / p)


def _np_vector_norm(x, ord=2, dim=None, keepdim=False, dtype=None):
    x = np.abs(x)
    ax = None if dim is None else (dim if isinstance(dim, tuple) else (dim,) if isinstance(dim, int) else tuple(dim))
    if ord == np.inf:
        return x.max(axis=ax, keepdims=keepdim)
    if ord == -np.inf:
        return x.min(axis=ax, keepdims=keepdim)
    if ord == 0:
        return (x != 0).sum(axis=ax, keepdims=keepdim).astype(x.dtype)
    return (x ** ord).sum(axis=ax, keepdims=keepdim) ** (1.0 / ord)


def _np_matrix_norm(a, ord="fro", dim=(-2, -1), keepdim=False):
    a2 = np.moveaxis(a, dim, (-2, -1))
    if ord == "fro":
        r = np.sqrt((a2 ** 2).sum((-2, -1)))
    elif ord == "nuc":
        r = np.linalg.svd(a2, compute_uv=False).sum(-1)
    elif ord in (2, -2):
        s = np.linalg.svd(a2, compute_uv=False)
        r = s.max(-1) if ord == 2 else s.min(-1)
    else:
        red = -2 if abs(ord) == 1 else -1
        s = np.abs(a2).sum(red)
        r = s.max(-1) if ord > 0 else s.min(-1)
    if keepdim:
        for d in sorted(x % a.ndim for x in dim):
            r = np.expand_dims(r, d)
    return r


def _qr_canon(Q, R, k):
    """Q's first k columns and R with diag(R) >= 0 (the factorisation is unique up to these signs)."""
    d = ember.sign(ember.diagonal(R, 0, -2, -1))
    return Q[..., :k] * d.unsqueeze(-2), R * ember.cat([d, d.new_ones(tuple(R.shape[:-2]) + (R.shape[-2] - k,))],
                                                      -1).unsqueeze(-1)


def _np_qr_canon(Q, R, k):
    d = np.sign(np.diagonal(R, 0, -2, -1))
    pad = np.ones(R.shape[:-2] + (R.shape[-2] - k,))
    return Q[..., :k] * d[..., None, :], R * np.concatenate([d, pad], -1)[..., :, None]


def _qr(a, mode="reduced"):
    Q, R = LA.qr(a, mode=mode)
    k = min(a.shape[-2], a.shape[-1])
    if mode == "r":
        return R * ember.sign(ember.diagonal(R, 0, -2, -1)).unsqueeze(-1)
    return _qr_canon(Q, R, k)


def _np_qr(a, mode="reduced"):
    k = min(a.shape[-2], a.shape[-1])
    if mode == "r":
        R = np.linalg.qr(a, mode="r")
        return R * np.sign(np.diagonal(R, 0, -2, -1))[..., :, None]
    Q, R = np.linalg.qr(a, mode=mode)
    return _np_qr_canon(Q, R, k)


def _svd(a, full_matrices=True):
    U, S, Vh = LA.svd(a, full_matrices=full_matrices)
    k = S.shape[-1]
    Uk, Vhk = U[..., :k], Vh[..., :k, :]
    return S, Uk @ Vhk, Uk * Uk, Vhk * Vhk


def _np_svd(a, full_matrices=True):
    U, S, Vh = np.linalg.svd(a, full_matrices=full_matrices)
    k = S.shape[-1]
    Uk, Vhk = U[..., :k], Vh[..., :k, :]
    return S, Uk @ Vhk, Uk * Uk, Vhk * Vhk


def _eigh(a, UPLO="L"):
    w, v = LA.eigh(_sym(a), UPLO=UPLO)
    return w, v * v


def _np_eigh(a, UPLO="L"):
    w, v = np.linalg.eigh(_np_sym(a), UPLO=UPLO)
    return w, v * v


def _np_pinv(a, rcond=None, hermitian=False, atol=None, rtol=None):
    if rcond is not None:
        rtol = rcond
    if rtol is None:
        rtol = 0.0 if atol else np.finfo(np.float64).eps * max(a.shape[-2:])
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    keep = s > np.maximum(atol or 0.0, rtol * s[..., :1])
    sinv = np.where(keep, 1 / np.where(keep, s, 1), 0)
    return _mT(vh) @ (sinv[..., :, None] * _mT(u))


def _np_matrix_rank(a, hermitian=False, atol=None, rtol=0.0):
    s = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    tol = np.maximum(atol or 0.0, rtol * s.max(-1, keepdims=True))
    return (s > tol).sum(-1)


def _rank_samples(dtype, rng):
    for r in (1, 2, 4):
        x = _general((4, r), "float64", rng) @ _general((r, 5), "float64", rng)
        yield SampleInput(x.astype(np_dtype(dtype)), rtol=1e-4, name=f"rank {r}")
    x = _general((2, 4, 2), "float64", rng)
    yield SampleInput((x @ _mT(x)).astype(np_dtype(dtype)), hermitian=True, rtol=1e-4, name="hermitian rank 2")
    yield SampleInput(np.diag([3.0, 1.0, 0.1]).astype(np_dtype(dtype)), atol=0.5, name="atol")


def _np_cholesky(a, upper=False):
    low = np.linalg.cholesky(_np_sym(a))
    return _mT(low) if upper else low


def _np_solve(a, b, left=True):
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    if not left:
        bm = b[..., None, :] if vector else b
        x = _mT(np.linalg.solve(_mT(a), _mT(bm)))
        return x[..., 0, :] if vector else x
    bm = b[..., :, None] if vector else b
    x = np.linalg.solve(a, bm)
    return x[..., :, 0] if vector else x


def _np_solve_triangular(a, b, upper, left=True, unitriangular=False):
    k = 1 if unitriangular else 0
    t = np.triu(a, k) if upper else np.tril(a, -k)
    if unitriangular:
        t = t + np.eye(t.shape[-1])
    return np.linalg.solve(t, b) if left else _mT(np.linalg.solve(_mT(t), _mT(b)))


def _np_matrix_power(a, n):
    if n < 0:
        a, n = np.linalg.inv(a), -n
    return np.linalg.matrix_power(a, n) if a.ndim == 2 else np.stack([np.linalg.matrix_power(m, n) for m in a])


def _np_multi_dot(ts):
    return np.linalg.multi_dot(ts)


def _trace_dtype(dtype, sample):
    return "int64" if dtype in INTS else dtype


_MM_CASES = [([(3, 4), (4, 5)], {}), ([(0, 4), (4, 3)], {}), ([(3, 0), (0, 2)], {}), ([(1, 1), (1, 1)], {})]
_LOWP_ERR = [([_z(3, 3, dtype=np.float16)], {}, RuntimeError, "")]


OP_DB = [
    # --- products ------------------------------------------------------------------------
    OpInfo("matmul", ember.matmul, np.matmul, _products([
        ([(3, 4), (4, 5)], {}), ([(4,), (4,)], {}), ([(4,), (4, 3)], {}), ([(3, 4), (4,)], {}),
        ([(2, 3, 4), (4, 5)], {}), ([(2, 1, 3, 4), (3, 4, 2)], {}), ([(0, 4), (4, 3)], {}), ([(3, 0), (0, 2)], {}),
        ([(5,), (2, 5, 3)], {})]), dtypes=PRODUCT_DTYPES, gradgrad=True, tols=HALF_TOLS,
        error_inputs=_errors([
            ([_z(), _z(3)], {}, RuntimeError, "both arguments to matmul need to be at least 1D"),
            ([_z(2, 3), _z(4, 5)], {}, RuntimeError, r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"),
            ([_z(3), _z(4)], {}, RuntimeError, "inconsistent tensor size"),
            ([_z(2, 3), _z(3, 2, dtype=np.float64)], {}, RuntimeError,
             "expected m1 and m2 to have the same dtype, but got: float != double"),
            ([_z(2, 3, 4), _z(3, 4, 2)], {}, RuntimeError, "must match the size"),
            ([_z(2, 2, dtype=np.bool_), _z(2, 2, dtype=np.bool_)], {}, NotImplementedError, "Bool")])),
    OpInfo("mm", ember.mm, np.matmul, _products(_MM_CASES), dtypes=PRODUCT_DTYPES, gradgrad=True, tols=HALF_TOLS,
           error_inputs=_errors([
               ([_z(2, 3), _z(4, 5)], {}, RuntimeError, r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"),
               ([_z(2, 3), _z(3, 2, dtype=np.float64)], {}, RuntimeError, "expected m1 and m2 to have the same dtype"),
               ([_z(2, 3, 4), _z(4, 2)], {}, RuntimeError, "self must be a matrix"),
               ([_z(2, 3), _z(3)], {}, RuntimeError, "mat2 must be a matrix")])),
    OpInfo("bmm", ember.bmm, np.matmul, _products([([(2, 3, 4), (2, 4, 5)], {}), ([(0, 3, 4), (0, 4, 2)], {}),
                                                   ([(3, 1, 2), (3, 2, 1)], {})]),
           dtypes=PRODUCT_DTYPES, gradgrad=True, tols=HALF_TOLS, error_inputs=_errors([
               ([_z(2, 3), _z(3, 2)], {}, RuntimeError, "batch1 must be a 3D tensor"),
               ([_z(2, 2, 3), _z(3, 3, 2)], {}, RuntimeError, r"batch2 tensor to be: \[2, 3\] but got: \[3, 3\]"),
               ([_z(2, 2, 3), _z(2, 3, 2, dtype=np.float64)], {}, RuntimeError, "expected scalar type Float")])),
    OpInfo("mv", ember.mv, np.matmul, _products([([(3, 4), (4,)], {}), ([(0, 4), (4,)], {})]),
           dtypes=PRODUCT_DTYPES, tols=HALF_TOLS, error_inputs=_errors([
               ([_z(2, 3), _z(4)], {}, RuntimeError, r"size mismatch, got input \(2\), mat \(2x3\), vec \(4\)"),
               ([_z(2, 3), _z(3, 1)], {}, RuntimeError, "vector \\+ matrix @ vector expected")])),
    OpInfo("dot", ember.dot, np.dot, _products([([(5,), (5,)], {}), ([(0,), (0,)], {})]),
           dtypes=PRODUCT_DTYPES, gradgrad=True, tols=HALF_TOLS, error_inputs=_errors([
               ([_z(2), _z(3)], {}, RuntimeError, "inconsistent tensor size"),
               ([_z(2, 2), _z(3)], {}, RuntimeError, "1D tensors expected, but got 2D and 1D tensors"),
               ([_z(2), _z(2, dtype=np.float64)], {}, RuntimeError, "dot : expected both vectors to have same dtype")])),
    OpInfo("vdot", ember.vdot, np.vdot, _products([([(5,), (5,)], {})]), dtypes=PRODUCT_DTYPES, tols=HALF_TOLS),
    OpInfo("inner", ember.inner, np.inner, _products([([(3, 4), (2, 4)], {}), ([(4,), (4,)], {}),
                                                      ([(), (2, 3)], {}), ([(2, 3, 4), (4,)], {})]),
           dtypes=PRODUCT_DTYPES, tols=HALF_TOLS, error_inputs=_errors([
               ([_z(2, 3), _z(4, 2)], {}, RuntimeError, "inner\\(\\) the last dimension must match")])),
    OpInfo("outer", ember.outer, np.outer, _products([([(3,), (4,)], {}), ([(0,), (2,)], {})]),
           dtypes=PRODUCT_DTYPES, tols=HALF_TOLS, error_inputs=_errors([
               ([_z(2, 2), _z(3)], {}, RuntimeError, "outer: Expected 1-D argument self, but got 2-D")])),
    OpInfo("addmm", ember.addmm, _np_addmm, _products([
        ([(3, 5), (3, 4), (4, 5)], {}), ([(5,), (3, 4), (4, 5)], {"beta": 2, "alpha": 3}),
        ([(3, 5), (3, 4), (4, 5)], {"beta": 0}), ([(1, 1), (2, 3), (3, 2)], {"alpha": -1})]),
        dtypes=PRODUCT_DTYPES, gradgrad=True, tols={"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2)},
        error_inputs=_errors([
            ([_z(2, 3), _z(2, 3), _z(4, 3)], {}, RuntimeError, r"mat1 and mat2 shapes cannot be multiplied"),
            ([_z(2, 3, dtype=np.float64), _z(2, 3), _z(3, 3)], {}, RuntimeError,
             "self and mat2 must have the same dtype, but got Double and Float"),
            ([_z(5, 3), _z(2, 3), _z(3, 3)], {}, RuntimeError, "expanded size")])),
    OpInfo("addmv", ember.addmv, _int_safe(lambda c, a, b, beta=1, alpha=1: beta * c + alpha * (a @ b)), _products([
        ([(3,), (3, 4), (4,)], {}), ([(1,), (3, 4), (4,)], {"beta": 2, "alpha": 2})]),
        dtypes=PRODUCT_DTYPES, tols={"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2)},
        error_inputs=_errors([([_z(5), _z(2, 3), _z(3)], {}, RuntimeError, r"size mismatch, got input \(5\)")])),
    OpInfo("addr", ember.addr, _int_safe(lambda c, a, b, beta=1, alpha=1: beta * c + alpha * np.outer(a, b)),
           _products([
        ([(3, 4), (3,), (4,)], {}), ([(4,), (3,), (4,)], {"beta": 2, "alpha": 3})]),
        dtypes=PRODUCT_DTYPES, tols={"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2)},
        error_inputs=_errors([
            ([_z(2, 3, dtype=np.int64), _z(2, dtype=np.int64), _z(3, dtype=np.int64)], {"alpha": 0.5}, RuntimeError,
             "argument alpha must not be a floating point number")])),
    OpInfo("baddbmm", ember.baddbmm, lambda c, a, b, beta=1, alpha=1: beta * c + alpha * (a @ b), _products([
        ([(2, 3, 5), (2, 3, 4), (2, 4, 5)], {}), ([(5,), (2, 3, 4), (2, 4, 5)], {"beta": 0.5, "alpha": 2})]),
        dtypes=FLOAT_DTYPES, tols={"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2)},
        error_inputs=_errors([([_z(2, 2, 3, dtype=np.float64), _z(2, 2, 3), _z(2, 3, 3)], {}, RuntimeError,
                               "Input dtypes must be the same, got: input double, batch1: float, batch2: float")])),
    OpInfo("addbmm", ember.addbmm, _int_safe(lambda c, a, b, beta=1, alpha=1: beta * c + alpha * (a @ b).sum(0)),
           _products([
        ([(3, 5), (2, 3, 4), (2, 4, 5)], {}), ([(5,), (2, 3, 4), (2, 4, 5)], {"beta": 2, "alpha": 3})]),
        dtypes=PRODUCT_DTYPES, tols={"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2)}),
    OpInfo("einsum", lambda *a, eq: ember.einsum(eq, *a), _np_einsum, _products([
        ([(3, 4), (4, 5)], {"eq": "ij,jk->ik"}), ([(3, 3)], {"eq": "ii->i"}), ([(3, 3)], {"eq": "ii"}),
        ([(2, 3, 4), (2, 4, 5)], {"eq": "bij,bjk->bik"}), ([(2, 1, 3, 4), (5, 4, 2)], {"eq": "...ij,...jk"}),
        ([(3,), (4,)], {"eq": "i,j->ij"}), ([(3, 4)], {"eq": "ij->ji"}), ([(3, 4), (3, 4)], {"eq": "ij,ij->"}),
        ([(3, 3, 2)], {"eq": "iij->j"}), ([(2, 3), (3, 4), (4, 2)], {"eq": "ij,jk,kl->il"}),
        ([(2, 3, 4)], {"eq": "i...->..."}), ([(0, 3), (3, 2)], {"eq": "ij,jk"})]),
        dtypes=PRODUCT_DTYPES, gradgrad=True, tols=HALF_TOLS, grad_samples=12,
        error_inputs=_errors([
            ([_z(2, 3), _z(4, 4)], {"eq": "ij,jk->ik"}, RuntimeError, "subscript j has size 4 for operand 1"),
            ([_z(2, 3)], {"eq": "ij,jk"}, RuntimeError, "fewer operands were provided"),
            ([_z(2, 3)], {"eq": "ii"}, RuntimeError, "subscript i is repeated for operand 0"),
            ([_z(2, 3)], {"eq": "i->i"}, RuntimeError, "does not match the number of dimensions"),
            ([_z(5)], {"eq": "i->j"}, RuntimeError, "output subscript j does not appear"),
            ([_z(5)], {"eq": "i->ii"}, RuntimeError, "appears more than once in the output"),
            ([_z(5)], {"eq": "a.b"}, RuntimeError, "not part of any ellipsis")])),
    OpInfo("tensordot", ember.tensordot, lambda a, b, dims=2: np.tensordot(a, b, dims), _products([
        ([(3, 4, 5), (4, 5, 2)], {}), ([(3, 4), (4, 5)], {"dims": 1}), ([(3, 4), (5, 2)], {"dims": 0}),
        ([(3, 4, 5), (5, 3, 2)], {"dims": ([0, 2], [1, 0])})]),
        dtypes=PRODUCT_DTYPES, tols=HALF_TOLS, error_inputs=_errors([
            ([_z(2, 3), _z(4, 4)], {"dims": 1}, RuntimeError, "contracted dimensions need to match"),
            ([_z(2, 3), _z(3, 4, dtype=np.float64)], {"dims": 1}, RuntimeError, "both inputs should have same dtype"),
            ([_z(2, 3), _z(3, 4)], {"dims": -1}, RuntimeError, "tensordot expects dims >= 0")])),
    OpInfo("kron", ember.kron, np.kron, _products([([(2, 3), (3, 2)], {}), ([(2,), (3, 1, 2)], {}),
                                                   ([(2, 0), (2, 2)], {})]), dtypes=PRODUCT_DTYPES),
    OpInfo("cross", ember.cross, _np_cross, _products([([(4, 3), (4, 3)], {"dim": 1}), ([(3, 2), (3, 2)], {}),
                                                       ([(2, 3, 5), (1, 3, 5)], {"dim": -2})]),
           dtypes=PRODUCT_DTYPES, tols=HALF_TOLS, gradgrad=True, error_inputs=_errors([
               ([_z(2, 4), _z(2, 4)], {}, RuntimeError, "no dimension of size 3 in input")])),
    OpInfo("linalg.cross", LA.cross, lambda a, b, dim=-1: np.cross(a, b, axis=dim), _products([
        ([(4, 3), (4, 3)], {}), ([(3, 2), (3, 2)], {"dim": 0}), ([(2, 3), (1, 3)], {})]),
        dtypes=PRODUCT_DTYPES, tols=HALF_TOLS, error_inputs=_errors([
            ([_z(3, 2), _z(3, 2)], {}, RuntimeError, "linalg.cross: inputs dimension -1 must have length 3"),
            ([_z(2, 3), _z(3)], {}, RuntimeError, "inputs must have the same number of dimensions"),
            ([_z(2, 3), _z(1, 3, dtype=np.float64)], {}, RuntimeError, "expected scalar type Float but found Double")])),
    OpInfo("trace", ember.trace, np.trace, _products([([(3, 3)], {}), ([(2, 4)], {}), ([(0, 0)], {})]),
           dtypes=PRODUCT_DTYPES, result_dtype=_trace_dtype, gradgrad=True, tols=HALF_TOLS, error_inputs=_errors([
               ([_z(2, 3, 4)], {}, RuntimeError, "trace: expected a matrix, but got tensor with dim 3"),
               ([_z(2, 2, dtype=np.bool_)], {}, NotImplementedError, "Bool")])),
    OpInfo("cdist", ember.cdist, _np_cdist, _mats([
        ([(3, 4), (5, 4)], {}), ([(2, 3, 4), (2, 5, 4)], {"p": 1.0}), ([(3, 2), (4, 2)], {"p": 3.0}),
        ([(3, 2), (4, 2)], {"p": float("inf")}), ([(3, 2), (4, 2)], {"p": 0.0}), ([(0, 2), (4, 2)], {})],
        make=_general), dtypes=F3264, tols=LA_TOLS, error_inputs=_errors([
            ([_z(2, 3), _z(4, 2)], {}, RuntimeError, "X1 and X2 must have the same number of columns. X1: 3 X2: 2"),
            ([_z(3), _z(4, 3)], {}, RuntimeError, "cdist only supports at least 2D tensors, X1 got: 1D"),
            ([_z(2, 3), _z(4, 3)], {"p": -1.0}, RuntimeError, "cdist only supports non-negative p values"),
            ([_z(2, 3, dtype=np.int64), _z(4, 3, dtype=np.int64)], {}, RuntimeError, "floating-point dtypes")])),
    OpInfo("chain_matmul", ember.chain_matmul, lambda *a: np.linalg.multi_dot(a) if len(a) > 1 else a[0], _products([
        ([(2, 3), (3, 4), (4, 2)], {}), ([(2, 3)], {})]), dtypes=F3264, tols=LA_TOLS),
    OpInfo("linalg.multi_dot", lambda *a: LA.multi_dot(a), lambda *a: np.linalg.multi_dot(a), _products([
        ([(3,), (3, 4), (4, 5), (5,)], {}), ([(2, 3), (3, 4)], {}), ([(6, 2), (2, 5), (5, 3), (3, 7)], {})]),
        dtypes=PRODUCT_DTYPES, tols=CHAIN_TOLS, error_inputs=_errors([
            ([_z(2, 3), _z(4, 5)], {}, RuntimeError, "tensors 0 and 1 with shapes \\[2, 3\\] and \\[4, 5\\] cannot"),
            ([_z(2, 3), _z(3), _z(3)], {}, RuntimeError, "tensor 1 must be 2D but got 1D"),
            ([_z(3)], {}, RuntimeError, "expected at least 2 tensors but got 1")])),
    OpInfo("linalg.vecdot", LA.vecdot, lambda a, b, dim=-1: (a * b).sum(dim), _products([
        ([(3, 4), (4,)], {}), ([(3, 4), (3, 4)], {"dim": 0}), ([(2, 1, 3), (4, 3)], {})]),
        dtypes=FLOAT_DTYPES, tols=HALF_TOLS, error_inputs=_errors([
            ([_z(3, dtype=np.int64), _z(3, dtype=np.int64)], {}, RuntimeError, "Expected a floating point"),
            ([_z(3), _z(3, dtype=np.float64)], {}, RuntimeError, "Expected x and y to have the same dtype")])),
    OpInfo("linalg.diagonal", LA.diagonal, lambda a, offset=0, dim1=-2, dim2=-1: np.diagonal(a, offset, dim1, dim2),
           _products([([(3, 4)], {}), ([(2, 3, 3)], {"offset": 1}), ([(3, 2, 4)], {"dim1": 0, "dim2": 2})]),
           dtypes=PRODUCT_DTYPES),
    # --- norms -------------------------------------------------------------------------
    OpInfo("linalg.vector_norm", LA.vector_norm, _np_vector_norm, _mats([
        ([(3, 4)], {}), ([(3, 4)], {"ord": 1, "dim": 1}), ([(2, 3, 4)], {"ord": float("inf"), "dim": (0, 2)}),
        ([(3, 4)], {"ord": -float("inf"), "dim": 0, "keepdim": True}), ([(5,)], {"ord": 3.5}),
        ([(3, 4)], {"ord": 0}), ([(3, 4)], {"ord": -1.5, "dim": -1}), ([()], {}), ([(0, 3)], {"dim": 1})],
        make=_general), dtypes=FLOAT_DTYPES, tols=HALF_TOLS, gradgrad=True, grad_samples=7,
        error_inputs=_errors([
            ([_z(3, dtype=np.int64)], {}, RuntimeError, "linalg.vector_norm: Expected a floating point"),
            ([_z(0, 3)], {"ord": float("inf")}, RuntimeError, "cannot compute the inf norm on an empty tensor"),
            ([_z(3, dtype=np.float64)], {"dtype": ember.float32}, RuntimeError, "convertible without narrowing"),
            ([_z(3)], {"ord": "fro"}, TypeError, "argument 'ord' .*must be Number")])),
    OpInfo("linalg.matrix_norm", LA.matrix_norm, _np_matrix_norm, _mats([
        ([(3, 4)], {}), ([(3, 3)], {"ord": "nuc"}), ([(2, 3, 4)], {"ord": 2}), ([(4, 3)], {"ord": -2}),
        ([(3, 4)], {"ord": 1}), ([(3, 4)], {"ord": -1}), ([(3, 4)], {"ord": float("inf")}),
        ([(3, 4)], {"ord": -float("inf"), "keepdim": True}), ([(3, 2, 4)], {"ord": "fro", "dim": (0, 2)}),
        ([(3, 2, 4)], {"ord": 1, "dim": (2, 0), "keepdim": True})], make=_general), dtypes=F3264, tols=LA_TOLS,
        grad_samples=10, error_inputs=_errors([
            ([_z(3)], {}, RuntimeError, "The input tensor A must have at least 2 dimensions"),
            ([_z(3, 3)], {"ord": 3}, RuntimeError, "linalg.matrix_norm: Order 3 not supported"),
            ([_z(3, 3, dtype=np.float16)], {"ord": "nuc"}, RuntimeError, "Low precision dtypes not supported"),
            ([_z(3, 3)], {"dim": (0, 0)}, RuntimeError, "dims must be different")])),
    OpInfo("linalg.norm", LA.norm, lambda a, ord=None, dim=None, keepdim=False: np.linalg.norm(a, ord, dim, keepdim),
           _mats([([(3, 4)], {}), ([(5,)], {"ord": 1}), ([(3, 4)], {"ord": "nuc"}), ([(2, 3, 4)], {"dim": (1, 2)}),
                  ([(2, 3, 4)], {"dim": 1, "ord": float("inf")}), ([(3, 4)], {"ord": -2})], make=_general),
           dtypes=F3264, tols=LA_TOLS, error_inputs=_errors([
               ([_z(3, 3, 3)], {"ord": 2}, RuntimeError, "the input must be 1D or 2D. Got 3D.")])),
    # --- determinants, inverses, solvers ------------------------------------------------
    OpInfo("linalg.det", LA.det, np.linalg.det, _mats([([(3, 3)], {}), ([(2, 4, 4)], {}), ([(1, 1)], {}),
                                                        ([(0, 0)], {})]), dtypes=F3264, tols=LA_TOLS, gradgrad=True,
           error_inputs=_errors([
               ([_z(2, 3)], {}, RuntimeError, "linalg.det: A must be batches of square matrices, but they are 2 by 3"),
               ([_z(2, 2, dtype=np.int64)], {}, RuntimeError, "complex tensor as input. Got Long"),
               ([_z(2, 2, dtype=np.float16)], {}, NotImplementedError, "\"lu_cpu\" not implemented for 'Half'")])),
    OpInfo("linalg.slogdet", LA.slogdet, lambda a: tuple(np.linalg.slogdet(a)), _mats([([(3, 3)], {}),
                                                                                       ([(2, 3, 3)], {})]),
           dtypes=F3264, tols=LA_TOLS, gradgrad=True, error_inputs=_errors([
               ([_z(2, 3)], {}, RuntimeError, "A must be batches of square matrices")])),
    OpInfo("linalg.inv", LA.inv, np.linalg.inv, _mats([([(3, 3)], {}), ([(2, 4, 4)], {}), ([(1, 1)], {}),
                                                       ([(0, 3, 3)], {})]), dtypes=F3264, tols=LA_TOLS, gradgrad=True,
           error_inputs=_errors([
               ([np.array([[1., 2], [2, 4]], _F32)], {}, LA.LinAlgError,
                ("linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the "
                 "input matrix is singular")),
               ([np.array([[[1., 0], [0, 1]], [[1., 2], [2, 4]]], _F32)], {}, LA.LinAlgError,
                r"linalg.inv: \(Batch element 1\): The diagonal element 2 is zero"),
               ([_z(2, 3)], {}, RuntimeError, "A must be batches of square matrices, but they are 2 by 3"),
               ([_z(3)], {}, RuntimeError, "The input tensor A must have at least 2 dimensions"),
               ([_z(2, 2, dtype=np.float16)], {}, RuntimeError, "Low precision dtypes not supported. Got Half")])),
    OpInfo("linalg.inv_ex", LA.inv_ex, lambda a: (np.linalg.inv(a), np.zeros(a.shape[:-2], np.int32)),
           _mats([([(3, 3)], {}), ([(2, 3, 3)], {})]), dtypes=F3264, tols=LA_TOLS, supports_grad=False),
    OpInfo("linalg.solve", LA.solve, _np_solve, _mats([
        ([(3, 3), (3, 2)], {}), ([(3, 3), (3,)], {}), ([(2, 3, 3), (2, 3)], {}), ([(2, 3, 3), (3, 4)], {}),
        ([(3, 3), (2, 3)], {"left": False}), ([(2, 1, 3, 3), (4, 3, 1)], {})]), dtypes=F3264, tols=LA_TOLS,
        gradgrad=True, grad_samples=5, error_inputs=_errors([
            ([np.array([[1., 2], [2, 4]], _F32), np.ones(2, _F32)], {}, LA.LinAlgError,
             "The solver failed because the input matrix is singular"),
            ([np.eye(2, dtype=_F32), np.ones(3, _F32)], {}, RuntimeError,
             r"Incompatible shapes of A and B for the equation AX = B \(2x2 and 3x1\)"),
            ([np.eye(2, dtype=_F32), np.ones(2)], {}, RuntimeError, "Expected A and B to have the same dtype")])),
    OpInfo("linalg.solve_triangular", LA.solve_triangular, _np_solve_triangular, _mats([
        ([(3, 3), (3, 2)], {"upper": True}), ([(3, 3), (3, 2)], {"upper": False}),
        ([(2, 3, 3), (2, 3, 4)], {"upper": True, "unitriangular": True}),
        ([(3, 3), (2, 3)], {"upper": False, "left": False})]), dtypes=F3264, tols=LA_TOLS, grad_samples=4,
        gradgrad=True, error_inputs=_errors([
            ([np.eye(3, dtype=_F32), np.ones((4, 1), _F32)], {"upper": True}, RuntimeError,
             r"Incompatible shapes of A and B for the equation AX = B \(3x3 and 4x1\)"),
            ([np.eye(3, dtype=_F32), np.ones(3, _F32)], {"upper": True}, RuntimeError,
             "The input tensor B must have at least 2 dimensions")])),
    OpInfo("linalg.matrix_power", LA.matrix_power, _np_matrix_power, _mats([
        ([(3, 3)], {"n": 3}), ([(2, 3, 3)], {"n": -2}), ([(3, 3)], {"n": 0}), ([(3, 3)], {"n": 1})]),
        dtypes=F3264, tols=LA_TOLS, gradgrad=True, error_inputs=_errors([
            ([_z(3, 2)], {"n": 2}, RuntimeError, "A must be batches of square matrices, but they are 3 by 2"),
            ([np.array([[1., 2], [2, 4]], _F32)], {"n": -1}, LA.LinAlgError, "singular")])),
    OpInfo("linalg.matrix_power_int", LA.matrix_power, _np_matrix_power, _products([
        ([(3, 3)], {"n": 3}), ([(2, 2, 2)], {"n": 2}), ([(3, 3)], {"n": 0})]), dtypes=INTS, supports_grad=False,
        ref_in_input_dtype=True),
    # --- factorisations ---------------------------------------------------------------
    OpInfo("linalg.cholesky", lambda a, **kw: LA.cholesky(_sym(a), **kw), _np_cholesky,
        _mats([([(3, 3)], {}), ([(2, 4, 4)], {"upper": True}), ([(1, 1)], {})], make=_spd), dtypes=F3264,
        tols=LA_TOLS, gradgrad=True, error_inputs=_errors([
            ([np.array([[1., 2], [2, 1]], _F32)], {}, LA.LinAlgError,
             (r"linalg.cholesky: The factorization could not be completed because the input is not "
              r"positive-definite \(the leading minor of order 2 is not positive-definite\)")),
            ([_z(2, 3)], {}, RuntimeError, "A must be batches of square matrices")])),
    OpInfo("linalg.cholesky_ex", lambda a: LA.cholesky_ex(_sym(a)), lambda a: (
        np.linalg.cholesky(_np_sym(a)), np.zeros(a.shape[:-2], np.int32)), _mats([([(3, 3)], {})], make=_spd),
        dtypes=F3264, tols=LA_TOLS),
    OpInfo("linalg.qr", _qr, _np_qr, _mats([
        ([(4, 3)], {}), ([(3, 3)], {}), ([(3, 5)], {}), ([(2, 4, 3)], {"mode": "complete"}),
        ([(3, 3)], {"mode": "complete"}), ([(4, 3)], {"mode": "r"}), ([(5, 3)], {"mode": "complete"})],
        make=_general), dtypes=F3264, tols=LA_TOLS, gradgrad=True, grad_samples=3, error_inputs=_errors([
            ([_z(3, 3)], {"mode": "x"}, RuntimeError, "qr received unrecognized mode 'x'"),
            ([_z(3)], {}, RuntimeError, "linalg.qr: The input tensor A must have at least 2 dimensions"),
            ([_z(3, 3, dtype=np.float16)], {}, NotImplementedError, "geqrf_cpu")])),
    OpInfo("linalg.svd", _svd, _np_svd, _mats([
        ([(4, 3)], {"full_matrices": False}), ([(3, 5)], {"full_matrices": False}), ([(2, 3, 3)], {}),
        ([(4, 3)], {}), ([(3, 4)], {})], make=_general), dtypes=F3264, tols=LA_TOLS, grad_samples=5,
        error_inputs=_errors([([_z(3, dtype=np.float32)], {}, RuntimeError, "at least 2 dimensions"),
                              ([_z(3, 3, dtype=np.float16)], {}, NotImplementedError, "linalg_svd_cpu")])),
    OpInfo("linalg.svdvals", LA.svdvals, lambda a: np.linalg.svd(a, compute_uv=False), _mats([
        ([(4, 3)], {}), ([(2, 3, 5)], {}), ([(0, 3, 2)], {})], make=_general), dtypes=F3264, tols=LA_TOLS,
        gradgrad=True),
    OpInfo("linalg.eigh", _eigh, _np_eigh, _mats([([(3, 3)], {}), ([(2, 4, 4)], {"UPLO": "U"})], make=_spd),
           dtypes=F3264, tols=LA_TOLS, gradgrad=True, error_inputs=_errors([
               ([_z(3, 2)], {}, RuntimeError, "linalg.eigh: A must be batches of square matrices"),
               ([_z(2, 2)], {"UPLO": "X"}, RuntimeError, "Expected UPLO argument to be 'L' or 'U', but got X")])),
    OpInfo("linalg.eigvalsh", lambda a, **kw: LA.eigvalsh(_sym(a), **kw),
           lambda a, UPLO="L": np.linalg.eigvalsh(_np_sym(a), UPLO), _mats([([(3, 3)], {}), ([(2, 4, 4)], {"UPLO": "U"})],
                                                                             make=_spd),
           dtypes=F3264, tols=LA_TOLS, gradgrad=True),
    OpInfo("linalg.pinv", LA.pinv, _np_pinv, _mats([
        ([(4, 3)], {}), ([(3, 5)], {}), ([(2, 3, 3)], {}), ([(3, 3)], {"rtol": 0.5}), ([(4, 3)], {"atol": 0.3}),
        ([(3, 4)], {"rcond": 0.2})], make=_general), dtypes=F3264, tols=LA_TOLS, gradgrad=True,
        error_inputs=_errors([([_z(2, 2, dtype=np.int64)], {}, RuntimeError, "2 or more dimensions of float, double")])),
    OpInfo("linalg.pinv_hermitian", lambda a, **kw: LA.pinv(_sym(a), hermitian=True, **kw),
           lambda a, **kw: _np_pinv(_np_sym(a), **kw), _mats([([(3, 3)], {}), ([(2, 4, 4)], {})], make=_spd),
           dtypes=F3264, tols=LA_TOLS),
    OpInfo("linalg.matrix_rank", LA.matrix_rank, _np_matrix_rank, _rank_samples, dtypes=F3264, supports_grad=False, result_dtype=int64_result,
        error_inputs=_errors([([_z(2, 2, dtype=np.int64)], {}, RuntimeError,
                               "This function doesn't handle types other than float and double")])),
    OpInfo("linalg.lstsq", lambda a, b, **kw: LA.lstsq(a, b, **kw).solution,
           lambda a, b, **kw: np.linalg.lstsq(a, b, rcond=None)[0], _mats([([(5, 3), (5, 2)], {}),
                                                                          ([(4, 2), (4, 3)], {"driver": "gelsd"})],
                                                                         make=_general),
           dtypes=F3264, tols=LA_TOLS, error_inputs=_errors([
               ([_z(3, 2), _z(3, 2)], {"driver": "x"}, RuntimeError, "parameter `driver` should be one of")])),
]

# records of the factorisation ops (ember/ops/decomp.py) are reported under that family
_DECOMP = {"det", "slogdet", "inv", "solve", "cholesky", "qr", "svd", "svdvals", "eigh", "eigvalsh", "pinv",
           "solve_triangular"}
for _rec in OP_DB:
    if _rec.name.split(".")[-1].replace("linalg_", "") in _DECOMP:
        _rec.family = "decomp"
