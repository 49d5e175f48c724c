"""Averaged SGD, as ``torch.optim.ASGD``."""
from __future__ import annotations

from ..ops.optim import asgd_step
from ._common import (
    check_lr,
    check_nonneg,
    closure_loss,
    grads_of,
    increment,
    lr_of,
    scalar_tensor,
    value,
    zeros_like,
)
from .optimizer import Optimizer, _use_grad

__all__ = ["ASGD"]


class ASGD(Optimizer):
    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None, maximize=False,
                 differentiable=False, capturable=False):
        check_lr(lr)
        check_nonneg(weight_decay, "weight_decay value")
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay, "foreach": foreach,
                        "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for k, v in (("foreach", None), ("maximize", False), ("differentiable", False), ("capturable", False)):
                group.setdefault(k, v)

    @_use_grad
    def step(self, closure=None):
        loss = closure_loss(closure)
        for group in self.param_groups:
            lr = lr_of(group)
            lambd, alpha, t0 = group["lambd"], group["alpha"], group["t0"]
            for p, g in grads_of(group, "ASGD"):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = scalar_tensor(0.0)
                    state["eta"] = scalar_tensor(lr)
                    state["mu"] = scalar_tensor(1.0)
                    state["ax"] = zeros_like(p)
                step = increment(state)
                asgd_step(p, g, state["ax"], eta=value(state, "eta"), lambd=lambd, weight_decay=group["weight_decay"],
                          maximize=group["maximize"], mu=value(state, "mu"))
                state["eta"] = scalar_tensor(lr / ((1 + lambd * lr * step) ** alpha))
                state["mu"] = scalar_tensor(1 / max(1, step - t0))
        return loss
