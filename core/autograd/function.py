"""``ember.autograd.Function``: user-defined ops with custom forward and backward."""
from __future__ import annotations

import functools

from .grad_mode import STATE
from ._node import Node, forward_name, pack, unpack, version_error


class _FunctionOp:
    """The op record a custom Function's nodes point at."""

    __slots__ = ("cls", "name", "node_name", "nout", "save_inputs", "save_output")

    def __init__(self, cls, nout):
        self.cls = cls
        self.name = cls.__name__
        self.node_name = cls.__name__ + "Backward"
        self.nout = nout
        self.save_inputs = False
        self.save_output = False

    def backward(self, ctx, *grads):
        if ctx.materialize_grads:
            from .. import _functional as F
            outs = ctx.out_meta
            grads = tuple(g if g is not None else F.zeros(shape, dtype=dt, device=dev)
                          for g, (shape, dt, dev) in zip(grads, outs))
        res = self.cls.backward(ctx, *grads)
        if type(res) is not tuple:
            res = tuple(res) if type(res) is list else (res,)
        n = len(ctx.edges)
        if len(res) != n:
            if len(res) < n or any(r is not None for r in res[n:]):
                raise RuntimeError(f"function {self.node_name} returned an incorrect number of gradients "
                                   f"(expected {n}, got {len(res)})")
            res = res[:n]
        return res


class FunctionCtx(Node):
    """The ``ctx`` passed to ``forward``/``backward``: also the graph node."""

    __slots__ = ("to_save", "dirty", "non_differentiable", "materialize_grads", "out_meta",
                 "_packed")

    def save_for_backward(self, *tensors):
        """Keep tensors (or None) for ``backward``; read them back with ``ctx.saved_tensors``."""
        self.to_save = tensors

    @property
    def saved_tensors(self):
        """The tensors given to ``save_for_backward``; raises if one was modified in place since."""
        if self.released:
            from ._engine import _FREED
            raise RuntimeError(_FREED)
        packed = self._packed
        if packed is None:
            return tuple(self.to_save) if self.to_save is not None else ()
        out = []
        for s, version in packed:
            t = unpack(self, s)
            if version is not None and t._version != version:
                what = f"output {t._output_nr} of {forward_name(t.grad_fn)}" if t.grad_fn is not None else None
                raise RuntimeError(version_error(t.dtype, t.shape, what, t._version, version))
            out.append(t)
        return tuple(out)

    def release(self):
        Node.release(self)
        self._packed = None
        self.to_save = None

    def mark_dirty(self, *tensors):
        self.dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable = tensors

    def set_materialize_grads(self, value: bool):
        self.materialize_grads = bool(value)


def _ctx_class(cls):
    """The ctx/node type of a Function subclass, named ``<Name>Backward`` like PyTorch's grad_fn types."""
    ctx_cls = type(cls.__name__ + "Backward", (FunctionCtx,), {"__slots__": (), "_forward_cls": cls,
                                                                "__module__": cls.__module__})
    cls._backward_cls = ctx_cls
    return ctx_cls


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call ``.apply``.

    >>> class Exp(ember.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         y = x.exp(); ctx.save_for_backward(y); return y
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         (y,) = ctx.saved_tensors; return g * y
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        return None

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor

        tensor_args = [a for a in args if isinstance(a, Tensor)]
        needs = STATE.enabled and any(t._requires_grad for t in tensor_args)
        ctx = object.__new__(cls.__dict__.get("_backward_cls") or _ctx_class(cls))
        ctx.to_save = None
        ctx.dirty = ()
        ctx.non_differentiable = ()
        ctx.materialize_grads = True
        ctx._packed = None
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        prev = STATE.enabled
        STATE.enabled = False
        try:
            if cls.setup_context is not Function.setup_context:  # forward(*args) + setup_context(ctx, ...)
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        finally:
            STATE.enabled = prev
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        dirty_ids = {id(t) for t in ctx.dirty}
        arg_ids = {id(t) for t in tensor_args}
        nd_ids = {id(t) for t in ctx.non_differentiable}
        fixed = []
        for o in outs:
            if isinstance(o, Tensor) and id(o) in arg_ids and id(o) not in dirty_ids:
                nd = id(o) in nd_ids
                o = o.detach()  # an input returned unchanged becomes an alias, as in PyTorch
                if nd:
                    nd_ids.add(id(o))
            fixed.append(o)
        for t in ctx.dirty:
            t._bump_version()
        if not needs:
            return fixed[0] if single else tuple(fixed)
        edges = []
        for a in args:
            if isinstance(a, Tensor):
                if a.grad_fn is not None:
                    edges.append((a.grad_fn, a._output_nr))
                elif a._requires_grad:
                    edges.append((a, 0))
                else:
                    edges.append(None)
            else:
                edges.append(None)
        Node.__init__(ctx, None, None, (), tuple(edges),
                      tuple(a.shape if isinstance(a, Tensor) else None for a in args),
                      tuple(a.dtype if isinstance(a, Tensor) else None for a in args))
        ctx.needs_input_grad = tuple(e is not None for e in edges)
        ctx.op = _FunctionOp(cls, len(fixed))
        meta = []
        for i, o in enumerate(fixed):
            if isinstance(o, Tensor):
                meta.append((o.shape, o.dtype, o.device))
                if id(o) in nd_ids or not o.dtype.is_floating_point:
                    continue
                if id(o) in dirty_ids and o.grad_fn is None and o._requires_grad:
                    raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
                o.grad_fn = ctx
                o._output_nr = i
                o._requires_grad = True
            else:
                meta.append(((), None, None))
        ctx.out_meta = meta
        if ctx.to_save is not None:
            # Saved outputs are kept without their grad_fn (no ctx -> output -> ctx cycle); every
            # saved tensor remembers its version so in-place changes before backward are caught.
            ctx._packed = tuple((pack(ctx, t), t._version if isinstance(t, Tensor) else None)
                                for t in ctx.to_save)
            ctx.to_save = None
        return fixed[0] if single else tuple(fixed)


class InplaceFunction(Function):
    def __init__(self, inplace=False):
        self.inplace = inplace


def once_differentiable(fn):
    """Decorate a ``backward`` that cannot itself be differentiated (runs under no_grad)."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        prev = STATE.enabled
        STATE.enabled = False
        try:
            out = fn(ctx, *args)
        finally:
            STATE.enabled = prev
        return out
    return wrapper
