"""Entry point of the NumPy backend (group ``ember.backends``, name ``numpy``)."""
from __future__ import annotations

import ember
from ember.backends import BackendSpec

from . import __version__

hookimpl = ember.hookimpl


@hookimpl
def ember_backend_spec():
    return BackendSpec(
        name="numpy",
        version=__version__,
        device_type="cpu",
        host_memory=True,
        priority=10,
        description="reference CPU backend on NumPy (bfloat16 through ml_dtypes)",
    )


@hookimpl
def ember_register_kernels(registry):
    from . import kernels
    registry.register_many(kernels.all_kernels())
