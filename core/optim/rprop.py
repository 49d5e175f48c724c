"""Resilient backpropagation, as ``torch.optim.Rprop``."""
from __future__ import annotations

from ..ops.optim import rprop_step
from ._common import (
    check_lr,
    closure_loss,
    full_like,
    lr_of,
    params_with_state,
    zeros_like,
)
from .optimizer import Optimizer, _use_grad

__all__ = ["Rprop"]


def _init_state(state, p, g, group):
    state["prev"] = zeros_like(p)
    state["step_size"] = full_like(g, lr_of(group))


class Rprop(Optimizer):
    _group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False), ("capturable", False))

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach, "maximize": maximize,
                        "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    @_use_grad
    def step(self, closure=None):
        loss = closure_loss(closure)
        for group in self.param_groups:
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            for p, g, state, _ in params_with_state(self, group, "Rprop", init=_init_state):
                rprop_step(p, g, state["prev"], state["step_size"], etaminus=etaminus, etaplus=etaplus,
                           step_size_min=step_size_min, step_size_max=step_size_max, maximize=group["maximize"])
        return loss
