"""Find backends through the ``ember.backends`` entry-point group and load them.

Every failure is isolated to the plugin that caused it: a plugin that cannot be
imported, breaks the hookspec or raises while declaring itself produces one
warning naming it and the reason; only selecting that backend raises.
"""
from __future__ import annotations

import os
import sys
import threading
import warnings
from importlib import metadata

import pluggy

from .. import hookspec as _hookspec
from .._errors import BackendUnavailable, UnknownBackend
from .._op import OPS
from ._backend import Backend, strict_mode
from ._spec import BackendSpec, KernelRegistry

GROUP = "ember.backends"

_lock = threading.RLock()
_pm = None
_backends: dict = {}          # name -> Backend (available or not)
_broken: dict = {}            # entry-point name -> reason, for plugins that did not even declare a spec
_default = [None, ""]         # [Backend, why]


class BackendWarning(UserWarning):
    """A backend plugin failed to load; ember keeps working without it."""


def _manager():
    global _pm
    if _pm is None:
        _pm = pluggy.PluginManager("ember")
        _pm.add_hookspecs(_hookspec)
    return _pm


def _call_one(plugin, hook_name, **kwargs):
    pm = _manager()
    others = [p for p in pm.get_plugins() if p is not plugin]
    caller = pm.subset_hook_caller(hook_name, remove_plugins=others)
    return caller(**kwargs)


def register_plugin(plugin, name: str | None = None) -> Backend | None:
    """Register a backend plugin object/module directly (entry points do this for installed ones)."""
    with _lock:
        _discover()
        return _add_plugin(plugin, name or getattr(plugin, "__name__", repr(plugin)))


def unregister_backend(name: str) -> None:
    """Forget a backend registered with :func:`register_plugin` (used by tests)."""
    with _lock:
        b = _backends.pop(name, None)
        if b is not None and b.plugin is not None:
            try:
                _manager().unregister(b.plugin)
            except ValueError:
                pass
        if _default[0] is b:
            _default[0] = None


def _add_plugin(plugin, ep_name):
    pm = _manager()
    try:
        pm.register(plugin, name=ep_name)
    except (pluggy.PluginValidationError, ValueError) as e:
        _fail(ep_name, f"violates the ember hookspec: {e}")
        return None
    try:
        spec = _call_one(plugin, "ember_backend_spec")
    except Exception as e:  # noqa: BLE001 - isolate any plugin failure
        pm.unregister(plugin)
        _fail(ep_name, f"ember_backend_spec() raised {type(e).__name__}: {e}")
        return None
    if not isinstance(spec, BackendSpec):
        pm.unregister(plugin)
        _fail(ep_name, f"ember_backend_spec() returned {type(spec).__name__}, expected ember.backends.BackendSpec")
        return None
    if spec.name in _backends:
        pm.unregister(plugin)
        _fail(ep_name, f"declares backend name {spec.name!r}, which plugin "
                       f"{_backends[spec.name].plugin!r} already uses")
        return None
    backend = Backend(spec, plugin)
    _backends[spec.name] = backend
    return backend


def _fail(name, reason):
    reason = " ".join(str(reason).split())  # pluggy's messages span lines; keep one line per plugin
    _broken[name] = reason
    warnings.warn(f"ember backend plugin {name!r} failed to load and is disabled: {reason}",
                  BackendWarning, stacklevel=_user_stacklevel())


def _user_stacklevel():
    """Stack level of the first frame outside ember, so a warning points at the user's line."""
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame, level = sys._getframe(2), 2  # 1 = warnings.warn's caller, i.e. our caller's frame
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(pkg + os.sep):
        frame, level = frame.f_back, level + 1
    return level


_discovered = [False]


def _discover():
    if _discovered[0]:
        return
    _discovered[0] = True
    for ep in sorted(metadata.entry_points(group=GROUP), key=lambda e: e.name):
        if any(b.plugin is not None and getattr(b.plugin, "__name__", None) == ep.value for b in _backends.values()):
            continue
        try:
            plugin = ep.load()
        except Exception as e:  # noqa: BLE001
            _fail(ep.name, f"import of {ep.value!r} raised {type(e).__name__}: {e}")
            continue
        _add_plugin(plugin, ep.name)


def load_kernels(backend: Backend) -> None:
    """Ask the plugin for its kernels and resolve the backend's dispatch table."""
    with _lock:
        if backend._loaded:
            return
        backend._loaded = True
        if not backend.spec.available:
            return
        plugin_name = getattr(backend.plugin, "__name__", None) or _manager().get_name(backend.plugin) or \
            str(backend.plugin)
        registry = KernelRegistry(backend.name, plugin_name)
        try:
            _call_one(backend.plugin, "ember_register_kernels", registry=registry)
        except Exception as e:  # noqa: BLE001
            backend.load_error = f"ember_register_kernels() raised {type(e).__name__}: {e}"
            warnings.warn(f"ember backend {backend.name!r} failed to register its kernels: {backend.load_error}",
                          BackendWarning, stacklevel=_user_stacklevel())
            return
        backend.native = dict(registry.kernels)
        resolve_table(backend)


def resolve_table(backend: Backend) -> None:
    """Build the flat op -> kernel table: native kernels first, then the inherited backend's."""
    table = dict(backend.native)
    source = {name: "native" for name in table}
    parent_name = backend.spec.inherits
    if parent_name:
        parent = _backends.get(parent_name)
        if parent is None or not parent.available:
            why = "is not installed" if parent is None else f"is unavailable ({parent.why_unavailable()})"
            backend.load_error = f"inherits kernels from backend {parent_name!r}, which {why}"
            return
        parent.ensure_loaded()
        backend.parent = parent
        for name, fn in parent.table.items():
            if name not in table:
                table[name] = fn
                source[name] = "inherited"
    backend.table.clear()
    backend.table.update(table)
    backend.source = source


def all_backends() -> dict:
    """Every discovered backend by name, available or not."""
    with _lock:
        _discover()
        return dict(_backends)


def broken_plugins() -> dict:
    with _lock:
        _discover()
        return dict(_broken)


def get_backend(name: str) -> Backend:
    """The loaded, available backend called ``name``; raises with the reason otherwise."""
    b = _backends.get(name)
    if b is None or not b._loaded:
        with _lock:
            _discover()
            b = _backends.get(name)
            if b is None:
                if name in _broken:
                    raise BackendUnavailable(f"ember backend {name!r} failed to load: {_broken[name]}")
                raise UnknownBackend(
                    f"unknown ember backend {name!r}; installed backends: {', '.join(sorted(_backends)) or 'none'}")
    if not b.available:
        raise BackendUnavailable(f"ember backend {name!r} is unavailable: {b.why_unavailable()}")
    b.ensure_loaded()
    if not b.available:
        raise BackendUnavailable(f"ember backend {name!r} is unavailable: {b.why_unavailable()}")
    return b


def best_backend(device_type: str) -> Backend | None:
    """The available backend of a device kind with the highest priority."""
    with _lock:
        _discover()
        cands = [b for b in _backends.values() if b.spec.device_type == device_type and b.available]
    for b in sorted(cands, key=lambda b: (-b.spec.priority, b.name)):
        try:
            return get_backend(b.name)
        except BackendUnavailable:
            continue
    return None


def default_backend() -> Backend:
    b = _default[0]
    if b is not None:
        return b
    with _lock:
        env = os.environ.get("EMBER_BACKEND", "").strip()
        if env:
            from .._device import device as _device
            b = _device(env)._backend
            why = f"EMBER_BACKEND={env}"
        else:
            b = best_backend("cpu")
            if b is None:
                raise BackendUnavailable("no available CPU backend is installed; install ember with its NumPy backend")
            why = "EMBER_BACKEND not set: the available CPU backend with the highest priority"
        _default[0], _default[1] = b, why
        return b


def default_reason() -> str:
    default_backend()
    return _default[1]


def set_default_backend(name_or_backend) -> None:
    with _lock:
        if isinstance(name_or_backend, Backend):
            b = name_or_backend
        else:
            from .._device import device as _device
            b = _device(name_or_backend)._backend
        _default[0], _default[1] = b, "set by ember.set_default_device / set_default_backend"


def reset_default() -> None:
    """Forget the chosen default so the next call re-reads EMBER_BACKEND (for tests)."""
    _default[0] = None


__all__ = ["BackendSpec", "KernelRegistry", "register_plugin", "all_backends", "get_backend",
           "default_backend", "best_backend", "strict_mode", "OPS"]
