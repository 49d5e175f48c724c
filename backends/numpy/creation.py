"""Creation / conversion kernels, generic over the array module ``xp``."""
from __future__ import annotations

import mmap
import os
import tempfile
import weakref

import numpy as np

from ._dtypes import FROM_NP, TO_NP


_LIMITS = [None]  # keeps the active threadpoolctl limiter alive


def kernels(xp):
    nd = xp.ndarray
    asarray = xp.asarray

    def from_list(flat, shape, dtype):
        npd = TO_NP[dtype]
        if dtype.category == 1 or dtype.category == 0:
            a = np.array(flat, dtype=np.int64 if dtype.category == 1 else np.bool_)
            if a.size and dtype.category == 1 and a.dtype != npd:
                a = a.astype(npd)  # wraps like PyTorch's int conversions
        else:
            a = np.array(flat, dtype=np.float64).astype(npd)
        return asarray(a.reshape(shape))

    def from_array(obj, dtype, copy):
        if hasattr(obj, "__dlpack__") and not hasattr(obj, "__array_interface__") and xp is np:
            obj = np.from_dlpack(obj)
        a = asarray(obj)
        if a.dtype not in FROM_NP:
            if dtype is None:
                if a.dtype.kind in "iub" or a.dtype.kind == "f":
                    return None
                return None
        if dtype is not None and a.dtype != TO_NP[dtype]:
            return a.astype(TO_NP[dtype])
        if copy:
            return a.copy()
        return a

    def from_buffer(buffer, dtype, count, offset):
        a = np.frombuffer(buffer, dtype=TO_NP[dtype], count=count, offset=offset)
        if not a.flags.writeable:
            a = a.copy()
        return a if xp is np else asarray(a)

    def dtype_of(x):
        return FROM_NP.get(x.dtype)

    def to_list(x):
        if x.dtype in (TO_NP_HALF):
            x = x.astype(np.float32)
        return x.tolist()

    def item(x):
        if x.dtype in TO_NP_HALF:
            x = x.astype(np.float32)
        return x.item()

    def to_numpy(x):
        return x if xp is np else xp.asnumpy(x)

    def to_dlpack(x):
        return x  # the native array implements __dlpack__ / __dlpack_device__ itself

    def from_dlpack(obj):
        return xp.from_dlpack(obj)

    def strides(x):
        isz = x.itemsize
        return tuple(s // isz for s in x.strides)

    def is_contiguous(x):
        return bool(x.flags.c_contiguous)

    def data_ptr(x):
        return int(x.__array_interface__["data"][0]) if xp is np else int(x.data.ptr)

    def storage_offset(x):
        base = x
        while getattr(base, "base", None) is not None and (
                hasattr(base.base, "__array_interface__") or hasattr(base.base, "__cuda_array_interface__")):
            base = base.base
        if xp is np:
            off = x.__array_interface__["data"][0] - base.__array_interface__["data"][0]
        else:
            off = x.data.ptr - base.data.ptr
        return off // x.itemsize

    def shares_memory(x, y):
        return bool(xp.shares_memory(x, y)) if xp is np else bool(x.data.ptr == y.data.ptr)

    def full(shape, value, dtype):
        return xp.full(shape, value, dtype=TO_NP[dtype])

    def empty(shape, dtype):
        return xp.empty(shape, dtype=TO_NP[dtype])

    def arange(start, end, step, dtype):
        if dtype.category == 2:
            return xp.arange(start, end, step, dtype=np.float64).astype(TO_NP[dtype])
        return xp.arange(start, end, step).astype(TO_NP[dtype])

    def linspace(start, end, steps, dtype):
        npd = TO_NP[dtype]
        if dtype.category != 2:
            return xp.linspace(start, end, steps).astype(npd)
        # PyTorch computes the halves from both ends for symmetry
        if steps == 1:
            return xp.full((1,), start, dtype=npd)
        step = (end - start) / (steps - 1)
        i = xp.arange(steps, dtype=np.float64)
        half = steps // 2
        if npd == np.float32:
            # PyTorch works in float32 with fused multiply-adds: a float32 step, then one rounding of
            # start + step * i. The product of two float32 values is exact in float64, so computing the sum in
            # float64 and rounding to float32 gives PyTorch's values (AutoAugment's magnitude bins rely on it).
            start, end = float(np.float32(start)), float(np.float32(end))
            step = float(np.float32(np.float32(end - start) / np.float32(steps - 1)))
            out = xp.where(i < half, start + step * i, end - step * (steps - 1 - i))
            return out.astype(npd)
        out = xp.where(i < half, start + step * i, end - step * (steps - 1 - i))
        return out.astype(npd)

    def eye(n, m, dtype):
        return xp.eye(n, m, dtype=TO_NP[dtype])

    def to_dtype(x, dtype):
        npd = TO_NP[dtype]
        if dtype.category == 1 and x.dtype.kind == "f":
            # C-style truncation toward zero; NaN/inf are undefined in PyTorch, keep NumPy's value
            with np.errstate(invalid="ignore"):
                return xp.trunc(x.astype(np.float64) if x.dtype in TO_NP_HALF else x).astype(npd)
        return x.astype(npd)

    def clone(x):
        return xp.array(x, copy=True, order="C")

    def copy_(dst, src):
        xp.copyto(dst, src, casting="unsafe")
        return dst

    TO_NP_HALF = (np.dtype(np.float16), TO_NP[_bf16()])

    def set_num_threads(n):
        # NumPy's BLAS (OpenBLAS/MKL) thread pool; threadpoolctl is a dependency of this backend
        if xp is np:
            from threadpoolctl import threadpool_limits
            _LIMITS[0] = threadpool_limits(limits=n, user_api="blas")

    host = {"share_memory": share_memory, "shared_handle": shared_handle, "from_shared": from_shared} \
        if xp is np else {}
    return {
        **host,
        "set_num_threads": set_num_threads,
        "from_list": from_list, "from_array": from_array, "from_buffer": from_buffer, "dtype_of": dtype_of, "to_list": to_list,
        "item": item, "to_numpy": to_numpy, "to_dlpack": to_dlpack, "from_dlpack": from_dlpack, "strides": strides, "is_contiguous": is_contiguous,
        "data_ptr": data_ptr, "storage_offset": storage_offset, "shares_memory": shares_memory,
        "full": full, "empty": empty, "arange": arange, "linspace": linspace, "eye": eye,
        "to_dtype": to_dtype, "clone": clone, "copy_": copy_,
    }


class _SharedMapping(mmap.mmap):
    """A MAP_SHARED mapping of a file in /dev/shm: forked children share it, and other processes open it by
    ``path`` (how a shared tensor pickled to a spawned process finds the same memory)."""

    path = ""


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _map(path, size):
    fd = os.open(path, os.O_RDWR)
    try:
        m = _SharedMapping(fd, size)
    finally:
        os.close(fd)
    m.path = path
    return m


def share_memory(x):
    """A copy of ``x`` in shared memory, as PyTorch's ``share_memory_()`` moves a storage there.  The file is
    removed when the creating process's mapping is freed; processes already attached keep their mapping."""
    fd, path = tempfile.mkstemp(prefix="ember_shm_", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    size = max(x.nbytes, 1)
    try:
        os.ftruncate(fd, size)
    finally:
        os.close(fd)
    m = _map(path, size)
    weakref.finalize(m, _unlink, path)
    out = np.frombuffer(m, dtype=x.dtype, count=x.size).reshape(x.shape)
    out[...] = x
    return out


def shared_handle(x):
    """``(path, size, byte offset, shape, byte strides, dtype)`` locating ``x`` in its shared mapping, or None."""
    m = x
    while m is not None and not isinstance(m, _SharedMapping):
        m = m.obj if isinstance(m, memoryview) else getattr(m, "base", None)
    if m is None:
        return None
    start = np.frombuffer(m, np.uint8).__array_interface__["data"][0]
    offset = x.__array_interface__["data"][0] - start
    return (m.path, len(m), offset, x.shape, x.strides, x.dtype.str if x.dtype.kind != "V" else x.dtype)


def from_shared(handle):
    """The array a ``shared_handle`` describes, mapped into this process (writes are seen by every process)."""
    path, size, offset, shape, strides, dtype = handle
    return np.ndarray(shape, np.dtype(dtype), buffer=_map(path, size), offset=offset, strides=strides)


def _bf16():
    import ember
    return ember.bfloat16


KERNELS = kernels(np)
