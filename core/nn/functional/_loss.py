"""``torch.nn.functional`` losses.

``cross_entropy`` (class-index targets) and ``nll_loss`` run single fused ops from ``ember.ops.loss``; every other
loss is a composition of ember ops, following PyTorch's formulas (and its clamps, e.g. BCE's log >= -100).
Every loss takes ``reduction`` in ('none', 'mean', 'sum'); the deprecated ``size_average`` / ``reduce`` flags
are accepted where PyTorch accepts them.
"""
from __future__ import annotations

import builtins
import math
import warnings

from ... import _dtype as D
from ..._tensor import Tensor
from ...amp.autocast_mode import autocast_entry as _autocast_entry
from ...autograd.grad_mode import no_grad
from ...ops import loss as L
from ...ops.activation import log_softmax
from ...ops.creation import arange, full, ones_like
from ...ops.elementwise import abs, add, div, eq, exp, gt, log, lt, mul, ne, sub, where
from ...ops.joining import cat, stack
from ...ops.math import clamp_min, log1p, minimum, xlogy
from ...ops.reduce import logsumexp, mean, sum
from ._activation import logsigmoid

__all__ = ["cross_entropy", "nll_loss", "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss",
           "gaussian_nll_loss", "cosine_embedding_loss", "margin_ranking_loss", "hinge_embedding_loss",
           "soft_margin_loss", "multilabel_soft_margin_loss", "multilabel_margin_loss", "multi_margin_loss",
           "triplet_margin_loss", "triplet_margin_with_distance_loss", "ctc_loss", "linear_cross_entropy"]


def _reduction(size_average, reduce, reduction):
    return L._check_reduction(L._legacy_reduction(size_average, reduce, reduction))


def _apply(loss, reduction):
    if reduction == "none":
        return loss
    return mean(loss) if reduction == "mean" else sum(loss)


def _check_tensors(name, **tensors):
    for i, (k, v) in enumerate(tensors.items()):
        if not isinstance(v, Tensor):
            raise TypeError(f"{name}(): argument '{k}' (position {i + 1}) must be Tensor, not {type(v).__name__}")


def _size_warning(input, target):
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size "
                      f"({input.size()}). This will likely lead to incorrect results due to broadcasting. "
                      f"Please ensure they have the same size.", stacklevel=3)


def _weighted(loss, input, weight, reduction, mean_by_weight):
    """PyTorch's manual weighted path of l1/mse/huber: weight must have the input's size."""
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = mul(loss, weight)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return sum(loss)
    return div(sum(loss), sum(weight)) if mean_by_weight else mean(loss)


# --- class losses ---------------------------------------------------------------------------------

@_autocast_entry("nll_loss")
def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None, ignore_index: int = -100,
             reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log likelihood of log-probabilities ``input`` (N, C, d...) at class indices ``target``."""
    return L._nll_loss(input, target, weight, ignore_index, _reduction(size_average, reduce, reduction))


@_autocast_entry("cross_entropy")
def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy between logits ``input`` (C), (N, C) or (N, C, d1, ..., dk) and class indices or class
    probabilities ``target``.

    >>> F.cross_entropy(ember.tensor([[2.0, 0.0]]), ember.tensor([0]))
    tensor(0.1269)
    """
    _check_tensors("cross_entropy", input=input, target=target)
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.shape == target.shape:
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing)
    return L._cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)


def _cross_entropy_probs(input, target, weight, reduction, label_smoothing):
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{L._type_name(target.dtype)}")
    class_dim = 0 if input.ndim == 1 else 1
    c = input.shape[class_dim]
    logp = log_softmax(input, class_dim)
    if label_smoothing > 0:
        target = add(mul(target, 1.0 - label_smoothing), label_smoothing / c)
    terms = mul(logp, target)
    if weight is not None:
        if weight.ndim != 1 or weight.shape[0] != c:
            raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                               f"weight tensor of shape: {list(weight.shape)}")
        terms = mul(terms, weight.reshape((c,) + (1,) * (input.ndim - class_dim - 1)))
    loss = mul(sum(terms, class_dim), -1.0)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return sum(loss)
    return div(sum(loss), input.numel() // c) if input.numel() else div(sum(loss), 0.0)


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target: Tensor, *, linear_bias: Tensor | None = None,
                         weight: Tensor | None = None, reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options=None) -> Tensor:
    """``cross_entropy(linear(input, linear_weight, linear_bias), target)``; ``linear_weight`` is (C, in) or
    (C, d1, ..., dk, in) for a K-dimensional loss.  ``options`` (PyTorch's chunking strategy, a memory
    optimisation) is accepted and computes the same values unchunked."""
    _check_tensors("linear_cross_entropy", input=input, linear_weight=linear_weight, target=target)
    out_shape = tuple(linear_weight.shape[:-1])
    w2 = linear_weight.reshape(-1, linear_weight.shape[-1])
    logits = input.matmul(w2.t())
    if linear_bias is not None:
        logits = add(logits, linear_bias.reshape(-1))
    logits = logits.reshape(tuple(input.shape[:-1]) + out_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)


# --- regression losses ------------------------------------------------------------------------------

@_autocast_entry("l1_loss")
def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    """mean |input - target| (or 'sum' / 'none')."""
    _check_tensors("l1_loss", input=input, target=target)
    _size_warning(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    loss = abs(sub(input, target))
    if weight is not None:
        return _weighted(loss, input, weight, reduction, True)
    return _apply(loss, reduction)


@_autocast_entry("mse_loss")
def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """mean (input - target)^2 (or 'sum' / 'none')."""
    _check_tensors("mse_loss", input=input, target=target)
    _size_warning(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    d = sub(input, target)
    loss = mul(d, d)
    if weight is not None:
        return _weighted(loss, input, weight, reduction, True)
    return _apply(loss, reduction)


def _huber(d, delta):
    a = abs(d)
    return where(lt(a, delta), mul(mul(d, d), 0.5), mul(sub(a, 0.5 * delta), delta))


@_autocast_entry("smooth_l1_loss")
def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target); beta = 0 is the L1 loss."""
    _check_tensors("smooth_l1_loss", input=input, target=target)
    _size_warning(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    d = sub(input, target)
    if beta == 0:
        return _apply(abs(d), reduction)
    return _apply(div(_huber(d, beta), beta), reduction)


@_autocast_entry("huber_loss")
def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    _check_tensors("huber_loss", input=input, target=target)
    _size_warning(input, target)
    L._check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    loss = _huber(sub(input, target), delta)
    if weight is not None:
        return _weighted(loss, input, weight, reduction, False)
    return _apply(loss, reduction)


# --- binary / probabilistic losses ----------------------------------------------------------------

def _expand_weight(weight, target):
    if weight is None:
        return None
    from ...ops._util import broadcast_shapes
    shape = broadcast_shapes(tuple(target.shape), tuple(weight.shape), op="binary_cross_entropy")
    if shape != tuple(target.shape):
        raise RuntimeError(f"The size of tensor a ({weight.shape}) must match the size of tensor b "
                           f"({target.shape})")
    return weight


@_autocast_entry("binary_cross_entropy")
def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """-w (t log x + (1 - t) log(1 - x)), each log clamped to >= -100 (as PyTorch)."""
    _check_tensors("binary_cross_entropy", input=input, target=target)
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size "
                         f"({input.size()}) is deprecated. Please ensure they have the same size.")
    weight = _expand_weight(weight, target)
    if input.numel() and bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    log_x = clamp_min(log(input), -100.0)
    log_1mx = clamp_min(log1p(mul(input, -1.0)), -100.0)
    loss = mul(add(mul(target, log_x), mul(sub(1.0, target), log_1mx)), -1.0)
    if weight is not None:
        loss = mul(loss, weight)
    return _apply(loss, reduction)


@_autocast_entry("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """BCE on logits, stable: (1 - t) x - lw * logsigmoid(x), lw = 1 + (pos_weight - 1) t."""
    _check_tensors("binary_cross_entropy_with_logits", input=input, target=target)
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    ls = logsigmoid(input)
    if pos_weight is not None:
        ls = mul(add(mul(sub(pos_weight, 1.0), target), 1.0), ls)
    loss = sub(mul(sub(1.0, target), input), ls)
    if weight is not None:
        loss = mul(loss, weight)
    return _apply(loss, reduction)


@_autocast_entry("kl_div")
def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """Pointwise KL divergence target * (log target - input) (input holds log-probabilities)."""
    _check_tensors("kl_div", input=input, target=target)
    if size_average is not None or reduce is not None:
        reduction = L._legacy_reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = mul(exp(target), sub(target, input))
    else:
        loss = sub(xlogy(target, target), mul(target, input))
    if reduction == "batchmean":
        total = sum(loss)
        return div(total, input.shape[0]) if input.ndim else total
    return _apply(loss, reduction)


@_autocast_entry("poisson_nll_loss")
def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False, size_average=None,
                     eps: float = 1e-8, reduce=None, reduction: str = "mean") -> Tensor:
    """Poisson negative log likelihood: exp(x) - t x (log_input) or x - t log(x + eps); ``full`` adds Stirling."""
    _check_tensors("poisson_nll_loss", input=input, target=target)
    if size_average is not None or reduce is not None:
        reduction = L._legacy_reduction(size_average, reduce, reduction)
    L._check_reduction(reduction)
    if log_input:
        loss = sub(exp(input), mul(target, input))
    else:
        loss = sub(input, mul(target, log(add(input, eps))))
    if full:
        t = target
        stirling = add(sub(mul(t, log(t)), t), mul(log(mul(t, 2 * math.pi)), 0.5))
        loss = add(loss, where(gt(t, 1), stirling, 0.0))
    return _apply(loss, reduction)


@_autocast_entry("gaussian_nll_loss")
def gaussian_nll_loss(input: Tensor, target: Tensor, var, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """0.5 (log(max(var, eps)) + (input - target)^2 / max(var, eps)) (+ 0.5 log(2 pi) when ``full``)."""
    _check_tensors("gaussian_nll_loss", input=input, target=target)
    if isinstance(var, (int, float)) and not isinstance(var, bool):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = mul(ones_like(input), float(var))
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif input.ndim == var.ndim and builtins.sum(y for x, y in zip(input.shape, var.shape) if x != y) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    with no_grad():
        lift = sub(clamp_min(var, eps), var)  # PyTorch clamps in place under no_grad: values move, grads don't
    var = add(var, lift)
    d = sub(input, target)
    loss = mul(add(log(var), div(mul(d, d), var)), 0.5)
    if full:
        loss = add(loss, 0.5 * math.log(2 * math.pi))
    return _apply(loss, reduction)


# --- margin / embedding losses -------------------------------------------------------------------

@_autocast_entry("cosine_embedding_loss")
def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average=None,
                          reduce=None, reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where target == 1, max(0, cos(x1, x2) - margin) where target == -1."""
    _check_tensors("cosine_embedding_loss", input1=input1, input2=input2, target=target)
    reduction = _reduction(size_average, reduce, reduction)
    if target.ndim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target.ndim == 1 and (input1.ndim != 2 or input2.ndim != 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    if target.ndim == 0 and (input1.ndim != 1 or input2.ndim != 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    dim = input1.ndim - 1
    eps = 1e-12
    prod = sum(mul(input1, input2), dim)
    m1 = add(sum(mul(input1, input1), dim), eps)
    m2 = add(sum(mul(input2, input2), dim), eps)
    cos = div(prod, mul(m1, m2).sqrt())
    pos = sub(1.0, cos)
    neg = clamp_min(sub(cos, margin), 0.0)
    loss = add(where(eq(target, 1), pos, 0.0), where(eq(target, -1), neg, 0.0))
    return _apply(loss, reduction)


@_autocast_entry("margin_ranking_loss")
def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:
    """max(0, -target * (input1 - input2) + margin)."""
    _check_tensors("margin_ranking_loss", input1=input1, input2=input2, target=target)
    reduction = _reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    loss = clamp_min(add(mul(mul(target, -1.0), sub(input1, input2)), margin), 0.0)
    return _apply(loss, reduction)


@_autocast_entry("hinge_embedding_loss")
def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    """x where target == 1, max(0, margin - x) where target == -1."""
    _check_tensors("hinge_embedding_loss", input=input, target=target)
    reduction = _reduction(size_average, reduce, reduction)
    margin_clamp = clamp_min(sub(margin, input), 0.0)
    loss = add(where(ne(target, 1), margin_clamp, 0.0), where(ne(target, -1), input, 0.0))
    return _apply(loss, reduction)


@_autocast_entry("soft_margin_loss")
def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """log(1 + exp(-target * input))."""
    _check_tensors("soft_margin_loss", input=input, target=target)
    reduction = _reduction(size_average, reduce, reduction)
    return _apply(log1p(exp(mul(mul(target, -1.0), input))), reduction)


@_autocast_entry("multilabel_soft_margin_loss")
def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                                reduce=None, reduction: str = "mean") -> Tensor:
    """-(t logsigmoid(x) + (1 - t) logsigmoid(-x)), averaged over classes."""
    _check_tensors("multilabel_soft_margin_loss", input=input, target=target)
    reduction = L._legacy_reduction(size_average, reduce, reduction)
    if reduction not in L.REDUCTIONS:
        raise ValueError(f"{reduction} is not valid")
    loss = mul(add(mul(target, logsigmoid(input)), mul(sub(1.0, target), logsigmoid(mul(input, -1.0)))), -1.0)
    if weight is not None:
        loss = mul(loss, weight)
    class_dim = input.ndim - 1
    loss = div(sum(loss, class_dim), input.shape[class_dim])
    return _apply(loss, reduction)


@_autocast_entry("multilabel_margin_loss")
def multilabel_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                           reduction: str = "mean") -> Tensor:
    """sum over target classes j and non-target classes i of max(0, 1 - (x[y_j] - x[i])) / C; targets are the
    leading non-negative entries of each ``target`` row (a -1 ends them)."""
    _check_tensors("multilabel_margin_loss", input=input, target=target)
    reduction = _reduction(size_average, reduce, reduction)
    if target.dtype is not D.int64:
        raise RuntimeError(f"expected scalar type Long but found {L._type_name(target.dtype)}")
    squeeze = input.ndim <= 1
    x = input.reshape(1, -1) if squeeze else input
    t = target.reshape(1, -1) if squeeze else target
    if input.ndim > 2 or tuple(t.shape) != tuple(x.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    c = x.shape[1]
    valid = (t >= 0).to(D.int64).cumprod(1).to(D.bool)  # entries before the first -1
    ts = where(valid, t, 0)
    classes = arange(c, device=x.device)
    is_target = (eq(ts.unsqueeze(2), classes) & valid.unsqueeze(2)).any(1)  # (N, C)
    x_y = x.gather(1, ts)  # (N, S)
    margins = clamp_min(sub(1.0, sub(x_y.unsqueeze(2), x.unsqueeze(1))), 0.0)  # (N, S, C)
    keep = valid.unsqueeze(2) & (~is_target).unsqueeze(1)
    loss = div(sum(where(keep, margins, 0.0), (1, 2)), c)
    if squeeze:
        loss = loss.reshape(())
    return _apply(loss, reduction)


@_autocast_entry("multi_margin_loss")
def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average=None, reduce=None,
                      reduction: str = "mean") -> Tensor:
    """sum over i != y of max(0, margin - x[y] + x[i])^p * w[y] / C."""
    _check_tensors("multi_margin_loss", input=input, target=target)
    reduction = _reduction(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    squeeze = input.ndim <= 1
    x = input.reshape(1, -1) if squeeze else input
    t = target.reshape(-1)
    if x.ndim != 2 or target.ndim > 1 or t.shape[0] != x.shape[0]:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{x.shape[0]}], but got "
                           f"{list(target.shape)}. Input has shape {list(input.shape)}.")
    c = x.shape[1]
    x_y = x.gather(1, t.unsqueeze(1))
    z = clamp_min(add(sub(margin, x_y), x), 0.0)
    if p == 2:
        z = mul(z, z)
    if weight is not None:
        z = mul(z, weight.index_select(0, t).unsqueeze(1))
    z = where(eq(t.unsqueeze(1), arange(c, device=x.device)), 0.0, z)
    loss = div(sum(z, 1), c)
    if squeeze:
        loss = loss.reshape(())
    return _apply(loss, reduction)


@_autocast_entry("triplet_margin_loss")
def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    """max(0, d(a, p) - d(a, n) + margin) with the p-norm pairwise distance."""
    _check_tensors("triplet_margin_loss", anchor=anchor, positive=positive, negative=negative)
    reduction = _reduction(size_average, reduce, reduction)
    a_dim, p_dim, n_dim = anchor.ndim, positive.ndim, negative.ndim
    if not (a_dim == p_dim == n_dim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D inputs")
    d_pos = L.pairwise_distance(anchor, positive, p, eps)
    d_neg = L.pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, L.pairwise_distance(positive, negative, p, eps))
    loss = clamp_min(add(sub(d_pos, d_neg), margin), 0.0)
    return _apply(loss, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function=None, margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """max(0, d(a, p) - d(a, n) + margin) with a custom distance (default: pairwise_distance)."""
    L._check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} "
                         f"instead")
    a_dim, p_dim, n_dim = anchor.ndim, positive.ndim, negative.ndim
    if not (a_dim == p_dim == n_dim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D inputs")
    dist = distance_function if distance_function is not None else L.pairwise_distance
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = minimum(d_neg, dist(positive, negative))
    loss = clamp_min(add(sub(d_pos, d_neg), margin), 0.0)
    return _apply(loss, reduction)


# --- CTC --------------------------------------------------------------------------------------------

_NEG = -1e30  # finite "log 0": keeps logsumexp's gradient finite on impossible paths


def _lengths(x):
    if isinstance(x, Tensor):
        return [int(v) for v in x.reshape(-1).tolist()]
    if isinstance(x, int):
        return [x]
    return [int(v) for v in x]


@_autocast_entry("ctc_loss")
def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """Connectionist Temporal Classification loss: the log-space forward (alpha) recursion over time, vectorised
    over batch and extended-label positions.  ``log_probs`` is (T, N, C) or (T, C) log-softmax output."""
    _check_tensors("ctc_loss", log_probs=log_probs, targets=targets)
    L._check_reduction(reduction)
    unbatched = log_probs.ndim == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    if lp.ndim != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs to be 2-D or 3-D, got {log_probs.ndim}-D")
    t_max, n, c = lp.shape
    in_lens = _lengths(input_lengths)
    tg_lens = _lengths(target_lengths)
    if len(in_lens) != n:
        raise RuntimeError(f"input_lengths must be of size batch_size ({n}), got {len(in_lens)}")
    if len(tg_lens) != n:
        raise RuntimeError(f"target_lengths must be of size batch_size ({n}), got {len(tg_lens)}")
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    for ln in in_lens:
        if ln > t_max or ln < 0:
            raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got value {ln} "
                               f"(while checking arguments for ctc_loss_cpu)")
    s_max = max(tg_lens) if tg_lens else 0
    tg = targets.reshape(1, -1) if unbatched and targets.ndim == 1 else targets
    rows = []
    if tg.ndim == 1:  # concatenated targets
        offs = 0
        flat = tg.tolist()
        for ln in tg_lens:
            rows.append(flat[offs:offs + ln] + [blank] * (s_max - ln))
            offs += ln
    else:
        data = tg.tolist()
        for i, ln in enumerate(tg_lens):
            if ln > tg.shape[1]:
                raise RuntimeError(f"Expected tensor to have size at least {ln} at dimension 1, but got size "
                                   f"{tg.shape[1]} for argument #2 'targets' (while checking arguments for "
                                   f"ctc_loss_cpu)")
            rows.append(list(data[i][:ln]) + [blank] * (s_max - ln))
    n_ext = 2 * s_max + 1
    ext = [[blank if j % 2 == 0 else r[j // 2] for j in range(n_ext)] for r in rows]
    allow_skip = [[j >= 2 and j % 2 == 1 and e[j] != e[j - 2] for j in range(n_ext)] for e in ext]
    from ...ops.creation import tensor
    dev = lp.device
    ext_t = tensor(ext, dtype=D.int64, device=dev).reshape(n, n_ext)
    skip = tensor(allow_skip, dtype=D.bool, device=dev).reshape(n, n_ext)
    lp_ext = lp.gather(2, ext_t.unsqueeze(0).expand(t_max, n, n_ext))  # (T, N, L)
    neg_col = full((n, 1), _NEG, dtype=lp.dtype, device=dev)
    neg_two = full((n, 2), _NEG, dtype=lp.dtype, device=dev)
    starts = tensor([[j < 2 for j in range(n_ext)]], dtype=D.bool, device=dev)
    alpha = where(starts, lp_ext[0], _NEG) if t_max else full((n, n_ext), _NEG, dtype=lp.dtype, device=dev)
    in_len_t = tensor(in_lens, dtype=D.int64, device=dev).unsqueeze(1)
    for step in range(1, t_max):
        prev1 = cat([neg_col, alpha[:, :-1]], 1)
        prev2 = where(skip, cat([neg_two, alpha[:, :-2]], 1), _NEG) if n_ext > 2 else \
            full((n, n_ext), _NEG, dtype=lp.dtype, device=dev)
        new = add(logsumexp(stack([alpha, prev1, prev2]), 0), lp_ext[step])
        alpha = where(gt(in_len_t, step), new, alpha)
    end = tensor([2 * ln for ln in tg_lens], dtype=D.int64, device=dev).unsqueeze(1)
    last = alpha.gather(1, end).squeeze(1)
    before = alpha.gather(1, clamp_min(sub(end, 1), 0)).squeeze(1)
    has_label = tensor([ln > 0 for ln in tg_lens], dtype=D.bool, device=dev)
    ll = where(has_label, logsumexp(stack([last, where(has_label, before, _NEG)]), 0), last)
    loss = mul(ll, -1.0)
    # PyTorch's CTC gradient w.r.t. log_probs carries an extra exp(log_probs) term (it assumes log_softmax
    # inputs, where that term cancels); add it with a zero forward value so input gradients match exactly.
    steps = arange(t_max, device=dev).unsqueeze(1)
    live = lt(steps, in_len_t.reshape(1, n)).to(lp.dtype)  # (T, N)
    mass = sum(mul(sum(exp(lp), 2), live), 0)
    loss = add(loss, sub(mass, mass.detach()))
    impossible = gt(loss, 1e29) | tensor([ln == 0 for ln in in_lens], dtype=D.bool, device=dev) & has_label
    loss = where(impossible, 0.0 if zero_infinity else math.inf, loss)
    if unbatched:
        loss = loss.squeeze(0)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return sum(loss)
    tl = clamp_min(tensor(tg_lens, dtype=lp.dtype, device=dev), 1.0)
    return mean(div(loss, tl.reshape(loss.shape)))
