"""``ember.cuda``: the GPU backend's device API under ``torch.cuda``'s names.

Without an available GPU backend everything answers as a CPU-only PyTorch
build does: ``is_available()`` is False, ``device_count()`` is 0, the memory
counters are 0, seeding is a no-op, and calls that need a device
(``current_device``, ``synchronize``, ``get_device_name``...) raise
``AssertionError`` saying why no GPU backend can be used.
"""
from __future__ import annotations


def _gpu_backend():
    from ..backends._discovery import best_backend
    return best_backend("gpu")


def _require():
    b = _gpu_backend()
    if b is None:
        from .._device import no_gpu_message
        raise AssertionError(no_gpu_message())
    return b


_API: dict = {}  # backend name -> the dict its ember_device_api hook returned


def _device_fn(name, backend=None):
    """The GPU backend's device function ``name`` (see the ``ember_device_api`` hook), or None."""
    b = backend if backend is not None else _gpu_backend()
    if b is None:
        return None
    if b.name not in _API:
        from ..backends._discovery import _call_one
        _API[b.name] = _call_one(b.plugin, "ember_device_api") or {}
    return _API[b.name].get(name)


def is_available() -> bool:
    """True when a GPU backend is installed and usable here."""
    return _gpu_backend() is not None


def is_initialized() -> bool:
    return is_available()


def init() -> None:
    _require()


def device_count() -> int:
    b = _gpu_backend()
    if b is None:
        return 0
    k = _device_fn("device_count", b)
    return k() if k is not None else 1


def _check_index(device):
    from .._device import device as _dev
    if device is None:
        return 0
    idx = _dev(device).index if not isinstance(device, int) else device
    idx = 0 if idx is None else idx
    n = device_count()
    if not 0 <= idx < n:
        raise RuntimeError(f"CUDA error: invalid device ordinal (device {idx}, {n} device(s) available)")
    return idx


def current_device() -> int:
    b = _require()
    k = _device_fn("current_device", b)
    return k() if k is not None else 0


def set_device(device) -> None:
    b = _require()
    idx = _check_index(device)
    k = _device_fn("set_device", b)
    if k is not None:
        k(idx)


def synchronize(device=None) -> None:
    """Wait for every queued kernel on the GPU backend to finish."""
    b = _require()
    _check_index(device)
    k = _device_fn("synchronize", b)
    if k is not None:
        k()


def get_device_name(device=None) -> str:
    b = _require()
    _check_index(device)
    k = _device_fn("device_name", b)
    return k() if k is not None else b.spec.description or b.name


def get_device_capability(device=None) -> tuple:
    b = _require()
    _check_index(device)
    k = _device_fn("device_capability", b)
    if k is None:
        raise RuntimeError(f"ember backend {b.name!r} does not report a device capability")
    return k()


def manual_seed(seed) -> None:
    """Seed the GPU backend's default generator; a no-op without one (as in PyTorch)."""
    b = _gpu_backend()
    if b is None:
        return
    from ..random import default_for
    default_for(b).manual_seed(seed)
    k = _device_fn("manual_seed", b)
    if k is not None:
        k(int(seed))


manual_seed_all = manual_seed


def is_bf16_supported(including_emulation: bool = True) -> bool:
    b = _gpu_backend()
    return b is not None and any(d.name == "bfloat16" for d in b.dtypes)


def empty_cache() -> None:
    k = _device_fn("empty_cache")
    if k is not None:
        k()


def memory_allocated(device=None) -> int:
    k = _device_fn("memory_allocated")
    return 0 if k is None else k()


def max_memory_allocated(device=None) -> int:
    k = _device_fn("max_memory_allocated")
    return 0 if k is None else k()


def memory_reserved(device=None) -> int:
    k = _device_fn("memory_reserved")
    return 0 if k is None else k()


from . import amp  # noqa: E402  (torch.cuda.amp: the deprecated spellings of ember.amp's)
