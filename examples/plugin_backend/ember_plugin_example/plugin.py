"""The plugin module named by the ``ember.backends`` entry point: two hooks, both plain functions.

``ember_backend_spec`` declares the backend as data (ember never checks a backend's name to decide what it
can do); ``ember_register_kernels`` hands ember this package's kernels.  Every op not registered here is
served by the ``numpy`` backend named in ``inherits`` (its arrays are the same kind of object: NumPy arrays).
"""
from __future__ import annotations

import os

import ember
from ember.backends import BackendSpec

from . import __version__
from .kernels import KERNELS

# Capabilities as data.  ``dtypes`` is what the conformance suite tests and the coverage matrix reports;
# ``extra`` is free-form data other tools may read (ember.backends.get_backend(name).spec.extra); the key
# ``conformance_xfail`` names this package's file of expected conformance failures.
SPEC = BackendSpec(
    name="plugin_example",
    version=__version__,
    device_type="cpu",
    dtypes=("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"),
    host_memory=True,
    inherits="numpy",
    priority=-10,  # never chosen as the default CPU backend just because it is installed
    description="example third-party backend: einsum matmul, where-based relu, log-sum-exp softmax, tanh sigmoid",
    extra={"overrides": tuple(sorted(KERNELS)),
           "conformance_xfail": os.path.join(os.path.dirname(os.path.abspath(__file__)), "conformance_xfail.txt")},
)


@ember.hookimpl
def ember_backend_spec():
    return SPEC


@ember.hookimpl
def ember_register_kernels(registry):
    registry.register_many(KERNELS)
