"""``ember.autograd.functional``: vjp, jvp, jacobian, hessian, hvp and vhp built on ``autograd.grad``.

Return structures follow ``torch.autograd.functional``: a Tensor where the
function takes / returns a single Tensor, tuples otherwise.
"""
from __future__ import annotations

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(x, what, fn_name):
    from .._tensor import Tensor
    if isinstance(x, Tensor):
        return (x,), True
    if not isinstance(x, (tuple, list)) or not all(isinstance(t, Tensor) for t in x):
        raise TypeError(f"The {what} given to {fn_name} must be either a Tensor or a tuple of Tensors but the "
                        f"value given has type {type(x).__name__}.")
    return tuple(x), False


def _grad_inputs(inputs, create_graph):
    """Fresh graph leaves for the inputs (kept in the caller's graph when create_graph)."""
    return tuple(i if create_graph and i.requires_grad else i.detach().requires_grad_(True) for i in inputs)


def _grad(outputs, inputs, grad_outputs, create_graph, retain_graph=None):
    from . import grad
    from .. import _functional as F
    outs = [o for o in outputs if o.requires_grad]
    gos = [g for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not outs:
        return tuple(F.zeros_like(i) for i in inputs)
    res = grad(outs, inputs, gos, retain_graph=True if retain_graph is None else retain_graph,
               create_graph=create_graph, allow_unused=True)
    return tuple(F.zeros_like(i) if g is None else g for g, i in zip(res, inputs))


def _out(outputs, create_graph):
    return tuple(o if create_graph else o.detach() for o in outputs)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), v^T J)``; ``v`` may be omitted when the output is a single element."""
    from .. import _functional as F
    ins, single_in = _as_tuple(inputs, "inputs", "vjp")
    ins = _grad_inputs(ins, create_graph)
    outs, single_out = _as_tuple(func(*ins), "outputs of the user-provided function", "vjp")
    if v is None:
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single "
                               "Tensor with a single element.")
        vs = (F.ones_like(outs[0]),)
    else:
        vs, _ = _as_tuple(v, "v", "vjp")
    g = _grad(outs, ins, vs, create_graph)
    out = _out(outs, create_graph)
    return (out[0] if single_out else out), (g[0] if single_in else g)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), J v)``, by the double-vjp trick (reverse mode twice)."""
    from .. import _functional as F
    ins, _ = _as_tuple(inputs, "inputs", "jvp")
    ins = _grad_inputs(ins, create_graph)
    if v is None:
        if len(ins) != 1 or ins[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        vs = (F.ones_like(ins[0]),)
    else:
        vs, _ = _as_tuple(v, "v", "jvp")
    outs, single_out = _as_tuple(func(*ins), "outputs of the user-provided function", "jvp")
    us = tuple(F.zeros_like(o).requires_grad_(True) for o in outs)
    g = _grad(outs, ins, us, create_graph=True)
    jv = _grad(g, us, vs, create_graph)
    out = _out(outs, create_graph)
    return (out[0] if single_out else out), (jv[0] if single_out else jv)


def _stack_rows(rows, shape):
    """Stack equally shaped tensors into one of shape ``shape`` (differentiably)."""
    from .. import _functional as F
    stack = getattr(F, "stack", None)
    if stack is not None:
        return stack(rows).reshape(shape)
    m = len(rows)
    eye = F.eye(m, dtype=rows[0].dtype, device=rows[0].device)
    total = None
    for r, row in enumerate(rows):
        term = eye.select(0, r).reshape((m, 1)) * row.reshape((1, -1))
        total = term if total is None else total + term
    return total.reshape(shape)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: one backward pass per output element."""
    from .. import _functional as F
    if strategy != "reverse-mode":
        raise NotImplementedError("ember.autograd.functional.jacobian supports strategy='reverse-mode' only")
    ins, single_in = _as_tuple(inputs, "inputs", "jacobian")
    ins = _grad_inputs(ins, create_graph)
    outs, single_out = _as_tuple(func(*ins), "outputs of the user-provided function", "jacobian")
    result = []
    for o in outs:
        m = o.numel()
        per_input = []
        if m == 0 or not o.requires_grad:
            per_input = [F.zeros(tuple(o.shape) + tuple(i.shape), dtype=i.dtype, device=i.device) for i in ins]
        else:
            eye = F.eye(m, dtype=o.dtype, device=o.device)
            rows = [[] for _ in ins]
            for r in range(m):
                g = _grad((o,), ins, (eye.select(0, r).reshape(o.shape),), create_graph)
                for j, gj in enumerate(g):
                    rows[j].append(gj)
            per_input = [_stack_rows(rows[j], tuple(o.shape) + tuple(i.shape)) for j, i in enumerate(ins)]
        if not create_graph:
            per_input = [p.detach() for p in per_input]
        result.append(tuple(per_input))
    if single_out and single_in:
        return result[0][0]
    if single_out:
        return result[0]
    if single_in:
        return tuple(r[0] for r in result)
    return tuple(result)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar ``func`` at ``inputs``."""
    ins, single_in = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*xs):
        out = func(*xs)
        if out.numel() != 1:
            raise RuntimeError("The function given to hessian should return a single element Tensor")
        return _grad((out,), xs, (None,), create_graph=True)

    jac = jacobian(gradient, ins, create_graph=create_graph)
    if single_in:
        return jac[0][0]
    return jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), v^T H)`` for a scalar ``func``."""
    ins, single_in = _as_tuple(inputs, "inputs", "vhp")
    ins = _grad_inputs(ins, create_graph)
    out = func(*ins)
    vs, _ = _as_tuple(v, "v", "vhp") if v is not None else ((None,), True)
    g = _grad((out,), ins, (None,), create_graph=True)
    res = _grad(g, ins, vs, create_graph)
    value = out if create_graph else out.detach()
    return value, (res[0] if single_in else res)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), H v)``; equal to vhp since the Hessian is symmetric."""
    return vhp(func, inputs, v, create_graph, strict)
