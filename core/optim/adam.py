"""Adam and AdamW, as ``torch.optim.Adam`` / ``torch.optim.AdamW``."""
from __future__ import annotations

from .._tensor import Tensor
from ..ops.optim import adam_step
from ._common import (
    check_adam_args,
    check_fused,
    closure_loss,
    lr_of,
    params_with_state,
)
from .optimizer import Optimizer, _use_grad

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam (Kingma & Ba); ``amsgrad`` keeps the running maximum of the second moment;
    ``decoupled_weight_decay=True`` is AdamW."""

    _group_defaults = (
        ("amsgrad", False), ("maximize", False), ("foreach", None), ("capturable", False), ("differentiable", False),
        ("fused", None), ("decoupled_weight_decay", False),
    )

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=False):
        check_adam_args(lr, eps, betas, weight_decay)
        if isinstance(betas[0], Tensor) != isinstance(betas[1], Tensor):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad, "maximize": maximize,
                        "foreach": foreach, "capturable": capturable, "differentiable": differentiable, "fused": fused,
                        "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        check_fused(fused, differentiable, foreach)

    @_use_grad
    def step(self, closure=None):
        loss = closure_loss(closure)
        name = type(self).__name__
        for group in self.param_groups:
            beta1, beta2 = (b.item() if isinstance(b, Tensor) else b for b in group["betas"])
            lr = lr_of(group)
            amsgrad = group["amsgrad"]
            zeros = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if amsgrad else ("exp_avg", "exp_avg_sq")
            for p, g, state, step in params_with_state(self, group, name, zeros):
                adam_step(p, g, state["exp_avg"], state["exp_avg_sq"], state.get("max_exp_avg_sq"), lr=lr,
                          beta1=beta1, beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"],
                          amsgrad=amsgrad, maximize=group["maximize"],
                          decoupled_weight_decay=group["decoupled_weight_decay"], step=step)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (``p *= 1 - lr * weight_decay`` before the Adam update)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
