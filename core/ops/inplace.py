"""In-place ops and ``out=`` arguments, built on the out-of-place ops.

An in-place op computes its result out of place (recording the graph as
usual), writes it into the target's storage with the backend's ``copy_``
kernel, bumps the version counter shared with every view of that storage, and
moves the target's ``grad_fn`` to the new node.  Saved tensors modified this
way fail backward with PyTorch's "modified by an inplace operation" error.
"""
from __future__ import annotations

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import STATE

_TORCH_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long",
                "float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double"}


def torch_type_name(dtype):
    return _TORCH_NAMES[dtype.name]


def check_inplace_target(self, op="in-place operation"):
    if STATE.enabled and self._requires_grad and self.grad_fn is None:
        if self._base is not None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    if STATE.enabled and self._base is not None and self._base._requires_grad and self._base.grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")


def commit(self: Tensor, result: Tensor, op="in-place operation") -> Tensor:
    """Write ``result`` into ``self`` and take over its graph position."""
    if result._backend is not self._backend:
        from .._errors import same_device_error
        raise same_device_error(op, self.device, result.device)
    if result.shape != self.shape:
        try:
            from ._util import broadcast_shapes
            if broadcast_shapes(tuple(result.shape), tuple(self.shape), op=op) != tuple(self.shape):
                raise RuntimeError
        except RuntimeError:
            raise RuntimeError(f"{op}: output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(_bshape(result.shape, self.shape))}") from None
    if result.dtype is not self.dtype:
        if result.dtype.category > self.dtype.category:
            raise RuntimeError(f"result type {torch_type_name(result.dtype)} can't be cast to the desired output "
                               f"type {torch_type_name(self.dtype)}")
        result = result.to(self.dtype)
    node = result.grad_fn
    tracked = node is not None and STATE.enabled
    if tracked:
        _snapshot_saved(node, self)
    self._backend.table["copy_"](self._data, result._data)
    self._bump_version()
    if tracked:
        if self._base is not None:
            _copy_slices(self, result)
        else:
            self.grad_fn = node
            self._output_nr = result._output_nr
            self._requires_grad = True
    return self


# --- in-place writes through views (PyTorch's CopySlices) -------------------------

def _view_chain(view):
    """The (op, params, output_index) steps that produce ``view`` from its base."""
    chain = []
    t = view
    base = view._base
    while t is not base:
        info = getattr(t, "_view_info", None)
        if info is None:  # an alias such as detach(): identity on values
            break
        src, op, params, idx = info
        chain.append((op, params, idx))
        t = src
    chain.reverse()
    return chain


def _replay(t, chain):
    from .._dispatch import apply
    for op, params, idx in chain:
        t = apply(op, (t,), params)
        if idx >= 0:
            t = t[idx]
    return t


def _copy_slices(view, result):
    """``view`` (of ``base``) was overwritten by ``result``: re-root the graph on ``base``."""
    from .._dispatch import _record
    base = view._base
    chain = _view_chain(view)
    node = _record(_COPY_SLICES, (base, result), (chain,), ())
    base.grad_fn = node
    base._output_nr = 0
    base._requires_grad = True
    fresh = _replay(base, chain)
    view.grad_fn = fresh.grad_fn
    view._output_nr = fresh._output_nr
    view._requires_grad = True


def _copy_slices_bwd(ctx, g):
    """d(base)/d(old base) masks the overwritten region; d/d(src) is that region of g."""
    from .creation import ones_like
    (chain,) = ctx.params
    n = ctx.needs_input_grad
    g_base = g_src = None
    if n[0]:
        prev = STATE.enabled
        STATE.enabled = False
        try:
            mask = ones_like(g)
            _replay(mask, chain).zero_()
        finally:
            STATE.enabled = prev
        g_base = g * mask
    if n[1]:
        g_src = _replay(g, chain)
    return g_base, g_src


def _bshape(a, b):
    try:
        from ._util import broadcast_shapes
        return broadcast_shapes(tuple(a), tuple(b))
    except RuntimeError:
        return tuple(a)


def _snapshot_saved(node, self):
    """The node saved ``self`` as an input; keep its pre-modification value instead."""
    saved = node.saved
    if saved is None:
        return
    for i, t in enumerate(saved):
        if t is self:
            from .._dispatch import wrap
            snap = wrap(self._backend.table["clone"](self._data), self.dtype, self._backend)
            snap.grad_fn, snap._output_nr, snap._requires_grad = self.grad_fn, self._output_nr, self._requires_grad
            node.saved = saved[:i] + (snap,) + saved[i + 1:]
            node.versions = node.versions[:i] + (0,) + node.versions[i + 1:]
            saved = node.saved


def inplace(self: Tensor, fn, *args, op=None, **kwargs) -> Tensor:
    """``self.<op>_(*args)``: out-of-place ``fn(self, *args)`` committed into ``self``."""
    name = op or getattr(fn, "__name__", "inplace") + "_"
    check_inplace_target(self, name)
    return commit(self, fn(self, *args, **kwargs), name)


def write_out(out: Tensor, result: Tensor) -> Tensor:
    """Implement ``out=``: write ``result`` into ``out`` (no gradient, like PyTorch)."""
    if STATE.enabled and (out._requires_grad or result._requires_grad):
        raise RuntimeError(f"{'functions with out=... arguments don'}'t support automatic differentiation, "
                           f"but one of the arguments requires grad.")
    if out.shape != result.shape:
        if out.numel() != 0:
            import warnings
            warnings.warn(f"An output with one or more elements was resized since it had shape {list(out.shape)}, "
                          f"which does not match the required output shape {list(result.shape)}.", UserWarning,
                          stacklevel=3)
        out._data = result._data if result.dtype is out.dtype else result.to(out.dtype)._data
        out._bump_version()
        return out
    if result.dtype is not out.dtype and result.dtype.category > out.dtype.category:
        raise RuntimeError(f"result type {torch_type_name(result.dtype)} can't be cast to the desired output type "
                           f"{torch_type_name(out.dtype)}")
    return commit(out, result.detach(), "out=")


__all__ = ["inplace", "commit", "write_out", "check_inplace_target", "D"]


def _make_copy_slices_op():
    from .._op import Op  # not registered: no backend implements it, it exists only in graphs
    op = Op("copy_slices", "inplace", "copy_slices(base, src) -> out", backward=_copy_slices_bwd)
    op.node_name = "CopySlices"
    return op


_COPY_SLICES = _make_copy_slices_op()
