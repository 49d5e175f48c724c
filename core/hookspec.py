"""The backend plugin contract.

A backend is a Python package that exposes a plugin module through the
``ember.backends`` entry-point group (the built-in NumPy, C and CuPy backends
register exactly the same way)::

    [project.entry-points."ember.backends"]
    mybackend = "my_package.plugin"

The plugin module implements the hooks below, marked with ``ember.hookimpl``.
Each hook is called for one plugin at a time, so a failure is attributed to
the plugin that caused it and the other backends keep working.
"""
from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("ember")
hookimpl = pluggy.HookimplMarker("ember")


@hookspec(firstresult=True)
def ember_backend_spec():
    """Declare the backend: return an :class:`ember.backends.BackendSpec`.

    Called once, when ember first discovers installed backends.  It must be
    cheap and must not import heavy dependencies that may be missing: report
    them through ``BackendSpec(available=False, reason="...")`` instead of
    raising.  The spec is data: name, version, device kind (``"cpu"`` or
    ``"gpu"``), supported dtypes, whether storage is host memory shared with
    NumPy, the backend whose kernels it inherits for ops it does not implement,
    and a priority used to choose the default CPU/GPU backend.
    """


@hookspec(firstresult=True)
def ember_register_kernels(registry):
    """Register kernels into ``registry`` (an :class:`ember.backends.KernelRegistry`).

    Called once, the first time the backend is used.  Register each kernel
    with ``registry.register(op_name, fn)`` or ``registry.register_many(mapping)``.
    Kernels take native arrays (and Python scalars where the op's signature
    says ``Scalar``) followed by the op's parameters, and return native arrays
    of the dtype the op declares.  Unknown op names or kernels whose arity does
    not fit the op's declared kernel signature are rejected with an error that
    names the plugin and the op.  The return value is ignored.
    """


@hookspec(firstresult=True)
def ember_device_api():
    """Optional, for GPU backends: return a dict of device functions behind ``ember.cuda``.

    Recognised keys (each a callable; any may be left out): ``device_count()``,
    ``current_device()``, ``set_device(index)``, ``synchronize()``,
    ``device_name()``, ``device_capability()``, ``manual_seed(seed)``,
    ``empty_cache()``, ``memory_allocated()``, ``max_memory_allocated()``,
    ``memory_reserved()``; for ``ember.distributed``'s NCCL engine, ``nccl()``
    (CuPy's NCCL binding module, or None) and ``current_stream()`` (the
    stream handle collectives are queued on).  Called once, the first
    time ``ember.cuda`` needs one of them.  A backend that does not implement
    the hook gets the defaults: one device, no-op synchronisation and seeding,
    and zero memory counters.
    """
