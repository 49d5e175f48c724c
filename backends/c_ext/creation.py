"""Thread control: ``ember.set_num_threads`` sizes both the OpenMP pool and NumPy's BLAS pool."""
from __future__ import annotations

from ember_numpy.creation import KERNELS as NP


def kernels(lib, ffi) -> dict:
    def set_num_threads(n):
        lib.ec_set_num_threads(int(n))
        NP["set_num_threads"](n)  # the inherited GEMM runs in NumPy's BLAS

    return {"set_num_threads": set_num_threads}
