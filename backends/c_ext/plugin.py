"""Entry point of the c_ext backend (group ``ember.backends``, name ``c_ext``).

The backend is available only when the compiled module ``ember_cext._lib`` imports; otherwise it
reports why.  It inherits every kernel it does not implement from the NumPy backend (same arrays,
host memory), so tensors move between the two without copies.
"""
from __future__ import annotations

import ember
from ember.backends import BackendSpec

from . import __version__

NOT_BUILT = ("the C extension ember_cext._lib is not built ({error}); it is skipped when EMBER_NO_CEXT=1 is set "
             "at install time or when no C compiler is found. Fix: reinstall with a C compiler (gcc) and without "
             "EMBER_NO_CEXT")


def _load_error() -> str:
    """'' when ``ember_cext._lib`` imports, else the reason it does not."""
    try:
        from . import _lib  # noqa: F401
    except ImportError as e:
        return NOT_BUILT.format(error=f"{type(e).__name__}: {e}")
    return ""


@ember.hookimpl
def ember_backend_spec():
    error = _load_error()
    return BackendSpec(name="c_ext", version=__version__, device_type="cpu", available=not error, reason=error,
                       host_memory=True, inherits="numpy", priority=20, extra={"openmp": True},
                       description="native C kernels (cffi, OpenMP) over the NumPy backend")


@ember.hookimpl
def ember_register_kernels(registry):
    from . import kernels
    registry.register_many(kernels.all_kernels())
