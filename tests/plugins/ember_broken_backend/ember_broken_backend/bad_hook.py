"""Entry point ``broken_hook``: a hookimpl whose argument does not match ember's hookspec."""
import ember
from ember.backends import BackendSpec


@ember.hookimpl
def ember_backend_spec():
    return BackendSpec(name="broken_hook", inherits="numpy")


@ember.hookimpl
def ember_register_kernels(registy):  # misspelled on purpose: the hookspec names it `registry`
    return None
