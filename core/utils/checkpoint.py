"""``ember.utils.checkpoint`` (``torch.utils.checkpoint``): activation checkpointing.

``checkpoint(fn, *args)`` keeps none of ``fn``'s intermediate activations: backward recomputes ``fn``
(with the RNG state of the first run, so dropout masks match) and differentiates the recomputation.
Gradients equal those of calling ``fn`` directly, for its inputs and for every tensor it closes over
(module parameters), through ``backward()`` and ``ember.autograd.grad`` alike, whatever
``use_reentrant`` says (ember has one implementation; the flag keeps PyTorch's argument checks).

    y = checkpoint(block, x, use_reentrant=False)   # block's activations are freed after forward
"""
from __future__ import annotations

import contextlib
import warnings

from .. import random as _random
from .._tensor import Tensor
from ..autograd._node import Node
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad, is_grad_enabled

__all__ = ["CheckpointError", "checkpoint", "checkpoint_sequential", "noop_context_fn"]


class CheckpointError(RuntimeError):
    """The recomputation in backward did not reproduce the forward (different output shapes or dtypes)."""


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


def _leaves_reached(outputs, exclude) -> list:
    """The leaf tensors requiring grad that ``outputs``' graph reaches, minus ``exclude`` (by id)."""
    found, seen = [], set(exclude)
    stack = [o.grad_fn for o in outputs if o.grad_fn is not None]
    seen.update(id(n) for n in stack)
    while stack:
        for e in stack.pop().edges:
            if e is None or id(e[0]) in seen:
                continue
            seen.add(id(e[0]))
            if isinstance(e[0], Node):
                stack.append(e[0])
            elif isinstance(e[0], Tensor):
                found.append(e[0])
    found.extend(o for o in outputs if o.grad_fn is None and o._requires_grad and id(o) not in seen)
    return found


class _Run:
    """One checkpointed call: what backward needs to recompute it."""

    def __init__(self, function, args, kwargs, preserve, recompute_ctx, check):
        self.function, self.args, self.kwargs, self.check = function, args, kwargs, check
        self.rng = [(g, g._snapshot()) for g in _random._all_defaults()] if preserve else None
        self.recompute_ctx = recompute_ctx
        self.meta = None

    def call(self, tensors):
        """Run the function on detached copies of ``tensors`` (in place of the tensor args), grad enabled."""
        it = iter(tensors)
        detached = [next(it).detach().requires_grad_(a._requires_grad) if isinstance(a, Tensor) else a
                    for a in self.args]
        with enable_grad():
            out = self.function(*detached, **self.kwargs)
        return [d for d in detached if isinstance(d, Tensor)], out


def _as_tuple(out):
    if isinstance(out, Tensor):
        return (out,), True
    if isinstance(out, (tuple, list)) and all(isinstance(o, Tensor) for o in out):
        return tuple(out), False
    raise TypeError(f"checkpoint(): the checkpointed function must return a Tensor or a tuple of Tensors, "
                    f"got {type(out).__name__}")


class _Checkpoint(Function):
    @staticmethod
    def forward(ctx, run, n_inputs, *tensors):
        ctx.run = run
        ctx.n_inputs = n_inputs
        ctx.save_for_backward(*tensors)
        outs = tuple(o.detach() for o in run.outputs)
        ctx.mark_non_differentiable(*[d for d, o in zip(outs, run.outputs) if not o._requires_grad])
        return outs

    @staticmethod
    def backward(ctx, *grads):
        from ..autograd import grad as autograd_grad
        run = ctx.run
        saved = ctx.saved_tensors
        inputs, leaves = saved[:ctx.n_inputs], list(saved[ctx.n_inputs:])
        with contextlib.ExitStack() as stack:
            if run.rng is not None:
                stack.enter_context(_random.fork_rng())
                for g, snap in run.rng:
                    g._restore(snap)
            stack.enter_context(run.recompute_ctx)
            detached, out = run.call(inputs)
        outs, _ = _as_tuple(out)
        if run.check and [(o.shape, o.dtype) for o in outs] != run.meta:
            raise CheckpointError(f"checkpoint(): the recomputed outputs have shapes/dtypes "
                                  f"{[(tuple(o.shape), o.dtype) for o in outs]}, but the forward produced "
                                  f"{[(tuple(s), d) for s, d in run.meta]}; the function must be deterministic "
                                  f"(pass determinism_check='none' to skip this check)")
        pairs = [(o, g) for o, g in zip(outs, grads) if o._requires_grad and g is not None]
        targets = [d for d in detached if d._requires_grad] + leaves
        res = iter(autograd_grad([o for o, _ in pairs], targets, [g for _, g in pairs], allow_unused=True)
                   if pairs and targets else [None] * len(targets))
        input_grads = [next(res) if d._requires_grad else None for d in detached]
        return (None, None, *input_grads, *res)


def checkpoint(function, *args, use_reentrant: bool | None = None, context_fn=noop_context_fn,
               determinism_check: str = "default", debug: bool = False, early_stop: bool = True, **kwargs):
    """``function(*args, **kwargs)`` without keeping its activations; backward recomputes them.

    ``preserve_rng_state`` (keyword, default True) replays the forward's RNG state in the recomputation.
    ``context_fn`` returns the two context managers the forward and the recomputation run under.
    """
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
                      "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default "
                      "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
                      "differences between the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant and (context_fn is not noop_context_fn or debug is not False):
        raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    if not is_grad_enabled():
        return function(*args, **kwargs)
    forward_ctx, recompute_ctx = context_fn()
    run = _Run(function, args, kwargs, preserve, recompute_ctx, determinism_check == "default")
    inputs = [a for a in args if isinstance(a, Tensor)]
    with forward_ctx:
        detached, out = run.call(inputs)
    outs, single = _as_tuple(out)
    leaves = _leaves_reached(outs, {id(d) for d in detached})
    if not leaves and not any(d._requires_grad for d in detached):
        return out  # nothing to differentiate: the outputs carry no graph
    run.outputs = outs
    run.meta = [(o.shape, o.dtype) for o in outs]
    res = _Checkpoint.apply(run, len(inputs), *inputs, *leaves)
    return res[0] if single else type(out)(res)


def checkpoint_sequential(functions, segments: int, input, use_reentrant: bool | None = None, **kwargs):
    """Run ``functions`` (a list or ``nn.Sequential``) in ``segments`` chunks, checkpointing all but the last.

    >>> out = checkpoint_sequential(model, 2, x, use_reentrant=False)
    """
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
                      "explicitly. In version 2.9 we will raise an exception if use_reentrant is not passed. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default "
                      "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
                      "differences between the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    from ..nn import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())

    def run_function(start, end):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return forward

    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1)(input)
