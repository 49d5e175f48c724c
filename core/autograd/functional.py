"""``ember.autograd.functional``: vjp, jacobian and hessian built on autograd.grad."""
from __future__ import annotations


def _tuple(x):
    from .._tensor import Tensor
    return (x,), True if isinstance(x, Tensor) else (tuple(x), False)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    from . import grad
    from .._tensor import Tensor
    single = isinstance(inputs, Tensor)
    ins = (inputs,) if single else tuple(inputs)
    ins = tuple(i.detach().requires_grad_(True) for i in ins)
    out = func(*ins)
    g = grad(out, ins, v, create_graph=create_graph, allow_unused=True)
    g = tuple(x if x is not None else i.new_zeros(i.shape) for x, i in zip(g, ins))
    return (out if create_graph else out.detach()), (g[0] if single else g)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """Jacobian of ``func`` at ``inputs`` (one backward per output element)."""
    from . import grad
    from .._tensor import Tensor
    from .. import _functional as F
    single = isinstance(inputs, Tensor)
    ins = (inputs,) if single else tuple(inputs)
    ins = tuple(i.detach().requires_grad_(True) for i in ins)
    out = func(*ins)
    flat = out.reshape(-1)
    rows = [[] for _ in ins]
    for k in range(flat.numel()):
        gs = grad(flat[k], ins, retain_graph=True, create_graph=create_graph, allow_unused=True)
        for j, (g, i) in enumerate(zip(gs, ins)):
            rows[j].append(g if g is not None else F.zeros_like(i))
    jac = tuple(F.stack(r).reshape(tuple(out.shape) + tuple(i.shape)) if r else
                F.zeros(tuple(out.shape) + tuple(i.shape)) for r, i in zip(rows, ins))
    return jac[0] if single else jac


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    from . import grad
    from .._tensor import Tensor

    def g(*xs):
        xs = tuple(x if x.requires_grad else x.requires_grad_(True) for x in xs)
        out = func(*xs)
        gs = grad(out, xs, create_graph=True)
        return gs[0] if len(gs) == 1 else gs

    return jacobian(g, inputs, create_graph=create_graph)
