"""Graph nodes.  One node per recorded op call; edges point at the nodes that
produced its inputs (or at leaf tensors, which accumulate into ``.grad``)."""
from __future__ import annotations

from .grad_mode import STATE


class Node:
    """A recorded op call (``tensor.grad_fn``).

    edges:    per tensor input, ``(node, output_nr)``, ``(leaf_tensor, 0)`` or None.
    saved:    the input tensors backward needs (op.save == inputs/both), else None.
    output:   the output tensor(s) backward needs (op.save == output/both), else None.
    """

    __slots__ = ("op", "saved", "output", "params", "edges", "shapes", "dtypes", "versions",
                 "pre_hooks", "post_hooks", "retains", "released", "trace", "needs_input_grad",
                 "metadata", "__weakref__")

    def __init__(self, op, saved, params, edges, shapes, dtypes):
        self.op = op
        self.saved = saved
        self.output = None
        self.params = params
        self.edges = edges
        self.shapes = shapes
        self.dtypes = dtypes
        self.versions = None if saved is None else tuple(
            (t._vc[0] if t._vc is not None else 0) if t is not None else 0 for t in saved)
        self.pre_hooks = None
        self.post_hooks = None
        self.retains = None
        self.released = False
        self.needs_input_grad = tuple(e is not None for e in edges)
        self.trace = None
        if STATE.anomaly:
            import traceback
            self.trace = "".join(traceback.format_stack()[:-3])
        self.metadata = None

    # --- PyTorch-visible API -------------------------------------------------
    def name(self) -> str:
        return self.op.node_name

    @property
    def next_functions(self):
        out = []
        for e in self.edges:
            if e is None:
                out.append((None, 0))
            elif isinstance(e[0], Node):
                out.append(e)
            else:
                out.append((AccumulateGrad(e[0]), 0))
        return tuple(out)

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) -> optional new grad_inputs, after this node runs."""
        if self.post_hooks is None:
            self.post_hooks = []
        self.post_hooks.append(fn)
        return _RemovableHandle(self.post_hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) -> optional new grad_outputs, before this node runs."""
        if self.pre_hooks is None:
            self.pre_hooks = []
        self.pre_hooks.append(fn)
        return _RemovableHandle(self.pre_hooks, fn)

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    # --- context seen by backward formulas -----------------------------------
    @property
    def saved_tensors(self):
        return self.saved

    def release(self):
        self.saved = None
        self.output = None
        self.released = True

    def apply(self, *grads):
        """Run this node's backward formula (used by the engine)."""
        return self.op.backward(self, *grads)


class AccumulateGrad:
    """Stand-in node shown in ``next_functions`` for a leaf tensor."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "AccumulateGrad"

    next_functions = ()

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"


class _RemovableHandle:
    __slots__ = ("_list", "_fn")

    def __init__(self, lst, fn):
        self._list = lst
        self._fn = fn

    def remove(self):
        try:
            self._list.remove(self._fn)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
