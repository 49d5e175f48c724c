"""Averaged SGD, as ``torch.optim.ASGD``."""
from __future__ import annotations

from ..ops.optim import asgd_step
from ._common import (
    check_lr,
    check_nonneg,
    closure_loss,
    lr_of,
    params_with_state,
    scalar_tensor,
    value,
)
from .optimizer import Optimizer, _use_grad

__all__ = ["ASGD"]


def _init_state(state, p, g, group):
    state["eta"] = scalar_tensor(lr_of(group))
    state["mu"] = scalar_tensor(1.0)


class ASGD(Optimizer):
    _group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False), ("capturable", False))

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None, maximize=False,
                 differentiable=False, capturable=False):
        check_lr(lr)
        check_nonneg(weight_decay, "weight_decay value")
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay, "foreach": foreach,
                        "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    @_use_grad
    def step(self, closure=None):
        loss = closure_loss(closure)
        for group in self.param_groups:
            lr = lr_of(group)
            lambd, alpha, t0 = group["lambd"], group["alpha"], group["t0"]
            for p, g, state, step in params_with_state(self, group, "ASGD", ("ax",), _init_state):
                asgd_step(p, g, state["ax"], eta=value(state, "eta"), lambd=lambd, weight_decay=group["weight_decay"],
                          maximize=group["maximize"], mu=value(state, "mu"))
                state["eta"] = scalar_tensor(lr / ((1 + lambd * lr * step) ** alpha))
                state["mu"] = scalar_tensor(1 / max(1, step - t0))
        return loss
