"""Entry point of the c_ext backend.  It loads everywhere and reports itself unavailable until built."""
from __future__ import annotations

import ember
from ember.backends import BackendSpec

from . import __version__


@ember.hookimpl
def ember_backend_spec():
    return BackendSpec(name="c_ext", version=__version__, device_type="cpu", available=False,
                       reason="not built yet", host_memory=True,
                       inherits="numpy")


@ember.hookimpl
def ember_register_kernels(registry):
    return None
