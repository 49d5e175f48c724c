"""Finite-difference gradient checks, with ``torch.autograd.gradcheck``'s signature and defaults."""
from __future__ import annotations

from .grad_mode import no_grad


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    from .._tensor import Tensor
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _outputs(func, inputs):
    out = func(*inputs)
    return _as_tuple(out)


def _numerical_jacobian(func, inputs, outputs, eps):
    """J[i][j]: list of columns, for input i and output j, each a flat float list."""
    from .._tensor import Tensor
    jac = []
    for x in inputs:
        if not (isinstance(x, Tensor) and x.requires_grad):
            jac.append(None)
            continue
        cols = [[] for _ in outputs]
        flat = x.detach().view(-1) if x.is_contiguous() else None
        if flat is None:
            raise GradcheckError("gradcheck expects contiguous inputs")
        for k in range(x.numel()):
            with no_grad():
                orig = flat[k].item()
                flat[k] = orig - eps
                lo = [o.detach().clone() for o in _outputs(func, inputs)]
                flat[k] = orig + eps
                hi = [o.detach().clone() for o in _outputs(func, inputs)]
                flat[k] = orig
            for j, (a, b) in enumerate(zip(lo, hi)):
                if a.dtype.is_floating_point:
                    cols[j].append(((b - a) / (2 * eps)).reshape(-1).tolist())
                else:
                    cols[j].append(None)
        jac.append(cols)
    return jac


def _analytical_jacobian(inputs, outputs, create_graph=False):
    from . import grad
    from .. import _functional as F
    from .._tensor import Tensor
    diff_in = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    jac = {id(x): [[] for _ in outputs] for x in diff_in}
    for j, out in enumerate(outputs):
        if not out.requires_grad:
            continue
        n = out.numel()
        for r in range(n):
            go = F.zeros_like(out).reshape(-1)
            with no_grad():
                go[r] = 1.0
            gs = grad(out, diff_in, go.reshape(out.shape), retain_graph=True, allow_unused=True)
            for x, g in zip(diff_in, gs):
                row = [0.0] * x.numel() if g is None else g.reshape(-1).tolist()
                jac[id(x)][j].append(row)
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True,
              fast_mode=False, masked=None):
    """Compare analytical gradients with central finite differences (inputs should be float64)."""
    import warnings
    from .._tensor import Tensor
    inputs = _as_tuple(inputs)
    for x in inputs:
        if isinstance(x, Tensor) and x.requires_grad and x.dtype.name != "float64":
            warnings.warn(f"Input #{inputs.index(x)} requires gradient and is not a double precision floating "
                          "point. This check will likely fail if all the inputs are not of double precision "
                          "floating point.", UserWarning, stacklevel=2)
    outputs = _outputs(func, inputs)
    if not any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them "
                         "have requires_grad=True.")
    num = _numerical_jacobian(func, inputs, outputs, eps)
    ana = _analytical_jacobian(inputs, outputs)
    for i, x in enumerate(inputs):
        if num[i] is None:
            continue
        for j, out in enumerate(outputs):
            if not out.dtype.is_floating_point:
                continue
            ncols = num[i][j]
            arows = ana[id(x)][j] if out.requires_grad else None
            for k, col in enumerate(ncols):
                for r, nval in enumerate(col):
                    aval = arows[r][k] if arows else 0.0
                    if not abs(aval - nval) <= atol + rtol * abs(nval):
                        msg = (f"Jacobian mismatch for output {j} with respect to input {i},\n"
                               f"numerical:{nval}\nanalytical:{aval}\n(at output element {r}, input element {k}; "
                               f"atol={atol}, rtol={rtol})")
                        if raise_exception:
                            raise GradcheckError(msg)
                        return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, gen_non_contig_grad_outputs=False,
                  raise_exception=True, nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
                  check_batched_grad=False, check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """gradcheck of the gradient: checks second derivatives through ``create_graph=True``."""
    from . import grad
    from .. import _functional as F
    from .._tensor import Tensor
    inputs = _as_tuple(inputs)
    outputs = _outputs(func, inputs)
    if grad_outputs is None:
        gen = F.Generator().manual_seed(0)
        grad_outputs = tuple(F.randn(o.shape, dtype=o.dtype, generator=gen).requires_grad_(True)
                             for o in outputs if o.requires_grad)
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]

    def new_func(*all_inputs):
        ins = all_inputs[:n_in]
        gos = all_inputs[n_in:]
        outs = tuple(o for o in _outputs(func, ins) if o.requires_grad)
        gs = grad(outs, [ins[i] for i in diff_idx], gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(new_func, inputs + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
