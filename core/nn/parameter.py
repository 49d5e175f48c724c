"""``Parameter`` and ``Buffer``: tensors that modules register as learnable state / persistent buffers."""
from __future__ import annotations

from .._tensor import Tensor

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer"]


class Parameter(Tensor):
    """A tensor that is a module parameter: assigning it to a Module attribute registers it.

    ``Parameter(data=None, requires_grad=True)``; it shares storage with ``data``.
    """

    def __new__(cls, data=None, requires_grad=True):
        from .. import _functional as F
        if data is None:
            data = F.empty(0)
        t = data.detach()
        p = cls._from_tensor(t)
        p.requires_grad_(requires_grad)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, proto):
        from ..ops.creation import _rebuild_parameter, _rebuild_shared_parameter
        shared = self._shared_reduce()
        if shared is not None:
            return (_rebuild_shared_parameter, shared[1])
        return (_rebuild_parameter, (self.detach().cpu().numpy(), self.dtype.name, self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        from ..autograd.grad_mode import no_grad
        with no_grad():
            new = type(self)(self.detach().clone(), self.requires_grad)
        if self._grad is not None:
            new._grad = self._grad.clone()
        memo[id(self)] = new
        return new


class _BufferMeta(type):
    # ``Buffer(t)`` returns a plain Tensor flagged as a buffer (as in PyTorch); isinstance checks the flag.
    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(metaclass=_BufferMeta):
    """Marks a tensor to be registered as a buffer when assigned to a Module attribute.

    ``Buffer(data, *, persistent=True)`` returns ``data.detach()`` tagged with ``persistent``.
    """

    def __new__(cls, data=None, *, persistent=True):
        from .. import _functional as F
        if data is None:
            data = F.empty(0)
        t = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t


class UninitializedParameter(Parameter):
    """Placeholder for lazy modules (LazyLinear): shape unknown until ``materialize(shape)``."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from .. import _functional as F
        return super().__new__(cls, F.empty(0, device=device, dtype=dtype), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def materialize(self, shape, device=None, dtype=None):
        """Allocate the tensor with ``shape`` (uninitialised values) and become a regular ``cls_to_become``."""
        from .. import _functional as F
        if device is None:
            device = self.device
        if dtype is None:
            dtype = self.dtype
        self.data = F.empty(shape, device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    def __repr__(self):
        return "<UninitializedParameter>"


class UninitializedBuffer(Tensor):
    """Placeholder buffer for lazy modules; ``materialize(shape)`` turns it into a regular Tensor."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        from .. import _functional as F
        t = cls._from_tensor(F.empty(0, device=device, dtype=dtype))
        t.requires_grad_(requires_grad)
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None):
        pass

    materialize = UninitializedParameter.materialize

    def __repr__(self):
        return "<UninitializedBuffer>"


def is_lazy(param) -> bool:
    """Whether ``param`` is an uninitialised placeholder of a lazy module."""
    return isinstance(param, (UninitializedParameter, UninitializedBuffer))
