"""``ember.autograd``: reverse-mode automatic differentiation."""
from __future__ import annotations

from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled)
from .function import Function, FunctionCtx, InplaceFunction, once_differentiable  # noqa: F401
from .anomaly import detect_anomaly, set_detect_anomaly, is_anomaly_enabled
from ._engine import run_backward
from .gradcheck import gradcheck, gradgradcheck, GradcheckError
from . import grad_mode  # noqa: F401
from . import graph, forward_ad, functional, profiler  # noqa: F401

__all__ = ["Variable", "backward", "grad", "Function", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "detect_anomaly", "set_detect_anomaly", "gradcheck", "gradgradcheck", "once_differentiable",
           "GradcheckError", "is_grad_enabled", "is_inference_mode_enabled", "is_anomaly_enabled"]


# bound by ember/__init__.py once the package is imported (avoids per-call imports on the hot path)
Tensor = _wrap = F = None


def _late_bind():
    global Tensor, _wrap, F
    from .._tensor import Tensor
    from .._dispatch import wrap as _wrap
    from .. import _functional as F
    from . import _engine
    from .. import _tensor
    _engine._wrap = _wrap
    _tensor._autograd_backward = backward


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grad_outputs):
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grad_outputs)} gradients")
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if out.requires_grad:  # otherwise run_backward says that element i does not require grad
                if out.numel() != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if not out.dtype.is_floating_point:
                    raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                       f"{out.dtype}")
                b = out._backend  # the seed gradient straight from the backend's `full` kernel
                g = _wrap(b.table["full"](out._data.shape, 1, out.dtype), out.dtype, b)
        else:
            if not isinstance(g, Tensor):
                raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
            if g.shape != out.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                                   f"has a shape of {out.shape}.")
            if g._backend is not out._backend:
                raise RuntimeError(f"grad_output[{i}] is on {g.device} but output[{i}] is on {out.device}")
        grads.append(g)
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None) -> None:
    """Accumulate gradients of ``tensors`` into the ``.grad`` of graph leaves (or of ``inputs`` only)."""
    tensors = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    grad_tensors = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    grads = _make_grads(tensors, grad_tensors)
    if create_graph:
        import warnings
        warnings.warn("Using backward() with create_graph=True will create a reference cycle between the parameter "
                      "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
                      "creating the graph to avoid this. If you have to use this function, make sure to reset the "
                      ".grad fields of your parameters to None after use to break the cycle and avoid the leak.",
                      UserWarning, stacklevel=3)
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Gradients of ``outputs`` with respect to ``inputs``, returned (``.grad`` is left untouched).

    >>> x = ember.tensor(2.0, requires_grad=True)
    >>> (g,) = ember.autograd.grad(x ** 3, x, create_graph=True)   # 3x^2 = 12
    >>> ember.autograd.grad(g, x)                                    # 6x = 12
    (tensor(12.),)
    """
    if is_grads_batched:
        raise NotImplementedError("ember.autograd.grad(is_grads_batched=True) needs vmap, which ember does not "
                                  "implement; loop over the batch of grad_outputs instead")
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_grads(outputs, grad_outputs)
    res = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs, accumulate=False,
                       allow_unused=allow_unused)
    if materialize_grads:
        res = [F.zeros_like(i) if g is None else g for g, i in zip(res, inputs)]
    return tuple(res)


def variable(*args, **kwargs):
    """Deprecated alias kept by PyTorch: returns ``ember.tensor(*args, **kwargs)``."""
    return F.tensor(*args, **kwargs)


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """Legacy ``Variable(data, requires_grad=False)``: a tensor sharing ``data``'s storage (detached)."""

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if data is None:
            data = F.empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)
