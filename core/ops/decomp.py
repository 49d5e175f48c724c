"""Matrix factorisations and solvers behind ``ember.linalg``: det, slogdet, inv, solve,
cholesky, qr, svd, eigh, pinv, solve_triangular.

Each is a primitive whose backward formula is written in ember ops (the standard
results collected in PyTorch's ``FunctionsManual.cpp``).  Factorisations that can
fail return a LAPACK-style ``info`` output; ``ember.linalg`` raises ``LinAlgError``.
"""
from __future__ import annotations

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from .linalg import _eye, _mT, _narrow, _tri

F = "decomp"


def _inv(a):
    return apply(INV, (a,), (), (a.dtype, D.int32))[0]


def _solve(a, b):
    return apply(SOLVE, (a, b), (), (b.dtype, D.int32))[0]


def _solve_tri(a, b, upper, left=True, unitriangular=False):
    return apply(SOLVE_TRIANGULAR, (a, b), (upper, left, unitriangular), b.dtype)


def _det_bwd(ctx, g):
    a, = ctx.saved
    return ((g * ctx.output).unsqueeze(-1).unsqueeze(-1) * _mT(_inv(a)),)


def _slogdet_bwd(ctx, g, _gsign=None):
    if g is None:  # only the (locally constant) sign was used
        return (None,)
    a, = ctx.saved
    return (g.unsqueeze(-1).unsqueeze(-1) * _mT(_inv(a)),)


def _inv_bwd(ctx, g, _ginfo=None):
    ai = _mT(ctx.output)
    return (-(ai @ g @ ai),)


def _solve_bwd(ctx, g, _ginfo=None):
    a, _ = ctx.saved
    n = ctx.needs_input_grad
    gb = _solve(_mT(a), g)
    return (-(gb @ _mT(ctx.output)) if n[0] else None, gb if n[1] else None)


def _cholesky_bwd(ctx, g, _ginfo=None):
    upper, = ctx.params
    low = _mT(ctx.output) if upper else ctx.output
    gl = _mT(g) if upper else g
    p = _tri(_mT(low) @ gl, 0, True)
    p = 0.5 * (p + _mT(_tri(p, -1, True)))
    ga = _solve_tri(_mT(low), p, upper=True)
    return (_solve_tri(low, ga, upper=False, left=False),)


def _qr_tall_bwd(q, r, gq, gr):
    """A = QR with m >= n: gA = (gQ + Q copyltu(M)) R^-T, M = R gR^T - gQ^T Q."""
    m = 0
    if gr is not None:
        m = r @ _mT(gr)
    if gq is not None:
        m = m - _mT(gq) @ q
    b = q @ (_tri(m, 0, True) + _mT(_tri(m, -1, True)))
    if gq is not None:
        b = b + gq
    return _solve_tri(_mT(r), b, upper=False, left=False)


def _qr_bwd(ctx, gq, gr):
    mode, = ctx.params
    if mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                           "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
    q, r = ctx.output
    m, n = q.shape[-2], r.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
    if m >= n:
        return (_qr_tall_bwd(q, r, gq, gr),)
    # wide A = [X | Y] with square X = QU and Y = QV: Y's gradient is Q gV, and V = Q^T Y feeds back into gQ
    from .creation import zeros_like
    from .joining import cat
    from .movement import narrow
    y = narrow(ctx.saved[0], -1, m, n - m)
    gu = gv = None
    if gr is not None:
        gu, gv = narrow(gr, -1, 0, m), narrow(gr, -1, m, n - m)
        gq = y @ _mT(gv) if gq is None else gq + y @ _mT(gv)
    gx = _qr_tall_bwd(q, narrow(r, -1, 0, m), gq, gu)
    gy = q @ gv if gv is not None else zeros_like(y)
    return (cat([gx, gy], -1),)


def _svd_bwd(ctx, gu, gs, gvh):
    full, = ctx.params
    u, s, vh = ctx.output
    k = s.shape[-1]
    m, n = u.shape[-2], vh.shape[-1]
    if full:
        u, vh = _narrow(u, -1, k), _narrow(vh, -2, k)
        gu = _narrow(gu, -1, k) if gu is not None else None
        gvh = _narrow(gvh, -2, k) if gvh is not None else None
    if gu is None and gvh is None:
        return ((u * gs.unsqueeze(-2)) @ vh,)
    s2 = s * s
    e = s2.unsqueeze(-2) - s2.unsqueeze(-1) + _eye(k, s)
    core = 0
    if gu is not None:
        j = _mT(u) @ gu
        core = core + (j - _mT(j)) / e * s.unsqueeze(-2)
    if gvh is not None:
        kk = vh @ _mT(gvh)
        core = core + s.unsqueeze(-1) * ((kk - _mT(kk)) / e)
    if gs is not None:
        core = core + gs.unsqueeze(-1) * _eye(k, s)
    ga = u @ core @ vh
    if gu is not None and m > k:
        ga = ga + ((gu - u @ j) / s.unsqueeze(-2)) @ vh
    if gvh is not None and n > k:
        ga = ga + u @ ((gvh - _mT(kk) @ vh) / s.unsqueeze(-1))
    return (ga,)


def _eigh_bwd(ctx, gl, gv):
    w, v = ctx.output
    n = w.shape[-1]
    core = 0
    if gv is not None:
        eye = _eye(n, w)
        e = w.unsqueeze(-2) - w.unsqueeze(-1) + eye
        core = (_mT(v) @ gv) / e * (1 - eye)
    if gl is not None:
        core = core + gl.unsqueeze(-1) * _eye(n, w)
    return (v @ core @ _mT(v),)


def _svdvals_bwd(ctx, g):
    u, _, vh = apply(SVD, ctx.saved, (False,))
    return ((u * g.unsqueeze(-2)) @ vh,)


def _eigvalsh_bwd(ctx, g):
    _, v = apply(EIGH, ctx.saved, ctx.params)
    return ((v * g.unsqueeze(-2)) @ _mT(v),)


def _pinv_bwd(ctx, g):
    """PyTorch's pinv_backward (valid where the rank is locally constant)."""
    a, = ctx.saved
    p = ctx.output
    ph, gh = _mT(p), _mT(g)
    if a.shape[-2] <= a.shape[-1]:
        k = gh @ p
        kph = k @ ph
        return (-_mT(p @ k) + kph - (a @ p) @ kph + (ph @ p) @ (gh - k @ a),)
    k = p @ gh
    phk = ph @ k
    return (-_mT(k @ p) + (gh - a @ k) @ p @ ph + phk - phk @ p @ a,)


def _solve_triangular_bwd(ctx, g):
    a, _ = ctx.saved
    upper, left, unit = ctx.params
    x = ctx.output
    n = ctx.needs_input_grad
    gb = _solve_tri(_mT(a), g, not upper, left, unit)
    ga = None
    if n[0]:
        ga = -(gb @ _mT(x)) if left else -(_mT(x) @ gb)
        ga = _tri(ga, 1 if unit else 0, False) if upper else _tri(ga, -1 if unit else 0, True)
    return ga, (gb if n[1] else None)


DET = defop("det", F, "det(a) -> out", backward=_det_bwd, save="both")
SLOGDET = defop("slogdet", F, "slogdet(a) -> (logabsdet, sign)", backward=_slogdet_bwd, save="inputs", nout=2,
                doc="note the order: logabsdet first (sign is locally constant: zero gradient)")
INV = defop("inv", F, "inv(a) -> (inverse, info)", backward=_inv_bwd, save="output", nout=2,
            differentiable_outputs=1, doc="info: int32 per matrix, LAPACK getrf's (1-based zero pivot, 0 = ok)")
SOLVE = defop("solve", F, "solve(a, b) -> (x, info)", backward=_solve_bwd, save="both", nout=2,
              differentiable_outputs=1, doc="AX = B for matrices B (..., n, k) with the batch shape of A")
CHOLESKY = defop("cholesky", F, "cholesky(a, upper) -> (l, info)", backward=_cholesky_bwd, save="output", nout=2,
                 differentiable_outputs=1, doc="reads the lower (upper) triangle; info: first non-PD leading minor")
QR = defop("qr", F, "qr(a, mode) -> (q, r)", backward=_qr_bwd, save="both", nout=2,
           doc="mode 'reduced' | 'complete' | 'r' (then q is an empty 1-D array)")
SVD = defop("svd", F, "svd(a, full_matrices) -> (u, s, vh)", backward=_svd_bwd, save="output", nout=3)
SVDVALS = defop("svdvals", F, "svdvals(a) -> s", backward=_svdvals_bwd, save="inputs")
EIGH = defop("eigh", F, "eigh(a, uplo) -> (w, v)", backward=_eigh_bwd, save="output", nout=2)
EIGVALSH = defop("eigvalsh", F, "eigvalsh(a, uplo) -> w", backward=_eigvalsh_bwd, save="inputs")
PINV = defop("pinv", F, "pinv(a, atol, rtol, hermitian) -> out", backward=_pinv_bwd, save="both",
             doc="singular values <= max(atol, rtol * largest) are treated as zero")
SOLVE_TRIANGULAR = defop("solve_triangular", F, "solve_triangular(a, b, upper, left, unitriangular) -> x",
                         backward=_solve_triangular_bwd, save="both")
