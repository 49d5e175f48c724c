"""Creation and conversion ops: data in and out of backends, constant fills, ranges, casts."""
from __future__ import annotations

import math

from .. import _dtype as D
from .._device import as_backend
from .._dispatch import apply, wrap
from .._op import defop
from .._tensor import Tensor
from ..autograd.grad_mode import STATE
from ._util import as_shape, reg

F = "creation"

# -- system ops: how data enters and leaves a backend (no autograd) --
FROM_LIST = defop("from_list", F, "from_list(flat, shape, dtype) -> out",
                  doc="flat Python list of scalars -> array of `shape` and `dtype`")
FROM_ARRAY = defop("from_array", F, "from_array(obj, dtype, copy) -> out",
                   doc="foreign array / buffer (e.g. a NumPy array) -> native array; dtype None keeps its dtype")
FROM_BUFFER = defop("from_buffer", F, "from_buffer(buffer, dtype, count, offset) -> out",
                    doc="1-D array viewing a Python buffer (bytes, bytearray, memoryview, array.array); "
                        "read-only buffers are copied")
DTYPE_OF = defop("dtype_of", F, "dtype_of(x) -> ember dtype", doc="ember dtype of a native array, or None")
TO_LIST = defop("to_list", F, "to_list(x) -> list", doc="nested Python list (a scalar for 0-d)")
ITEM = defop("item", F, "item(x) -> scalar", doc="the single element as a Python scalar")
TO_NUMPY = defop("to_numpy", F, "to_numpy(x) -> numpy.ndarray", doc="host NumPy array; shares memory when possible")
TO_DLPACK = defop("to_dlpack", F, "to_dlpack(x) -> object",
                  doc="an object viewing x that implements __dlpack__ and __dlpack_device__ (usually x itself)")
FROM_DLPACK = defop("from_dlpack", F, "from_dlpack(obj) -> out",
                    doc="zero-copy native array viewing a DLPack producer on this backend's device")
STRIDES = defop("strides", F, "strides(x) -> tuple", doc="strides in elements")
IS_CONTIGUOUS = defop("is_contiguous", F, "is_contiguous(x) -> bool")
DATA_PTR = defop("data_ptr", F, "data_ptr(x) -> int")
STORAGE_OFFSET = defop("storage_offset", F, "storage_offset(x) -> int")
SHARE_MEMORY = defop("share_memory", F, "share_memory(x) -> out",
                     doc="optional, host backends: a copy of x in memory shared with other processes")
SHARED_HANDLE = defop("shared_handle", F, "shared_handle(x) -> object",
                      doc="optional: a picklable handle locating a share_memory array (None for other arrays)")
FROM_SHARED = defop("from_shared", F, "from_shared(handle) -> out",
                    doc="optional: the array a shared_handle describes, mapped into this process")
SHARES_MEMORY = defop("shares_memory", F, "shares_memory(x, y) -> bool")

# -- fills --
FULL = defop("full", F, "full(shape, value, dtype) -> out")
EMPTY = defop("empty", F, "empty(shape, dtype) -> out")
ARANGE = defop("arange", F, "arange(start, end, step, dtype) -> out")
LINSPACE = defop("linspace", F, "linspace(start, end, steps, dtype) -> out")
EYE = defop("eye", F, "eye(n, m, dtype) -> out")


def _to_dtype_bwd(ctx, g):
    return (g.to(ctx.dtypes[0]),)


TO_DTYPE = defop("to_dtype", F, "to_dtype(x, dtype) -> out", backward=_to_dtype_bwd,
                 doc="cast to `dtype` (C-style truncation float->int, like PyTorch)")
CLONE = defop("clone", F, "clone(x) -> out", backward=lambda ctx, g: (g,),
              doc="a contiguous copy")
COPY_ = defop("copy_", F, "copy_(dst, src) -> dst", doc="write src (broadcast, same dtype) into dst in place")
SET_NUM_THREADS = defop("set_num_threads", F, "set_num_threads(n) -> None",
                        doc="optional: limit the threads the backend's kernels (e.g. its BLAS) use")
TO_BACKEND = defop("to_backend", F, "to_backend(x, backend_name) -> out",
                   doc="optional fast path to move an array to another backend (default: via NumPy)")


def _backend_of(device):
    return as_backend(device)


def _check_dtype(backend, dtype, op):
    if dtype not in backend.dtypes:
        raise TypeError(f"{op}(): backend {backend.name!r} does not support dtype {dtype}; "
                        f"it supports {', '.join(sorted(d.name for d in backend.dtypes))}")


# category of a flat sequence of plain Python scalars, by the set of its element types
_FLAT_CATEGORY = {frozenset(ts): c for ts, c in (
    ((bool,), 0), ((int,), 1), ((bool, int), 1), ((float,), 2), ((float, int), 2), ((bool, float), 2),
    ((bool, float, int), 2))}


def _scan(data, op="tensor"):
    """Flatten nested Python data: returns (shape, flat values, category)."""
    if (type(data) is list or type(data) is tuple) and data:
        cat = _FLAT_CATEGORY.get(frozenset(map(type, data)))
        if cat is not None:  # a flat sequence of Python bools/ints/floats (e.g. a batch of labels)
            return (len(data),), list(data), cat
    if isinstance(data, Tensor):
        return tuple(data.shape), data.reshape(-1).tolist() if data.ndim else [data.item()], data.dtype.category
    if isinstance(data, (list, tuple)):
        if len(data) == 0:
            return (0,), [], 2
        shapes, flat, cat = None, [], 0
        for i, x in enumerate(data):
            s, f, c = _scan(x, op)
            if shapes is None:
                shapes = s
            elif s != shapes:
                raise ValueError(f"{op}(): expected sequence of length {shapes[0] if shapes else 0} at dim "
                                 f"{1} (got {s[0] if s else 0})" if len(s) != len(shapes) or s[:1] != shapes[:1]
                                 else f"{op}(): expected sequence of length {shapes[0]} (got {s[0]})")
            flat.extend(f)
            cat = max(cat, c)
        return (len(data),) + shapes, flat, cat
    if isinstance(data, bool):
        return (), [data], 0
    if isinstance(data, int):
        return (), [data], 1
    if isinstance(data, float):
        return (), [data], 2
    if hasattr(data, "__index__") and not hasattr(data, "shape"):
        return (), [data.__index__()], 1
    if hasattr(data, "__float__") and not hasattr(data, "shape"):
        return (), [float(data)], 2
    if isinstance(data, (str, bytes)):
        raise ValueError(f"{op}(): too many dimensions '{type(data).__name__}'")
    if hasattr(data, "shape") and hasattr(data, "dtype"):  # a foreign scalar array inside a list
        v = data.item() if hasattr(data, "item") else data
        return _scan(v if not isinstance(v, (list, tuple)) else list(v), op)
    raise TypeError(f"{op}(): could not infer dtype of {type(data).__name__}; expected numbers, nested "
                    f"sequences of numbers, Tensors or arrays")


def _is_foreign_array(data):
    return (hasattr(data, "__array_interface__") or hasattr(data, "__cuda_array_interface__")
            or hasattr(data, "__dlpack__") or (hasattr(data, "__array__") and hasattr(data, "dtype")))


def _from_foreign(data, dtype, backend, copy):
    arr = backend.table["from_array"](data, dtype, copy)
    dt = None if arr is None else dtype if dtype is not None else backend.table["dtype_of"](arr)
    if dt is None:
        raise TypeError(f"can't convert {type(data).__name__} of type {getattr(data, 'dtype', None) or getattr(data, '__array_interface__', {}).get('typestr', '?')}; supported dtypes: "
                        f"bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64")
    return wrap(arr, dt, backend)


def _make(data, dtype=None, device=None, requires_grad=False, op="tensor", copy=True):
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    backend = _backend_of(device).require() if device is not None else _backend_of(None)
    if dtype is not None:
        dtype = D.to_dtype(dtype)
    if isinstance(data, Tensor):
        t = data.detach()
        if t._backend is not backend and device is not None:
            t = t.to(device)
        t = t.to(dtype) if dtype is not None else t
        if copy:
            t = t.clone()
    elif _is_foreign_array(data):
        t = _from_foreign(data, dtype, backend, copy)
    else:
        shape, flat, cat = _scan(data, op)
        if dtype is None:
            dtype = D.get_default_dtype() if cat == 2 else (D.int64 if cat == 1 else D.bool)
        _check_dtype(backend, dtype, op)
        t = wrap(backend.table["from_list"](flat, shape, dtype), dtype, backend)
    if requires_grad:
        t.requires_grad_(True)
    return t


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested sequences, scalars, arrays or tensors).

    >>> ember.tensor([[1, 2], [3, 4]]).dtype
    ember.int64
    """
    return _make(data, dtype, device, requires_grad, "tensor")


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like :func:`tensor` but avoids a copy when ``data`` already fits."""
    if isinstance(data, Tensor):
        t = data
        if device is not None:
            t = t.to(device)
        if dtype is not None:
            t = t.to(dtype)
        return t
    return _make(data, dtype, device, False, "as_tensor", copy=False)


asarray = as_tensor


def from_numpy(ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (on the default host-memory CPU backend)."""
    if type(ndarray).__module__.split(".")[0] != "numpy" or not hasattr(ndarray, "__array_interface__"):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    backend = _backend_of(None)
    if not backend.spec.host_memory:
        backend = _backend_of("cpu")
    return _from_foreign(ndarray, None, backend, False)


def from_dlpack(ext_tensor) -> Tensor:
    """A tensor sharing memory with a DLPack producer (a NumPy/CuPy array, a PyTorch tensor, ...).

    The object's ``__dlpack_device__`` picks the backend: host memory lands on the
    default CPU backend, CUDA memory on the GPU backend.  No data is copied.

    >>> ember.from_dlpack(numpy.arange(3)).tolist()
    [0, 1, 2]
    """
    if not hasattr(ext_tensor, "__dlpack__") or not hasattr(ext_tensor, "__dlpack_device__"):
        raise TypeError(f"from_dlpack(): expected an object implementing __dlpack__ and __dlpack_device__ "
                        f"(a tensor or array), got {type(ext_tensor).__name__}")
    kind, index = ext_tensor.__dlpack_device__()
    kind = int(kind)
    if kind in (_DL_CPU, _DL_CUDA_HOST):
        backend = _backend_of(None)
        if not backend.spec.host_memory:
            backend = _backend_of("cpu")
    elif kind == _DL_CUDA:
        backend = _backend_of(f"cuda:{int(index)}").require()
    else:
        raise RuntimeError(f"from_dlpack(): unsupported DLPack device type {kind} (index {index}); ember "
                           f"accepts CPU ({_DL_CPU}), CUDA ({_DL_CUDA}) and CUDA host ({_DL_CUDA_HOST}) memory")
    arr = backend.table["from_dlpack"](ext_tensor)
    dt = backend.table["dtype_of"](arr)
    if dt is None:
        raise TypeError(f"from_dlpack(): unsupported dtype {getattr(arr, 'dtype', '?')}; supported dtypes: "
                        f"{', '.join(sorted(d.name for d in backend.dtypes))}")
    return wrap(arr, dt, backend)


_DL_CPU, _DL_CUDA, _DL_CUDA_HOST = 1, 2, 3  # DLDeviceType codes


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False) -> Tensor:
    """A 1-D tensor over the bytes of an object implementing the buffer protocol.

    Writable buffers share memory with the tensor, as in PyTorch; read-only ones (``bytes``) are copied.

    >>> ember.frombuffer(bytes([1, 2, 3]), dtype=ember.uint8)
    tensor([1, 2, 3], dtype=torch.uint8)
    """
    dtype = D.to_dtype(dtype)
    try:
        nbytes = memoryview(buffer).nbytes
    except TypeError:
        raise TypeError(f"frombuffer(): object of type {type(buffer).__name__} does not implement the "
                        f"buffer protocol") from None
    isz = dtype.itemsize
    if nbytes == 0 or count == 0:
        raise ValueError(f"frombuffer(): both buffer length ({nbytes}) and count ({count}) must not be 0")
    if offset < 0 or offset >= nbytes:
        raise ValueError(f"frombuffer(): offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({nbytes} bytes) minus 1")
    avail = nbytes - offset
    if count < 0:
        if avail % isz:
            raise ValueError(f"frombuffer(): buffer length ({avail} bytes) after offset ({offset} bytes) must "
                             f"be a multiple of element size ({isz})")
        count = avail // isz
    elif count * isz > avail:
        raise ValueError(f"frombuffer(): requested buffer length ({count} * {isz} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length ({nbytes} bytes)")
    backend = _backend_of(None)
    if not backend.spec.host_memory:
        backend = _backend_of("cpu")
    _check_dtype(backend, dtype, "frombuffer")
    t = wrap(backend.table["from_buffer"](buffer, dtype, count, offset), dtype, backend)
    if requires_grad:
        t.requires_grad_(True)
    return t


def scalar_tensor(value, dtype=None, backend=None):
    backend = backend if backend is not None and not isinstance(backend, str) else _backend_of(backend)
    if dtype is None:
        dtype = D.scalar_dtype(value)
    return wrap(backend.table["from_list"]([value], (), dtype), dtype, backend)


def _factory(op_name, shape, dtype, device, requires_grad, params):
    backend = _backend_of(device)
    if device is not None:
        backend.require()
    _check_dtype(backend, dtype, op_name)
    for s in shape:
        if s < 0:
            raise RuntimeError(f"{op_name}(): Trying to create tensor with negative dimension {s}: {list(shape)}")
    k = backend.table.get(op_name)
    if k is None:
        from .._dispatch import kernel_for
        from .._op import OPS
        kernel_for(OPS[op_name], backend)
    t = wrap(backend.table[op_name](*params), dtype, backend)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _dt(dtype, default=None):
    return D.to_dtype(dtype) if dtype is not None else (default or D.get_default_dtype())


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, **_) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value`` (dtype inferred from the value)."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' must be tuple of ints, but found element of type "
                        f"{type(size).__name__} at pos 0")
    shape = as_shape(size, "full")
    if dtype is None:
        dtype = D.scalar_dtype(fill_value) if not isinstance(fill_value, Tensor) else fill_value.dtype
    else:
        dtype = D.to_dtype(dtype)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _factory("full", shape, dtype, device, requires_grad, (shape, fill_value, dtype))


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None, **_) -> Tensor:
    """A tensor of zeros: ``ember.zeros(2, 3)`` or ``ember.zeros((2, 3))``."""
    shape = as_shape(size, "zeros")
    dtype = _dt(dtype)
    return _factory("full", shape, dtype, device, requires_grad, (shape, 0, dtype))


def ones(*size, dtype=None, device=None, requires_grad=False, out=None, **_) -> Tensor:
    shape = as_shape(size, "ones")
    dtype = _dt(dtype)
    return _factory("full", shape, dtype, device, requires_grad, (shape, 1, dtype))


def empty(*size, dtype=None, device=None, requires_grad=False, out=None, **_) -> Tensor:
    shape = as_shape(size, "empty")
    dtype = _dt(dtype)
    return _factory("empty", shape, dtype, device, requires_grad, (shape, dtype))


def _like(fn_name, input, dtype, device, requires_grad, *extra):
    dtype = input.dtype if dtype is None else D.to_dtype(dtype)
    device = input.device if device is None else device
    shape = tuple(input.shape)
    if fn_name == "empty":
        return _factory("empty", shape, dtype, device, requires_grad, (shape, dtype))
    return _factory("full", shape, dtype, device, requires_grad, (shape, extra[0], dtype))


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, **_) -> Tensor:
    return _like("full", input, dtype, device, requires_grad, 0)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, **_) -> Tensor:
    return _like("full", input, dtype, device, requires_grad, 1)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, **_) -> Tensor:
    return _like("empty", input, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None, **_):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _like("full", input, dtype, device, requires_grad, fill_value)


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None, **_) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 unless a bound is a float."""
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange(): step must be nonzero")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError(f"arange(): upper bound and larger bound inconsistent with step sign "
                           f"(start={start}, end={end}, step={step})")
    if dtype is None:
        dtype = D.get_default_dtype() if any(isinstance(v, float) for v in (start, end, step)) else D.int64
    else:
        dtype = D.to_dtype(dtype)
    n = max(0, math.ceil((end - start) / step))
    if dtype.category < 2 and any(isinstance(v, float) for v in (start, end, step)):
        # like PyTorch: the length comes from the float bounds, the values from start/step cast to the dtype
        start, step = int(start), int(step)
        if step == 0:
            return full((n,), start, dtype=dtype, device=device, requires_grad=requires_grad)
        end = start + n * step
    return _factory("arange", (n,), dtype, device, requires_grad, (start, end, step, dtype))


def range_(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Deprecated ``torch.range``: like arange but includes ``end``."""
    if end is None:
        start, end = 0, start
    dtype = _dt(dtype)
    n = int(math.floor((end - start) / step)) + 1
    return _factory("linspace", (n,), dtype, device, requires_grad, (start, start + (n - 1) * step, n, dtype))


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, out=None, **_) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    start, end = _num(start), _num(end)
    if not isinstance(steps, int) or steps < 0:
        raise RuntimeError(f"linspace(): number of steps must be non-negative, got {steps}")
    dtype = _dt(dtype)
    return _factory("linspace", (steps,), dtype, device, requires_grad, (start, end, steps, dtype))


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False, out=None, **_):
    """``base ** linspace(start, end, steps)``."""
    dtype = _dt(dtype)
    with _NoGrad():
        lin = linspace(start, end, steps, dtype=D.float64, device=device)
        res = (base ** lin).to(dtype)
    if requires_grad:
        res.requires_grad_(True)
    return res


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, out=None, **_) -> Tensor:
    """A 2-D identity matrix of ``n`` rows and ``m`` (default ``n``) columns."""
    m = n if m is None else m
    if n < 0 or m < 0:
        raise RuntimeError(f"eye(): n and m must be non-negative, got n={n}, m={m}")
    dtype = _dt(dtype)
    return _factory("eye", (n, m), dtype, device, requires_grad, (n, m, dtype))


class _NoGrad:
    def __enter__(self):
        self.prev = STATE.enabled
        STATE.enabled = False

    def __exit__(self, *exc):
        STATE.enabled = self.prev


# --- conversions ----------------------------------------------------------------

def cast(x: Tensor, dtype) -> Tensor:
    if x.dtype is dtype:
        return x
    _check_dtype(x._backend, dtype, "to")
    return apply(TO_DTYPE, (x,), (dtype,), dtype)


@reg("clone")
def clone(input, *, memory_format=None) -> Tensor:
    """A copy of ``input`` that is recorded in the graph."""
    return apply(CLONE, (input,))


@reg("contiguous")
def contiguous(input, memory_format=None) -> Tensor:
    if input._backend.table["is_contiguous"](input._data):
        return input
    return apply(CLONE, (input,))


def to_backend(x: Tensor, backend) -> Tensor:
    """Copy ``x`` to ``backend`` (explicit transfers only); the copy stays in the graph."""
    if x._backend is backend:
        return x
    backend.require()
    return _ToBackend.apply(x, backend)


def _move_data(data, src, dst):
    k = src.table.get("to_backend")
    if k is not None:
        out = k(data, dst.name)
        if out is not None:
            return out
    return dst.table["from_array"](src.table["to_numpy"](data), None, True)


def _make_to_backend():
    from ..autograd.function import Function

    class ToBackend(Function):
        @staticmethod
        def forward(ctx, t, backend):
            ctx.src = t._backend
            return wrap(_move_data(t._data, t._backend, backend), t.dtype, backend)

        @staticmethod
        def backward(ctx, g):
            return wrap(_move_data(g._data, g._backend, ctx.src), g.dtype, ctx.src), None

    return ToBackend


class _Lazy:
    def __init__(self, make):
        self.make, self.obj = make, None

    def apply(self, *args):
        if self.obj is None:
            self.obj = self.make()
        return self.obj.apply(*args)


_ToBackend = _Lazy(_make_to_backend)


def _legacy_tensor_new(cls, *args, dtype=None, device=None, requires_grad=False):
    """``ember.Tensor(...)``: sizes make an uninitialised float tensor, data a float tensor."""
    if cls is not Tensor and not args:
        return object.__new__(cls)
    if len(args) == 1 and not isinstance(args[0], int):
        t = _make(args[0], D.get_default_dtype() if dtype is None else dtype, device, False, "Tensor")
    elif all(isinstance(a, int) for a in args):
        t = empty(*args, dtype=dtype, device=device)
    else:
        raise TypeError(f"Tensor(): expected sizes or data, got {args!r}")
    if cls is not Tensor:
        t = cls._from_tensor(t)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor(host_array, dtype_name, requires_grad):
    """Unpickle: a host (NumPy) array back into a tensor on the default CPU backend."""
    backend = _backend_of("cpu")
    t = wrap(backend.table["from_array"](host_array, D.BY_NAME[dtype_name], True), D.BY_NAME[dtype_name], backend)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_shared(backend_name, handle, dtype_name, requires_grad):
    """Unpickle a shared tensor: map the same memory (a process updating it updates every other one)."""
    from ..backends import get_backend
    backend = get_backend(backend_name)
    dt = D.BY_NAME[dtype_name]
    t = wrap(backend.table["from_shared"](handle), dt, backend)
    t._shared = True
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(host_array, dtype_name, requires_grad):
    """Unpickle a Parameter."""
    from ..nn.parameter import Parameter
    return Parameter(_rebuild_tensor(host_array, dtype_name, False), requires_grad)


def _rebuild_shared_parameter(backend_name, handle, dtype_name, requires_grad):
    """Unpickle a Parameter whose storage is shared memory."""
    from ..nn.parameter import Parameter
    p = Parameter(_rebuild_shared(backend_name, handle, dtype_name, False), requires_grad)
    p._shared = True
    return p
