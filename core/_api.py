"""Small top-level helpers of the ``torch`` namespace."""
from __future__ import annotations

import os

from ._tensor import Tensor


def set_default_device(device) -> None:
    """Make ``device`` (a backend name, ``"cpu"`` or ``"cuda"``) the default for new tensors."""
    from .backends._discovery import set_default_backend, reset_default
    if device is None:
        reset_default()
        return
    set_default_backend(str(device) if not isinstance(device, str) else device)


def get_default_device():
    from ._device import device
    from .backends._discovery import default_backend
    return device._of_backend(default_backend())


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:
    return input.dtype.is_floating_point


def numel(input) -> int:
    return input.numel()


def is_nonzero(input) -> bool:
    if input.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


_threads = [os.cpu_count() or 1]


def set_num_threads(n: int) -> None:
    """Threads the CPU backends may use (honoured by backends that run threaded kernels)."""
    if n < 1:
        raise ValueError(f"set_num_threads expects a positive integer, got {n}")
    _threads[0] = n


def get_num_threads() -> int:
    return _threads[0]


def compile(model=None, **kwargs):
    """``torch.compile`` counterpart: ember runs eagerly, so the model is returned unchanged."""
    if model is None:
        return lambda m: m
    return model


def manual_seed_all(seed):
    from .random import manual_seed
    return manual_seed(seed)
