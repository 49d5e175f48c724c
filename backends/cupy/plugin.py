"""Entry point of the CuPy backend (group ``ember.backends``, name ``cupy``).

The plugin always loads.  ``probe()`` decides availability: CuPy must import
and see at least one CUDA device; otherwise the spec says why and nothing
else in ember is affected (``"cuda"`` then raises ember's no-GPU error).
"""
from __future__ import annotations

import importlib

import ember
from ember.backends import BackendSpec

from . import __version__

INSTALL_HINT = "pip install 'ember[cuda12]' or 'ember[cuda13]'"
_probed: list = []  # [(cupy module or None, reason)] once probed


def probe(import_module=importlib.import_module):
    """(cupy, "") when CuPy imports and sees a CUDA device, else (None, why not)."""
    try:
        cupy = import_module("cupy")
    except ImportError as e:
        if getattr(e, "name", None) == "cupy":
            return None, f"CuPy is not installed ({INSTALL_HINT})"
        return None, f"CuPy failed to import: {type(e).__name__}: {e}"
    except Exception as e:  # noqa: BLE001 - a broken CUDA install can raise anything at import
        return None, f"CuPy failed to import: {type(e).__name__}: {e}"
    try:
        n = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:  # noqa: BLE001 - CUDARuntimeError (no driver, no device...)
        return None, f"CuPy {getattr(cupy, '__version__', '?')} cannot use a CUDA device: {type(e).__name__}: {e}"
    if n < 1:
        return None, f"CuPy {getattr(cupy, '__version__', '?')} found no CUDA device"
    return cupy, ""


def _cupy():
    if not _probed:
        _probed.append(probe())
    return _probed[0]


@ember.hookimpl
def ember_backend_spec():
    cupy, reason = _cupy()
    from .creation import DEVICE_DTYPES
    from ember_numpy._dtypes import FROM_NP
    return BackendSpec(name="cupy", version=__version__, device_type="gpu", available=cupy is not None,
                       reason=reason, host_memory=False, priority=10,
                       dtypes=tuple(sorted(FROM_NP[d].name for d in DEVICE_DTYPES)),
                       description="NVIDIA GPU backend on CuPy (NumPy's xp-generic kernels plus fused CUDA kernels)")


@ember.hookimpl
def ember_register_kernels(registry):
    from . import device, kernels
    cupy, _ = _cupy()
    device.track_peak_memory(cupy)
    registry.register_many(kernels.build(cupy, fused=True))


@ember.hookimpl
def ember_device_api():
    from . import device
    return device.api(_cupy()[0])
