"""ember's CuPy backend (import package ``ember_cupy``): NVIDIA GPUs through CuPy.

CuPy is an optional extra (``pip install "ember[cuda12]"`` or ``"ember[cuda13]"``).
Without CuPy or without a CUDA device the plugin still loads and reports itself
unavailable with the reason.  Kernels are the NumPy backend's array-module-generic
ones run with ``xp = cupy`` (see :mod:`ember_cupy.kernels`), plus CuPy overrides:
host/device transfers, random numbers on cuRAND, and fused GPU kernels.
"""
__version__ = "0.1.0"
