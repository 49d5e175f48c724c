"""Entry point of the cupy backend.  It loads everywhere and reports itself unavailable until built."""
from __future__ import annotations

import ember
from ember.backends import BackendSpec

from . import __version__


@ember.hookimpl
def ember_backend_spec():
    return BackendSpec(name="cupy", version=__version__, device_type="gpu", available=False,
                       reason="not built yet", host_memory=False,
                       inherits=None)


@ember.hookimpl
def ember_register_kernels(registry):
    return None
