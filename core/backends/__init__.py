"""``ember.backends``: discovery, selection and coverage of backend plugins.

``python -m ember.backends`` prints the installed backends, which one is the
default and why, and each one's kernel coverage.
"""
from __future__ import annotations

from ._spec import BackendSpec, KernelRegistry, KernelRegistrationError
from ._backend import Backend, strict_mode
from ._discovery import (GROUP, BackendWarning, all_backends, best_backend, broken_plugins, default_backend,
                         default_reason, get_backend, register_plugin, reset_default, set_default_backend,
                         unregister_backend)
from . import cudnn, mps, cuda, mkl, mkldnn, openmp  # noqa: F401  (torch.backends.* compatibility switches)

__all__ = ["BackendSpec", "KernelRegistry", "KernelRegistrationError", "Backend", "GROUP", "BackendWarning",
           "all_backends", "available_backends", "best_backend", "broken_plugins", "default_backend",
           "get_backend", "register_plugin", "set_default_backend", "strict_mode", "coverage", "report"]


def available_backends() -> list:
    """Names of the installed backends that can run here."""
    return sorted(n for n, b in all_backends().items() if b.available)


def coverage(name: str) -> dict:
    """op name -> 'native' | 'inherited' | 'decomposed' | 'missing' for backend ``name``
    (empty for an installed backend that is unavailable)."""
    b = all_backends().get(name)
    if b is None:
        get_backend(name)  # raises: unknown (listing the installed ones) or failed to load (with the reason)
    b.ensure_loaded()
    if not b.available:
        return {}
    return b.coverage()


def report(show_ops: bool = False) -> str:
    """The text printed by ``python -m ember.backends``."""
    from ._report import render
    return render(show_ops)
