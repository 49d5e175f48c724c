"""``torch.backends.mkldnn`` switches: ember has no oneDNN kernels, so ``is_available()`` is False; the flags
are accepted and stored (harmless: they select nothing in ember)."""
from __future__ import annotations

import contextlib

VERBOSE_OFF = 0
VERBOSE_ON = 1
VERBOSE_ON_CREATION = 2

enabled = True
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    return False


def is_acl_available() -> bool:
    return False


def set_flags(_enabled=None, _deterministic=None, _allow_tf32=None):
    """Set the stored flags (None leaves one unchanged); returns the previous ``(enabled, deterministic,
    allow_tf32)``."""
    global enabled, deterministic, allow_tf32
    orig = (enabled, deterministic, allow_tf32)
    if _enabled is not None:
        enabled = _enabled
    if _deterministic is not None:
        deterministic = _deterministic
    if _allow_tf32 is not None:
        allow_tf32 = _allow_tf32
    return orig


@contextlib.contextmanager
def flags(enabled=False, deterministic=False, allow_tf32=True):
    """Set the flags for the block, restore them after it."""
    orig = set_flags(enabled, deterministic, allow_tf32)
    try:
        yield
    finally:
        set_flags(*orig)


class verbose:
    """oneDNN verbose scope: a no-op context manager (ember has no oneDNN kernels to trace)."""

    def __init__(self, level):
        self.level = level

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        return False
