"""RMSprop, as ``torch.optim.RMSprop``."""
from __future__ import annotations

from ..ops.optim import rmsprop_step
from ._common import (
    check_lr,
    check_nonneg,
    closure_loss,
    lr_of,
    params_with_state,
)
from .optimizer import Optimizer, _use_grad

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    _group_defaults = (
        ("momentum", 0), ("centered", False), ("foreach", None), ("maximize", False), ("differentiable", False),
        ("capturable", False),
    )

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        check_nonneg(eps, "epsilon value")
        check_nonneg(momentum, "momentum value")
        check_nonneg(weight_decay, "weight_decay value")
        check_nonneg(alpha, "alpha value")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered, "weight_decay": weight_decay,
                        "capturable": capturable, "foreach": foreach, "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    @_use_grad
    def step(self, closure=None):
        loss = closure_loss(closure)
        for group in self.param_groups:
            lr = lr_of(group)
            momentum, centered = group["momentum"], group["centered"]
            zeros = ("square_avg",) + (("momentum_buffer",) if momentum > 0 else ()) + (("grad_avg",) if centered else ())
            for p, g, state, _ in params_with_state(self, group, "RMSprop", zeros):
                rmsprop_step(p, g, state["square_avg"], state.get("grad_avg"), state.get("momentum_buffer"), lr=lr,
                             alpha=group["alpha"], eps=group["eps"], weight_decay=group["weight_decay"],
                             momentum=momentum, centered=centered, maximize=group["maximize"])
        return loss
