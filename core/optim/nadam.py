"""NAdam (Adam with Nesterov momentum), as ``torch.optim.NAdam``."""
from __future__ import annotations

from .._tensor import Tensor
from ..ops.optim import nadam_step
from ._common import (
    check_adam_args,
    check_nonneg,
    closure_loss,
    lr_of,
    params_with_state,
    scalar_tensor,
)
from .optimizer import Optimizer, _use_grad

__all__ = ["NAdam"]


def _init_mu_product(state, p, g, group):
    state["mu_product"] = scalar_tensor(1.0)


class NAdam(Optimizer):
    _group_defaults = (
        ("maximize", False), ("foreach", None), ("capturable", False), ("differentiable", False),
        ("decoupled_weight_decay", False),
    )

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_adam_args(lr, eps, betas, weight_decay)
        check_nonneg(momentum_decay, "momentum_decay value")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "momentum_decay": momentum_decay,
                        "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize, "foreach": foreach,
                        "capturable": capturable, "differentiable": differentiable}
        super().__init__(params, defaults)

    @_use_grad
    def step(self, closure=None):
        loss = closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr = lr_of(group)
            momentum_decay = group["momentum_decay"]
            for p, g, state, step in params_with_state(self, group, "NAdam", ("exp_avg", "exp_avg_sq"), _init_mu_product):
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                mp = state["mu_product"]
                if not isinstance(mp, Tensor):
                    mp = state["mu_product"] = scalar_tensor(mp)
                mp.mul_(mu)  # in the scalar state's dtype (float32), like PyTorch
                mu_product = mp.item()
                nadam_step(p, g, state["exp_avg"], state["exp_avg_sq"], lr=lr, beta1=beta1, beta2=beta2,
                           eps=group["eps"], weight_decay=group["weight_decay"],
                           decoupled_weight_decay=group["decoupled_weight_decay"], maximize=group["maximize"],
                           step=step, mu=mu, mu_next=mu_next, mu_product=mu_product,
                           mu_product_next=mu_product * mu_next)
        return loss
