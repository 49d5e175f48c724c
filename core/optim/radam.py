"""RAdam (rectified Adam), as ``torch.optim.RAdam``."""
from __future__ import annotations

from ..ops.optim import radam_step
from ._common import (
    check_adam_args,
    closure_loss,
    lr_of,
    params_with_state,
)
from .optimizer import Optimizer, _use_grad

__all__ = ["RAdam"]


class RAdam(Optimizer):
    _group_defaults = (
        ("foreach", None), ("maximize", False), ("differentiable", False), ("capturable", False),
        ("decoupled_weight_decay", False),
    )

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_adam_args(lr, eps, betas, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize, "foreach": foreach,
                        "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                        "differentiable": differentiable}
        super().__init__(params, defaults)

    @_use_grad
    def step(self, closure=None):
        loss = closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr = lr_of(group)
            for p, g, state, step in params_with_state(self, group, "RAdam", ("exp_avg", "exp_avg_sq")):
                radam_step(p, g, state["exp_avg"], state["exp_avg_sq"], lr=lr, beta1=beta1, beta2=beta2,
                           eps=group["eps"], weight_decay=group["weight_decay"],
                           decoupled_weight_decay=group["decoupled_weight_decay"], maximize=group["maximize"],
                           step=step)
        return loss
