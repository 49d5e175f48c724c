"""``ember.cuda``: the GPU backend's device API (``torch.cuda`` names).

Everything answers truthfully when no GPU backend is available:
``is_available()`` is False and ``device_count()`` is 0.
"""
from __future__ import annotations


def _gpu_backend():
    from .backends._discovery import best_backend
    return best_backend("gpu")


def is_available() -> bool:
    return _gpu_backend() is not None


def device_count() -> int:
    b = _gpu_backend()
    if b is None:
        return 0
    k = b.table.get("device_count")
    return k() if k else 1


def current_device() -> int:
    return 0


def set_device(device) -> None:
    pass


def synchronize(device=None) -> None:
    b = _gpu_backend()
    if b is not None and b.table.get("synchronize"):
        b.table["synchronize"]()


def manual_seed(seed) -> None:
    from .random import manual_seed as _ms
    _ms(seed)


manual_seed_all = manual_seed


def is_bf16_supported() -> bool:
    return is_available()


def empty_cache() -> None:
    pass


def memory_allocated(device=None) -> int:
    return 0


def max_memory_allocated(device=None) -> int:
    return 0


def get_device_name(device=None) -> str:
    if not is_available():
        raise RuntimeError("No CUDA GPUs are available")
    return "GPU"
