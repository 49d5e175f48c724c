"""Normalization layers' kernels: batch_norm (training statistics), layer_norm and group_norm.

Each op normalizes ``x`` over a set of reduction dims with the biased variance, applies a per-feature
affine ``weight``/``bias`` and returns ``(out, mean, var)``: the statistics are outputs so the
functional layer can update running buffers, and they are differentiable (their gradients enter
the backward formula), which is what makes the formulas twice differentiable: a second-order pass
differentiates the backward through ``mean``/``var`` back into this node.

The gradient of the normalized output is itself an op (``*_backward``, fused kernel, decomposition
in ember ops and no backward formula): a first-order pass runs the kernel, and a second-order pass
(``create_graph=True``) runs its decomposition, which the dispatcher differentiates.

The public entry points (with PyTorch's argument checks) are in ``ember.nn.functional``; callers
always pass ``weight``/``bias`` tensors (ones/zeros when the layer has no affine parameters).
"""
from __future__ import annotations

from .._dispatch import apply
from .._op import defop
from .math import rsqrt
from .reduce import mean, sum

F = "norm"


def _stat_shape(x):
    """Shape that broadcasts a per-channel (dim 1) vector against ``x``."""
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _bn_dims(x):
    return (0,) + tuple(range(2, x.ndim))


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _add(a, b):
    return b if a is None else a + b


def _stat_grads(gx, xv, mean_b, gmean, gvar, n):
    """Add the gradients flowing into the ``mean`` / biased ``var`` outputs (broadcast forms)."""
    if gmean is not None:
        gx = _add(gx, (gmean / n).expand(tuple(xv.shape)))
    if gvar is not None:
        gx = _add(gx, gvar * (2.0 / n) * (xv - mean_b))
    return gx


def _centered_bwd(gxhat, xhat, rstd, dims):
    """d/dx of ``xhat = (x - mean) * rstd`` contracted with ``gxhat`` (statistics over ``dims``)."""
    a = mean(gxhat, dims, True)
    c = mean(gxhat * xhat, dims, True)
    return rstd * (gxhat - a - xhat * c)


# --- batch_norm ---------------------------------------------------------------------------------

def _bn_bwd_decomp(g, x, w, m, v, eps):
    dims = _bn_dims(x)
    shape = _stat_shape(x)
    n = _count(x.shape, dims)
    rstd = rsqrt(v + eps)
    xhat = (x - m.reshape(shape)) * rstd.reshape(shape)
    gb = sum(g, dims)
    gw = sum(g * xhat, dims)
    # weight is constant over the reduction dims, so it factors out of the centred gradient
    gx = (w * rstd).reshape(shape) * (g - (gb / n).reshape(shape) - xhat * (gw / n).reshape(shape))
    return gx, gw, gb


BATCH_NORM_BACKWARD = defop("batch_norm_backward", F, "batch_norm_backward(g, x, weight, mean, var, eps) -> "
                            "(gx, gweight, gbias)", nout=3, decomposition=_bn_bwd_decomp,
                            doc="gradients of batch_norm's output w.r.t. x, weight and bias at fixed saved stats "
                                "(the stats' own dependence on x is included: the usual centred formula)")


def _bn_bwd(ctx, g, gmean, gvar):
    x, w, _ = ctx.saved
    _, m, v = ctx.output
    eps, = ctx.params
    need = ctx.needs_input_grad
    gx = gw = gb = None
    if g is not None:
        gx, gw, gb = apply(BATCH_NORM_BACKWARD, (g, x, w, m, v), (eps,), (x.dtype, w.dtype, w.dtype))
    if need[0] and (gmean is not None or gvar is not None):
        shape = _stat_shape(x)
        gx = _stat_grads(gx, x, m.reshape(shape), None if gmean is None else gmean.reshape(shape),
                         None if gvar is None else gvar.reshape(shape), _count(x.shape, _bn_dims(x)))
    return (gx if need[0] else None), (gw if need[1] else None), (gb if need[2] else None)


def _bn_decomp(x, w, b, eps):
    dims = _bn_dims(x)
    shape = _stat_shape(x)
    m = mean(x, dims)
    d = x - m.reshape(shape)
    v = mean(d * d, dims)
    out = d * (rsqrt(v + eps) * w).reshape(shape) + b.reshape(shape)
    return out, m, v


BATCH_NORM = defop("batch_norm", F, "batch_norm(x, weight, bias, eps) -> (out, mean, var)", nout=3,
                   backward=_bn_bwd, decomposition=_bn_decomp, save="both", saved_outputs=(1, 2),
                   doc="training-mode batch norm of x (N, C, *): per-channel batch mean and biased var over "
                       "every dim but 1, (x - mean) / sqrt(var + eps) * weight + bias; stats have shape (C,)")


# --- layer_norm ---------------------------------------------------------------------------------

def _ln_dims(x, k):
    return tuple(range(x.ndim - k, x.ndim))


def _ln_bwd_decomp(g, x, w, m, v, k, eps):
    dims = _ln_dims(x, k)
    lead = tuple(range(x.ndim - k))
    rstd = rsqrt(v + eps)
    xhat = (x - m) * rstd
    gx = _centered_bwd(g * w, xhat, rstd, dims)
    gw = sum(g * xhat, lead) if lead else g * xhat
    gb = sum(g, lead) if lead else g
    return gx, gw, gb


LAYER_NORM_BACKWARD = defop("layer_norm_backward", F, "layer_norm_backward(g, x, weight, mean, var, k, eps) -> "
                            "(gx, gweight, gbias)", nout=3, decomposition=_ln_bwd_decomp,
                            doc="gradients of layer_norm's output w.r.t. x, weight and bias")


def _ln_bwd(ctx, g, gmean, gvar):
    x, w, _ = ctx.saved
    _, m, v = ctx.output
    k, eps = ctx.params
    need = ctx.needs_input_grad
    gx = gw = gb = None
    if g is not None:
        gx, gw, gb = apply(LAYER_NORM_BACKWARD, (g, x, w, m, v), (k, eps), (x.dtype, w.dtype, w.dtype))
    if need[0] and (gmean is not None or gvar is not None):
        gx = _stat_grads(gx, x, m, gmean, gvar, _count(x.shape, _ln_dims(x, k)))
    return (gx if need[0] else None), (gw if need[1] else None), (gb if need[2] else None)


def _ln_decomp(x, w, b, k, eps):
    dims = _ln_dims(x, k)
    m = mean(x, dims, True)
    d = x - m
    v = mean(d * d, dims, True)
    return d * rsqrt(v + eps) * w + b, m, v


LAYER_NORM = defop("layer_norm", F, "layer_norm(x, weight, bias, k, eps) -> (out, mean, var)", nout=3,
                   backward=_ln_bwd, decomposition=_ln_decomp, save="both", saved_outputs=(1, 2),
                   doc="normalizes x over its last k dims (biased var), then * weight + bias (shape x.shape[-k:]); "
                       "mean/var keep the reduced dims as 1")


# --- group_norm ---------------------------------------------------------------------------------

def _grouped(x, groups):
    return x.reshape((x.shape[0], groups, -1))


def _gn_bwd_decomp(g, x, w, m, v, groups, eps):
    shape = _stat_shape(x)
    rstd = rsqrt(v + eps).unsqueeze(-1)
    xhat = (_grouped(x, groups) - m.unsqueeze(-1)) * rstd
    gx = _centered_bwd(_grouped(g * w.reshape(shape), groups), xhat, rstd, (2,)).reshape(x.shape)
    dims = _bn_dims(x)
    return gx, sum(g * xhat.reshape(x.shape), dims), sum(g, dims)


GROUP_NORM_BACKWARD = defop("group_norm_backward", F, "group_norm_backward(g, x, weight, mean, var, groups, eps) "
                            "-> (gx, gweight, gbias)", nout=3, decomposition=_gn_bwd_decomp,
                            doc="gradients of group_norm's output w.r.t. x, weight and bias")


def _gn_bwd(ctx, g, gmean, gvar):
    x, w, _ = ctx.saved
    _, m, v = ctx.output
    groups, eps = ctx.params
    need = ctx.needs_input_grad
    gx = gw = gb = None
    if g is not None:
        gx, gw, gb = apply(GROUP_NORM_BACKWARD, (g, x, w, m, v), (groups, eps), (x.dtype, w.dtype, w.dtype))
    if need[0] and (gmean is not None or gvar is not None):
        xv = _grouped(x, groups)
        extra = _stat_grads(None, xv, m.unsqueeze(-1), None if gmean is None else gmean.unsqueeze(-1),
                            None if gvar is None else gvar.unsqueeze(-1), xv.shape[2]).reshape(x.shape)
        gx = _add(gx, extra)
    return (gx if need[0] else None), (gw if need[1] else None), (gb if need[2] else None)


def _gn_decomp(x, w, b, groups, eps):
    xv = _grouped(x, groups)
    m = mean(xv, (2,))
    d = xv - m.unsqueeze(-1)
    v = mean(d * d, (2,))
    shape = _stat_shape(x)
    out = (d * rsqrt(v + eps).unsqueeze(-1)).reshape(x.shape) * w.reshape(shape) + b.reshape(shape)
    return out, m, v


GROUP_NORM = defop("group_norm", F, "group_norm(x, weight, bias, groups, eps) -> (out, mean, var)", nout=3,
                   backward=_gn_bwd, decomposition=_gn_decomp, save="both", saved_outputs=(1, 2),
                   doc="x (N, C, *) normalized per sample over each of `groups` channel groups (biased var), "
                       "then * weight + bias per channel (shape (C,)); mean/var have shape (N, groups)")
