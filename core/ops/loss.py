"""Classification losses as ops (cross_entropy, nll_loss) and the distance functions losses build on.

``cross_entropy`` (class-index targets) is ONE op: a fused log_softmax + nll kernel with label smoothing,
class weights and ``ignore_index``, and a closed-form backward (``softmax - smoothed one-hot``, weighted) that is
itself an op: a fused kernel on the first-order path, its ember-op decomposition under ``create_graph``.
``nll_loss`` is built the same way.  Both take the input as ``(N, C, d1, ..., dk)`` and the target as
``(N, d1, ..., dk)`` int64, a ``(C,)`` weight (ones when the caller passes none) and plain params
``ignore_index``, ``reduction`` ('none' | 'mean' | 'sum') and, for cross_entropy, ``label_smoothing``.

The remaining losses are compositions of ember ops in ``ember.nn.functional``; the ones ``torch`` exposes at
top level (``torch.kl_div``, ``torch.cosine_similarity``, ...) are exported from here.
"""
from __future__ import annotations

from .. import _dtype as D
from .._dispatch import apply
from .._op import defop
from ._util import reg
from .activation import log_softmax, softmax
from .creation import arange
from .elementwise import add, check_tensor_arg, div, eq, mul, ne, sub, where
from .indexing import gather, index_select
from .reduce import sum

F = "loss"

REDUCTIONS = ("none", "mean", "sum")


# --- shared pieces (ember ops) ------------------------------------------------------------------

def _target_parts(x, t, w, ignore_index):
    """mask (not ignored), safe target (ignored -> 0), per-element class weight w[t] * mask, and the one-hot."""
    mask = ne(t, ignore_index)
    ts = where(mask, t, 0)
    wt = mul(index_select(w, 0, ts.reshape(-1)).reshape(ts.shape), mask.to(w.dtype))
    c = x.shape[1]
    classes = arange(c, device=x.device).reshape((1, c) + (1,) * (x.ndim - 2))
    onehot = eq(ts.unsqueeze(1), classes).to(x.dtype)
    return mask, ts, wt, onehot


def _reduce(loss, wt, reduction):
    if reduction == "none":
        return loss
    total = sum(loss)
    return total if reduction == "sum" else div(total, sum(wt))


def _grad_scale(g, wt, reduction):
    """The incoming gradient broadcast against (N, C, d...): per element for 'none', divided by sum(w[t]) for mean."""
    if reduction == "none":
        return g.unsqueeze(1)
    if reduction == "sum":
        return g
    return div(g, sum(wt))


# --- nll_loss --------------------------------------------------------------------------------

def _nll_decomp(x, t, w, ignore_index, reduction):
    mask, ts, wt, _ = _target_parts(x, t, w, ignore_index)
    picked = gather(x, 1, ts.unsqueeze(1)).squeeze(1)
    return _reduce(mul(mul(picked, wt), -1.0), wt, reduction)


def _nll_bwd_decomp(g, x, t, w, ignore_index, reduction):
    _, _, wt, onehot = _target_parts(x, t, w, ignore_index)
    return mul(mul(onehot, wt.unsqueeze(1)), mul(_grad_scale(g, wt, reduction), -1.0))


def _nll_bwd(ctx, g):
    x, t, w = ctx.saved
    return (apply(NLL_LOSS_BACKWARD, (g, x, t, w), ctx.params, x.dtype), None, None)


# The gradients are ops too: one fused kernel on the first-order path; with create_graph their inputs require
# grad and the dispatcher differentiates through the decomposition (so higher-order gradients still work).
NLL_LOSS_BACKWARD = defop("nll_loss_backward", F, "nll_loss_backward(grad, x, target, weight, ignore_index, "
                          "reduction) -> grad_x", decomposition=_nll_bwd_decomp,
                          doc="-weight[t] * onehot(t) * grad (divided by the summed weights for 'mean')")
NLL_LOSS = defop("nll_loss", F, "nll_loss(x, target, weight, ignore_index, reduction) -> out", save="inputs",
                 backward=_nll_bwd, decomposition=_nll_decomp,
                 doc="-weight[t] * x[n, t, ...] over non-ignored targets; 'mean' divides by the summed weights")


# --- cross_entropy -------------------------------------------------------------------------------

def _ce_decomp(x, t, w, ignore_index, reduction, label_smoothing):
    logp = log_softmax(x, 1)
    nll = _nll_decomp(logp, t, w, ignore_index, reduction)
    if label_smoothing <= 0:
        return nll
    mask, _, wt, _ = _target_parts(x, t, w, ignore_index)
    c = x.shape[1]
    wb = w.reshape((1, c) + (1,) * (x.ndim - 2))
    smooth = mul(mul(sum(mul(logp, wb), 1), mask.to(x.dtype)), -1.0)
    smooth = _reduce(smooth, wt, reduction)
    return add(mul(nll, 1.0 - label_smoothing), mul(smooth, label_smoothing / c))


def _ce_bwd(ctx, g):
    x, t, w = ctx.saved
    return (apply(CROSS_ENTROPY_BACKWARD, (g, x, t, w), ctx.params, x.dtype), None, None)


def _ce_bwd_decomp(g, x, t, w, ignore_index, reduction, ls):
    mask, _, wt, onehot = _target_parts(x, t, w, ignore_index)
    p = softmax(x, 1)
    grad = sub(mul(p, wt.unsqueeze(1)), mul(onehot, wt.unsqueeze(1)))
    if ls > 0:
        c = x.shape[1]
        wb = w.reshape((1, c) + (1,) * (x.ndim - 2))
        m = mask.to(x.dtype).unsqueeze(1)
        smooth = mul(sub(mul(p, sum(w)), wb), m)
        grad = add(mul(grad, 1.0 - ls), mul(smooth, ls / c))
    return mul(grad, _grad_scale(g, wt, reduction))


CROSS_ENTROPY_BACKWARD = defop("cross_entropy_backward", F,
                               "cross_entropy_backward(grad, x, target, weight, ignore_index, reduction, "
                               "label_smoothing) -> grad_x", decomposition=_ce_bwd_decomp,
                               doc="(softmax(x) - smoothed one-hot), class-weighted, times grad")


CROSS_ENTROPY = defop("cross_entropy", F,
                      "cross_entropy(x, target, weight, ignore_index, reduction, label_smoothing) -> out",
                      save="inputs", backward=_ce_bwd, decomposition=_ce_decomp,
                      doc="nll_loss(log_softmax(x, 1)) mixed with label_smoothing / C * the uniform-target loss")


# --- argument checks shared with ember.nn.functional ------------------------------------------------

def _check_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _legacy_reduction(size_average, reduce, reduction):
    """PyTorch's ``_Reduction.legacy_get_string``: the deprecated ``size_average`` / ``reduce`` flags win."""
    if size_average is None and reduce is None:
        return reduction
    import warnings
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    out = ("mean" if size_average else "sum") if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{out}' instead.",
                  stacklevel=3)
    return out


def _class_target(x, target, name):
    """Validate an index target against (N, C, d...) input; returns (x, target, squeeze_result)."""
    if target.dtype not in (D.int64, D.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_type_name(target.dtype)}")
    if target.dtype is D.uint8:
        target = target.to(D.int64)
    if x.ndim == 1:
        if target.ndim == 1 and target.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
        if target.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        return x.unsqueeze(0), target.reshape(1), True
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if x.ndim == 2 and target.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target.ndim == 0 or x.shape[0] != target.shape[0]:
        n = target.shape[0] if target.ndim else 1
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target batch_size ({n}).")
    want = (x.shape[0],) + tuple(x.shape[2:])
    if tuple(target.shape) != want:
        if name == "nll_loss" and x.ndim > 2 and target.ndim != x.ndim - 1:
            raise RuntimeError(f"only batches of spatial targets supported ({x.ndim - 1}D tensors) but got targets "
                               f"of dimension: {target.ndim}")
        raise RuntimeError(f"Expected target size {list(want)}, got {list(target.shape)}")
    return x, target, False


def _type_name(dtype):
    from .inplace import torch_type_name
    return torch_type_name(dtype)


def _class_weight(x, weight):
    c = x.shape[1]
    if weight is None:
        from .creation import ones
        return ones(c, dtype=x.dtype, device=x.device)
    if weight.ndim != 1 or weight.shape[0] != c:
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                           f"weight tensor of shape: {list(weight.shape)}")
    if weight.dtype is not x.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(x.dtype)} but found {_type_name(weight.dtype)}")
    return weight


def _class_loss(op, input, target, weight, ignore_index, reduction, extra, name):
    check_tensor_arg(input, name, "input", 1)
    check_tensor_arg(target, name, "target", 2)
    if not input.dtype.is_floating_point:
        kernel = "nll_loss_out_frame" if name == "nll_loss" else "log_softmax_lastdim_kernel_impl"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(input.dtype)}'")
    x, t, squeeze = _class_target(input, target, name)
    w = _class_weight(x, weight)
    out = apply(op, (x, t, w), (int(ignore_index), reduction) + extra, x.dtype)
    return out.squeeze(0) if squeeze and reduction == "none" else out


def _nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """The nll_loss op on validated arguments (used by ``ember.nn.functional.nll_loss``)."""
    return _class_loss(NLL_LOSS, input, target, weight, ignore_index, _check_reduction(reduction), (), "nll_loss")


def _cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """The fused cross_entropy op for class-index targets (used by ``ember.nn.functional.cross_entropy``)."""
    return _class_loss(CROSS_ENTROPY, input, target, weight, ignore_index, _check_reduction(reduction),
                       (float(label_smoothing),), "cross_entropy")


# --- distances (torch.* top level) ------------------------------------------------------------

@reg("cosine_similarity")
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 * x2) / max(||x1|| * ||x2||, eps) along ``dim`` (inputs broadcast)."""
    check_tensor_arg(x1, "cosine_similarity", "x1", 1)
    check_tensor_arg(x2, "cosine_similarity", "x2", 2)
    from .math import clamp_min
    from .reduce import norm
    n1 = clamp_min(norm(x1, 2, dim, True), eps)
    n2 = clamp_min(norm(x2, 2, dim, True), eps)
    return sum(mul(div(x1, n1), div(x2, n2)), dim)


@reg("pairwise_distance")
def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last dim."""
    check_tensor_arg(x1, "pairwise_distance", "x1", 1)
    check_tensor_arg(x2, "pairwise_distance", "x2", 2)
    from .reduce import norm
    out_ndim = max(x1.ndim, x2.ndim)
    if out_ndim == 0:
        raise RuntimeError("pairwise_distance: expected at least 1-D inputs")
    return norm(add(sub(x1, x2), eps), p, -1, keepdim)


def pdist(input, p=2):
    """Pairwise p-norm distances between the rows of a (N, M) input: the upper triangle, row by row."""
    check_tensor_arg(input, "pdist", "input", 1)
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    from .indexing import masked_select
    from .reduce import norm
    n = input.shape[0]
    rows = arange(n, device=input.device).unsqueeze(1).expand(n, n)
    cols = rows.t()
    upper = rows < cols
    ii, jj = masked_select(rows, upper), masked_select(cols, upper)
    return norm(sub(index_select(input, 0, ii), index_select(input, 0, jj)), p, -1)


# --- torch.* top-level loss functions (ATen signatures: ``reduction`` is the enum 0 none, 1 mean, 2 sum;
# called without it, PyTorch's bindings return the unreduced loss) ----------

def _enum_reduction(reduction):
    if isinstance(reduction, str):
        return reduction
    try:
        return REDUCTIONS[reduction]
    except (IndexError, TypeError):
        raise ValueError(f"{reduction} is not a valid value for reduction") from None


def _functional():
    from ..nn.functional import _loss
    return _loss


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    """``torch.binary_cross_entropy_with_logits``: see ``ember.nn.functional.binary_cross_entropy_with_logits``."""
    return _functional().binary_cross_entropy_with_logits(input, target, weight, reduction=_enum_reduction(reduction),
                                                          pos_weight=pos_weight)


def kl_div(input, target, reduction=0, *, log_target=False):
    """``torch.kl_div``: pointwise KL divergence (reduction enum: 0 none, 1 mean, 2 sum; default none)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _functional().kl_div(input, target, reduction=_enum_reduction(reduction), log_target=log_target)


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    """``torch.poisson_nll_loss`` (all arguments required, reduction enum)."""
    return _functional().poisson_nll_loss(input, target, log_input, full, eps=eps,
                                          reduction=_enum_reduction(reduction))


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    """``torch.cosine_embedding_loss`` (reduction enum)."""
    return _functional().cosine_embedding_loss(input1, input2, target, margin, reduction=_enum_reduction(reduction))


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    """``torch.margin_ranking_loss`` (reduction enum)."""
    return _functional().margin_ranking_loss(input1, input2, target, margin, reduction=_enum_reduction(reduction))


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    """``torch.hinge_embedding_loss`` (reduction enum)."""
    return _functional().hinge_embedding_loss(input, target, margin, reduction=_enum_reduction(reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, reduction=0):
    """``torch.triplet_margin_loss`` (reduction enum)."""
    return _functional().triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                             reduction=_enum_reduction(reduction))


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False):
    """``torch.ctc_loss`` (reduction enum)."""
    return _functional().ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                                  _enum_reduction(reduction), zero_infinity)
