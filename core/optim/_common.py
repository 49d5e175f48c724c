"""Helpers shared by the optimizer implementations."""
from __future__ import annotations

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from ..ops.creation import full_like, tensor, zeros_like

__all__ = [
    "check_adam_args",
    "check_betas",
    "check_fused",
    "check_lr",
    "check_nonneg",
    "closure_loss",
    "full_like",
    "grads_of",
    "lr_of",
    "params_with_state",
    "scalar_tensor",
    "zeros_like",
]


def check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_nonneg(value, what):
    """PyTorch's ``if not 0.0 <= value: raise ValueError(f"Invalid {what}: {value}")``."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what}: {value}")


def check_betas(betas):
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")


def check_adam_args(lr, eps, betas, weight_decay):
    """The argument checks shared by Adam, Adamax, NAdam and RAdam, in PyTorch's order."""
    check_lr(lr)
    check_nonneg(eps, "epsilon value")
    check_betas(betas)
    check_nonneg(weight_decay, "weight_decay value")


def check_fused(fused, differentiable, foreach):
    """PyTorch's checks of ``fused=True`` against ``differentiable`` / ``foreach``."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def scalar_tensor(value):
    """0-d scalar state (``step``, ``mu_product`` ...) with PyTorch's dtype: float32 (float64 when that is the
    default dtype)."""
    dt = D.float64 if D.get_default_dtype() is D.float64 else D.float32
    return tensor(float(value), dtype=dt)


def lr_of(group, key="lr"):
    lr = group[key]
    return lr.item() if isinstance(lr, Tensor) else lr


def closure_loss(closure):
    if closure is None:
        return None
    with enable_grad():
        return closure()


def grads_of(group, name):
    """(param, grad) for the parameters of ``group`` that have a gradient."""
    out = []
    for p in group["params"]:
        g = p._grad
        if g is not None:
            if getattr(g, "is_sparse", False):
                raise RuntimeError(f"{name} does not support sparse gradients")
            out.append((p, g))
    return out


def params_with_state(optimizer, group, name, zeros=(), init=None):
    """Yield ``(param, grad, state, step)`` for the parameters of ``group`` that have a gradient.

    With ``zeros`` or ``init`` given, a parameter's empty state is first filled with ``step = 0``, then by
    ``init(state, param, grad, group)``, then with a zero tensor like the parameter for each key of ``zeros``
    (in that order, which is the state's key order).  ``step`` is the incremented step count.  Sparse
    gradients are rejected before any update."""
    lazy = init is not None or bool(zeros)
    for p, g in grads_of(group, name):
        state = optimizer.state[p]
        if lazy and len(state) == 0:
            state["step"] = scalar_tensor(0.0)
            if init is not None:
                init(state, p, g, group)
            for key in zeros:
                state[key] = zeros_like(p)
        yield p, g, state, increment(state)


def increment(state, key="step"):
    """``state[key] += 1`` on the 0-d tensor (created from a plain number if needed); the new value."""
    v = state[key]
    if not isinstance(v, Tensor):
        v = state[key] = scalar_tensor(v)
    v.add_(1)
    return v.item()


def value(state, key):
    v = state[key]
    return v.item() if isinstance(v, Tensor) else float(v)
