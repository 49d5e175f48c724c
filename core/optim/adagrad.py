"""Adagrad, as ``torch.optim.Adagrad`` (state is created at construction, like PyTorch)."""
from __future__ import annotations

from ..ops.optim import adagrad_step
from ._common import (
    check_fused,
    check_lr,
    check_nonneg,
    closure_loss,
    full_like,
    lr_of,
    params_with_state,
    scalar_tensor,
)
from .optimizer import Optimizer, _use_grad

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    _group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False), ("fused", None))

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        check_nonneg(lr_decay, "lr_decay value")
        check_nonneg(weight_decay, "weight_decay value")
        check_nonneg(initial_accumulator_value, "initial_accumulator_value value")
        check_nonneg(eps, "epsilon value")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                        "initial_accumulator_value": initial_accumulator_value, "foreach": foreach, "maximize": maximize,
                        "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        check_fused(fused, differentiable, foreach)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = scalar_tensor(0.0)
                state["sum"] = full_like(p, group["initial_accumulator_value"])

    def share_memory(self):
        """Kept for API compatibility (ember tensors have no shared-memory mode)."""

    @_use_grad
    def step(self, closure=None):
        loss = closure_loss(closure)
        for group in self.param_groups:
            lr = lr_of(group)
            for p, g, state, step in params_with_state(self, group, "Adagrad"):
                adagrad_step(p, g, state["sum"], lr=lr, lr_decay=group["lr_decay"], weight_decay=group["weight_decay"],
                             eps=group["eps"], maximize=group["maximize"], step=step)
        return loss
