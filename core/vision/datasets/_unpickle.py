"""A restricted unpickler for the CIFAR python batches, which are pickles (protocol 2) of NumPy arrays.

It admits only the globals those files name — numpy's ``_reconstruct``, ``ndarray`` and ``dtype`` (under the
``numpy.core.multiarray`` and ``numpy._core.multiarray`` names of NumPy 1 and 2) and ``_codecs.encode`` (which
protocol 2 uses to spell ``bytes``) — and maps them to small placeholder classes that record an array's shape,
dtype and raw bytes; NumPy itself is never imported. Any other global raises ``pickle.UnpicklingError`` naming
the file and the global, before anything it names is looked up, let alone called.
"""
from __future__ import annotations

import io
import pickle
import sys

import ember

# numpy dtype.str without the byte-order character -> ember dtype
_DTYPES = {
    "b1": ember.bool, "u1": ember.uint8, "i1": ember.int8, "i2": ember.int16, "i4": ember.int32,
    "i8": ember.int64, "f2": ember.float16, "f4": ember.float32, "f8": ember.float64,
}


class NotAdmittedError(pickle.UnpicklingError):
    """The pickle holds something outside the admitted set (a forbidden global, an object or structured array)."""


class _Dtype:
    """Stands in for ``numpy.dtype``: ``dtype('u1', False, True)`` then ``__setstate__`` with the byte order."""

    def __init__(self, spec, align=False, copy=True):
        spec = spec.decode("latin1") if isinstance(spec, bytes) else spec
        if not isinstance(spec, str) or spec.lstrip("<>|=") not in _DTYPES:
            raise NotAdmittedError(f"array dtype {spec!r} is not admitted (only {sorted(_DTYPES)})")
        self.code = spec.lstrip("<>|=")
        self.byteorder = spec[0] if spec[0] in "<>" else "="

    def __setstate__(self, state):
        if not isinstance(state, tuple) or len(state) < 8 or any(s is not None for s in state[2:5]):
            raise NotAdmittedError("structured or sub-array dtypes are not admitted")
        endian = state[1].decode("latin1") if isinstance(state[1], bytes) else state[1]
        if endian not in ("<", ">", "|", "="):
            raise pickle.UnpicklingError(f"unsupported dtype byte order {endian!r}")
        self.byteorder = endian

    @property
    def ember_dtype(self):
        return _DTYPES[self.code]


class _NDArray:
    """Stands in for ``numpy.ndarray``: records (shape, dtype, fortran order, raw bytes) from ``__setstate__``."""

    shape: tuple = ()
    dtype: _Dtype = None
    fortran: bool = False
    raw: bytes = b""

    def __setstate__(self, state):
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            raise pickle.UnpicklingError("unsupported ndarray state")
        shape, dtype, fortran, raw = state[-4:]
        if not (isinstance(shape, tuple) and all(isinstance(s, int) and s >= 0 for s in shape)):
            raise pickle.UnpicklingError(f"bad ndarray shape {shape!r}")
        if not isinstance(dtype, _Dtype):
            raise pickle.UnpicklingError("ndarray state without a dtype")
        if isinstance(raw, str):  # Python 2 pickles read with encoding='latin1'
            raw = raw.encode("latin1")
        if not isinstance(raw, (bytes, bytearray)):
            raise NotAdmittedError("object arrays are not admitted (the array data is not raw bytes)")
        numel = 1
        for s in shape:
            numel *= s
        nbytes = numel * dtype.ember_dtype.itemsize
        if len(raw) != nbytes:
            raise pickle.UnpicklingError(f"ndarray of shape {shape} and dtype {dtype.code} needs {nbytes} bytes, "
                                         f"the pickle holds {len(raw)}")
        self.shape, self.dtype, self.fortran, self.raw = shape, dtype, bool(fortran), bytes(raw)

    def to_tensor(self):
        """The array as an ember tensor (a copy of the bytes, in native byte order, C-contiguous)."""
        dtype = self.dtype.ember_dtype
        if not self.raw:
            return ember.empty(self.shape, dtype=dtype)
        raw = bytearray(self.raw)
        size = dtype.itemsize
        native = "<" if sys.byteorder == "little" else ">"
        if size > 1 and self.dtype.byteorder in "<>" and self.dtype.byteorder != native:
            swapped = bytearray(len(raw))
            for j in range(size):
                swapped[j::size] = raw[size - 1 - j::size]
            raw = swapped
        flat = ember.frombuffer(raw, dtype=dtype)
        if self.fortran and len(self.shape) > 1:
            rev = tuple(reversed(range(len(self.shape))))
            return flat.view(*reversed(self.shape)).permute(*rev).contiguous()
        return flat.view(*self.shape)


def _reconstruct(subtype, shape, typecode):
    if subtype is not _NDArray:
        raise pickle.UnpicklingError("_reconstruct may only build ndarrays")
    return _NDArray()


def _encode(text, encoding="latin1"):
    """Protocol 2 writes ``bytes`` as ``_codecs.encode(str, 'latin1')``; only that use is admitted."""
    if not isinstance(text, str) or encoding != "latin1":
        raise pickle.UnpicklingError("_codecs.encode is only admitted as encode(str, 'latin1')")
    return text.encode("latin1")


_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): _NDArray,
    ("numpy", "dtype"): _Dtype,
    ("_codecs", "encode"): _encode,
}


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickles plain containers, strings, numbers and NumPy arrays (as placeholders) — nothing else."""

    def __init__(self, file):
        super().__init__(file, encoding="latin1")

    def find_class(self, module, name):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise NotAdmittedError(f"forbidden global '{module}.{name}': this file may only contain NumPy "
                                   f"arrays, lists, dicts, strings and numbers") from None

    def persistent_load(self, pid):
        raise NotAdmittedError("persistent ids are not admitted")


def load(path):
    """Unpickle the file at ``path`` restrictedly; NumPy arrays come back as placeholders with ``to_tensor()``.

    Raises ``pickle.UnpicklingError`` (naming ``path``) for a forbidden global or an array that is not plain
    numbers, and ``RuntimeError`` (naming ``path``) when the file is not a well-formed pickle.
    """
    with open(path, "rb") as f:
        data = f.read()
    try:
        return RestrictedUnpickler(io.BytesIO(data)).load()
    except NotAdmittedError as e:
        raise NotAdmittedError(f"{path}: {e}") from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError,
            KeyError, UnicodeError, MemoryError, OverflowError) as e:
        raise RuntimeError(f"{path}: cannot read the pickled batch ({type(e).__name__}: {e}). The file is "
                           f"corrupted or truncated; delete it and use download=True to download it again.") from e


def is_array(obj) -> bool:
    return isinstance(obj, _NDArray)
