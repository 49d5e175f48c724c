"""The dispatch path: op + tensors -> backend kernel -> wrapped result (+ graph node).

This is the hottest code in ember.  No signature parsing, no plugin-manager
calls: a backend's kernel table is a flat dict resolved once at load time.
"""
from __future__ import annotations

from ._dtype import _PROMOTE, _default_dtype, _scalar_category, bool as _bool, int64 as _int64
from ._errors import same_device_error
from ._tensor import Tensor
from .autograd._node import _NODE_CLASSES, _node_class
from .autograd.grad_mode import STATE
from .backends._backend import strict_mode

_new = object.__new__


def wrap(data, dtype, backend):
    """A fresh tensor around a native array (no autograd history)."""
    t = _new(Tensor)
    t._data = data
    t._backend = backend
    t.dtype = dtype
    t._requires_grad = False
    t._grad = None
    t.grad_fn = None
    t._output_nr = 0
    t._vc = None
    t._base = None
    t._hooks = None
    t._post_acc_hooks = None
    return t


def common_backend(op_name, tensors):
    b = tensors[0]._backend
    for t in tensors:
        if t._backend is not b:
            raise same_device_error(op_name, tensors[0].device, t.device)
    return b


def kernel_for(op, backend):
    """The kernel ``backend`` runs for ``op``, or None when only the decomposition can serve."""
    k = backend.table.get(op.name)
    if k is not None:
        return k
    if op.decomposition is not None:
        if strict_mode():
            raise NotImplementedError(
                f"EMBER_STRICT: backend {backend.name!r} has no kernel for op {op.name!r} and would run its "
                f"decomposition; register a kernel or unset EMBER_STRICT")
        return None
    raise NotImplementedError(_missing_message(op, backend))


def _missing_message(op, backend):
    from .backends._discovery import all_backends
    have = []
    for name, b in sorted(all_backends().items()):
        if b is backend or not b.available:
            continue
        try:
            b.ensure_loaded()
        except Exception:  # noqa: BLE001
            continue
        if op.name in b.table:
            have.append(name)
    where = f"backends that have it: {', '.join(have)}" if have else "no installed backend implements it"
    return (f"op {op.name!r} has no kernel on backend {backend.name!r} and no decomposition; {where}. "
            f"Move the tensors with .to(device) or implement the kernel in the backend plugin")


def apply(op, args, params=(), dtype=None):
    """Run ``op`` on tensors ``args`` with plain-Python ``params``.

    ``dtype`` is the output dtype (a tuple for multi-output ops); default: the
    first input's.  Records a graph node when gradients are needed.
    """
    a0 = args[0]
    b = a0._backend
    if len(args) == 1:
        datas = (a0._data,)
    else:
        for t in args:
            if t._backend is not b:
                raise same_device_error(op.name, a0.device, t.device)
        datas = [t._data for t in args]
    k = b.table.get(op.name)
    if k is None:
        k = kernel_for(op, b)
        if k is None:
            return op.decomposition(*args, *params)
    if op.backward is None and op.decomposition is not None and STATE.enabled:
        # a composite without its own backward formula: differentiate through its decomposition
        for t in args:
            if t._requires_grad:
                return op.decomposition(*args, *params)
    if op.nout == 1:
        out = wrap(k(*datas, *params), a0.dtype if dtype is None else dtype, b)
        if op.view:
            _make_view(out, a0)
            out._view_info = (a0, op, params, -1)
        if STATE.enabled and op.backward is not None:
            for t in args:
                if t._requires_grad:
                    _record(op, args, params, (out,))
                    break
        return out
    res = k(*datas, *params)
    if dtype is None:
        dtype = (a0.dtype,) * op.nout
    outs = tuple(wrap(d, dt, b) for d, dt in zip(res, dtype))
    if op.view:
        for i, o in enumerate(outs):
            _make_view(o, a0)
            o._view_info = (a0, op, params, i)
    if STATE.enabled and op.backward is not None:
        for t in args:
            if t._requires_grad:
                _record(op, args, params, outs[:op.differentiable_outputs])
                break
    return outs


def _make_view(out, base):
    vc = base._vc
    if vc is None:
        vc = base._vc = [0]
    out._vc = vc
    out._base = base._base if base._base is not None else base


def _record(op, args, params, outs):
    edges = tuple([(t.grad_fn, t._output_nr) if t.grad_fn is not None else ((t, 0) if t._requires_grad else None)
                   for t in args])
    node = (_NODE_CLASSES.get(op) or _node_class(op))(op, args if op.save_inputs else None, params, edges,
                                                      tuple([t._data.shape for t in args]),
                                                      tuple([t.dtype for t in args]))
    for i, o in enumerate(outs):
        if o.dtype.category == 2:
            o.grad_fn = node
            o._output_nr = i
            o._requires_grad = True
    if op.save_output:
        node.output = outs[0] if len(outs) == 1 else outs
    return node


# --- elementwise dispatch with PyTorch type promotion ----------------------------

def binary(op, a, b, out_dtype=None, compute=None):
    """Elementwise binary op on Tensor/scalar operands with PyTorch's promotion.

    ``compute`` maps the promoted dtype to the dtype the kernel computes in
    (e.g. true division: integers -> default float); ``out_dtype`` fixes the
    result dtype (comparisons: bool).
    """
    ta = type(a) is Tensor or isinstance(a, Tensor)
    tb = type(b) is Tensor or isinstance(b, Tensor)
    if ta and tb:
        da, db = a.dtype, b.dtype
        if da is db:
            ct = da
        else:
            ct = _promote_tensors(a, b)
        if compute is not None:
            ct = compute(ct)
        if a.dtype is not ct:
            a = a.to(ct)
        if b.dtype is not ct:
            b = b.to(ct)
        if a._data.shape != b._data.shape:
            _check_broadcast(op, a, b)
        return apply(op, (a, b), (), ct if out_dtype is None else out_dtype)
    if ta:
        t, s, swap = a, b, False
    elif tb:
        t, s, swap = b, a, True
    else:
        raise TypeError(f"{op.name}(): expected at least one Tensor argument, got {type(a).__name__} and "
                        f"{type(b).__name__}")
    d = t.dtype
    c = _scalar_category(s)
    if c > d.category:
        ct = _default_dtype[0] if c == 2 else _int64
    else:
        ct = d
    if compute is not None:
        ct = compute(ct)
    if d is not ct:
        t = t.to(ct)
    s = (float(s) if ct.category == 2 else int(s)) if ct is not _bool else bool(s)
    return _apply_scalar(op, t, s, swap, ct if out_dtype is None else out_dtype)


def _check_broadcast(op, a, b):
    sa, sb = a._data.shape, b._data.shape
    for i in range(1, min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"{op.name}(): The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                f"dimension {max(len(sa), len(sb)) - i}; received shapes {list(sa)} and {list(sb)}")


def _promote_tensors(a, b):
    da, db = a.dtype, b.dtype
    an, bn = a.ndim, b.ndim
    if (an == 0) == (bn == 0):
        return _PROMOTE[(da, db)]
    hi, lo = (da, db) if an else (db, da)  # dimensioned first
    if hi.category >= lo.category:
        return hi
    return _PROMOTE[(hi, lo)]


def _apply_scalar(op, t, s, swap, dtype):
    """Op with one tensor and one Python scalar: kernel(x, s) or kernel(s, x)."""
    b = t._backend
    k = b.table.get(op.name)
    if k is None:
        k = kernel_for(op, b)
    if k is None or op.backward is None and op.decomposition is not None and STATE.enabled and t._requires_grad:
        from .ops.creation import scalar_tensor
        st = scalar_tensor(s, t.dtype, b)
        return op.decomposition(*((st, t) if swap else (t, st)))
    out = wrap(k(s, t._data) if swap else k(t._data, s), dtype, b)
    if STATE.enabled and t._requires_grad and op.backward is not None:
        edges = ((None, (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t, 0)) if swap else
                 ((t.grad_fn, t._output_nr) if t.grad_fn is not None else (t, 0), None))
        saved = None
        if op.save_inputs:
            saved = (None, t) if swap else (t, None)
        node = (_NODE_CLASSES.get(op) or _node_class(op))(op, saved, (s, swap), edges, (None, t._data.shape) if swap else (t._data.shape, None),
                    (None, t.dtype) if swap else (t.dtype, None))
        if dtype.category == 2:
            out.grad_fn = node
            out._requires_grad = True
        if op.save_output:
            node.output = out
    return out


def operands(ctx):
    """Inside a backward formula: the two operands of a binary call; a Python scalar
    operand appears as itself, a tensor operand as the saved tensor."""
    s = ctx.saved
    shapes = ctx.shapes
    if shapes[0] is None:
        return ctx.params[0], s[1] if s is not None else None
    if shapes[1] is None:
        return s[0] if s is not None else None, ctx.params[0]
    return s


def unary(op, a, params=(), float_op=False):
    """Elementwise unary op; ``float_op`` promotes integer inputs to the default float dtype."""
    d = a.dtype
    if float_op and d.category != 2:
        a = a.to(_default_dtype[0])
    return apply(op, (a,), params)
