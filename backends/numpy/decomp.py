"""Factorisation kernels (mirrors ember/ops/decomp.py), generic over ``xp``.

Kernels that can fail return an ``info`` array (LAPACK's convention: 0 = success,
k > 0 = the failing pivot / leading minor, 1-based) instead of raising.
"""
from __future__ import annotations

import numpy as np


def kernels(xp):
    asarray = xp.asarray
    la = xp.linalg


    def _batch_info(a, check):
        """Per-matrix info (int32, batch shape): ``check(matrix) -> int``."""
        flat = a.reshape((-1,) + a.shape[-2:])
        info = np.array([check(xp.asnumpy(m) if hasattr(xp, "asnumpy") else m) for m in flat], dtype=np.int32)
        return asarray(info.reshape(a.shape[:-2]))

    def _zero_pivot(m):
        """LAPACK getrf's info: 1-based index of the first exactly-zero pivot, 0 if none."""
        m = np.array(m, dtype=np.float64 if m.dtype != np.float32 else np.float32)
        n = m.shape[0]
        for k in range(n):
            p = k + int(np.argmax(np.abs(m[k:, k])))
            if m[p, k] == 0:
                return k + 1
            m[[k, p]] = m[[p, k]]
            m[k + 1:, k:] -= np.outer(m[k + 1:, k] / m[k, k], m[k, k:])
        return 0

    def _not_pd(m):
        """LAPACK potrf's info: order of the first leading minor that is not positive-definite."""
        for k in range(1, m.shape[0] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                return k
        return 0

    def _ok(a):
        return xp.zeros(a.shape[:-2], dtype=np.int32)

    def det(a):
        return asarray(la.det(a)).astype(a.dtype, copy=False)

    def slogdet(a):
        sign, logabs = la.slogdet(a)
        return asarray(logabs).astype(a.dtype, copy=False), asarray(sign).astype(a.dtype, copy=False)

    def inv(a):
        try:
            return asarray(la.inv(a)), _ok(a)
        except np.linalg.LinAlgError:
            return xp.full(a.shape, xp.nan, dtype=a.dtype), _batch_info(a, _zero_pivot)

    def solve(a, b):
        try:
            return asarray(la.solve(a, b)), _ok(a)
        except np.linalg.LinAlgError:
            return xp.full(b.shape, xp.nan, dtype=b.dtype), _batch_info(a, _zero_pivot)

    def cholesky(a, upper):
        m = xp.swapaxes(a, -1, -2) if upper else a
        try:
            low = asarray(la.cholesky(m))
        except np.linalg.LinAlgError:
            return xp.full(a.shape, xp.nan, dtype=a.dtype), _batch_info(m, _not_pd)
        return (xp.swapaxes(low, -1, -2).copy() if upper else low), _ok(a)

    def qr(a, mode):
        if mode == "r":
            r = la.qr(a, mode="r")
            return xp.zeros((0,), dtype=a.dtype), asarray(r)
        q, r = la.qr(a, mode=mode)
        return asarray(q), asarray(r)

    def svd(a, full_matrices):
        u, s, vh = la.svd(a, full_matrices=full_matrices)
        return asarray(u), asarray(s).astype(a.dtype, copy=False), asarray(vh)

    def svdvals(a):
        return asarray(la.svd(a, compute_uv=False)).astype(a.dtype, copy=False)

    def eigh(a, uplo):
        w, v = la.eigh(a, UPLO=uplo)
        return asarray(w).astype(a.dtype, copy=False), asarray(v)

    def eigvalsh(a, uplo):
        return asarray(la.eigvalsh(a, UPLO=uplo)).astype(a.dtype, copy=False)

    def pinv(a, atol, rtol, hermitian):
        """Moore-Penrose inverse; singular values <= max(atol, rtol * largest) count as zero."""
        if hermitian:
            w, v = la.eigh(a)
            s = xp.abs(w)
            smax = xp.max(s, axis=-1, keepdims=True) if s.shape[-1] else s
            keep = s > xp.maximum(atol, rtol * smax)
            winv = xp.where(keep, 1 / xp.where(keep, w, 1), 0).astype(a.dtype)
            return asarray(xp.matmul(v * winv[..., None, :], xp.swapaxes(v, -1, -2)))
        u, s, vh = la.svd(a, full_matrices=False)
        smax = s[..., :1]
        keep = s > xp.maximum(atol, rtol * smax)
        sinv = xp.where(keep, 1 / xp.where(keep, s, 1), 0).astype(a.dtype)
        return asarray(xp.matmul(xp.swapaxes(vh, -1, -2) * sinv[..., None, :], xp.swapaxes(u, -1, -2)))

    def solve_triangular(a, b, upper, left, unitriangular):
        n = a.shape[-1]
        mask = xp.triu(xp.ones((n, n), dtype=bool), 1 if unitriangular else 0) if upper else \
            xp.tril(xp.ones((n, n), dtype=bool), -1 if unitriangular else 0)
        t = xp.where(mask, a, 0).astype(a.dtype)
        if unitriangular:
            t = t + xp.eye(n, dtype=a.dtype)
        if left:
            return asarray(la.solve(t, b)).astype(b.dtype, copy=False)
        # X A = B  <=>  A^T X^T = B^T
        xt = la.solve(xp.swapaxes(t, -1, -2), xp.swapaxes(b, -1, -2))
        return asarray(xp.swapaxes(xt, -1, -2)).astype(b.dtype, copy=False)

    return {"det": det, "slogdet": slogdet, "inv": inv, "solve": solve, "cholesky": cholesky, "qr": qr,
            "svd": svd, "svdvals": svdvals, "eigh": eigh, "eigvalsh": eigvalsh, "pinv": pinv,
            "solve_triangular": solve_triangular}


KERNELS = kernels(np)
