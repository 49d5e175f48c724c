"""Adadelta, as ``torch.optim.Adadelta``."""
from __future__ import annotations

from ..ops.optim import adadelta_step
from ._common import (
    check_lr,
    check_nonneg,
    closure_loss,
    lr_of,
    params_with_state,
)
from .optimizer import Optimizer, _use_grad

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    _group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False), ("capturable", False))

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_nonneg(eps, "epsilon value")
        check_nonneg(weight_decay, "weight_decay value")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize, "capturable": capturable,
                        "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    @_use_grad
    def step(self, closure=None):
        loss = closure_loss(closure)
        for group in self.param_groups:
            lr = lr_of(group)
            for p, g, state, _ in params_with_state(self, group, "Adadelta", ("square_avg", "acc_delta")):
                adadelta_step(p, g, state["square_avg"], state["acc_delta"], lr=lr, rho=group["rho"], eps=group["eps"],
                              weight_decay=group["weight_decay"], maximize=group["maximize"])
        return loss
