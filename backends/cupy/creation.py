"""Host <-> device transfer overrides of the shared creation kernels.

The shared ``from_array`` calls ``xp.asarray``, which on CuPy accepts device
arrays (``__cuda_array_interface__``) but not arbitrary host objects (a PyTorch
CPU tensor, a memoryview...): those are turned into a NumPy array on the host
first and uploaded once.
"""
from __future__ import annotations

import numpy as np

from ember_numpy._dtypes import FROM_NP, HALF, TO_NP

DEVICE_DTYPES = frozenset(d for d in FROM_NP if d != HALF[1])  # CuPy has no bfloat16


def kernels(xp, base):
    shared_from_array = base["from_array"]

    def on_device(obj):
        return hasattr(obj, "__cuda_array_interface__") or isinstance(obj, xp.ndarray)

    def from_array(obj, dtype, copy):
        if not on_device(obj):
            if hasattr(obj, "__dlpack_device__") and obj.__dlpack_device__()[0] == 2:
                obj = xp.from_dlpack(obj)  # CUDA memory without __cuda_array_interface__
            else:
                obj = np.asarray(obj)
        if obj.dtype not in DEVICE_DTYPES or (dtype is not None and TO_NP[dtype] not in DEVICE_DTYPES):
            return None  # the frontend raises TypeError naming the dtype and the supported ones
        return shared_from_array(obj, dtype, copy)

    return {"from_array": from_array}
