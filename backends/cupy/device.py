"""``ember.cuda`` functions for the CuPy backend (the ``ember_device_api`` hook).

CuPy's memory pool reports the bytes in use but not their peak, so the backend
allocates through a thin wrapper of the pool that records the peak
(``max_memory_allocated``).
"""
from __future__ import annotations

_peak = [0]


def track_peak_memory(cupy):
    """Route CuPy's allocations through the default pool, recording the peak of its used bytes."""
    pool = cupy.get_default_memory_pool()

    def malloc(size):
        mem = pool.malloc(size)
        used = pool.used_bytes()
        if used > _peak[0]:
            _peak[0] = used
        return mem

    cupy.cuda.set_allocator(malloc)


def api(cupy) -> dict:
    if cupy is None:
        return {}
    runtime = cupy.cuda.runtime
    pool = cupy.get_default_memory_pool()

    def device_name():
        name = runtime.getDeviceProperties(cupy.cuda.Device().id)["name"]
        return name.decode() if isinstance(name, bytes) else str(name)

    def device_capability():
        cc = cupy.cuda.Device().compute_capability  # e.g. "90"
        return int(cc[:-1]), int(cc[-1])

    def empty_cache():
        pool.free_all_blocks()
        cupy.get_default_pinned_memory_pool().free_all_blocks()

    def nccl():
        try:
            from cupy.cuda import nccl as binding
        except ImportError:  # a CuPy build without NCCL
            return None
        return binding

    return {
        "device_count": runtime.getDeviceCount,
        "current_device": lambda: cupy.cuda.Device().id,
        "set_device": lambda index: cupy.cuda.Device(index).use(),
        "nccl": nccl,
        "current_stream": lambda: cupy.cuda.get_current_stream().ptr,
        "synchronize": lambda: cupy.cuda.Device().synchronize(),
        "device_name": device_name,
        "device_capability": device_capability,
        "empty_cache": empty_cache,
        "memory_allocated": pool.used_bytes,
        "max_memory_allocated": lambda: max(_peak[0], pool.used_bytes()),
        "memory_reserved": pool.total_bytes,
    }
