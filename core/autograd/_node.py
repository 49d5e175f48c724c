"""Graph nodes.  One node per recorded op call; edges point at the nodes that
produced its inputs (or at leaf tensors, which accumulate into ``.grad``)."""
from __future__ import annotations

from .grad_mode import STATE


_NODE_CLASSES: dict = {}


def node_class(op):
    """The Node subclass for ``op`` (cached)."""
    return _NODE_CLASSES.get(op) or _node_class(op)


def _node_class(op):
    """The subclass of Node named after the op's backward (``MulBackward0``), as PyTorch's grad_fn types are."""
    cls = _NODE_CLASSES.get(op)
    if cls is None:
        cls = _NODE_CLASSES[op] = type(op.node_name, (Node,), {"__slots__": (), "__module__": __name__})
    return cls


class Node:
    """A recorded op call (``tensor.grad_fn``); its type is named after the op (``MulBackward0``).

    edges:    per tensor input, ``(node, output_nr)``, ``(leaf_tensor, 0)`` or None.
    saved:    the input tensors backward needs (op.save == inputs/both), else None.
    output:   the output tensor(s) backward needs (op.save == output/both), else None.
    """

    __slots__ = ("op", "saved", "_out", "params", "edges", "shapes", "dtypes", "versions", "released",
                 "__dict__", "__weakref__")

    # rarely set: class-level defaults, instance attributes (in a lazily created __dict__) once assigned
    pre_hooks = None
    post_hooks = None
    retains = None
    trace = None
    _needs = None
    _metadata = None

    def __init__(self, op, saved, params, edges, shapes, dtypes):
        if type(self) is Node:  # callers on the hot path instantiate node_class(op) directly
            self.__class__ = _NODE_CLASSES.get(op) or _node_class(op)
        self.op = op
        self.saved = saved
        self._out = None
        self.params = params
        self.edges = edges
        self.shapes = shapes
        self.dtypes = dtypes
        self.versions = None if saved is None else tuple(
            [(t._vc[0] if t._vc is not None else 0) if t is not None else 0 for t in saved])
        self.released = False
        if STATE.anomaly:
            self.trace = _forward_trace()

    @property
    def needs_input_grad(self):
        """Per input: whether a gradient is wanted (computed on first use, in backward)."""
        n = self._needs
        if n is None:
            n = self._needs = tuple([e is not None for e in self.edges])
        return n

    @needs_input_grad.setter
    def needs_input_grad(self, value):
        self._needs = tuple(value)

    # --- PyTorch-visible API -------------------------------------------------
    def name(self) -> str:
        return self.op.node_name

    @property
    def metadata(self) -> dict:
        """A dict for user annotations, kept with the node."""
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

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
    def output(self):
        """The saved output tensor(s), rebuilt with this node as ``grad_fn`` (see :class:`SavedOutput`)."""
        out = self._out
        if out is None:
            if self.released:
                from ._engine import _FREED
                raise RuntimeError(_FREED)
            return None
        if type(out) is tuple:
            return tuple(unpack(self, o) for o in out)
        return unpack(self, out)

    @output.setter
    def output(self, value):
        if value is None:
            self._out = None
        elif type(value) is tuple or type(value) is list:
            keep = getattr(self.op, "saved_outputs", None)
            self._out = tuple(pack(self, v) if keep is None or i in keep else None for i, v in enumerate(value))
        else:
            self._out = pack(self, value)

    @property
    def saved_tensors(self):
        return self.saved

    def release(self):
        self.saved = None
        self._out = None
        self.released = True

    def apply(self, *grads):
        """Run this node's backward formula (used by the engine)."""
        return self.op.backward(self, *grads)


def _forward_trace():
    """The current stack as text, without ember's own frames at its end (anomaly mode only)."""
    import os
    import traceback
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frames = traceback.extract_stack()
    while frames and os.path.abspath(frames[-1].filename).startswith(root + os.sep):
        frames.pop()
    return "".join(traceback.format_list(frames))


class SavedOutput:
    """An output saved for backward by the node that produced it.

    Holding the output tensor itself would make a reference cycle (tensor ->
    grad_fn -> tensor) that only the garbage collector frees.  Like PyTorch's
    SavedVariable, keep the storage, dtype and version counter instead, and
    rebuild a tensor with ``grad_fn`` = the node when backward asks for it.
    """

    __slots__ = ("data", "dtype", "backend", "vc", "version", "output_nr", "shape")

    def __init__(self, t):
        vc = t._vc
        if vc is None:
            vc = t._vc = [0]
        self.data = t._data
        self.dtype = t.dtype
        self.backend = t._backend
        self.vc = vc
        self.version = vc[0]
        self.output_nr = t._output_nr
        self.shape = t._data.shape


def pack(node, t):
    """What ``node`` keeps for saved tensor ``t``: a :class:`SavedOutput` if ``t`` is its own output."""
    if t is not None and getattr(t, "grad_fn", None) is node:
        return SavedOutput(t)
    return t


def unpack(node, s):
    """The tensor for a packed saved value; raises if it was modified in place since it was saved."""
    if type(s) is not SavedOutput:
        return s
    if s.vc[0] != s.version:
        raise RuntimeError(version_error(s.dtype, s.shape, f"output {s.output_nr} of {forward_name(node)}",
                                         s.vc[0], s.version))
    from .._dispatch import wrap
    t = wrap(s.data, s.dtype, s.backend)
    t._vc = s.vc
    t.grad_fn = node
    t._output_nr = s.output_nr
    t._requires_grad = True
    return t


def version_error(dtype, shape, what, version, expected):
    """PyTorch's message for a saved tensor modified in place before backward."""
    from ..ops.inplace import torch_type_name
    which = f", which is {what}," if what else ""  # "output 0 of Exp": the forward op, as PyTorch names it
    return ("one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"[ember.{torch_type_name(dtype)}Tensor {list(shape)}]{which} is at version {version}; expected "
            f"version {expected} instead. Hint: enable anomaly detection to find the operation that failed to "
            "compute its gradient, with ember.autograd.set_detect_anomaly(True, check_nan=False).")


def forward_name(node):
    """``Exp`` for an ``ExpBackward0`` node: how PyTorch's messages name the op that made a tensor."""
    name = node.name()
    i = name.rfind("Backward")
    return name[:i] if i > 0 else name


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
