"""ember's c_ext backend (import package ``ember_cext``): fast CPU kernels in C, built with cffi."""
__version__ = "0.1.0"

import os as _os

# OpenMP threads that spin after each parallel region fight NumPy's BLAS threads for the cores; let them sleep.
# Must be set before ember_cext._lib (and its OpenMP runtime) first loads.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
