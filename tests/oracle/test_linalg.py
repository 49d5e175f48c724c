"""Matrix products and ember.linalg against PyTorch: values, dtypes, namedtuple fields, errors, gradients.

Each case is ``f(mod, *tensors)`` run with ``mod`` = torch and ``mod`` = ember on the same data.
Factorisations are compared through invariants (sign-normalised QR, U @ Vh and |U| for the SVD,
|V| for eigh) because their factors are unique only up to signs.
"""
import warnings

import ember
import ember.linalg
import numpy as np
import pytest
import torch

from ._helpers import rng_for, to_numpy
from ._helpers import zeros as _z

TOLS = {"float16": (5e-3, 5e-3), "bfloat16": (3e-2, 3e-2), "float32": (1e-4, 1e-4), "float64": (1e-9, 1e-9),
        "int64": (0, 0), "int32": (0, 0), "uint8": (0, 0)}
warnings.filterwarnings("ignore", category=UserWarning)


def general(*shape, rng):
    return rng.uniform(-1, 1, shape)


def invertible(*shape, rng):
    return rng.uniform(-1, 1, shape) + shape[-1] * np.eye(shape[-1])


def spd(*shape, rng):
    x = rng.uniform(-1, 1, shape)
    return x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])


def ints(*shape, rng):
    return rng.integers(-3, 4, shape)


def _to(mod, a, dtype, grad=False):
    if not isinstance(a, np.ndarray):
        return a
    t = mod.tensor(a).to(getattr(mod, dtype) if a.dtype.kind == "f" else getattr(mod, str(a.dtype)))
    return t.requires_grad_(True) if grad and t.dtype.is_floating_point else t


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [y for o in out for y in _flat(o)]
    return [out]


def check_same(got, want, dtype, where=""):
    if isinstance(want, tuple) and hasattr(type(want), "__match_args__"):  # torch.return_types.*
        assert type(got).__name__ == type(want).__name__, f"{where}: {type(got).__name__} != {type(want).__name__}"
        assert tuple(got._fields) == tuple(type(want).__match_args__), where
    g, w = _flat(got), _flat(want)
    assert len(g) == len(w), f"{where}: {len(g)} outputs, torch {len(w)}"
    rtol, atol = TOLS.get(dtype, (1e-4, 1e-4))
    for i, (a, b) in enumerate(zip(g, w)):
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], f"{where}[{i}]: {a.dtype} vs {b.dtype}"
        assert tuple(a.shape) == tuple(b.shape), f"{where}[{i}]: shape {tuple(a.shape)} vs {tuple(b.shape)}"
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=rtol, atol=atol, err_msg=f"{where}[{i}]")


def compare(f, arrays, dtype="float64", grad=False):
    """Run ``f`` on torch and ember tensors built from ``arrays``; compare outputs (and gradients)."""
    tt = [_to(torch, a, dtype, grad) for a in arrays]
    et = [_to(ember, a, dtype, grad) for a in arrays]
    want = f(torch, *tt)
    got = f(ember, *et)
    check_same(got, want, dtype, "forward")
    if not grad:
        return
    outs_t = [o for o in _flat(want) if o.dtype.is_floating_point and o.requires_grad]
    outs_e = [o for o in _flat(got) if o.dtype.is_floating_point and o.requires_grad]
    assert len(outs_t) == len(outs_e)
    if not outs_t:
        return
    rng = np.random.default_rng(0)
    ws = [rng.uniform(-1, 1, tuple(o.shape)) for o in outs_t]
    lt = sum((o * torch.tensor(w)).sum() for o, w in zip(outs_t, ws))
    le = sum((o * ember.tensor(w)).sum() for o, w in zip(outs_e, ws))
    leaves_t = [t for t in tt if isinstance(t, torch.Tensor) and t.requires_grad]
    leaves_e = [t for t in et if isinstance(t, ember.Tensor) and t.requires_grad]
    gt = torch.autograd.grad(lt, leaves_t, allow_unused=True)
    ge = ember.autograd.grad(le, leaves_e, allow_unused=True)
    for i, (a, b) in enumerate(zip(ge, gt)):
        if b is None:
            assert a is None or np.allclose(to_numpy(a), 0), f"grad {i}: torch has none"
            continue
        np.testing.assert_allclose(to_numpy(a), b.numpy(), rtol=1e-7, atol=1e-9, err_msg=f"grad {i}")


# --- products ------------------------------------------------------------------------------

PRODUCTS = [
    ("matmul", lambda m, a, b: m.matmul(a, b), [(3, 4), (4, 5)]),
    ("matmul vec", lambda m, a, b: m.matmul(a, b), [(4,), (2, 4, 3)]),
    ("matmul bcast", lambda m, a, b: a @ b, [(2, 1, 3, 4), (3, 4, 2)]),
    ("mm", lambda m, a, b: m.mm(a, b), [(3, 4), (4, 2)]),
    ("Tensor.mm", lambda m, a, b: a.mm(b), [(3, 4), (4, 2)]),
    ("bmm", lambda m, a, b: m.bmm(a, b), [(2, 3, 4), (2, 4, 5)]),
    ("mv", lambda m, a, b: m.mv(a, b), [(3, 4), (4,)]),
    ("dot", lambda m, a, b: m.dot(a, b), [(5,), (5,)]),
    ("vdot", lambda m, a, b: a.vdot(b), [(5,), (5,)]),
    ("inner", lambda m, a, b: m.inner(a, b), [(2, 3, 4), (5, 4)]),
    ("outer", lambda m, a, b: m.outer(a, b), [(3,), (4,)]),
    ("ger", lambda m, a, b: a.ger(b), [(3,), (4,)]),
    ("addmm", lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=-2), [(4,), (3, 5), (5, 4)]),
    ("addmv", lambda m, c, a, b: m.addmv(c, a, b, beta=2), [(3,), (3, 5), (5,)]),
    ("addr", lambda m, c, a, b: c.addr(a, b, alpha=3), [(3, 4), (3,), (4,)]),
    ("baddbmm", lambda m, c, a, b: m.baddbmm(c, a, b, beta=0.5), [(2, 3, 5), (2, 3, 4), (2, 4, 5)]),
    ("addbmm", lambda m, c, a, b: m.addbmm(c, a, b, alpha=2), [(3, 5), (2, 3, 4), (2, 4, 5)]),
    ("einsum matmul", lambda m, a, b: m.einsum("ij,jk->ik", a, b), [(3, 4), (4, 2)]),
    ("einsum implicit", lambda m, a, b: m.einsum("kj,ji", a, b), [(3, 4), (4, 2)]),
    ("einsum ellipsis", lambda m, a, b: m.einsum("...ij,...jk->...ik", a, b), [(2, 1, 3, 4), (5, 4, 2)]),
    ("einsum diag", lambda m, a: m.einsum("ii->i", a), [(3, 3)]),
    ("einsum trace", lambda m, a: m.einsum("ii", a), [(3, 3)]),
    ("einsum repeated", lambda m, a, b: m.einsum("iij,j->i", a, b), [(3, 3, 2), (2,)]),
    ("einsum bcast label", lambda m, a, b: m.einsum("i,i->i", a, b), [(3,), (1,)]),
    ("einsum three", lambda m, a, b, c: m.einsum("ij,jk,kl->il", a, b, c), [(2, 3), (3, 4), (4, 2)]),
    ("einsum list", lambda m, a, b: m.einsum("bi,bj->bij", [a, b]), [(2, 3), (2, 4)]),
    ("einsum sublist", lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]), [(2, 3), (3, 4)]),
    ("einsum sum out", lambda m, a: m.einsum("ijk->j", a), [(2, 3, 4)]),
    ("einsum spaces", lambda m, a, b: m.einsum("i j , j k -> k i", a, b), [(2, 3), (3, 4)]),
    ("tensordot", lambda m, a, b: m.tensordot(a, b), [(3, 4, 5), (4, 5, 2)]),
    ("tensordot lists", lambda m, a, b: m.tensordot(a, b, dims=([0, 2], [1, 0])), [(3, 4, 5), (5, 3, 2)]),
    ("tensordot 0", lambda m, a, b: m.tensordot(a, b, dims=0), [(2, 3), (4,)]),
    ("kron", lambda m, a, b: m.kron(a, b), [(2, 3), (4, 1, 2)]),
    ("cross", lambda m, a, b: m.cross(a, b, dim=0), [(3, 4), (3, 4)]),
    ("cross default", lambda m, a, b: a.cross(b), [(2, 3, 3), (2, 3, 3)]),
    ("linalg.cross bcast", lambda m, a, b: m.linalg.cross(a, b), [(4, 3), (1, 3)]),
    ("cdist", lambda m, a, b: m.cdist(a, b), [(3, 4), (5, 4)]),
    ("cdist p1 batched", lambda m, a, b: m.cdist(a, b, p=1), [(2, 3, 4), (1, 5, 4)]),
    ("cdist pinf", lambda m, a, b: m.cdist(a, b, p=float("inf")), [(3, 2), (4, 2)]),
    ("cdist p0.5", lambda m, a, b: m.cdist(a, b, p=0.5, compute_mode="donot_use_mm_for_euclid_dist"),
     [(3, 2), (4, 2)]),
    ("cdist large", lambda m, a, b: m.cdist(a, b), [(30, 3), (27, 3)]),
    ("trace", lambda m, a: m.trace(a), [(3, 4)]),
    ("chain_matmul", lambda m, a, b, c: m.chain_matmul(a, b, c), [(2, 3), (3, 4), (4, 2)]),
    ("multi_dot", lambda m, a, b, c, d: m.linalg.multi_dot([a, b, c, d]), [(3,), (3, 4), (4, 5), (5,)]),
    ("multi_dot order", lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), [(10, 2), (2, 10), (10, 3)]),
    ("vecdot", lambda m, a, b: m.linalg.vecdot(a, b, dim=0), [(3, 4), (3, 1)]),
    ("linalg.matmul", lambda m, a, b: m.linalg.matmul(a, b), [(3, 4), (4,)]),
    ("linalg.diagonal", lambda m, a: m.linalg.diagonal(a, offset=1), [(2, 3, 4)]),
]


@pytest.mark.parametrize("name,f,shapes", PRODUCTS, ids=[p[0] for p in PRODUCTS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_products(name, f, shapes, dtype):
    rng = rng_for(name)
    compare(f, [general(*s, rng=rng) for s in shapes], dtype, grad=dtype == "float64")


LOWP = ["matmul", "mm", "bmm", "mv", "dot", "addmm", "addr", "baddbmm", "einsum matmul", "einsum ellipsis",
        "tensordot", "kron", "cross", "trace", "multi_dot", "vecdot"]
LOWP_CASES = [(dt,) + p for p in PRODUCTS if p[0] in LOWP for dt in ("float16", "bfloat16", "int64")
              if not (dt == "int64" and p[0] == "vecdot")]  # linalg.vecdot rejects integers (see test_errors)


@pytest.mark.parametrize("dtype,name,f,shapes", LOWP_CASES, ids=[f"{c[0]}-{c[1]}" for c in LOWP_CASES])
def test_products_low_precision_and_ints(dtype, name, f, shapes):
    rng = rng_for(name, dtype)
    make = ints if dtype == "int64" else general
    compare(f, [make(*s, rng=rng) for s in shapes], dtype)


def test_integer_products_wrap_and_promote():
    a = np.array([[100, 100], [1, 2]], np.int8)
    compare(lambda m, x: m.mm(x, x), [a], "int8")
    compare(lambda m, x, y: m.outer(x, y), [np.arange(3), np.linspace(0, 1, 4)], "float64")
    compare(lambda m, x, y: m.kron(x, y), [np.arange(4).reshape(2, 2), np.ones((2, 2), np.float32)], "float32")
    compare(lambda m, x: m.trace(x), [np.arange(9, dtype=np.int32).reshape(3, 3)], "int32")
    compare(lambda m, c, x, y: m.addr(c, x, y), [np.array([[True, False]]), np.array([True]),
                                                 np.array([False, True])], "bool")


def test_inplace_and_out_variants():
    rng = rng_for("inplace")
    c, a, b = general(3, 4, rng=rng), general(3, 5, rng=rng), general(5, 4, rng=rng)
    compare(lambda m, c, a, b: c.clone().addmm_(a, b, beta=2), [c, a, b])
    compare(lambda m, c, a, b: m.mm(a, b, out=m.empty(3, 4, dtype=m.float64)), [c, a, b])
    compare(lambda m, c, a, b: m.linalg.inv(a @ a.mT + 5 * m.eye(3, dtype=m.float64), out=m.empty(3, 3,
                                                                                              dtype=m.float64)),
            [c, a, b])


# --- linalg ----------------------------------------------------------------------------------

def _qr_canon(m, Q, R):
    k = min(Q.shape[-2], R.shape[-1])
    d = m.sign(m.diagonal(R, 0, -2, -1))
    return Q[..., :k] * d.unsqueeze(-2), R[..., :k, :] * d.unsqueeze(-1)


def _svd_inv(m, usv):
    U, S, Vh = usv
    k = S.shape[-1]
    return S, U[..., :k] @ Vh[..., :k, :], U[..., :k].abs(), Vh[..., :k, :].abs()


def _legacy_svd_inv(r):
    return r.S, r.U @ r.V.mT, r.U.abs()


def _eigh_inv(r):
    return r.eigenvalues, r.eigenvectors.abs()


def _sym(a):
    return (a + a.mT) / 2


LINALG = [
    ("det", lambda m, a: m.linalg.det(a), [(3, 3)], invertible),
    ("det batched", lambda m, a: m.linalg.det(a), [(2, 4, 4)], general),
    ("det 0x0", lambda m, a: m.linalg.det(a), [(0, 0)], general),
    ("torch.det", lambda m, a: m.det(a), [(3, 3)], invertible),
    ("Tensor.det", lambda m, a: a.det(), [(3, 3)], invertible),
    ("slogdet", lambda m, a: m.linalg.slogdet(a), [(2, 3, 3)], invertible),
    ("logdet", lambda m, a: m.logdet(a), [(3, 3)], spd),
    ("logdet negative", lambda m, a: m.logdet(a), [(3, 3)], general),
    ("torch.slogdet", lambda m, a: a.slogdet(), [(3, 3)], invertible),
    ("inv", lambda m, a: m.linalg.inv(a), [(3, 3)], invertible),
    ("inv batched", lambda m, a: m.linalg.inv(a), [(2, 2, 3, 3)], invertible),
    ("inverse", lambda m, a: a.inverse(), [(3, 3)], invertible),
    ("inv_ex", lambda m, a: m.linalg.inv_ex(a), [(2, 3, 3)], invertible),
    ("solve", lambda m, a, b: m.linalg.solve(a, b), [(3, 3), (3, 2)], invertible),
    ("solve vector", lambda m, a, b: m.linalg.solve(a, b), [(3, 3), (3,)], invertible),
    ("solve batch vector", lambda m, a, b: m.linalg.solve(a, b), [(2, 3, 3), (2, 3)], invertible),
    ("solve bcast", lambda m, a, b: m.linalg.solve(a, b), [(2, 1, 3, 3), (4, 3, 2)], invertible),
    ("solve left=False", lambda m, a, b: m.linalg.solve(a, b, left=False), [(3, 3), (2, 3)], invertible),
    ("solve_ex", lambda m, a, b: m.linalg.solve_ex(a, b), [(3, 3), (3, 2)], invertible),
    ("cholesky", lambda m, a: m.linalg.cholesky(_sym(a)), [(3, 3)], spd),
    ("cholesky upper", lambda m, a: m.linalg.cholesky(_sym(a), upper=True), [(2, 3, 3)], spd),
    ("cholesky reads lower", lambda m, a: m.linalg.cholesky(a.detach().tril() + a.tril(-1).mT), [(3, 3)], spd),
    ("cholesky_ex", lambda m, a: m.linalg.cholesky_ex(_sym(a)), [(3, 3)], spd),
    ("torch.cholesky", lambda m, a: m.cholesky(_sym(a)), [(3, 3)], spd),
    ("qr", lambda m, a: _qr_canon(m, *m.linalg.qr(a)), [(4, 3)], general),
    ("qr square batched", lambda m, a: _qr_canon(m, *m.linalg.qr(a)), [(2, 3, 3)], general),
    ("qr wide", lambda m, a: _qr_canon(m, *m.linalg.qr(a)), [(3, 5)], general),
    ("qr complete", lambda m, a: _qr_canon(m, *m.linalg.qr(a, mode="complete")), [(3, 3)], general),
    ("qr r", lambda m, a: m.linalg.qr(a.detach(), mode="r").R.abs(), [(4, 3)], general),
    ("torch.qr", lambda m, a: _qr_canon(m, *m.qr(a)), [(4, 3)], general),
    ("svd", lambda m, a: _svd_inv(m, m.linalg.svd(a, full_matrices=False)), [(4, 3)], general),
    ("svd wide", lambda m, a: _svd_inv(m, m.linalg.svd(a, full_matrices=False)), [(2, 3, 5)], general),
    ("svd full", lambda m, a: _svd_inv(m, m.linalg.svd(a)), [(4, 3)], general),
    ("torch.svd", lambda m, a: _legacy_svd_inv(m.svd(a)), [(4, 3)], general),
    ("svdvals", lambda m, a: m.linalg.svdvals(a), [(2, 3, 4)], general),
    ("eigh", lambda m, a: _eigh_inv(m.linalg.eigh(_sym(a))), [(4, 4)], spd),
    ("eigh U", lambda m, a: _eigh_inv(m.linalg.eigh(_sym(a), "U")), [(2, 3, 3)], spd),
    ("eigh nonsym L", lambda m, a: m.linalg.eigh(a.detach()).eigenvalues, [(3, 3)], general),
    ("eigh nonsym U", lambda m, a: m.linalg.eigh(a.detach(), UPLO="U").eigenvalues, [(3, 3)], general),
    ("eigvalsh", lambda m, a: m.linalg.eigvalsh(_sym(a)), [(3, 3)], spd),
    ("pinv", lambda m, a: m.linalg.pinv(a), [(4, 3)], general),
    ("pinv wide", lambda m, a: m.linalg.pinv(a), [(2, 3, 5)], general),
    ("pinv hermitian", lambda m, a: m.linalg.pinv(_sym(a), hermitian=True), [(3, 3)], spd),
    ("pinv rtol", lambda m, a: m.linalg.pinv(a.detach(), rtol=0.6), [(4, 4)], general),
    ("pinv atol", lambda m, a: m.linalg.pinv(a.detach(), atol=0.5), [(4, 4)], general),
    ("pinv rcond", lambda m, a: m.linalg.pinv(a.detach(), 0.5), [(4, 4)], general),
    ("pinverse", lambda m, a: m.pinverse(a), [(3, 4)], general),
    ("matrix_power 3", lambda m, a: m.linalg.matrix_power(a, 3), [(3, 3)], general),
    ("matrix_power -2", lambda m, a: m.linalg.matrix_power(a, -2), [(2, 3, 3)], invertible),
    ("matrix_power 0", lambda m, a: m.matrix_power(a.detach(), 0), [(3, 3)], general),
    ("matrix_power 1", lambda m, a: a.matrix_power(1), [(3, 3)], general),
    ("vector_norm", lambda m, a: m.linalg.vector_norm(a), [(3, 4)], general),
    ("vector_norm ord dims", lambda m, a: m.linalg.vector_norm(a, 3, dim=(0, 2), keepdim=True), [(2, 3, 4)], general),
    ("vector_norm inf", lambda m, a: m.linalg.vector_norm(a, float("inf"), dim=1), [(3, 4)], general),
    ("vector_norm -inf", lambda m, a: m.linalg.vector_norm(a, -float("inf")), [(3, 4)], general),
    ("vector_norm 0", lambda m, a: m.linalg.vector_norm(a, 0), [(3, 4)], general),
    ("vector_norm 1", lambda m, a: m.linalg.vector_norm(a, 1, -1), [(3, 4)], general),
    ("vector_norm -1.5", lambda m, a: m.linalg.vector_norm(a, -1.5), [(5,)], general),
    ("vector_norm 0.5", lambda m, a: m.linalg.vector_norm(a, 0.5), [(5,)], general),
    ("vector_norm 0-d", lambda m, a: m.linalg.vector_norm(a), [()], general),
    ("vector_norm empty", lambda m, a: m.linalg.vector_norm(a, dim=1), [(0, 3)], general),
    ("vector_norm dtype", lambda m, a: m.linalg.vector_norm(a.detach().float(), dtype=m.float64), [(3, 4)], general),
    ("matrix_norm fro", lambda m, a: m.linalg.matrix_norm(a), [(2, 3, 4)], general),
    ("matrix_norm nuc", lambda m, a: m.linalg.matrix_norm(a, "nuc"), [(3, 4)], general),
    ("matrix_norm 2", lambda m, a: m.linalg.matrix_norm(a, 2), [(2, 3, 4)], general),
    ("matrix_norm -2", lambda m, a: m.linalg.matrix_norm(a, -2), [(4, 3)], general),
    ("matrix_norm 1", lambda m, a: m.linalg.matrix_norm(a, 1), [(3, 4)], general),
    ("matrix_norm -1", lambda m, a: m.linalg.matrix_norm(a, -1, keepdim=True), [(3, 4)], general),
    ("matrix_norm inf", lambda m, a: m.linalg.matrix_norm(a, float("inf"), dim=(2, 0)), [(3, 2, 4)], general),
    ("matrix_norm -inf", lambda m, a: m.linalg.matrix_norm(a, -float("inf"), dim=(0, 2), keepdim=True),
     [(3, 2, 4)], general),
    ("matrix_norm nuc dims", lambda m, a: m.linalg.matrix_norm(a, "nuc", dim=(0, 2)), [(3, 2, 4)], general),
    ("norm", lambda m, a: m.linalg.norm(a), [(2, 3, 4)], general),
    ("norm ord vec", lambda m, a: m.linalg.norm(a, 3), [(5,)], general),
    ("norm ord mat", lambda m, a: m.linalg.norm(a, -2), [(3, 4)], general),
    ("norm dim", lambda m, a: m.linalg.norm(a, float("inf"), dim=1), [(3, 4)], general),
    ("norm dims", lambda m, a: m.linalg.norm(a, "nuc", dim=(0, 1)), [(3, 4)], general),
    ("solve_triangular", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True), [(3, 3), (3, 2)], invertible),
    ("solve_triangular lower unit", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False, unitriangular=True),
     [(2, 3, 3), (2, 3, 4)], invertible),
    ("solve_triangular right", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False, left=False),
     [(3, 3), (2, 3)], invertible),
]


@pytest.mark.parametrize("name,f,shapes,make", LINALG, ids=[c[0] for c in LINALG])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linalg(name, f, shapes, make, dtype):
    rng = rng_for(name)
    arrays = [make(*shapes[0], rng=rng)] + [general(*s, rng=rng) for s in shapes[1:]]
    compare(f, arrays, dtype, grad=dtype == "float64")


def test_matrix_rank_and_lstsq():
    rng = rng_for("rank")
    low = general(5, 2, rng=rng) @ general(2, 4, rng=rng)
    for kw in ({}, {"atol": 0.5}, {"rtol": 0.3}, {"hermitian": True}):
        a = low @ low.T if kw.get("hermitian") else low
        compare(lambda m, x, kw=kw: m.linalg.matrix_rank(x, **kw), [a])
    compare(lambda m, x: m.linalg.matrix_rank(x, 0.5), [np.diag([3.0, 1.0, 0.2])])
    compare(lambda m, x: m.linalg.matrix_rank(x), [general(2, 3, 4, rng=rng)], "float32")
    A, B = general(5, 3, rng=rng), general(5, 2, rng=rng)
    for driver in (None, "gels", "gelsy", "gelsd", "gelss"):
        compare(lambda m, a, b, driver=driver: m.linalg.lstsq(a, b, driver=driver), [A, B])
    compare(lambda m, a, b: m.linalg.lstsq(a, b).solution, [A, B[:, 0]], grad=True)


def test_eigh_and_svd_vectors_are_orthonormal_and_reconstruct():
    rng = rng_for("recon")
    a = general(2, 4, 4, rng=rng)
    s = ember.tensor(a + np.swapaxes(a, -1, -2))
    w, v = ember.linalg.eigh(s)
    np.testing.assert_allclose((v @ ember.diag_embed(w) @ v.mT).numpy(), s.numpy(), atol=1e-10)
    u, _, vh = ember.linalg.svd(ember.tensor(a[0, :3]), full_matrices=True)
    np.testing.assert_allclose((u.mT @ u).numpy(), np.eye(3), atol=1e-10)
    np.testing.assert_allclose((vh @ vh.mT).numpy(), np.eye(4), atol=1e-10)
    q, r = ember.linalg.qr(ember.tensor(a[0]), mode="complete")
    np.testing.assert_allclose((q @ r).numpy(), a[0], atol=1e-10)


def test_return_type_names_and_fields():
    a = invertible(3, 3, rng=rng_for("names"))
    calls = [lambda m, x: m.qr(x), lambda m, x: m.linalg.qr(x), lambda m, x: m.svd(x), lambda m, x: m.linalg.svd(x),
             lambda m, x: m.slogdet(x), lambda m, x: m.linalg.slogdet(x), lambda m, x: m.linalg.eigh(x),
             lambda m, x: m.linalg.inv_ex(x), lambda m, x: m.linalg.cholesky_ex(x @ x.mT),
             lambda m, x: m.linalg.solve_ex(x, x), lambda m, x: m.linalg.lstsq(x, x)]
    for f in calls:
        want, got = f(torch, torch.tensor(a)), f(ember, ember.tensor(a))
        assert type(got).__name__ == type(want).__name__
        assert tuple(got._fields) == tuple(type(want).__match_args__)


def test_gradgrad_matches_torch():
    rng = rng_for("gg")
    a = invertible(3, 3, rng=rng)
    for f in (lambda m, x: m.linalg.det(x), lambda m, x: m.linalg.inv(x).sum(), lambda m, x: (x @ x).pow(2).sum(),
              lambda m, x: m.linalg.solve(x, x.sum(0)).sum()):
        xt = torch.tensor(a, requires_grad=True)
        xe = ember.tensor(a, requires_grad=True)
        (gt,) = torch.autograd.grad(f(torch, xt), xt, create_graph=True)
        (ge,) = ember.autograd.grad(f(ember, xe), xe, create_graph=True)
        w = rng.uniform(-1, 1, (3, 3))
        (ggt,) = torch.autograd.grad((gt * torch.tensor(w)).sum(), xt)
        (gge,) = ember.autograd.grad((ge * ember.tensor(w)).sum(), xe)
        np.testing.assert_allclose(gge.numpy(), ggt.numpy(), rtol=1e-7, atol=1e-9)


def test_linalg_error_type_is_runtime_error_subclass():
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
    with pytest.raises(ember.linalg.LinAlgError):
        ember.linalg.solve(ember.zeros(2, 2, 2), ember.ones(2, 2))
    r = ember.linalg.inv_ex(ember.tensor([[[1.0, 0], [0, 1]], [[1.0, 2], [2, 4]]]))
    assert r.info.tolist() == [0, 2] and r.info.dtype is ember.int32
    r = ember.linalg.cholesky_ex(ember.tensor([[1.0, 2], [2, 1]]))
    assert r.info.item() == 2


# --- errors: same exception type as torch (and the same message where it is listed) ------------

ERRORS = [
    ("mm shapes", lambda m, a, b: m.mm(a, b), [_z(2, 3), _z(4, 5)], True),
    ("mm dtypes", lambda m, a, b: m.mm(a, b), [_z(2, 3), _z(3, 2, dtype="float64")], True),
    ("matmul 0-d", lambda m, a, b: m.matmul(a, b), [_z(), _z(3)], True),
    ("matmul bool", lambda m, a, b: m.matmul(a, b), [_z(2, 2, dtype="bool"), _z(2, 2, dtype="bool")], True),
    ("bmm 2d", lambda m, a, b: m.bmm(a, b), [_z(2, 3), _z(3, 2)], True),
    ("bmm sizes", lambda m, a, b: m.bmm(a, b), [_z(2, 2, 3), _z(3, 3, 2)], True),
    ("mv sizes", lambda m, a, b: m.mv(a, b), [_z(2, 3), _z(4)], True),
    ("mv dims", lambda m, a, b: m.mv(a, b), [_z(2, 3), _z(3, 1)], True),
    ("dot sizes", lambda m, a, b: m.dot(a, b), [_z(2), _z(3)], True),
    ("dot dims", lambda m, a, b: m.dot(a, b), [_z(2, 2), _z(3)], True),
    ("dot dtypes", lambda m, a, b: m.dot(a, b), [_z(2), _z(2, dtype="float64")], True),
    ("outer dims", lambda m, a, b: m.outer(a, b), [_z(2, 2), _z(3)], True),
    ("inner sizes", lambda m, a, b: m.inner(a, b), [_z(2, 3), _z(4, 2)], True),
    ("addmm sizes", lambda m, c, a, b: m.addmm(c, a, b), [_z(2, 3), _z(2, 3), _z(4, 3)], True),
    ("addmm dtypes", lambda m, c, a, b: m.addmm(c, a, b), [_z(2, 3, dtype="float64"), _z(2, 3), _z(3, 3)], True),
    ("addmv sizes", lambda m, c, a, b: m.addmv(c, a, b), [_z(5), _z(2, 3), _z(3)], True),
    ("baddbmm dtypes", lambda m, c, a, b: m.baddbmm(c, a, b), [_z(2, 2, 3, dtype="float64"), _z(2, 2, 3),
                                                              _z(2, 3, 3)], True),
    ("addr int alpha", lambda m, c, a, b: m.addr(c, a, b, alpha=0.5), [_z(2, 3, dtype="int64"), _z(2, dtype="int64"),
                                                                      _z(3, dtype="int64")], True),
    ("einsum sizes", lambda m, a, b: m.einsum("ij,jk->ik", a, b), [_z(2, 3), _z(4, 4)], True),
    ("einsum few", lambda m, a: m.einsum("ij,jk", a), [_z(2, 3)], True),
    ("einsum many", lambda m, a, b: m.einsum("ij", a, b), [_z(2, 3), _z(3)], True),
    ("einsum repeated", lambda m, a: m.einsum("ii", a), [_z(2, 3)], True),
    ("einsum ndim", lambda m, a: m.einsum("i->i", a), [_z(2, 3)], True),
    ("einsum out", lambda m, a: m.einsum("i->j", a), [_z(5)], True),
    ("einsum out twice", lambda m, a: m.einsum("i->ii", a), [_z(5)], True),
    ("einsum dot", lambda m, a: m.einsum("a.b", a), [_z(5, 3)], True),
    ("einsum char", lambda m, a: m.einsum("i$", a), [_z(5, 3)], True),
    ("einsum dtypes", lambda m, a, b: m.einsum("ij,jk", a, b), [_z(2, 3), _z(3, 4, dtype="float64")], True),
    ("tensordot sizes", lambda m, a, b: m.tensordot(a, b, 1), [_z(2, 3), _z(4, 4)], True),
    ("tensordot dtypes", lambda m, a, b: m.tensordot(a, b, 1), [_z(2, 3), _z(3, 4, dtype="float64")], True),
    ("tensordot lists", lambda m, a, b: m.tensordot(a, b, ([1, 0], [0])), [_z(2, 3), _z(3, 4)], True),
    ("cross no 3", lambda m, a, b: m.cross(a, b), [_z(2, 4), _z(2, 4)], True),
    ("linalg.cross len", lambda m, a, b: m.linalg.cross(a, b), [_z(3, 2), _z(3, 2)], True),
    ("linalg.cross ndim", lambda m, a, b: m.linalg.cross(a, b), [_z(2, 3), _z(3)], True),
    ("cdist cols", lambda m, a, b: m.cdist(a, b), [_z(2, 3), _z(4, 2)], True),
    ("cdist 1d", lambda m, a, b: m.cdist(a, b), [_z(3), _z(4, 3)], True),
    ("cdist p", lambda m, a, b: m.cdist(a, b, p=-1), [_z(2, 3), _z(4, 3)], True),
    ("cdist int", lambda m, a, b: m.cdist(a, b), [_z(2, 3, dtype="int64"), _z(4, 3, dtype="int64")], True),
    ("cdist half", lambda m, a, b: m.cdist(a, b), [_z(2, 3, dtype="float16"), _z(4, 3, dtype="float16")], True),
    ("trace 3d", lambda m, a: m.trace(a), [_z(2, 3, 4)], True),
    ("trace bool", lambda m, a: m.trace(a), [_z(2, 2, dtype="bool")], True),
    ("multi_dot one", lambda m, a: m.linalg.multi_dot([a]), [_z(3)], True),
    ("multi_dot shapes", lambda m, a, b: m.linalg.multi_dot([a, b]), [_z(2, 3), _z(4, 5)], True),
    ("multi_dot middle", lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), [_z(2, 3), _z(3), _z(3)], True),
    ("multi_dot 3d", lambda m, a, b: m.linalg.multi_dot([a, b]), [_z(2, 3), _z(3, 3, 3)], True),
    ("multi_dot dtypes", lambda m, a, b: m.linalg.multi_dot([a, b]), [_z(3, 3), _z(3, 3, dtype="float64")], True),
    ("chain_matmul 1d", lambda m, a: m.chain_matmul(a), [_z(3)], True),
    ("vecdot int", lambda m, a, b: m.linalg.vecdot(a, b), [_z(3, dtype="int64"), _z(3, dtype="int64")], True),
    ("vecdot dtypes", lambda m, a, b: m.linalg.vecdot(a, b), [_z(3), _z(3, dtype="float64")], True),
    ("inv square", lambda m, a: m.linalg.inv(a), [_z(2, 3)], True),
    ("inv 1d", lambda m, a: m.linalg.inv(a), [_z(3)], True),
    ("inv half", lambda m, a: m.linalg.inv(a), [_z(2, 2, dtype="float16")], True),
    ("inv int", lambda m, a: m.linalg.inv(a), [_z(2, 2, dtype="int64")], True),
    ("inv singular", lambda m, a: m.linalg.inv(a), [np.array([[1.0, 2], [2, 4]])], True),
    ("inv singular batch", lambda m, a: m.linalg.inv(a), [np.array([[[1.0, 0], [0, 1]], [[1.0, 2], [2, 4]]])], True),
    ("inv zeros", lambda m, a: m.linalg.inv(a), [_z(3, 3)], True),
    ("inverse singular", lambda m, a: m.inverse(a), [_z(3, 3)], True),
    ("det square", lambda m, a: m.linalg.det(a), [_z(2, 3)], True),
    ("det half", lambda m, a: m.linalg.det(a), [_z(2, 2, dtype="float16")], True),
    ("det int", lambda m, a: m.linalg.det(a), [_z(2, 2, dtype="int64")], True),
    ("slogdet half", lambda m, a: m.linalg.slogdet(a), [_z(2, 2, dtype="float16")], True),
    ("solve singular", lambda m, a, b: m.linalg.solve(a, b), [np.array([[1.0, 2], [2, 4]]), np.ones(2)], True),
    ("solve singular batch", lambda m, a, b: m.linalg.solve(a, b), [_z(2, 2, 2), np.ones((2, 2))], True),
    ("solve shapes", lambda m, a, b: m.linalg.solve(a, b), [np.eye(2), np.ones(3)], True),
    ("solve shapes matrix", lambda m, a, b: m.linalg.solve(a, b), [np.eye(2), np.ones((3, 2))], True),
    ("solve shapes left", lambda m, a, b: m.linalg.solve(a, b, left=False), [np.eye(2), np.ones(2)], True),
    ("solve dtypes", lambda m, a, b: m.linalg.solve(a, b), [np.eye(2, dtype="float32"), np.ones(2)], True),
    ("solve square", lambda m, a, b: m.linalg.solve(a, b), [_z(2, 3), np.ones(2)], True),
    ("cholesky not pd", lambda m, a: m.linalg.cholesky(a), [np.array([[1.0, 2], [2, 1]])], True),
    ("cholesky not pd batch", lambda m, a: m.linalg.cholesky(a), [np.array([[[1.0, 0], [0, 1]], [[1.0, 2],
                                                                                                 [2, 1]]])], True),
    ("cholesky int", lambda m, a: m.linalg.cholesky(a), [_z(2, 2, dtype="int64")], True),
    ("cholesky half", lambda m, a: m.linalg.cholesky(a), [_z(2, 2, dtype="float16")], True),
    ("qr mode", lambda m, a: m.linalg.qr(a, mode="x"), [_z(2, 3)], True),
    ("qr int", lambda m, a: m.linalg.qr(a), [_z(2, 3, dtype="int32")], True),
    ("qr 1d", lambda m, a: m.linalg.qr(a), [_z(3)], True),
    ("qr r backward", lambda m, a: m.linalg.qr(a, mode="r").R.sum().backward(), [np.eye(3)], False),
    ("svd 1d", lambda m, a: m.linalg.svd(a), [_z(3)], True),
    ("svd int", lambda m, a: m.linalg.svd(a), [_z(3, 2, dtype="int64")], True),
    ("svd half", lambda m, a: m.linalg.svdvals(a), [_z(3, 2, dtype="float16")], True),
    ("eigh square", lambda m, a: m.linalg.eigh(a), [_z(3, 2)], True),
    ("eigh uplo", lambda m, a: m.linalg.eigh(a, UPLO="X"), [_z(2, 2)], True),
    ("eigh int", lambda m, a: m.linalg.eigvalsh(a), [_z(2, 2, dtype="int64")], True),
    ("pinv int", lambda m, a: m.linalg.pinv(a), [_z(2, 2, dtype="int64")], True),
    ("matrix_rank int", lambda m, a: m.linalg.matrix_rank(a), [_z(2, 2, dtype="int64")], True),
    ("matrix_power square", lambda m, a: m.linalg.matrix_power(a, 2), [_z(3, 2)], True),
    ("matrix_power int neg", lambda m, a: m.linalg.matrix_power(a, -1), [_z(3, 3, dtype="int64")], True),
    ("matrix_power singular", lambda m, a: m.linalg.matrix_power(a, -1), [np.array([[1.0, 2], [2, 4]])], True),
    ("vector_norm int", lambda m, a: m.linalg.vector_norm(a), [_z(3, dtype="int64")], True),
    ("vector_norm narrowing", lambda m, a: m.linalg.vector_norm(a, dtype=m.float32), [_z(3, dtype="float64")], True),
    ("vector_norm str", lambda m, a: m.linalg.vector_norm(a, "fro"), [_z(3)], True),
    ("vector_norm empty inf", lambda m, a: m.linalg.vector_norm(a, float("inf")), [_z(0, 3)], True),
    ("vector_norm empty -1", lambda m, a: m.linalg.vector_norm(a, -1), [_z(0, 3)], True),
    ("matrix_norm 1d", lambda m, a: m.linalg.matrix_norm(a), [_z(3)], True),
    ("matrix_norm ord", lambda m, a: m.linalg.matrix_norm(a, 3), [_z(3, 3)], True),
    ("matrix_norm ord str", lambda m, a: m.linalg.matrix_norm(a, "abc"), [_z(3, 3)], True),
    ("matrix_norm int", lambda m, a: m.linalg.matrix_norm(a), [_z(3, 3, dtype="int64")], True),
    ("matrix_norm half nuc", lambda m, a: m.linalg.matrix_norm(a, "nuc"), [_z(3, 3, dtype="float16")], True),
    ("matrix_norm dims", lambda m, a: m.linalg.matrix_norm(a, dim=(0, 0)), [_z(3, 3)], True),
    ("norm 3d ord", lambda m, a: m.linalg.norm(a, 2), [_z(3, 3, 3)], True),
    ("solve_triangular shapes", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True),
     [np.eye(3), np.ones((4, 1))], True),
    ("solve_triangular 1d", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True), [np.eye(3), np.ones(3)], True),
    ("solve_triangular half", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True),
     [_z(3, 3, dtype="float16"), _z(3, 1, dtype="float16")], True),
    ("lstsq driver", lambda m, a, b: m.linalg.lstsq(a, b, driver="x"), [_z(3, 2), _z(3, 2)], True),
    ("lstsq dtypes", lambda m, a, b: m.linalg.lstsq(a, b), [_z(3, 2, dtype="float64"), _z(3, 2)], True),
]


@pytest.mark.parametrize("name,f,arrays,same_message", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, f, arrays, same_message):
    tt = [torch.tensor(a) for a in arrays]
    et = [ember.tensor(a) for a in arrays]
    with pytest.raises(Exception) as want:
        f(torch, *tt)
    with pytest.raises(Exception) as got:
        f(ember, *et)
    tw, tg = want.type, got.type
    if issubclass(tw, torch.linalg.LinAlgError):
        assert issubclass(tg, ember.linalg.LinAlgError), f"{tg.__name__}: {got.value}"
    else:
        assert tg is tw or issubclass(tg, tw), f"torch raised {tw.__name__}: {want.value}; ember {tg.__name__}: " \
                                              f"{got.value}"
    if same_message:
        assert str(got.value) == str(want.value)
