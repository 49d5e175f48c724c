"""Raw-bytes kernels for checkpoints (ember/ops/serialization_ops.py), generic over ``xp``."""
from __future__ import annotations

import numpy as np

from ._dtypes import TO_NP


def kernels(xp):
    def to_bytes(x):
        host = x if xp is np else xp.asnumpy(x)
        host = np.ascontiguousarray(host)
        if host.dtype.byteorder == ">":
            host = host.astype(host.dtype.newbyteorder("<"))
        return memoryview(host.reshape(-1).view(np.uint8))  # zero-copy for contiguous arrays

    def from_bytes(buf, shape, dtype, byteorder="little"):
        npd = TO_NP[dtype]
        wire = npd.newbyteorder("<" if byteorder == "little" else ">")
        a = np.frombuffer(buf, dtype=wire)
        if wire != npd:  # a foreign byte order: swap into a fresh native array
            a = a.astype(npd)
        elif a.size and not a.flags.writeable:  # read-only buffer (bytes): tensors must be writable
            a = a.copy()
        return xp.asarray(a.reshape(shape))

    def storage_view(x, size, stride, offset):
        isz = x.itemsize
        return xp.lib.stride_tricks.as_strided(x[offset:], shape=size, strides=tuple(s * isz for s in stride))

    return {"to_bytes": to_bytes, "from_bytes": from_bytes, "storage_view": storage_view}


KERNELS = kernels(np)
