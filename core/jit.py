"""``ember.jit`` (``torch.jit``): TorchScript's API for scripts that use it, with eager semantics.

ember has no graph compiler: it runs every program eagerly. So ``script``/``trace`` return what they
are given (the function or module runs exactly as written, as under PyTorch's ``PYTORCH_JIT=0``), the
decorators (``ignore``, ``unused``, ``export``, ``interface``...) are identities, ``is_scripting()`` and
``is_tracing()`` are False, and ``fork`` runs its function at once. What has no eager meaning -- writing
or reading a serialized TorchScript program -- raises ``NotImplementedError`` naming the alternative
(``ember.save(model.state_dict(), f)`` / ``ember.load``).

    >>> f = ember.jit.script(lambda x: x + 1)   # the lambda itself
"""
from __future__ import annotations

import contextlib
import typing
from typing import Final  # noqa: F401  (torch.jit.Final is typing.Final)

from .nn.modules.module import Module

__all__ = ["Attribute", "CompilationUnit", "Error", "Final", "Future", "ScriptFunction", "ScriptModule",
           "annotate", "enable_onednn_fusion", "export", "export_opnames", "fork", "freeze", "ignore",
           "interface", "is_scripting", "is_tracing", "isinstance", "load", "onednn_fusion_enabled",
           "optimize_for_inference", "save", "script", "script_if_tracing", "script_method",
           "set_fusion_strategy", "strict_fusion", "trace", "trace_module", "unused", "wait"]

_builtin_isinstance = isinstance


class Error(RuntimeError):
    """``torch.jit.Error``: raised by TorchScript programs (never by ember, which runs them eagerly)."""


class ScriptModule(Module):
    """Base class for modules written against TorchScript's ``ScriptModule``: a plain ``ember.nn.Module``.

    ``ember.jit.script(module)`` returns the module itself, not an instance of this class.
    """


class ScriptFunction:
    """The TorchScript function type; no object is one in ember (``script(fn)`` returns ``fn`` itself)."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError("ember.jit.ScriptFunction cannot be constructed: ember.jit.script(fn) returns fn itself")


class CompilationUnit:
    """TorchScript source compilation: not available, since ember has no TorchScript compiler."""

    def __init__(self, lang=None, _frames_up=0):
        raise NotImplementedError("ember.jit.CompilationUnit: ember cannot compile TorchScript source; "
                                  "write the functions in Python (ember runs them eagerly)")


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """Return ``obj`` (function, module or class) unchanged: ember runs it eagerly."""
    return obj


def script_method(fn):
    """``ScriptModule`` method decorator: returns ``fn``."""
    return fn


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-05,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
          example_kwarg_inputs=None, _store_inputs=True):
    """Return ``func`` unchanged: ember runs it eagerly (so, unlike a real trace, data-dependent control flow
    keeps working)."""
    return func


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-05,
                 strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
                 example_inputs_is_kwarg=False, _store_inputs=True):
    """Return ``mod`` unchanged (see :func:`trace`)."""
    return mod


def ignore(drop=False, **kwargs):
    """``@ignore`` or ``@ignore(drop=True)``: leaves the function as it is."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    return fn


def export(fn):
    return fn


def interface(obj):
    return obj


def script_if_tracing(fn):
    return fn


def annotate(the_type, the_value):
    """Return ``the_value``: the type annotation only matters to the TorchScript compiler."""
    return the_value


def Attribute(value, type):  # noqa: A002,N802  (PyTorch's name and signature)
    """Return ``value``, as ``torch.jit.Attribute`` does with the JIT disabled."""
    return value


def is_scripting() -> bool:
    """False: ember code always runs eagerly, never inside a TorchScript compiler."""
    return False


def is_tracing() -> bool:
    """False: ember never traces."""
    return False


def _matches(obj, target) -> bool:
    origin = typing.get_origin(target)
    if origin is None:
        return target is typing.Any or _builtin_isinstance(obj, target)
    args = typing.get_args(target)
    if origin is typing.Union or type(target).__name__ == "UnionType":
        return any(_matches(obj, a) for a in args)
    if not _builtin_isinstance(obj, origin):
        return False
    if origin in (list, set, frozenset):
        return not args or all(_matches(v, args[0]) for v in obj)
    if origin is dict:
        return not args or all(_matches(k, args[0]) and _matches(v, args[1]) for k, v in obj.items())
    if origin is tuple:
        if not args:
            return True
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_matches(v, args[0]) for v in obj)
        return len(obj) == len(args) and all(_matches(v, a) for v, a in zip(obj, args))
    return True


def isinstance(obj, target_type) -> bool:  # noqa: A001  (torch.jit.isinstance)
    """``isinstance`` that also checks element types of ``list[int]``, ``dict[str, Tensor]``,
    ``tuple[int, str]``, ``Optional[...]`` targets, as ``torch.jit.isinstance`` does in eager mode."""
    return _matches(obj, target_type)


class Future:
    """A completed result, as ``torch.jit.fork`` returns outside TorchScript."""

    def __init__(self, value=None):
        self._value = value

    def done(self) -> bool:
        return True

    def wait(self):
        return self._value

    def value(self):
        return self._value


def fork(func, *args, **kwargs) -> Future:
    """Run ``func(*args, **kwargs)`` now and return its result as a completed :class:`Future`."""
    return Future(func(*args, **kwargs))


def wait(future: Future):
    """The value of a :func:`fork`'s future."""
    return future.wait()


def freeze(mod, preserved_attrs=None, optimize_numerics: bool = True):
    """Return ``mod``; like PyTorch, refuses a module in training mode."""
    if getattr(mod, "training", False):
        raise RuntimeError("Freezing is currently only implemented for modules in eval mode. Please call .eval() "
                           "on your module before freezing.")
    return mod


def optimize_for_inference(mod, other_methods=None):
    """Return ``mod`` in eval mode (no graph to optimize)."""
    return mod.eval()


_ONEDNN_FUSION = [False]


def enable_onednn_fusion(enabled: bool) -> None:
    """Stored flag; ember has no oneDNN graph fuser."""
    _ONEDNN_FUSION[0] = bool(enabled)


def onednn_fusion_enabled() -> bool:
    return _ONEDNN_FUSION[0]


_FUSION_STRATEGY = [[("STATIC", 2), ("DYNAMIC", 10)]]


def set_fusion_strategy(strategy):
    """Store ``strategy`` (ember has no fuser) and return the previous one."""
    old, _FUSION_STRATEGY[0] = _FUSION_STRATEGY[0], list(strategy)
    return old


@contextlib.contextmanager
def strict_fusion():
    """No-op scope (ember has no fuser to be strict about)."""
    yield


def _no_torchscript(what: str, instead: str):
    raise NotImplementedError(f"ember.jit.{what}: ember runs models eagerly and has no TorchScript "
                              f"serialization; {instead}")


def save(m, f, _extra_files=None) -> None:
    """Not available: use ``ember.save(m.state_dict(), f)`` and rebuild the module from Python."""
    _no_torchscript("save()", "save the weights with ember.save(model.state_dict(), f) and rebuild the module in "
                              "Python (model.load_state_dict(ember.load(f)))")


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    """Not available: use ``ember.load`` on a checkpoint written by ``ember.save``/``torch.save``."""
    _no_torchscript("load()", "load a checkpoint written by ember.save/torch.save with ember.load(f) and call "
                              "model.load_state_dict on a module built in Python")


def export_opnames(m):
    _no_torchscript("export_opnames()", "ember has no TorchScript operator list (see python -m ember.backends)")
