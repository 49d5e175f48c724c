"""``torch.backends.mkl``: ember's kernels do not call oneMKL, so ``is_available()`` is False; ``verbose``
is accepted as a no-op scope."""
from __future__ import annotations

VERBOSE_OFF = 0
VERBOSE_ON = 1


def is_available() -> bool:
    return False


class verbose:
    """oneMKL verbose scope: a no-op context manager (there is no MKL call to trace)."""

    def __init__(self, enable):
        self.enable = enable

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        return False
