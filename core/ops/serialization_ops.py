"""Ops that move tensor data to and from raw bytes, for checkpoints (``ember.save`` / ``ember.load``).

System ops (no autograd): ``to_bytes`` gives a tensor's elements as little-endian bytes in C order,
``from_bytes`` builds an array from such bytes, and ``storage_view`` views a flat 1-D array with a
PyTorch (size, stride, storage_offset) triple, the way ``torch._utils._rebuild_tensor_v2`` rebuilds a
tensor on its storage.  A backend without ``to_bytes``/``from_bytes`` kernels is served through the
host (``to_numpy`` / the default CPU backend).
"""
from __future__ import annotations

from .. import _dtype as D
from .._device import as_backend
from .._dispatch import apply, wrap
from .._op import defop
from .._tensor import Tensor

F = "serialization_ops"

TO_BYTES = defop("to_bytes", F, "to_bytes(x) -> bytes-like",
                 doc="the elements of x in C order as little-endian raw bytes (a bytes-like object the caller "
                     "only reads)")
FROM_BYTES = defop("from_bytes", F, "from_bytes(buf, shape, dtype, byteorder='little') -> out",
                   doc="an array of `shape`/`dtype` from the raw bytes of a writable buffer the caller hands "
                       "over (the array may alias it); `byteorder` is the buffer's: 'little' or 'big'")
STORAGE_VIEW = defop("storage_view", F, "storage_view(x, size, stride, offset) -> out", view=True,
                     doc="view of the flat contiguous 1-D x with element `size`, `stride`, `offset`; the "
                         "frontend has checked that every element lies inside x")


def contiguous_strides(shape) -> tuple:
    """PyTorch's strides of a contiguous tensor of ``shape`` (sizes 0 count as 1)."""
    strides, acc = [], 1
    for s in reversed(tuple(shape)):
        strides.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(strides))


def tensor_to_bytes(t: Tensor):
    """The elements of ``t`` as C-ordered little-endian bytes (a bytes-like object; read it only)."""
    k = t._backend.table.get("to_bytes")
    if k is not None:
        return k(t._data)
    host = t._backend.table["to_numpy"](t._data)  # a host array: duck-typed, ember imports no numpy
    return host.tobytes(order="C")


def tensor_from_bytes(buf, shape, dtype, device=None, byteorder="little") -> Tensor:
    """A tensor of ``shape``/``dtype`` on ``device`` from raw bytes; it may alias ``buf``.

    >>> t = tensor_from_bytes(bytearray(8), (2,), ember.float32)
    """
    shape = tuple(int(s) for s in shape)
    dtype = D.to_dtype(dtype)
    if byteorder not in ("little", "big"):
        raise ValueError(f"from_bytes(): byteorder must be 'little' or 'big', got {byteorder!r}")
    n = 1
    for s in shape:
        if s < 0:
            raise RuntimeError(f"from_bytes(): negative dimension {s} in shape {list(shape)}")
        n *= s
    size = memoryview(buf).nbytes
    if size != n * dtype.itemsize:
        raise RuntimeError(f"from_bytes(): shape {list(shape)} of dtype {dtype} needs {n * dtype.itemsize} bytes, "
                           f"got a buffer of {size} bytes")
    backend = as_backend(device)
    if device is not None:
        backend.require()
    k = backend.table.get("from_bytes")
    if k is None:  # build on the host backend, then move
        host = as_backend("cpu")
        t = wrap(host.table["from_bytes"](buf, shape, dtype, byteorder), dtype, host)
        return t.to(device) if device is not None else t
    return wrap(k(buf, shape, dtype, byteorder), dtype, backend)


def storage_view(storage: Tensor, size, stride, storage_offset=0) -> Tensor:
    """View the flat contiguous 1-D ``storage`` as a tensor of ``size``/``stride`` starting at ``storage_offset``.

    Raises RuntimeError (as PyTorch's ``set_``) when an element would fall outside the storage.
    """
    size = tuple(int(s) for s in size)
    stride = tuple(int(s) for s in stride)
    offset = int(storage_offset)
    if storage.ndim != 1 or not storage.is_contiguous():
        raise RuntimeError(f"storage_view(): the storage must be a contiguous 1-D tensor, got shape "
                           f"{list(storage.shape)} with strides {storage.stride()}")
    if len(size) != len(stride):
        raise RuntimeError(f"storage_view(): mismatch in length of strides and shape: size {list(size)}, "
                           f"stride {list(stride)}")
    if any(s < 0 for s in size) or any(s < 0 for s in stride) or offset < 0:
        raise RuntimeError(f"storage_view(): sizes, strides and the storage offset must be non-negative, got "
                           f"size {list(size)}, stride {list(stride)}, storage_offset {offset}")
    numel = 1
    for s in size:
        numel *= s
    needed = 0 if numel == 0 else offset + 1 + sum((n - 1) * st for n, st in zip(size, stride))
    if needed > storage.numel():
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
                           f"requiring a storage size of {needed * storage.dtype.itemsize} are out of bounds for "
                           f"storage of size {storage.numel() * storage.dtype.itemsize}")
    if numel == 0:
        offset = min(offset, storage.numel())
    return apply(STORAGE_VIEW, (storage,), (size, stride, offset))
