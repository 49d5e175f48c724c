"""Op declarations: the single source of truth for every operation.

An op is declared once, in ``ember/ops/<family>.py``, with :func:`defop`:
its name, kernel signature, backward formula (written in ember ops, so higher
order gradients work on every backend) and, for composites, a decomposition
into other ops.  Backends only register kernels keyed by the op's name.
"""
from __future__ import annotations

import inspect

__all__ = ["Op", "OPS", "defop", "get_op"]

OPS: dict = {}


class Op:
    """One operation in the registry.

    name:          unique op name; backends register kernels under it.
    family:        the ``ember/ops/<family>.py`` module that declares it.
    signature:     the kernel signature, documentation for backend authors, e.g.
                   ``"add(x, y) -> out"``; the number of positional parameters
                   is checked when a kernel is registered.
    backward:      ``backward(ctx, *grads) -> tuple`` of gradients, one per tensor
                   input (None where not differentiable), written in ember ops.
                   ``ctx`` carries ``saved`` (inputs), ``output``, ``params``,
                   ``needs_input_grad``.
    decomposition: ``decomp(*tensors, *params)`` in ember ops, run on the same backend
                   when the backend has no kernel.  Ops with a decomposition
                   are composites; the others are primitives.
    save:          what backward needs: ``"inputs"``, ``"output"``, ``"both"`` or None.
    saved_outputs: for multi-output ops, the indices of the outputs backward reads (default: all);
                   the others are not kept, so modifying them in place (e.g. ReLU(inplace=True) after
                   batch norm) does not invalidate the graph.
    nout:          number of array outputs the kernel returns.
    view:          output aliases the first input's storage.
    differentiable_outputs: how many leading outputs carry gradients.
    """

    __slots__ = ("name", "family", "signature", "backward", "decomposition", "save_inputs",
                 "save_output", "nout", "view", "differentiable_outputs", "doc", "arity", "node_name", "saved_outputs")

    def __init__(self, name, family, signature, backward=None, decomposition=None, save=None,
                 nout=1, view=False, differentiable_outputs=None, doc="", saved_outputs=None):
        self.name = name
        self.family = family
        self.signature = signature
        self.backward = backward
        self.decomposition = decomposition
        self.save_inputs = save in ("inputs", "both")
        self.save_output = save in ("output", "both")
        self.nout = nout
        self.view = view
        self.differentiable_outputs = nout if differentiable_outputs is None else differentiable_outputs
        self.doc = doc
        self.saved_outputs = saved_outputs
        self.arity = _arity(signature)
        self.node_name = "".join(p.capitalize() for p in name.strip("_").split("_")) + "Backward0"

    @property
    def primitive(self) -> bool:
        return self.decomposition is None

    @property
    def differentiable(self) -> bool:
        return self.backward is not None or self.decomposition is not None

    def __repr__(self):
        kind = "primitive" if self.primitive else "composite"
        return f"<ember op {self.name!r} ({kind}, {self.family})>"


def _arity(signature):
    """(min, max) positional arguments a kernel receives, from ``name(a, b, c=..., *rest)``."""
    inner = signature[signature.index("(") + 1: signature.index(")")]
    parts = [p.strip() for p in inner.split(",") if p.strip()]
    if any(p.startswith("*") for p in parts):
        return (sum(1 for p in parts if "=" not in p and not p.startswith("*")), None)
    required = sum(1 for p in parts if "=" not in p)
    return (required, len(parts))


def defop(name, family, signature, **kw) -> Op:
    """Declare an op; raises if the name is taken."""
    if name in OPS:
        raise ValueError(f"op {name!r} is declared twice ({OPS[name].family} and {family})")
    op = Op(name, family, signature, **kw)
    OPS[name] = op
    return op


def get_op(name) -> Op:
    try:
        return OPS[name]
    except KeyError:
        raise KeyError(f"no op named {name!r}; known ops: {', '.join(sorted(OPS))}") from None


def kernel_fits(op: Op, fn) -> str | None:
    """Return why ``fn`` cannot serve as a kernel for ``op`` (None when it fits)."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None  # builtins / ufuncs: cannot check
    params = list(sig.parameters.values())
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return None
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = sum(1 for p in positional if p.default is p.empty)
    lo, hi = op.arity
    hi_n = hi if hi is not None else 10**9
    if required > hi_n or len(positional) < lo:
        return (f"kernel {getattr(fn, '__name__', fn)!r}{sig} does not fit op signature "
                f"{op.signature!r} (takes {required}..{len(positional)} positional arguments, "
                f"the op passes {lo}..{hi if hi is not None else 'any'})")
    return None
