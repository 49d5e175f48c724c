"""Parametrization-based reparametrizations (``torch.nn.utils.parametrizations``): ``orthogonal``,
``weight_norm`` and ``spectral_norm`` built on ``parametrize.register_parametrization``.

State-dict keys match PyTorch's: ``parametrizations.weight.original0`` (g) / ``original1`` (v) for weight_norm,
``parametrizations.weight.original`` and ``parametrizations.weight.0._u`` / ``._v`` for spectral_norm,
``parametrizations.weight.original`` and ``parametrizations.weight.0.base`` for orthogonal.
"""
from __future__ import annotations

import math
from enum import Enum, auto

import ember

from ..._tensor import Tensor
from .. import functional as F
from ..modules.module import Module
from . import parametrize
from .weight_norm import _norm_except_dim
from .weight_norm import _weight_norm as _weight_norm_fn

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


# --- orthogonal ------------------------------------------------------------------------------------------
# The matrix helpers below are written in ember ops (so they differentiate on every backend); the matrices of a
# layer are small, and the loops run over columns, never over elements.

def _eye_like(X, n: int, k: int) -> Tensor:
    return ember.eye(n, k, dtype=X.dtype, device=X.device)


def _householder_product(A: Tensor, tau: Tensor) -> Tensor:
    """``torch.linalg.householder_product``: the first ``k`` columns of ``H_1 ... H_k`` with
    ``H_i = I - tau_i v_i v_i^H`` and ``v_i`` the i-th column of ``A`` below the diagonal, with a unit diagonal."""
    n, k = A.size(-2), A.size(-1)
    V = A.tril(-1) + _eye_like(A, n, k)
    Q = _eye_like(A, n, n).expand(*A.shape[:-2], n, n)
    for i in range(tau.size(-1)):
        v = V[..., :, i:i + 1]
        Q = Q - (Q @ v) @ (tau[..., i:i + 1].unsqueeze(-1) * v.mH)
    return Q[..., :k]


def _geqrf(A: Tensor) -> tuple[Tensor, Tensor]:
    """``torch.geqrf`` (LAPACK convention): R on and above the diagonal, the Householder vectors (unit first
    entry implied) below it, and the scalars ``tau``. Not differentiable (PyTorch's is not either)."""
    with ember.no_grad():
        R = A.clone()
        n, k = R.size(-2), R.size(-1)
        taus = []
        rows = ember.arange(n, device=A.device).unsqueeze(-1)
        for j in range(min(n, k)):
            x = R[..., j:, j]
            alpha = x[..., 0]
            xnorm = x[..., 1:].norm(dim=-1) if n - j > 1 else ember.zeros_like(alpha)
            beta = -ember.where(alpha >= 0, 1.0, -1.0).to(A.dtype) * ember.sqrt(alpha * alpha + xnorm * xnorm)
            trivial = xnorm == 0
            beta = ember.where(trivial, alpha, beta)
            tau = ember.where(trivial, ember.zeros_like(alpha), (beta - alpha) / beta)
            scale = ember.where(trivial, ember.zeros_like(alpha), 1.0 / (alpha - beta))
            v = ember.cat([ember.ones_like(alpha).unsqueeze(-1), x[..., 1:] * scale.unsqueeze(-1)], dim=-1)
            v_full = ember.cat([ember.zeros(*v.shape[:-1], j, dtype=A.dtype, device=A.device), v], dim=-1)
            # apply H = I - tau v v^T to the trailing columns, then store beta and v in column j
            trail = R[..., :, j + 1:]
            w = v_full.unsqueeze(-2) @ trail
            trail = trail - tau.unsqueeze(-1).unsqueeze(-1) * v_full.unsqueeze(-1) * w
            col = ember.where(rows == j, beta.unsqueeze(-1).unsqueeze(-1), v_full.unsqueeze(-1))
            col = ember.where(rows < j, R[..., :, j:j + 1], col)
            R = ember.cat([R[..., :, :j], col, trail], dim=-1)
            taus.append(tau)
        tau = ember.stack(taus, dim=-1) if taus else A.new_zeros(*A.shape[:-2], 0)
    return R, tau


def _matrix_exp(A: Tensor) -> Tensor:
    """``torch.matrix_exp`` by scaling and squaring with a degree-18 Taylor polynomial."""
    norm = float(A.abs().sum(-2).amax()) if A.numel() else 0.0
    s = max(0, math.ceil(math.log2(norm / 0.5))) if norm > 0.5 else 0
    X = A / (2 ** s)
    n = A.size(-1)
    term = _eye_like(A, n, n).expand(A.shape)
    result = term
    for i in range(1, 19):
        term = (term @ X) / i
        result = result + term
    for _ in range(s):
        result = result @ result
    return result


def _is_orthogonal(Q, eps=None):
    n, k = Q.size(-2), Q.size(-1)
    Id = ember.eye(k, dtype=Q.dtype, device=Q.device)
    # a reasonable eps, but not too large
    eps = 10.0 * n * ember.finfo(Q.dtype).eps
    return ember.allclose(Q.mH @ Q, Id, atol=eps)


def _make_orthogonal(A):
    """The Q of the QR decomposition of ``A`` whose R has a non-negative diagonal."""
    X, tau = _geqrf(A)
    Q = _householder_product(X, tau)
    return Q * X.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    base: Tensor

    def __init__(self, weight, orthogonal_map: _OrthMaps, *, use_trivialization=True) -> None:
        super().__init__()
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:
        n, k = X.size(-2), X.size(-1)
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        # here n > k and X is a tall matrix
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            # only the lower triangle of X is used: A = X - X^H is skew-symmetric
            X = X.tril()
            if n != k:
                # embed X into a square matrix
                X = ember.cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mH
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = _matrix_exp(A)
            else:  # Cayley: (I + A/2)(I - A/2)^{-1}
                Id = ember.eye(n, dtype=A.dtype, device=A.device)
                Q = ember.linalg.solve(ember.add(Id, A, alpha=-0.5), ember.add(Id, A, alpha=0.5))
            if n != k:
                Q = Q[..., :k]
        else:
            # X is real here: the householder map does not support complex tensors
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            # the diagonal of X is 1 or -1 (with the trivialization): it flips the columns' signs
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    def right_inverse(self, Q: Tensor) -> Tensor:
        with ember.no_grad():
            if Q.shape != self.shape:
                raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                                 f"Got a tensor of shape {Q.shape}.")
            Q_init = Q
            n, k = Q.size(-2), Q.size(-1)
            transpose = n < k
            if transpose:
                Q = Q.mT
                n, k = k, n
            if not hasattr(self, "base"):
                # without the trivialization only the householder map can be assigned to
                if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                    raise NotImplementedError("It is not possible to assign to the matrix exponential or the Cayley "
                                              "parametrizations when use_trivialization=False.")
                # A's diagonal becomes the signs that make householder_product(A, tau) recover Q
                A, tau = _geqrf(Q)
                eye = _eye_like(A, n, k)
                sign = A.diagonal(dim1=-2, dim2=-1).sign()
                sign = ember.where(tau == 0.0, -sign, sign)
                A = A * (1 - eye) + eye * sign.unsqueeze(-2)
                return A.mT if transpose else A
            if n == k:
                # orthogonalize Q if it is not orthogonal already
                Q = _make_orthogonal(Q) if not _is_orthogonal(Q) else Q.clone()
            else:
                # complete Q into a full n x n orthogonal matrix
                N = ember.randn(*(Q.size()[:-2] + (n, n - k)), dtype=Q.dtype, device=Q.device)
                Q = _make_orthogonal(ember.cat([Q, N], dim=-1))
            self.base = Q
            # the original becomes -Id, which every map sends to Id (so the weight equals base)
            neg_Id = ember.zeros_like(Q_init)
            return neg_Id - _eye_like(Q_init, Q_init.size(-2), Q_init.size(-1))


def orthogonal(module: Module, name: str = "weight", orthogonal_map: str | None = None, *,
               use_trivialization: bool = True) -> Module:
    """Constrain ``module.<name>`` (a matrix or batch of matrices) to be orthogonal (``Q^H Q = I`` for tall
    ``Q``, ``Q Q^H = I`` for wide), via ``"matrix_exp"``, ``"cayley"`` or ``"householder"`` (default:
    ``matrix_exp`` for square or complex matrices, ``householder`` otherwise). With ``use_trivialization``
    (default) a buffer ``base`` holds the current point and the original starts at ``-Id``.

    >>> m = orthogonal(nn.Linear(20, 40))
    >>> Q = m.weight
    >>> ember.dist(Q.T @ Q, ember.eye(20)) < 1e-5
    tensor(True)
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = ("matrix_exp" if weight.size(-2) == weight.size(-1) or weight.is_complex()
                          else "householder")
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


class _WeightNorm(Module):
    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        if dim is None:
            dim = -1
        self.dim = dim

    def forward(self, weight_g, weight_v):
        return _weight_norm_fn(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return _norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int = 0):
    """Reparametrize ``module.<name>`` as ``g * v / ||v||`` (norm over every dim but ``dim``; ``dim=None``: the
    whole tensor). ``g`` is ``parametrizations.<name>.original0`` and ``v`` is ``...original1``; checkpoints
    of the legacy ``weight_norm`` (``<name>_g`` / ``<name>_v``) load too.

    >>> m = weight_norm(nn.Linear(20, 40))
    >>> m.parametrizations.weight.original0.size()
    ember.Size([40, 1])
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                 error_msgs) -> None:
        g_key = f"{prefix}{name}_g"
        v_key = f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


class _SpectralNorm(Module):
    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got "
                             f"{dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but "
                             f"got n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.size()
            u = weight_mat.new_empty(h).normal_(0, 1)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            # start from a good estimate of the top singular vectors
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat: Tensor, n_power_iterations: int) -> None:
        # updates the buffers in place (out=), as PyTorch does
        with ember.no_grad():
            for _ in range(n_power_iterations):
                self._u = F.normalize(ember.mv(weight_mat, self._v), dim=0, eps=self.eps, out=self._u)
                self._v = F.normalize(ember.mv(weight_mat.t(), self._u), dim=0, eps=self.eps, out=self._v)

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u = self._u.clone()
        v = self._v.clone()
        sigma = ember.vdot(u, ember.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    """Divide ``module.<name>`` by its spectral norm, estimated by power iteration (``n_power_iterations`` steps
    per access in training mode). ``dim`` (default 0; 1 for ConvTranspose) is the output-channel dim.

    >>> m = spectral_norm(nn.Linear(20, 40))
    >>> m.parametrizations.weight.original.size()
    ember.Size([40, 20])
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
