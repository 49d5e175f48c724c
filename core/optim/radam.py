"""RAdam (rectified Adam), as ``torch.optim.RAdam``."""
from __future__ import annotations

from ..ops.optim import radam_step
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

__all__ = ["RAdam"]


class RAdam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_lr(lr)
        check_nonneg(eps, "epsilon value")
        check_betas(betas)
        check_nonneg(weight_decay, "weight_decay value")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize, "foreach": foreach,
                        "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                        "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for k, v in (("foreach", None), ("maximize", False), ("differentiable", False), ("capturable", False),
                         ("decoupled_weight_decay", False)):
                group.setdefault(k, v)

    @_use_grad
    def step(self, closure=None):
        loss = closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr = lr_of(group)
            for p, g in grads_of(group, "RAdam"):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = scalar_tensor(0.0)
                    state["exp_avg"] = zeros_like(p)
                    state["exp_avg_sq"] = zeros_like(p)
                step = increment(state)
                radam_step(p, g, state["exp_avg"], state["exp_avg_sq"], lr=lr, beta1=beta1, beta2=beta2,
                           eps=group["eps"], weight_decay=group["weight_decay"],
                           decoupled_weight_decay=group["decoupled_weight_decay"], maximize=group["maximize"],
                           step=step)
        return loss
