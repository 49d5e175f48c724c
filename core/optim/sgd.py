"""Stochastic gradient descent (optionally with momentum / Nesterov), as ``torch.optim.SGD``."""
from __future__ import annotations

from ..ops.optim import sgd_step
from ._common import (
    check_fused,
    check_lr,
    check_nonneg,
    closure_loss,
    grads_of,
    lr_of,
    zeros_like,
)
from .optimizer import Optimizer, _use_grad

__all__ = ["SGD"]


class SGD(Optimizer):
    """``p -= lr * g`` where ``g`` is the gradient (+ weight decay), through a momentum buffer when
    ``momentum != 0`` (``buf = momentum * buf + (1 - dampening) * g``; Nesterov: ``g + momentum * buf``)."""

    _group_defaults = (
        ("nesterov", False), ("maximize", False), ("foreach", None), ("differentiable", False), ("fused", False),
    )

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        check_lr(lr)
        check_nonneg(momentum, "momentum value")
        check_nonneg(weight_decay, "weight_decay value")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay, "nesterov": nesterov,
                        "maximize": maximize, "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        check_fused(fused, differentiable, foreach)

    @_use_grad
    def step(self, closure=None):
        loss = closure_loss(closure)
        for group in self.param_groups:
            momentum = group["momentum"]
            lr = lr_of(group)
            for p, g in grads_of(group, "SGD"):
                buf = None
                first = False
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = state["momentum_buffer"] = zeros_like(p)
                        first = True
                sgd_step(p, g, buf, lr=lr, momentum=momentum, dampening=group["dampening"],
                         nesterov=group["nesterov"], weight_decay=group["weight_decay"], maximize=group["maximize"],
                         first_step=first)
        return loss
