"""The model registry (``get_model``, ``list_models``) and the ``weights=`` argument of every builder.

ember ships no pretrained weights and assumes no download service. A builder's ``weights=`` takes

* ``None`` (random initialisation, the default),
* a local checkpoint path (``str`` or ``os.PathLike``) holding a state_dict -- for example a torchvision
  model's ``torch.save(model.state_dict(), path)``, read with :func:`ember.load`,
* a state_dict mapping (``name -> tensor``).

torchvision's weight names (``"DEFAULT"``, ``"IMAGENET1K_V1"``, ``ResNet18_Weights.DEFAULT``, ...) are
recognised and raise a ``RuntimeError`` that says to pass a local checkpoint instead.

>>> from ember.vision import models
>>> m = models.get_model("resnet18", num_classes=10)
>>> "resnet18" in models.list_models()
True
"""
from __future__ import annotations

import fnmatch
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from types import ModuleType
from typing import Any

from ..._tensor import Tensor

__all__ = ["WeightsEnum", "register_model", "list_models", "get_model_builder", "get_model",
           "get_model_weights", "get_weight"]

BUILTIN_MODELS: dict[str, Callable[..., Any]] = {}
_WEIGHTS_OF: dict[str, type] = {}


class WeightsEnum(Enum):
    """torchvision's pretrained-weight names for one architecture (``ResNet18_Weights.IMAGENET1K_V1``, ...).

    The members exist so that code naming them keeps importing; ember downloads nothing, so passing one
    as ``weights=`` raises ``RuntimeError`` telling to pass a local checkpoint path instead.
    """

    @classmethod
    def verify(cls, obj: Any) -> Any:
        """``obj`` as a member of this enum (a member, its name, or ``"Cls.NAME"``), or ``None``."""
        if obj is None:
            return None
        if isinstance(obj, str):
            return cls[obj.replace(cls.__name__ + ".", "")]
        if not isinstance(obj, cls):
            raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} but received "
                            f"{obj.__class__.__name__}.")
        return obj

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}.{self._name_}"


def _no_download(member: WeightsEnum) -> RuntimeError:
    return RuntimeError(
        f"weights={member!r}: ember.vision ships no pretrained weights and assumes no download service. "
        f"Save the checkpoint locally (e.g. torchvision's model with these weights, "
        f"`torch.save(model.state_dict(), 'model.pth')`) and pass weights='model.pth' "
        f"(a path or a state_dict).")


def _pop_pretrained(kwargs: dict[str, Any], weights: Any, weights_enum: type | None) -> Any:
    """torchvision's legacy ``pretrained=`` keyword: deprecated, ``True`` means the DEFAULT weights."""
    if "pretrained" not in kwargs:
        return weights
    pretrained = kwargs.pop("pretrained")
    warnings.warn("The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
                  "please use 'weights' instead.", UserWarning, stacklevel=3)
    if weights is not None:
        raise ValueError("The parameters 'pretrained' and 'weights' cannot both be given; use 'weights'.")
    if pretrained and weights_enum is None:
        raise ValueError("pretrained=True: no pretrained weights exist for this model; pass weights=<checkpoint>")
    return weights_enum.DEFAULT if pretrained else None


def _resolve_weights(weights: Any, weights_enum: type | None, kwargs: dict[str, Any]) -> Mapping | None:
    """The state_dict a builder's ``weights=`` names (``None`` for random initialisation).

    ``weights_enum`` is the builder's torchvision weight names (``None``: the model has none). Raises
    before any model is built, so a bad argument costs nothing.
    """
    weights = _pop_pretrained(kwargs, weights, weights_enum)
    if weights is None:
        return None
    if isinstance(weights, WeightsEnum):
        raise _no_download(weights)
    if isinstance(weights, str) and not os.path.exists(weights):
        known = ""
        if weights_enum is not None:
            name = weights.replace(weights_enum.__name__ + ".", "")
            if name in weights_enum.__members__:
                raise _no_download(weights_enum[name])
            known = f" (nor one of {weights_enum.__name__}'s names: {', '.join(weights_enum.__members__)})"
        raise FileNotFoundError(f"weights={weights!r}: no such checkpoint file{known}; pass the path of a "
                                f"local checkpoint or a state_dict.")
    if isinstance(weights, (str, os.PathLike)):
        return _load_checkpoint(weights)
    if isinstance(weights, Mapping):
        return weights
    raise TypeError(f"weights must be None, a checkpoint path (str or os.PathLike) or a state_dict mapping, "
                    f"got {type(weights).__name__}")


def _load_checkpoint(path: str | os.PathLike) -> Mapping:
    from ... import serialization

    state_dict = serialization.load(path, weights_only=True)
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"weights file {os.fspath(path)!r} holds a {type(state_dict).__name__}, expected a "
                        f"state_dict (a mapping of parameter names to tensors)")
    for key, value in state_dict.items():
        if not isinstance(value, Tensor):
            raise ValueError(f"weights file {os.fspath(path)!r} is not a state_dict: entry {key!r} holds a "
                             f"{type(value).__name__}; if it is a training checkpoint, save or pass its model "
                             f"state_dict instead (e.g. checkpoint[{key!r}] if that is it)")
    return state_dict


def _load_into(model: Any, state_dict: Mapping | None) -> Any:
    if state_dict is not None:
        model.load_state_dict(state_dict)
    return model


def register_model(name: str | None = None, weights: type | None = None) -> Callable:
    """Register a builder under ``name`` (default: the function's name) for :func:`get_model`."""
    def wrapper(fn: Callable) -> Callable:
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        if weights is not None:
            _WEIGHTS_OF[key] = weights
        return fn
    return wrapper


def list_models(module: ModuleType | None = None, include: Iterable[str] | str | None = None,
                exclude: Iterable[str] | str | None = None) -> list[str]:
    """The sorted names of the registered builders, optionally only those of ``module`` and filtered by
    Unix-style ``include`` / ``exclude`` patterns.

    >>> list_models(include="resnet*", exclude="resnet1*")
    ['resnet34', 'resnet50']
    """
    names = {k for k, fn in BUILTIN_MODELS.items()
             if module is None or fn.__module__.rsplit(".", 1)[0] == module.__name__}
    if include:
        patterns = [include] if isinstance(include, str) else include
        models: set[str] = set()
        for pattern in patterns:
            models |= set(fnmatch.filter(names, pattern))
    else:
        models = names
    if exclude:
        patterns = [exclude] if isinstance(exclude, str) else exclude
        for pattern in patterns:
            models -= set(fnmatch.filter(names, pattern))
    return sorted(models)


def get_model_builder(name: str) -> Callable:
    """The builder function registered as ``name`` (case-insensitive)."""
    try:
        return BUILTIN_MODELS[name.lower()]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name: str, **config: Any) -> Any:
    """Build the model registered as ``name`` with the builder's keyword arguments.

    >>> get_model("squeezenet1_1", num_classes=4).classifier[1].out_channels
    4
    """
    return get_model_builder(name)(**config)


def get_model_weights(name: Callable | str) -> type:
    """The :class:`WeightsEnum` class of a builder (given by name or as the function)."""
    key = name if isinstance(name, str) else getattr(name, "__name__", "")
    key = key.lower()
    if key not in _WEIGHTS_OF:
        if key in BUILTIN_MODELS:
            raise ValueError(f"Model {key} has no weights enum: no pretrained weights exist for it")
        raise ValueError(f"Unknown model {name}")
    return _WEIGHTS_OF[key]


def get_weight(name: str) -> WeightsEnum:
    """The weights member named ``"Cls.NAME"`` (e.g. ``"ResNet18_Weights.IMAGENET1K_V1"``)."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    for cls in _WEIGHTS_OF.values():
        if cls.__name__ == enum_name:
            return cls[value_name]
    raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")


def _weights_enum(cls_name: str, members: Iterable[str], default: str, module: str) -> type:
    """A :class:`WeightsEnum` subclass with torchvision's member names; ``DEFAULT`` aliases ``default``."""
    return WeightsEnum(cls_name, [(m, m) for m in members] + [("DEFAULT", default)], module=module)
