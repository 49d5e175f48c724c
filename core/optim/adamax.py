"""Adamax (Adam with the infinity norm), as ``torch.optim.Adamax``."""
from __future__ import annotations

from ..ops.optim import adamax_step
from ._common import (
    check_betas,
    check_lr,
    check_nonneg,
    closure_loss,
    grads_of,
    increment,
    lr_of,
    scalar_tensor,
    zeros_like,
)
from .optimizer import Optimizer, _use_grad

__all__ = ["Adamax"]


class Adamax(Optimizer):
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_nonneg(eps, "epsilon value")
        check_betas(betas)
        check_nonneg(weight_decay, "weight_decay value")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize,
                        "differentiable": differentiable, "capturable": capturable}
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
            beta1, beta2 = group["betas"]
            lr = lr_of(group)
            for p, g in grads_of(group, "Adamax"):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = scalar_tensor(0.0)
                    state["exp_avg"] = zeros_like(p)
                    state["exp_inf"] = zeros_like(p)
                step = increment(state)
                adamax_step(p, g, state["exp_avg"], state["exp_inf"], lr=lr, beta1=beta1, beta2=beta2,
                            eps=group["eps"], weight_decay=group["weight_decay"], maximize=group["maximize"], step=step)
        return loss
