"""Optimizer update steps: one op per optimizer, updating one parameter and its state.

Each op takes the parameter, its gradient and its state tensors (all of the parameter's dtype) plus
the hyper-parameters as plain Python numbers, and returns the updated parameter and state, in the
order of ``UPDATES[op name]``.  The formulas are PyTorch's single-tensor (``foreach=False``)
implementations, operation for operation, so results agree with ``torch.optim`` to rounding.

The decompositions compute new tensors out of place in ember ops (any backend runs them); a fused
backend kernel may instead update its input arrays in place and return them.  The public wrappers
(``sgd_step`` ...) handle both: they write each result back into its input tensor when it is a new
array and bump the input's version counter either way, so these functions update their inputs in
place, like ``torch._foreach_*_`` / ``torch._fused_adam_``.

Scalar state (step counts, NAdam's ``mu_product``, ASGD's ``eta``/``mu``) lives in 0-d tensors kept
by ``ember.optim``; the ops receive its current value as a Python number.
"""
from __future__ import annotations

from .._dispatch import apply
from .._op import defop
from .._tensor import Tensor
from ..autograd.grad_mode import STATE
from .elementwise import where
from .math import maximum

F = "optim"


# --- shared pieces of the decompositions ---------------------------------------------------------

def _grad_in(param, grad, weight_decay, maximize):
    """PyTorch's ``grad = -grad if maximize``; ``grad = grad.add(param, alpha=weight_decay)``."""
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + param * weight_decay
    return grad


def _lerp(start, end, weight):
    """``start.lerp(end, weight)`` with a Python-number weight (PyTorch's two-branch formula)."""
    if abs(weight) < 0.5:
        return start + (end - start) * weight
    return end - (end - start) * (1 - weight)


def _adam_moments(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, weight_decay, decoupled_weight_decay,
                  maximize):
    """The start shared by Adam, NAdam and RAdam: maximize, (decoupled) weight decay and the first and second
    moment updates; returns (param, grad, exp_avg, exp_avg_sq)."""
    g = -grad if maximize else grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param = param * (1 - lr * weight_decay)
        else:
            g = g + param * weight_decay
    exp_avg = _lerp(exp_avg, g, 1 - beta1)
    exp_avg_sq = exp_avg_sq * beta2 + g * (1 - beta2) * g
    return param, g, exp_avg, exp_avg_sq


# --- decompositions -----------------------------------------------------------------------------

def _sgd(param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, maximize, first_step):
    g = _grad_in(param, grad, weight_decay, maximize)
    if momentum != 0:
        buf = g.clone() if first_step else buf * momentum + g * (1 - dampening)
        g = g + buf * momentum if nesterov else buf
    return param + g * -lr, buf


def _adam(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, lr, beta1, beta2, eps, weight_decay, amsgrad,
          maximize, decoupled_weight_decay, step):
    param, _, exp_avg, exp_avg_sq = _adam_moments(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, weight_decay,
                                                  decoupled_weight_decay, maximize)
    bias_correction1 = 1 - beta1 ** step
    bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
    if amsgrad:
        max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq)
        denom = max_exp_avg_sq.sqrt() / bias_correction2_sqrt + eps
    else:
        denom = exp_avg_sq.sqrt() / bias_correction2_sqrt + eps
    return param + exp_avg * -(lr / bias_correction1) / denom, exp_avg, exp_avg_sq, max_exp_avg_sq


def _adamax(param, grad, exp_avg, exp_inf, lr, beta1, beta2, eps, weight_decay, maximize, step):
    g = _grad_in(param, grad, weight_decay, maximize)
    exp_avg = _lerp(exp_avg, g, 1 - beta1)
    exp_inf = maximum(exp_inf * beta2, g.abs() + eps)
    clr = lr / (1 - beta1 ** step)
    return param + exp_avg * -clr / exp_inf, exp_avg, exp_inf


def _nadam(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay,
           maximize, step, mu, mu_next, mu_product, mu_product_next):
    param, g, exp_avg, exp_avg_sq = _adam_moments(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, weight_decay,
                                                  decoupled_weight_decay, maximize)
    denom = (exp_avg_sq / (1 - beta2 ** step)).sqrt() + eps
    param = param + g * (-lr * (1.0 - mu) / (1.0 - mu_product)) / denom
    param = param + exp_avg * ((-lr * mu_next) / (1.0 - mu_product_next)) / denom
    return param, exp_avg, exp_avg_sq


def _radam_rect(beta2, step):
    """(rho_t > 5, rectification term) of RAdam at ``step``."""
    bias_correction2 = 1 - beta2 ** step
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
    if rho_t <= 5.0:
        return False, 0.0
    return True, ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5


def _radam(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay,
           maximize, step):
    param, _, exp_avg, exp_avg_sq = _adam_moments(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, weight_decay,
                                                  decoupled_weight_decay, maximize)
    corrected = exp_avg / (1 - beta1 ** step)
    rectified, rect = _radam_rect(beta2, step)
    if rectified:
        adaptive = (exp_avg_sq.sqrt() + eps).reciprocal() * (1 - beta2 ** step) ** 0.5
        update = corrected * lr * adaptive * rect
    else:
        update = corrected * lr
    return param - update, exp_avg, exp_avg_sq


def _rmsprop(param, grad, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay, momentum,
             centered, maximize):
    g = _grad_in(param, grad, weight_decay, maximize)
    square_avg = square_avg * alpha + g * (1 - alpha) * g
    if centered:
        grad_avg = _lerp(grad_avg, g, 1 - alpha)
        avg = (square_avg - grad_avg * grad_avg).sqrt() + eps
    else:
        avg = square_avg.sqrt() + eps
    if momentum > 0:
        momentum_buffer = momentum_buffer * momentum + g / avg
        param = param + momentum_buffer * -lr
    else:
        param = param + g * -lr / avg
    return param, square_avg, grad_avg, momentum_buffer


def _adagrad(param, grad, state_sum, lr, lr_decay, weight_decay, eps, maximize, step):
    g = _grad_in(param, grad, weight_decay, maximize)
    clr = lr / (1 + (step - 1) * lr_decay)
    state_sum = state_sum + g * g
    return param + g * -clr / (state_sum.sqrt() + eps), state_sum


def _adadelta(param, grad, square_avg, acc_delta, lr, rho, eps, weight_decay, maximize):
    g = _grad_in(param, grad, weight_decay, maximize)
    square_avg = square_avg * rho + g * (1 - rho) * g
    delta = (acc_delta + eps).sqrt() / (square_avg + eps).sqrt() * g
    acc_delta = acc_delta * rho + delta * (1 - rho) * delta
    return param + delta * -lr, square_avg, acc_delta


def _asgd(param, grad, ax, eta, lambd, weight_decay, maximize, mu):
    g = _grad_in(param, grad, weight_decay, maximize)
    param = param * (1 - lambd * eta) + g * -eta
    ax = ax + (param - ax) * mu if mu != 1 else param.clone()
    return param, ax


def _rprop(param, grad, prev, step_size, etaminus, etaplus, step_size_min, step_size_max, maximize):
    g = -grad if maximize else grad
    sign = (g * prev).sign()
    factor = where(sign > 0, etaplus, where(sign < 0, etaminus, where(sign == 0, 1.0, sign)))
    step_size = (step_size * factor).clamp(step_size_min, step_size_max)
    g = where(factor == etaminus, 0.0, g)
    return param - g.sign() * step_size, g, step_size


# --- declarations -------------------------------------------------------------------------------

SGD_STEP = defop("sgd_step", F, "sgd_step(param, grad, momentum_buffer, lr, momentum, dampening, nesterov, "
                 "weight_decay, maximize, first_step) -> (param, momentum_buffer)", decomposition=_sgd, nout=2,
                 doc="SGD with momentum/dampening/nesterov; first_step initialises the buffer to the gradient")
ADAM_STEP = defop("adam_step", F, "adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, lr, beta1, beta2, "
                  "eps, weight_decay, amsgrad, maximize, decoupled_weight_decay, step) -> (param, exp_avg, "
                  "exp_avg_sq, max_exp_avg_sq)", decomposition=_adam, nout=4,
                  doc="Adam / AdamW (decoupled_weight_decay); step is the 1-based step count after increment")
ADAMAX_STEP = defop("adamax_step", F, "adamax_step(param, grad, exp_avg, exp_inf, lr, beta1, beta2, eps, "
                    "weight_decay, maximize, step) -> (param, exp_avg, exp_inf)", decomposition=_adamax, nout=3)
NADAM_STEP = defop("nadam_step", F, "nadam_step(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, "
                   "weight_decay, decoupled_weight_decay, maximize, step, mu, mu_next, mu_product, "
                   "mu_product_next) -> (param, exp_avg, exp_avg_sq)", decomposition=_nadam, nout=3,
                   doc="NAdam; mu/mu_next/mu_product(_next) are the momentum schedule values of this step")
RADAM_STEP = defop("radam_step", F, "radam_step(param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps, "
                   "weight_decay, decoupled_weight_decay, maximize, step) -> (param, exp_avg, exp_avg_sq)",
                   decomposition=_radam, nout=3)
RMSPROP_STEP = defop("rmsprop_step", F, "rmsprop_step(param, grad, square_avg, grad_avg, momentum_buffer, lr, "
                     "alpha, eps, weight_decay, momentum, centered, maximize) -> (param, square_avg, grad_avg, "
                     "momentum_buffer)", decomposition=_rmsprop, nout=4,
                     doc="RMSprop; grad_avg is used when centered, momentum_buffer when momentum > 0")
ADAGRAD_STEP = defop("adagrad_step", F, "adagrad_step(param, grad, state_sum, lr, lr_decay, weight_decay, eps, "
                     "maximize, step) -> (param, state_sum)", decomposition=_adagrad, nout=2)
ADADELTA_STEP = defop("adadelta_step", F, "adadelta_step(param, grad, square_avg, acc_delta, lr, rho, eps, "
                      "weight_decay, maximize) -> (param, square_avg, acc_delta)", decomposition=_adadelta, nout=3)
ASGD_STEP = defop("asgd_step", F, "asgd_step(param, grad, ax, eta, lambd, weight_decay, maximize, mu) -> "
                  "(param, ax)", decomposition=_asgd, nout=2,
                  doc="ASGD; eta and mu are the current values of the scalar state")
RPROP_STEP = defop("rprop_step", F, "rprop_step(param, grad, prev, step_size, etaminus, etaplus, step_size_min, "
                   "step_size_max, maximize) -> (param, prev, step_size)", decomposition=_rprop, nout=3)

# which tensor inputs each op's outputs update, in output order
UPDATES = {
    "sgd_step": (0, 2), "adam_step": (0, 2, 3, 4), "adamax_step": (0, 2, 3), "nadam_step": (0, 2, 3),
    "radam_step": (0, 2, 3), "rmsprop_step": (0, 2, 3, 4), "adagrad_step": (0, 2), "adadelta_step": (0, 2, 3),
    "asgd_step": (0, 2), "rprop_step": (0, 2, 3),
}


# --- public wrappers (update in place) ------------------------------------------------------------

def _run(op, tensors, params, skip=()):
    """Run update ``op`` and write its outputs into the inputs they update (``skip``: placeholders)."""
    p = tensors[0]
    if isinstance(p, Tensor) and p.dtype.category != 2:
        raise RuntimeError(f"{op.name}(): expected a floating-point parameter, got {p.dtype}")
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"{op.name}(): expected Tensors for the parameter, gradient and state, got "
                            f"{type(t).__name__}")
        if t.shape != p.shape or t.dtype is not p.dtype:
            raise RuntimeError(f"{op.name}(): the gradient and state tensors must match the parameter's shape "
                               f"{list(p.shape)} and dtype {p.dtype}; got a tensor of shape {list(t.shape)} and "
                               f"dtype {t.dtype}")
    prev = STATE.enabled
    STATE.enabled = False
    try:
        outs = apply(op, tensors, params, (p.dtype,) * op.nout)
        updated = UPDATES[op.name]
        for i, o in zip(updated, outs):
            if i in skip:
                continue
            t = tensors[i]
            if o._data is not t._data:
                t._backend.table["copy_"](t._data, o._data)
            t._bump_version()
    finally:
        STATE.enabled = prev
    return tuple(tensors[i] for i in updated)


def sgd_step(param, grad, momentum_buffer=None, *, lr, momentum=0.0, dampening=0.0, nesterov=False,
             weight_decay=0.0, maximize=False, first_step=False):
    """Update ``param`` (and ``momentum_buffer`` when momentum != 0) in place with one SGD step."""
    has_buf = momentum != 0
    if has_buf and momentum_buffer is None:
        raise ValueError("sgd_step(): momentum != 0 needs a momentum_buffer tensor")
    buf = momentum_buffer if has_buf else grad
    out = _run(SGD_STEP, (param, grad, buf), (lr, momentum, dampening, nesterov, weight_decay, maximize,
                                              first_step), skip=() if has_buf else (2,))
    return out if has_buf else (param, None)


def adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq=None, *, lr, beta1, beta2, eps, weight_decay=0.0,
              amsgrad=False, maximize=False, decoupled_weight_decay=False, step):
    """One Adam (or AdamW: ``decoupled_weight_decay=True``) step, in place; ``step`` counts from 1."""
    if amsgrad and max_exp_avg_sq is None:
        raise ValueError("adam_step(): amsgrad=True needs a max_exp_avg_sq tensor")
    mx = max_exp_avg_sq if amsgrad else exp_avg_sq
    out = _run(ADAM_STEP, (param, grad, exp_avg, exp_avg_sq, mx),
               (lr, beta1, beta2, eps, weight_decay, amsgrad, maximize, decoupled_weight_decay, step),
               skip=() if amsgrad else (4,))
    return out if amsgrad else out[:3] + (None,)


def adamax_step(param, grad, exp_avg, exp_inf, *, lr, beta1, beta2, eps, weight_decay=0.0, maximize=False, step):
    return _run(ADAMAX_STEP, (param, grad, exp_avg, exp_inf), (lr, beta1, beta2, eps, weight_decay, maximize, step))


def nadam_step(param, grad, exp_avg, exp_avg_sq, *, lr, beta1, beta2, eps, weight_decay=0.0,
               decoupled_weight_decay=False, maximize=False, step, mu, mu_next, mu_product, mu_product_next):
    return _run(NADAM_STEP, (param, grad, exp_avg, exp_avg_sq),
                (lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay, maximize, step, mu, mu_next,
                 mu_product, mu_product_next))


def radam_step(param, grad, exp_avg, exp_avg_sq, *, lr, beta1, beta2, eps, weight_decay=0.0,
               decoupled_weight_decay=False, maximize=False, step):
    return _run(RADAM_STEP, (param, grad, exp_avg, exp_avg_sq),
                (lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay, maximize, step))


def rmsprop_step(param, grad, square_avg, grad_avg=None, momentum_buffer=None, *, lr, alpha, eps,
                 weight_decay=0.0, momentum=0.0, centered=False, maximize=False):
    if centered and grad_avg is None or momentum > 0 and momentum_buffer is None:
        raise ValueError("rmsprop_step(): centered=True needs grad_avg and momentum > 0 needs momentum_buffer")
    skip = (() if centered else (3,)) + (() if momentum > 0 else (4,))
    ga = grad_avg if centered else square_avg
    mb = momentum_buffer if momentum > 0 else square_avg
    out = _run(RMSPROP_STEP, (param, grad, square_avg, ga, mb),
               (lr, alpha, eps, weight_decay, momentum, centered, maximize), skip=skip)
    return out[:2] + (grad_avg if centered else None, momentum_buffer if momentum > 0 else None)


def adagrad_step(param, grad, state_sum, *, lr, lr_decay=0.0, weight_decay=0.0, eps, maximize=False, step):
    return _run(ADAGRAD_STEP, (param, grad, state_sum), (lr, lr_decay, weight_decay, eps, maximize, step))


def adadelta_step(param, grad, square_avg, acc_delta, *, lr, rho, eps, weight_decay=0.0, maximize=False):
    return _run(ADADELTA_STEP, (param, grad, square_avg, acc_delta), (lr, rho, eps, weight_decay, maximize))


def asgd_step(param, grad, ax, *, eta, lambd, weight_decay=0.0, maximize=False, mu):
    return _run(ASGD_STEP, (param, grad, ax), (eta, lambd, weight_decay, maximize, mu))


def rprop_step(param, grad, prev, step_size, *, etaminus, etaplus, step_size_min, step_size_max, maximize=False):
    return _run(RPROP_STEP, (param, grad, prev, step_size),
                (etaminus, etaplus, step_size_min, step_size_max, maximize))


__all__ = [
    "adadelta_step",
    "adagrad_step",
    "adam_step",
    "adamax_step",
    "asgd_step",
    "nadam_step",
    "radam_step",
    "rmsprop_step",
    "rprop_step",
    "sgd_step",
]
