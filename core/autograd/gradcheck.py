"""Finite-difference gradient checks, with ``torch.autograd.gradcheck``'s signature and defaults.

Slow mode compares the full Jacobian: one central difference per input element
(the perturbed inputs are built at once as ``x ± eps * eye`` rows, no in-place
writes) against one backward pass per output element.  Fast mode compares the
projections ``u^T J v`` for random unit ``u``, ``v``: two forward passes per
input and one backward pass per output.
"""
from __future__ import annotations

import math
import random
import warnings

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` / :func:`gradgradcheck` when the analytical and numerical gradients differ."""


def _as_tuple(x):
    from .._tensor import Tensor
    if isinstance(x, Tensor):
        return (x,)
    if isinstance(x, (tuple, list)):
        return tuple(x)
    return (x,)


def _is_diff(x):
    from .._tensor import Tensor
    return isinstance(x, Tensor) and x.requires_grad


def _float_out(o):
    from .._tensor import Tensor
    return isinstance(o, Tensor) and o.dtype.is_floating_point


def _check_inputs(inputs, check_warn=True):
    diff = [i for i, x in enumerate(inputs) if _is_diff(x)]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them "
                         "have requires_grad=True.")
    for i in diff:
        if inputs[i].dtype.name != "float64" and check_warn:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating "
                          "point or complex. ", UserWarning, stacklevel=3)
    return diff


def _call(func, inputs):
    return _as_tuple(func(*inputs))


def _perturbations(x, eps):
    """(plus_k, minus_k) for every element k of ``x``: ``x`` with element k moved by ±eps.

    They require grad like ``x`` (PyTorch perturbs ``x`` itself), so ``func`` may differentiate inside.
    """
    from .. import _functional as F
    xd = x.detach()
    n = xd.numel()
    rg = x.requires_grad
    if n == 0:
        return
    if xd.ndim == 0:
        yield (xd + eps).requires_grad_(rg), (xd - eps).requires_grad_(rg)
        return
    delta = (F.eye(n, dtype=xd.dtype, device=xd.device) * eps).reshape((n,) + tuple(xd.shape))
    plus, minus = xd + delta, xd - delta
    for k in range(n):
        yield plus.select(0, k).requires_grad_(rg), minus.select(0, k).requires_grad_(rg)


def _numerical(func, inputs, i, out_idx, eps):
    """Numerical Jacobian of outputs ``out_idx`` w.r.t. input ``i``: per output, a list (one per input
    element) of output-element lists."""
    cols = {j: [] for j in out_idx}
    args = list(inputs)
    for plus, minus in _perturbations(inputs[i], eps):
        args[i] = plus
        hi = _call(func, args)
        args[i] = minus
        lo = _call(func, args)
        for j in out_idx:
            cols[j].append(((hi[j].detach() - lo[j].detach()) / (2 * eps)).reshape(-1).tolist())
    return cols


def _analytical(outputs, inputs, diff, out_idx):
    """Analytical Jacobian: per (input, output), a list (one per output element) of input-element lists."""
    from .. import _functional as F
    from ._engine import run_backward
    diff_inputs = [inputs[i] for i in diff]
    jac = {(i, j): [] for i in diff for j in out_idx}
    for j in out_idx:
        o = outputs[j]
        m = o.numel()
        if m == 0:
            continue
        rows = F.eye(m, dtype=o.dtype, device=o.device)
        for r in range(m):
            go = rows.select(0, r).reshape(o.shape)
            gs = run_backward((o,), (go,), True, False, inputs=diff_inputs, accumulate=False)
            for i, x, g in zip(diff, diff_inputs, gs):
                if g is None:
                    jac[(i, j)].append([0.0] * x.numel())
                    continue
                if tuple(g.shape) != tuple(x.shape):
                    raise GradcheckError(f"Analytical gradient has incorrect size: got {list(g.shape)} for input "
                                         f"{i} of shape {list(x.shape)}")
                jac[(i, j)].append(g.reshape(-1).tolist())
    return jac


def _close(a, n, atol, rtol):
    return abs(a - n) <= atol + rtol * abs(n)


def _matrix_str(rows, dtype):
    """``tensor(...)`` text of a (input elements x output elements) matrix, as PyTorch's message shows it."""
    from .. import _functional as F
    return repr(F.tensor(rows, dtype=dtype)) if rows else "tensor([])"


def _fail(msg, raise_exception):
    if raise_exception:
        raise GradcheckError(msg)
    return False


def _slow_check(func, inputs, outputs, diff, out_idx, eps, atol, rtol):
    """None when the Jacobians agree, else the mismatch message."""
    ana = _analytical(outputs, inputs, diff, out_idx)
    for i in diff:
        num = _numerical(func, inputs, i, out_idx, eps)
        for j in out_idx:
            ncols = num[j]  # [input element][output element]
            arows = ana[(i, j)]  # [output element][input element]
            for k, col in enumerate(ncols):
                for r, nval in enumerate(col):
                    if not _close(arows[r][k], nval, atol, rtol):
                        a_mat = [[arows[rr][kk] for rr in range(len(arows))] for kk in range(len(ncols))]
                        dt = outputs[j].dtype
                        return (f"Jacobian mismatch for output {j} with respect to input {i},\n"
                                f"numerical:{_matrix_str(ncols, dt)}\nanalytical:{_matrix_str(a_mat, dt)}\n")
    return None


def _unit_vector(shape, dtype, device, rng):
    from .. import _functional as F
    n = 1
    for s in shape:
        n *= s
    vals = [rng.gauss(0.0, 1.0) for _ in range(n)]
    norm = math.sqrt(sum(v * v for v in vals)) or 1.0
    return F.tensor([v / norm for v in vals], dtype=dtype, device=device).reshape(tuple(shape))


def _fast_check(func, inputs, outputs, diff, out_idx, eps, atol, rtol):
    """Compare ``u^T J v`` computed both ways; None when they agree, else the message."""
    from ._engine import run_backward
    rng = random.Random(0)
    vs = {i: _unit_vector(inputs[i].shape, inputs[i].dtype, inputs[i].device, rng) for i in diff}
    us = {j: _unit_vector(outputs[j].shape, outputs[j].dtype, outputs[j].device, rng) for j in out_idx}
    diff_inputs = [inputs[i] for i in diff]
    analytical = {}
    for j in out_idx:
        if outputs[j].numel() == 0:
            continue
        gs = run_backward((outputs[j],), (us[j],), True, False, inputs=diff_inputs, accumulate=False)
        for i, g in zip(diff, gs):
            analytical[(i, j)] = 0.0 if g is None else (g.detach() * vs[i]).sum().item()
    args = list(inputs)
    for i in diff:
        x = inputs[i].detach()
        args[i] = (x + vs[i] * eps).requires_grad_(True)
        hi = _call(func, args)
        args[i] = (x - vs[i] * eps).requires_grad_(True)
        lo = _call(func, args)
        args[i] = inputs[i]
        for j in out_idx:
            if outputs[j].numel() == 0:
                continue
            jvp = (hi[j].detach() - lo[j].detach()) / (2 * eps)
            n = (jvp * us[j]).sum().item()
            a = analytical[(i, j)]
            if not _close(a, n, atol, rtol):
                return (f"Jacobian mismatch for output {j} with respect to input {i},\nnumerical:{n}\n"
                        f"analytical:{a}\n\nThe above quantities relating the numerical and analytical jacobians "
                        "are computed \nin fast mode.")
    return None


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True,
              fast_mode=False, masked=None) -> bool:
    """Check analytical gradients of ``func`` at ``inputs`` against central finite differences.

    Inputs that require grad should be float64.  Returns True, or raises :class:`GradcheckError`
    (returns False when ``raise_exception=False``) naming the output/input pair that disagrees.

    >>> x = ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True)
    >>> ember.autograd.gradcheck(lambda t: (t * t).sum(), (x,))
    True
    """
    inputs = _as_tuple(inputs)
    diff = _check_inputs(inputs)
    if not check_backward_ad:
        return True
    outputs = _call(func, inputs)
    out_idx = [j for j, o in enumerate(outputs) if _float_out(o) and o.requires_grad]
    if not out_idx:
        # No differentiable output: the numerical gradient must be zero everywhere.
        float_idx = [j for j, o in enumerate(outputs) if _float_out(o)]
        for i in diff:
            num = _numerical(func, inputs, i, float_idx, eps)
            for j in float_idx:
                if any(v != 0 for col in num[j] for v in col):
                    return _fail("Numerical gradient for function expected to be zero", raise_exception)
        return True
    if check_grad_dtypes:
        from ._engine import run_backward
        from .. import _functional as F
        o = outputs[out_idx[0]]
        gs = run_backward((o,), (F.ones_like(o),), True, False, inputs=[inputs[i] for i in diff],
                          accumulate=False)
        for i, g in zip(diff, gs):
            if g is not None and g.dtype is not inputs[i].dtype:
                return _fail("Gradient has dtype mismatch", raise_exception)
    if fast_mode:
        msg = _fast_check(func, inputs, outputs, diff, out_idx, eps, atol, rtol)
        if msg is not None:
            slow = _slow_check(func, inputs, outputs, diff, out_idx, eps, atol, rtol)
            if slow is not None:
                msg += " Below, we recompute numerical and analytical jacobians in slow mode:\n\n" + slow
    else:
        msg = _slow_check(func, inputs, outputs, diff, out_idx, eps, atol, rtol)
    if msg is not None:
        return _fail(msg, raise_exception)
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False, masked=False) -> bool:
    """Check second derivatives: :func:`gradcheck` of the vector-Jacobian product (``create_graph=True``)."""
    from . import grad
    from .. import _functional as F
    inputs = _as_tuple(inputs)
    diff = _check_inputs(inputs, check_warn=False)
    if not check_rev_over_rev:
        return True
    outputs = _call(func, inputs)
    if grad_outputs is None:
        rng = random.Random(0)
        grad_outputs = tuple(
            F.tensor([rng.uniform(-1.0, 1.0) for _ in range(o.numel())], dtype=o.dtype, device=o.device)
            .reshape(tuple(o.shape)).requires_grad_(True)
            for o in outputs if _float_out(o) and o.requires_grad)
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def new_func(*all_inputs):
        ins = all_inputs[:n_in]
        gos = all_inputs[n_in:]
        outs = tuple(o for o in _call(func, ins) if _float_out(o) and o.requires_grad)
        gs = grad(outs, [ins[i] for i in diff], gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(new_func, inputs + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol, fast_mode=fast_mode)
