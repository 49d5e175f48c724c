"""Tensor conversions and bookkeeping methods: ``to``, ``cpu``, ``numpy``, ``item``, ``new_*``, ``copy_``..."""
from __future__ import annotations

from .. import _dtype as D
from .._device import device as _device
from .._tensor import Tensor
from ..autograd.grad_mode import STATE
from . import creation as C
from .inplace import check_inplace_target, commit

TENSOR_METHODS = {}


def _m(name=None):
    def deco(fn):
        TENSOR_METHODS[name or fn.__name__] = fn
        return fn
    return deco


def _parse_to(args, kwargs):
    dev = kwargs.pop("device", None)
    dt = kwargs.pop("dtype", None)
    kwargs.pop("non_blocking", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, D.dtype):
            dt = a
        elif isinstance(a, (str, _device)) or (isinstance(a, int) and not isinstance(a, bool)):
            dev = a
        elif isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, bool):
            continue  # non_blocking / copy positional
        else:
            raise TypeError(f"to() received an invalid combination of arguments: {a!r}")
    return dev, dt, copy


@_m()
def to(self, *args, **kwargs):
    """Move and/or cast: ``t.to("cuda")``, ``t.to(ember.float64)``, ``t.to(other)``, ``t.to(device, dtype)``."""
    dev, dt, copy = _parse_to(args, dict(kwargs))
    out = self
    if dev is not None:
        b = _device(dev)._backend if not isinstance(dev, _device) else dev._backend
        if b is not out._backend:
            out = C.to_backend(out, b)
    if dt is not None:
        dt = D.to_dtype(dt)
        if dt is not out.dtype:
            out = C.cast(out, dt)
    if copy and out is self:
        out = self.clone()
    return out


@_m()
def cpu(self, memory_format=None):
    if self._backend.spec.device_type == "cpu":
        return self
    return self.to("cpu")


@_m()
def cuda(self, device=None, non_blocking=False, memory_format=None):
    dev = "cuda" if device is None else (f"cuda:{device}" if isinstance(device, int) else device)
    return self.to(dev)


def _caster(dt):
    def f(self, memory_format=None):
        return C.cast(self, dt)
    return f


for _n, _d in (("float", D.float32), ("double", D.float64), ("half", D.float16), ("bfloat16", D.bfloat16),
               ("long", D.int64), ("int", D.int32), ("short", D.int16), ("char", D.int8), ("byte", D.uint8),
               ("bool", D.bool)):
    TENSOR_METHODS[_n] = _caster(_d)


@_m("type")
def type_(self, dtype=None, non_blocking=False):
    if dtype is None:
        return f"ember.{_TYPE_NAMES[self.dtype.name]}"
    if isinstance(dtype, str):
        name = dtype.rsplit(".", 1)[-1]
        for k, v in _TYPE_NAMES.items():
            if v == name:
                return C.cast(self, D.BY_NAME[k])
        raise ValueError(f"invalid type: {dtype!r}")
    return C.cast(self, D.to_dtype(dtype))


_TYPE_NAMES = {"bool": "BoolTensor", "uint8": "ByteTensor", "int8": "CharTensor", "int16": "ShortTensor",
               "int32": "IntTensor", "int64": "LongTensor", "float16": "HalfTensor", "bfloat16": "BFloat16Tensor",
               "float32": "FloatTensor", "float64": "DoubleTensor"}


@_m()
def type_as(self, other):
    return self.to(other.dtype)


@_m()
def numpy(self, *, force=False):
    """The data as a NumPy array; shares memory on host-memory backends."""
    if self._requires_grad and not force:
        raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
    if self._backend.spec.device_type != "cpu" and not force:
        raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() to copy the "
                        f"tensor to host memory first.")
    return self._backend.table["to_numpy"](self._data)


@_m()
def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    """Export the data through DLPack (zero-copy), for ``numpy.from_dlpack``, ``cupy.from_dlpack``,
    ``torch.from_dlpack``..."""
    if self._requires_grad:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    kwargs = {k: v for k, v in (("stream", stream), ("max_version", max_version), ("dl_device", dl_device),
                                ("copy", copy)) if v is not None}
    return self._backend.table["to_dlpack"](self._data).__dlpack__(**kwargs)


@_m()
def __dlpack_device__(self):
    """(DLDeviceType, device index) of the data: (1, 0) for host memory, (2, N) for CUDA device N."""
    return self._backend.table["to_dlpack"](self._data).__dlpack_device__()


@_m()
def item(self):
    n = self.numel()
    if n != 1:
        raise RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")
    return self._backend.table["item"](self._data)


@_m()
def tolist(self):
    return self._backend.table["to_list"](self._data)


@_m()
def stride(self, dim=None):
    s = self._backend.table["strides"](self._data)
    if dim is None:
        return s
    from ._util import wrap_dim
    return s[wrap_dim(dim, self.ndim, "stride")]


@_m()
def is_contiguous(self, memory_format=None):
    return self._backend.table["is_contiguous"](self._data)


@_m()
def data_ptr(self):
    return self._backend.table["data_ptr"](self._data)


@_m()
def storage_offset(self):
    return self._backend.table["storage_offset"](self._data)


@_m()
def untyped_storage(self):
    raise NotImplementedError("ember tensors do not expose storages; use .data_ptr() or .numpy()")


def _new(factory):
    def f(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        return factory(*size, dtype=self.dtype if dtype is None else dtype,
                       device=self.device if device is None else device, requires_grad=requires_grad)
    return f


TENSOR_METHODS["new_zeros"] = _new(C.zeros)
TENSOR_METHODS["new_ones"] = _new(C.ones)
TENSOR_METHODS["new_empty"] = _new(C.empty)


@_m()
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, **kw):
    return C.full(size, fill_value, dtype=self.dtype if dtype is None else dtype,
                  device=self.device if device is None else device, requires_grad=requires_grad)


@_m()
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, **kw):
    return C.tensor(data, dtype=self.dtype if dtype is None else dtype,
                    device=self.device if device is None else device, requires_grad=requires_grad)


@_m()
def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast, cast, even from another backend) into ``self``."""
    if not isinstance(src, Tensor):
        src = C.tensor(src, dtype=self.dtype, device=self.device)
    check_inplace_target(self, "copy_")
    if src._backend is not self._backend:
        src = C.to_backend(src, self._backend)
    if src.dtype is not self.dtype:
        src = C.cast(src, self.dtype)
    if tuple(src.shape) != tuple(self.shape):
        src = src.expand(tuple(self.shape))
    if STATE.enabled and src._requires_grad:
        return commit(self, src.clone(), "copy_")
    self._backend.table["copy_"](self._data, src._data)
    self._bump_version()
    if self.grad_fn is not None and STATE.enabled:
        # the old history no longer describes self's value
        self.grad_fn = None
        self._requires_grad = False
    return self


@_m()
def fill_(self, value):
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                               f"dimensions.")
        if STATE.enabled and (value._requires_grad or self._requires_grad):
            check_inplace_target(self, "fill_")
            return commit(self, value.to(self.dtype).expand(tuple(self.shape)) * 1, "fill_")
        value = value.item()
    check_inplace_target(self, "fill_")
    filled = self._backend.table["full"](tuple(self.shape), value, self.dtype)
    self._backend.table["copy_"](self._data, filled)
    self._bump_version()
    if self.grad_fn is not None and STATE.enabled:
        self.grad_fn = None
        self._requires_grad = False
    return self


@_m()
def zero_(self):
    return fill_(self, 0)


@_m()
def view_as(self, other):
    return self.view(tuple(other.shape))


@_m()
def reshape_as(self, other):
    return self.reshape(tuple(other.shape))


@_m()
def dim_order(self):
    s = self.stride()
    return tuple(sorted(range(self.ndim), key=lambda i: -s[i]))


def _T(self):
    if self.ndim not in (0, 2):
        import warnings
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
                      "and it will throw an error in a future release.", UserWarning, stacklevel=2)
    return self.permute(tuple(range(self.ndim - 1, -1, -1)))


def _mT(self):
    if self.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {self.ndim}-D tensor.")
    return self.transpose(-2, -1)


TENSOR_METHODS["T"] = property(_T)
TENSOR_METHODS["mT"] = property(_mT)
TENSOR_METHODS["H"] = property(_T)
TENSOR_METHODS["mH"] = property(_mT)


@_m()
def is_signed(self):
    return self.dtype.is_signed


@_m()
def is_same_size(self, other):
    return tuple(self.shape) == tuple(other.shape)


@_m()
def is_nonzero(self):
    if self.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(self.item())


@_m()
def is_inference(self):
    return False


@_m()
def get_device(self):
    """-1 for CPU tensors, the device index for GPU ones (as ``torch.Tensor.get_device``)."""
    d = self.device
    return -1 if d.type == "cpu" else (d.index or 0)


TENSOR_METHODS["output_nr"] = property(lambda self: self._output_nr)


@_m()
def is_pinned(self, device=None):
    return False


@_m()
def pin_memory(self, device=None):
    """Pinned host memory matters only for GPU transfers; CPU tensors are returned as they are."""
    if self._backend.spec.device_type != "cpu":
        raise RuntimeError(f"cannot pin '{self.type()}' only dense CPU tensors can be pinned")
    return self


@_m()
def resize_(self, *sizes, memory_format=None):
    """Resize in place, keeping the leading elements (in row-major order); new elements are uninitialised."""
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    from ._util import as_shape
    shape = as_shape(sizes, "resize_")
    if tuple(self.shape) == shape:
        return self
    new = C.empty(*shape, dtype=self.dtype, device=self.device)
    k = min(self.numel(), new.numel())
    if k:
        new.view(-1)[:k] = self.detach().reshape(-1)[:k]
    self._data = new._data
    self._bump_version()
    return self


@_m()
def resize_as_(self, the_template, memory_format=None):
    return self.resize_(tuple(the_template.shape))


@_m()
def is_shared(self):
    base = self._base
    return getattr(self, "_shared", False) or (base is not None and getattr(base, "_shared", False))


@_m()
def share_memory_(self):
    """Move the storage into shared memory, in place: processes forked afterwards (``ember.multiprocessing``
    with the fork start method, Linux's default) update the same values, as in Hogwild training.  A tensor
    pickled to a spawned process is still a copy.  A no-op for GPU tensors and already shared ones, and on
    backends without shared host memory (no ``share_memory`` kernel)."""
    k = self._backend.table.get("share_memory")
    if k is None or self.is_shared():
        return self
    base = self._base
    whole = base is None or (base.data_ptr() == self.data_ptr() and base.numel() == self.numel()
                             and base.is_contiguous() and self.is_contiguous())
    if not whole:
        raise RuntimeError("share_memory_(): ember cannot move the storage under a view of part of another tensor; "
                           "call share_memory_() on the tensor it is a view of")
    self._data = k(self._data)
    self._shared = True
    if base is not None:  # an alias of the whole base (detach(), Parameter(data), reshape): move the base too
        base._data, base._shared = self._backend.table["view"](self._data, tuple(base.shape)), True
    return self


@_m()
def apply_(self, callable):
    """Apply a Python function to each element in place (CPU tensors only, slow, like torch)."""
    if self._backend.spec.device_type != "cpu":
        raise TypeError("apply_ is only implemented on CPU tensors")
    flat = self.reshape(-1).tolist()
    new = C.tensor([callable(v) for v in flat], dtype=self.dtype, device=self.device).reshape(tuple(self.shape))
    return self.copy_(new)


@_m()
def map_(self, tensor, callable):
    """``self[i] = callable(self[i], tensor[i])`` in place, with ``tensor`` broadcast to self."""
    other = tensor.expand(tuple(self.shape)).reshape(-1).tolist()
    flat = self.reshape(-1).tolist()
    new = C.tensor([callable(a, b) for a, b in zip(flat, other)], dtype=self.dtype, device=self.device)
    return self.copy_(new.reshape(tuple(self.shape)))


@_m()
def new(self, *args, **kwargs):
    """Legacy ``Tensor.new``: same dtype and device; sizes give an uninitialised tensor, data a copy."""
    if not args:
        return C.empty(0, dtype=self.dtype, device=self.device)
    if all(isinstance(a, int) for a in args):
        return C.empty(*args, dtype=self.dtype, device=self.device)
    return C.tensor(args[0], dtype=self.dtype, device=self.device)
