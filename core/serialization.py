"""``ember.save`` / ``ember.load`` in PyTorch's zip checkpoint format.

A checkpoint is a zip archive (entries stored, not compressed) under one top-level folder::

    <name>/data.pkl                  the object, pickled (protocol 2); tensors refer to storages by
                                     persistent id ('storage', torch.<T>Storage, key, location, numel)
    <name>/.format_version           b"1"
    <name>/.storage_alignment        b"64": every record's data starts at a multiple of 64 bytes
    <name>/byteorder                 b"little"
    <name>/data/<key>                the raw little-endian bytes of storage <key>
    <name>/version                   b"3\\n"
    <name>/.data/serialization_id

Tensors pickle as ``torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride,
requires_grad, backward_hooks)`` and Parameters as ``torch._utils._rebuild_parameter(data,
requires_grad, backward_hooks)``, so ``torch.load(path, weights_only=True)`` reads what ember writes
and ``ember.load`` reads what ``torch.save`` writes.  Views of one tensor share one storage record.

Loading never runs code from the file by default: the unpickler admits only the globals of
``torch.load(weights_only=True)``'s allowlist (mapped to ember's tensors, dtypes, Size, device) plus
those given to :func:`add_safe_globals`; anything else raises ``pickle.UnpicklingError``.
"""
from __future__ import annotations

import collections
import contextlib
import io
import os
import pickle
import struct
import zipfile
import zlib
from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING

from . import _dtype as D
from ._device import device as _device
from ._errors import BackendUnavailable
from ._tensor import Size, Tensor
from .autograd.grad_mode import no_grad
from .ops.serialization_ops import (
    contiguous_strides,
    storage_view,
    tensor_from_bytes,
    tensor_to_bytes,
)

__all__ = [
    "DEFAULT_PROTOCOL",
    "add_safe_globals",
    "clear_safe_globals",
    "get_safe_globals",
    "load",
    "safe_globals",
    "save",
]

DEFAULT_PROTOCOL = 2
_ALIGNMENT = 64

# PyTorch's legacy storage class per dtype: the storage type written in a storage's persistent id
_STORAGE_NAMES = {
    D.bool: "BoolStorage", D.uint8: "ByteStorage", D.int8: "CharStorage", D.int16: "ShortStorage",
    D.int32: "IntStorage", D.int64: "LongStorage", D.float16: "HalfStorage", D.bfloat16: "BFloat16Storage",
    D.float32: "FloatStorage", D.float64: "DoubleStorage",
}
# dtypes and storages PyTorch has and ember has not: named in the error when a checkpoint holds one
_FOREIGN_DTYPES = ("complex32", "complex64", "complex128", "cfloat", "cdouble", "chalf", "uint16", "uint32",
                   "uint64", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "qint8",
                   "quint8", "qint32", "quint4x2", "quint2x4", "bits8", "bits16")
_FOREIGN_STORAGES = {"ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128",
                     "QInt8Storage": "qint8", "QUInt8Storage": "quint8", "QInt32Storage": "qint32",
                     "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4"}


# ----------------------------------------------------------------------------------------------
# saving
# ----------------------------------------------------------------------------------------------

class _Global:
    """A PyTorch global (``module.name``) that ember objects pickle as: written as ``GLOBAL``."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def __call__(self, *args):  # pickle's save_reduce requires a callable
        raise TypeError(f"{self.module}.{self.name} is a pickle reference, not a function")

    def __repr__(self):
        return f"<pickle global {self.module}.{self.name}>"


_GLOBALS = {}


def _g(module, name):
    key = (module, name)
    g = _GLOBALS.get(key)
    if g is None:
        g = _GLOBALS[key] = _Global(module, name)
    return g


class _StorageRecord:
    """One ``data/<key>`` record: the bytes of ``tensor`` (contiguous), of ``numel`` elements."""

    __slots__ = ("dtype", "key", "location", "numel", "tensor")

    def __init__(self, key, tensor):
        self.key = key
        self.tensor = tensor
        self.dtype = tensor.dtype
        self.numel = tensor.numel()
        self.location = _location(tensor)


def _location(t):
    dev = t.device
    if dev.type == "cuda":
        return f"cuda:{dev.index or 0}"
    return dev.type


class _PicklerMixin:
    """Pickles ember tensors, Parameters, dtypes, Size and device under PyTorch's names."""

    def _init_storages(self):
        self.records = []
        self._roots = {}  # id(root tensor) -> (root, record or None when the root is not contiguous)

    def persistent_id(self, obj):
        if type(obj) is _StorageRecord:
            return ("storage", _g("torch", _STORAGE_NAMES[obj.dtype]), obj.key, obj.location, obj.numel)
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        t = type(obj)
        if t is Size:
            return (_g("torch", "Size"), (tuple(obj),))
        if t is _device:
            args = (obj.type,) if obj.index is None else (obj.type, obj.index)
            return (_g("torch", "device"), args)
        return NotImplemented

    def _save_dtype(self, obj):
        self.save(_g("torch", obj.name))

    def _save_torch_global(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    def _reduce_tensor(self, t):
        from .nn.parameter import Parameter
        if isinstance(t, Parameter):
            return (_g("torch._utils", "_rebuild_parameter"),
                    (t.detach(), t.requires_grad, collections.OrderedDict()))
        record, offset, stride = self._place(t)
        return (_g("torch._utils", "_rebuild_tensor_v2"),
                (record, offset, tuple(t.shape), stride, t.requires_grad, collections.OrderedDict()))

    def _new_record(self, tensor):
        rec = _StorageRecord(str(len(self.records)), tensor)
        self.records.append(rec)
        return rec

    def _place(self, t):
        """(record, storage_offset, stride) of ``t``: views of one contiguous base share its record."""
        root = t._base if t._base is not None else t
        entry = self._roots.get(id(root))
        if entry is None:
            table = root._backend.table
            rec = self._new_record(root) if table["is_contiguous"](root._data) else None
            entry = self._roots[id(root)] = (root, rec)
        rec = entry[1]
        if rec is not None and t.dtype is rec.dtype and t._backend is root._backend:
            placed = _offset_in(t, root, rec.numel)
            if placed is not None:
                return (rec,) + placed
        return self._new_record(t.detach()), 0, contiguous_strides(t.shape)


def _offset_in(t, root, numel):
    """(storage_offset, stride) of ``t`` inside the contiguous ``root``'s memory, or None if outside."""
    table = t._backend.table
    isz = t.dtype.itemsize
    delta = table["data_ptr"](t._data) - table["data_ptr"](root._data)
    stride = tuple(table["strides"](t._data))
    if delta % isz or any(s < 0 for s in stride):
        return None
    offset = delta // isz
    n = t.numel()
    if n == 0:
        return (offset if 0 <= offset <= numel else 0), stride
    last = offset + sum((size - 1) * s for size, s in zip(t.shape, stride))
    if offset < 0 or last >= numel:
        return None
    return offset, stride


_PICKLERS = {}


def _pickler_class(base):
    cls = _PICKLERS.get(base)
    if cls is None:
        dispatch = dict(base.dispatch)
        dispatch[D.dtype] = _PicklerMixin._save_dtype
        dispatch[_Global] = _PicklerMixin._save_torch_global
        cls = _PICKLERS[base] = type("_TorchPickler", (_PicklerMixin, base), {"dispatch": dispatch})
    return cls


def _pickle_base(pickle_module):
    if pickle_module is None or pickle_module is pickle:
        return pickle._Pickler  # the Python pickler: its dispatch table writes PyTorch's globals
    base = getattr(pickle_module, "Pickler", None)
    if not (isinstance(base, type) and issubclass(base, pickle._Pickler)):
        raise NotImplementedError(
            f"ember.save(): pickle_module={getattr(pickle_module, '__name__', pickle_module)!r} is not supported: "
            f"ember needs a Pickler derived from the pure-Python pickle._Pickler (e.g. the standard pickle or dill)")
    return base


def _archive_name(f):
    if isinstance(f, (str, os.PathLike)):
        stem = os.path.splitext(os.path.basename(os.fspath(f)))[0]
        return stem or "archive"
    return "archive"


def _write_record(zf, name, data):
    """Store ``data`` uncompressed with its first byte at a multiple of 64, as PyTorch's writer does."""
    size = memoryview(data).nbytes
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = size
    zip64 = size * 1.05 > zipfile.ZIP64_LIMIT  # zipfile then appends a 20-byte zip64 extra field
    header_end = zf.fp.tell() + 30 + len(name.encode("utf-8")) + (20 if zip64 else 0) + 4
    pad = -header_end % _ALIGNMENT
    info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    with zf.open(info, "w", force_zip64=zip64) as out:
        out.write(data)


def save(obj: object, f, pickle_module=pickle, pickle_protocol: int = DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False) -> None:
    """Save ``obj`` (tensors, Parameters, state_dicts, nested containers) to a path or binary file.

    The file is a PyTorch zip checkpoint: ``torch.load(path, weights_only=True)`` reads it.

    >>> ember.save({"w": ember.ones(2)}, "ckpt.pt")
    """
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("ember.save(): the legacy (pre-1.6, non-zip) checkpoint format is not supported; "
                                  "use the default _use_new_zipfile_serialization=True")
    base = _pickle_base(pickle_module)
    buf = io.BytesIO()
    pickler = _pickler_class(base)(buf, protocol=pickle_protocol)
    pickler._init_storages()
    with no_grad():
        pickler.dump(obj)
    name = _archive_name(f)
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            raise RuntimeError(f"Parent directory {parent} does not exist.")
        with open(path, "wb") as fh:
            _write_archive(fh, name, buf.getvalue(), pickler.records, _disable_byteorder_record)
    elif hasattr(f, "write"):
        _write_archive(f, name, buf.getvalue(), pickler.records, _disable_byteorder_record)
    else:
        raise TypeError(f"ember.save(): f must be a path (str or os.PathLike) or a writable binary file object, "
                        f"got {type(f).__name__}")


def _write_archive(fh, name, pkl, records, no_byteorder):
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        _write_record(zf, f"{name}/data.pkl", pkl)
        _write_record(zf, f"{name}/.format_version", b"1")
        _write_record(zf, f"{name}/.storage_alignment", str(_ALIGNMENT).encode())
        if not no_byteorder:
            _write_record(zf, f"{name}/byteorder", b"little")
        for rec in records:
            _write_record(zf, f"{name}/data/{rec.key}", tensor_to_bytes(rec.tensor))
        _write_record(zf, f"{name}/version", b"3\n")
        sid = str(int.from_bytes(os.urandom(17), "little")).zfill(40)[:40]
        _write_record(zf, f"{name}/.data/serialization_id", sid.encode())


# ----------------------------------------------------------------------------------------------
# loading
# ----------------------------------------------------------------------------------------------

class _StorageType:
    """``torch.<T>Storage`` in a checkpoint: the dtype of a storage record."""

    __slots__ = ("dtype", "name")

    def __init__(self, name, dtype):
        self.name = name
        self.dtype = dtype

    def __repr__(self):
        return f"torch.{self.name}"


_STORAGE_TYPES = {name: _StorageType(name, dt) for dt, name in _STORAGE_NAMES.items()}
_UNTYPED = _StorageType("UntypedStorage", D.uint8)


class LoadedStorage:
    """A storage read from a checkpoint: raw bytes, their dtype, and the device its tensors are built on.

    A ``map_location`` callable receives one (on the CPU) with its saved location string and returns
    ``storage``, ``storage.cpu()``, ``storage.cuda(i)``, ``storage.to(device)``, or None for the default.
    """

    __slots__ = ("_buf", "_byteorder", "_device", "_flats", "_numel", "dtype")

    def __init__(self, buf, dtype, numel, byteorder, device):
        self._buf = buf
        self.dtype = dtype
        self._numel = numel
        self._byteorder = byteorder
        self._device = device
        self._flats = {}

    @property
    def device(self):
        return self._device

    def size(self) -> int:
        return self._numel

    __len__ = size

    def nbytes(self) -> int:
        return self._numel * self.dtype.itemsize

    def to(self, device=None, non_blocking=False):
        if device is None:
            return self
        return LoadedStorage(self._buf, self.dtype, self._numel, self._byteorder, _target_device(device))

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False):
        return self.to("cuda" if device is None else (f"cuda:{device}" if isinstance(device, int) else device))

    def _flat(self, dtype):
        """The whole storage as a 1-D tensor of ``dtype`` (built once per dtype)."""
        t = self._flats.get(dtype)
        if t is None:
            n = self.nbytes() // dtype.itemsize
            buf = memoryview(self._buf)[:n * dtype.itemsize]
            t = self._flats[dtype] = tensor_from_bytes(buf, (n,), dtype, self._device, self._byteorder)
        return t

    def __repr__(self):
        return f"<ember LoadedStorage of {self._numel} x {self.dtype} on {self._device}>"


def _target_device(dev):
    d = dev if isinstance(dev, _device) else _device(dev)
    try:
        d._backend.require()
    except (BackendUnavailable, AssertionError) as e:  # ember raises AssertionError for a missing GPU, as torch
        if d.type == "cuda":
            raise RuntimeError("Attempting to deserialize object on a CUDA device but ember.cuda.is_available() is "
                               "False. If you are running on a CPU-only machine, please use ember.load with "
                               "map_location=ember.device('cpu') to map your storages to the CPU.") from e
        raise RuntimeError(f"Attempting to deserialize object on device {d}, which is unavailable: {e}") from e
    return d


# --- the rebuild functions checkpoints name (torch._utils.*), on ember tensors ---

def _storage_arg(storage, fn):
    if not isinstance(storage, LoadedStorage):
        raise pickle.UnpicklingError(f"ember.load: {fn}() expects a storage from the checkpoint, got "
                                     f"{type(storage).__name__}")
    return storage


def _rebuild_tensor(storage, storage_offset, size, stride):
    s = _storage_arg(storage, "_rebuild_tensor")
    return storage_view(s._flat(s.dtype), size, stride, storage_offset)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    t = _rebuild_tensor(storage, storage_offset, size, stride)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype,
                       metadata=None):
    s = _storage_arg(storage, "_rebuild_tensor_v3")
    if not isinstance(dtype, D.dtype):
        raise pickle.UnpicklingError(f"ember.load: _rebuild_tensor_v3() expects a dtype, got {dtype!r}")
    t = storage_view(s._flat(dtype), size, stride, storage_offset)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _set_state(obj, state):
    if not state:
        return
    dict_state, slot_state = state if isinstance(state, tuple) and len(state) == 2 else (state, None)
    for mapping in (dict_state, slot_state):
        if mapping:
            for k, v in mapping.items():
                if isinstance(k, str):
                    setattr(obj, k, v)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    from .nn.parameter import Parameter
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad, backward_hooks)
    _set_state(p, state)
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    ret = func(*args)
    if type(ret) is not new_type:
        if not (isinstance(new_type, type) and issubclass(new_type, Tensor) and isinstance(ret, Tensor)):
            raise pickle.UnpicklingError(f"ember.load: cannot rebuild a {new_type!r} from a {type(ret).__name__}")
        ret = new_type._from_tensor(ret)
    _set_state(ret, state)
    return ret


def _get_layout(name):
    if name != "torch.strided":
        raise RuntimeError(f"ember.load: the checkpoint holds a tensor with layout {name}; ember has strided "
                           f"tensors only")
    return name


_ALLOWED = {}


def _allowed_globals():
    """PyTorch's ``weights_only`` allowlist, mapped to ember's objects."""
    if not _ALLOWED:
        import codecs

        from .nn.parameter import Parameter
        _ALLOWED.update({
            "collections.OrderedDict": collections.OrderedDict, "collections.Counter": collections.Counter,
            "torch.nn.parameter.Parameter": Parameter, "torch.Tensor": Tensor, "torch.Size": Size,
            "torch.device": _device, "torch.serialization._get_layout": _get_layout, "_codecs.encode": codecs.encode,
            "builtins.bytearray": bytearray, "builtins.set": set, "builtins.frozenset": frozenset,
            "builtins.complex": complex, "builtins.slice": slice,
            "torch._utils._rebuild_tensor": _rebuild_tensor, "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
            "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
            "torch._utils._rebuild_parameter": _rebuild_parameter,
            "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
            "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
            "torch.storage.UntypedStorage": _UNTYPED, "torch.UntypedStorage": _UNTYPED,
        })
        _ALLOWED.update({f"torch.{name}": st for name, st in _STORAGE_TYPES.items()})
        _ALLOWED.update({f"torch.{dt.name}": dt for dt in D.ALL_DTYPES})
    return _ALLOWED


_SAFE_GLOBALS = {}


def _global_name(obj):
    return f"{obj.__module__}.{obj.__qualname__}"


def add_safe_globals(safe_globals) -> None:
    """Allow ``ember.load(weights_only=True)`` to load these classes/functions: objects, or
    ``(obj, "module.name")`` pairs naming the global the checkpoint uses."""
    for g in safe_globals:
        obj, name = g if isinstance(g, tuple) else (g, _global_name(g))
        _SAFE_GLOBALS[name] = obj


def get_safe_globals() -> list:
    return list(_SAFE_GLOBALS.values())


def clear_safe_globals() -> None:
    _SAFE_GLOBALS.clear()


@contextlib.contextmanager
def safe_globals(safe_globals):
    """Context manager: :func:`add_safe_globals` for the duration of the block."""
    saved = dict(_SAFE_GLOBALS)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _SAFE_GLOBALS.clear()
        _SAFE_GLOBALS.update(saved)


def _refusal(key):
    short = key.rsplit(".", 1)[-1]
    return (f"Weights only load failed. Re-running `ember.load` with `weights_only` set to `False` will likely "
            f"succeed, but it can result in arbitrary code execution. Do it only if you got the file from a "
            f"trusted source.\n\nUnsupported global: GLOBAL {key} was not an allowed global by default. Please use "
            f"`ember.serialization.add_safe_globals([{short}])` or the "
            f"`ember.serialization.safe_globals([{short}])` context manager to allowlist this global if you "
            f"trust this class/function.")


class _UnpicklerMixin:
    def _setup(self, loader, weights_only):
        self._loader = loader
        self._weights_only = weights_only

    def find_class(self, module, name):
        if (module, name) in NAME_MAPPING:  # protocol-2 pickles use Python 2 names (__builtin__.set)
            module, name = NAME_MAPPING[(module, name)]
        elif module in IMPORT_MAPPING:
            module = IMPORT_MAPPING[module]
        key = f"{module}.{name}"
        obj = _allowed_globals().get(key)
        if obj is not None:
            return obj
        if module == "torch" and (name in _FOREIGN_DTYPES or name in _FOREIGN_STORAGES):
            raise RuntimeError(f"ember.load: the checkpoint holds torch.{name} data; ember has no "
                               f"{_FOREIGN_STORAGES.get(name, name)} dtype")
        if self._weights_only:
            obj = _SAFE_GLOBALS.get(key)
            if obj is None:
                raise pickle.UnpicklingError(_refusal(key))
            return obj
        if module == "torch" or module.startswith("torch."):  # a full pickle: take ember's class of that name
            import importlib
            try:
                return getattr(importlib.import_module("ember" + module[5:]), name)
            except (ImportError, AttributeError):
                raise pickle.UnpicklingError(f"ember.load: the checkpoint needs {key}, which ember does not "
                                             f"provide") from None
        return super().find_class(module, name)

    def persistent_load(self, pid):
        return self._loader.storage(pid)


_UNPICKLERS = {}


def _unpickler_class(base):
    cls = _UNPICKLERS.get(base)
    if cls is None:
        cls = _UNPICKLERS[base] = type("_TorchUnpickler", (_UnpicklerMixin, base), {})
    return cls


class _Loader:
    """Reads storage records on demand, once each, onto the device ``map_location`` selects."""

    def __init__(self, archive, map_location, byteorder):
        self.archive = archive
        self.map_location = map_location
        self.byteorder = byteorder
        self.storages = {}

    def storage(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"ember.load: unsupported persistent id {pid!r}; expected "
                                         f"('storage', storage_type, key, location, numel)")
        _, stype, key, location, numel = pid
        if not (isinstance(stype, _StorageType) and isinstance(key, str) and isinstance(location, str)
                and type(numel) is int and numel >= 0):
            raise pickle.UnpicklingError(f"ember.load: malformed storage id {pid!r}")
        s = self.storages.get(key)
        if s is None:
            buf = self.archive.read_storage(f"data/{key}")
            have, want = memoryview(buf).nbytes, numel * stype.dtype.itemsize
            if have != want:
                raise RuntimeError(f"ember.load: storage record data/{key} holds {have} bytes, expected {want} "
                                   f"({numel} elements of {stype.dtype}); the checkpoint is corrupted")
            s = self.storages[key] = self._restore(
                LoadedStorage(buf, stype.dtype, numel, self.byteorder, _device("cpu")), location)
        return s

    def _restore(self, s, location):
        ml = self.map_location
        if ml is None:
            dev = location
        elif isinstance(ml, dict):
            dev = ml.get(location, location)
        elif isinstance(ml, (str, _device)):
            dev = ml
        else:
            r = ml(s, location)
            if r is None:
                dev = location
            elif isinstance(r, LoadedStorage):
                return r
            else:
                raise TypeError(f"ember.load(): a map_location callable must return a storage or None, got "
                                f"{type(r).__name__}")
        return s.to(dev)


class _Archive:
    """The records of a checkpoint's zip archive, addressed relative to its top-level folder."""

    def __init__(self, fh, what, mm=None):
        self.what = what
        self.fh = fh
        self.mm = mm
        try:
            self.zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
            raise RuntimeError(f"ember.load: failed reading zip archive {what}: {e}. The checkpoint is truncated "
                               f"or corrupted (it was not saved completely or was modified).") from None
        infos = self.zf.infolist()
        first = infos[0].filename if infos else ""
        if "/" not in first:
            raise RuntimeError(f"ember.load: {what} is a zip archive but not a PyTorch checkpoint (expected its "
                               f"records under one folder, found {first!r})")
        prefix = first.split("/", 1)[0] + "/"
        self.infos = {i.filename[len(prefix):]: i for i in infos if i.filename.startswith(prefix)}

    def has(self, name):
        return name in self.infos

    def _info(self, name):
        info = self.infos.get(name)
        if info is None:
            raise RuntimeError(f"ember.load: {self.what} has no record {name!r}; the checkpoint is incomplete "
                               f"or not a torch.save checkpoint (TorchScript archives need torch.jit.load)")
        return info

    def _corrupt(self, name, why):
        return RuntimeError(f"ember.load: record {name!r} of {self.what} is unreadable ({why}); the checkpoint is "
                            f"truncated or corrupted")

    def read(self, name) -> bytes:
        try:
            return self.zf.read(self._info(name))
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error, struct.error) as e:
            raise self._corrupt(name, e) from None

    def read_storage(self, name):
        """A writable buffer with the record's bytes (a copy-on-write map of the file with ``mmap``)."""
        info = self._info(name)
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1 or not hasattr(self.fh, "readinto"):
            return bytearray(self.read(name))
        header = self._read_at(info.header_offset, 30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise self._corrupt(name, "bad local file header")
        n_name, n_extra = struct.unpack("<HH", header[26:30])
        start, size = info.header_offset + 30 + n_name + n_extra, info.file_size
        if self.mm is not None:
            if start + size > len(self.mm):
                raise self._corrupt(name, "data runs past the end of the file")
            return memoryview(self.mm)[start:start + size]
        buf = bytearray(size)
        self.fh.seek(start)
        if self.fh.readinto(buf) != size:
            raise self._corrupt(name, "data runs past the end of the file")
        if zlib.crc32(buf) != info.CRC:
            raise self._corrupt(name, "CRC-32 mismatch")
        return buf

    def _read_at(self, offset, n):
        if self.mm is not None:
            return bytes(self.mm[offset:offset + n])
        self.fh.seek(offset)
        return self.fh.read(n)


@contextlib.contextmanager
def _open_source(f, use_mmap):
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            mm = None
            if use_mmap:
                import mmap as _mmap
                if os.fstat(fh.fileno()).st_size == 0:
                    raise RuntimeError(f"ember.load: {os.fspath(f)!r} is empty, not a checkpoint")
                mm = _mmap.mmap(fh.fileno(), 0, access=_mmap.ACCESS_COPY)
            yield fh, repr(os.fspath(f)), mm
        return
    if use_mmap:
        raise ValueError("f must be a file path in order to use the mmap argument")
    if not hasattr(f, "read"):
        raise TypeError(f"ember.load(): f must be a path (str or os.PathLike) or a readable binary file object, "
                        f"got {type(f).__name__}")
    if not (hasattr(f, "seekable") and f.seekable()):
        f = io.BytesIO(f.read())
    yield f, "the file object", None


def _check_format(fh, what):
    start = fh.tell()
    magic = fh.read(4)
    fh.seek(start)
    if magic == b"PK\x03\x04":
        return
    if magic[:1] == b"\x80":
        raise RuntimeError(f"ember.load: {what} is in PyTorch's legacy (pre-1.6, non-zip) checkpoint format, which "
                           f"ember does not read; re-save it with torch.save() from PyTorch >= 1.6")
    raise RuntimeError(f"ember.load: {what} is not a PyTorch checkpoint (no zip archive signature"
                       f"{'; the file is empty' if not magic else ''}); the file is truncated or corrupted")


def load(f, map_location=None, pickle_module=None, *, weights_only: bool | None = None, mmap: bool | None = None,
         **pickle_load_args):
    """Load an object saved by ``ember.save`` or ``torch.save`` (PyTorch's zip format).

    ``map_location``: None (the saved device), a device string, an ``ember.device``, a dict mapping
    saved locations to new ones, or ``callable(storage, location)``.  ``weights_only`` (default True
    unless a ``pickle_module`` is given) refuses every global outside the tensor/container allowlist.
    ``mmap=True`` maps the file (copy-on-write) instead of reading the storages.

    >>> state = ember.load("ckpt.pt", map_location="cpu")
    """
    if weights_only is None:
        weights_only = pickle_module is None
    elif weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if map_location is not None and not isinstance(map_location, (str, dict, _device)) and not callable(map_location):
        raise TypeError(f"ember.load(): map_location should be None, a str, an ember.device, a dict or a callable, "
                        f"got {type(map_location).__name__}")
    pickle_load_args.setdefault("encoding", "utf-8")
    with _open_source(f, bool(mmap)) as (fh, what, mm):
        _check_format(fh, what)
        archive = _Archive(fh, what, mm)
        byteorder = archive.read("byteorder").decode("ascii", "replace") if archive.has("byteorder") else "little"
        if byteorder not in ("little", "big"):
            raise RuntimeError(f"ember.load: {what} has an invalid byteorder record {byteorder!r}")
        loader = _Loader(archive, map_location, byteorder)
        base = pickle.Unpickler if pickle_module is None else pickle_module.Unpickler
        unpickler = _unpickler_class(base)(io.BytesIO(archive.read("data.pkl")), **pickle_load_args)
        unpickler._setup(loader, weights_only)
        try:
            with no_grad():
                return unpickler.load()
        except (EOFError, IndexError, struct.error, ValueError) as e:
            raise RuntimeError(f"ember.load: the data.pkl record of {what} is corrupted ({type(e).__name__}: {e})") \
                from e
