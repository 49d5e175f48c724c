"""Collation: merge a list of samples into a batch (``torch.utils.data._utils.collate``).

:func:`default_collate` stacks tensors, turns numbers and NumPy arrays into tensors and recurses into
mappings, named tuples and sequences; :func:`default_convert` only converts NumPy arrays.  Both follow
PyTorch's rules exactly, including its output types (a batch of tuples becomes a *list*).

NumPy is never imported: its arrays and scalars are recognised by their class's module, so
``default_collate_fn_map`` holds two marker classes in place of ``np.ndarray`` and the numpy scalar types.

    >>> default_collate([(0, 1.5), (2, 3.5)])
    [tensor([0, 2]), tensor([1.5000, 3.5000], dtype=ember.float64)]
"""
from __future__ import annotations

import array
import collections.abc
import copy
import re
from collections.abc import Callable

from .... import _dtype as D
from ...._functional import as_tensor, frombuffer, stack, tensor
from ...._tensor import Tensor
from ....backends._discovery import default_backend

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert", "collate_tensor_fn",
           "collate_numpy_array_fn", "collate_numpy_scalar_fn", "collate_float_fn", "collate_int_fn",
           "collate_str_fn", "default_collate_err_msg_format"]

np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}")


def _numpy_classes(obj):
    return [c.__name__ for c in type(obj).__mro__ if c.__module__ == "numpy"]


class _NumpyMarker(type):
    """``isinstance(x, marker)`` asks whether ``x``'s class derives from the named NumPy classes."""

    def __instancecheck__(cls, obj):
        return any(name in cls._numpy_names for name in _numpy_classes(obj))

    def __repr__(cls):
        return f"<numpy {' | '.join(cls._numpy_names)} (recognised by module name)>"


class NumpyArray(metaclass=_NumpyMarker):
    """Stands for ``numpy.ndarray`` in :data:`default_collate_fn_map` (ember does not import NumPy)."""
    _numpy_names = ("ndarray",)


class NumpyScalar(metaclass=_NumpyMarker):
    """Stands for ``(numpy.bool_, numpy.number, numpy.object_)`` in :data:`default_collate_fn_map`."""
    _numpy_names = ("bool", "bool_", "number", "object_")


def _is_numpy_str_or_object_array(x) -> bool:
    return np_str_obj_array_pattern.search(x.dtype.str) is not None


def default_convert(data):
    """Convert every NumPy array (and NumPy scalar) inside ``data`` into a tensor; leave the rest as it is.

    The collate function of a :class:`DataLoader` with ``batch_size=None``.  Tuples become lists, as in PyTorch.

    >>> default_convert({"x": 1, "y": (2, "a")})
    {'x': 1, 'y': [2, 'a']}
    """
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_", "bytes_"):
        if elem_type.__name__ == "ndarray" and _is_numpy_str_or_object_array(data):
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({key: default_convert(data[key]) for key in data})
                return clone
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(data):
                    clone[i] = default_convert(d)
                return clone
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def collate(batch, *, collate_fn_map: dict | None = None):
    """Collate ``batch`` (a list of samples), dispatching on the type of its first element.

    ``collate_fn_map`` maps a type (or tuple of types) to ``fn(batch, *, collate_fn_map)``; an exact type
    match wins, then the first key the element is an instance of, in insertion order.  Mappings, named tuples
    and sequences are collated field by field; anything else raises ``TypeError``.
    """
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)

    if isinstance(elem, collections.abc.Mapping):
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update({key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                              for key in elem})
                return clone
            return elem_type({key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                              for key in elem})
        except TypeError:
            return {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        elem_size = len(elem)
        if not all(len(e) == elem_size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, samples in enumerate(transposed):
                    clone[i] = collate(samples, collate_fn_map=collate_fn_map)
                return clone
            return elem_type([collate(samples, collate_fn_map=collate_fn_map) for samples in transposed])
        except TypeError:
            return [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    """Stack same-size tensors along a new first dimension (PyTorch's error names the sizes otherwise)."""
    if not isinstance(batch, list):
        batch = list(batch)
    return stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    elem = batch[0]
    if _is_numpy_str_or_object_array(elem):
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    first = type(batch[0])
    if all(type(b) is first for b in batch):
        # one dtype: keep it (a list of e.g. numpy int16 scalars stays int16, as in PyTorch)
        return as_tensor([b.item() for b in batch], dtype=as_tensor(batch[0]).dtype)
    return stack([as_tensor(b) for b in batch])  # mixed types promote like PyTorch's inference


def _number_vector(batch, code, dtype, types):
    """``tensor(batch, dtype=dtype)`` for a list of plain Python numbers, built through the stdlib ``array``
    module and ``frombuffer`` (an order of magnitude faster than scanning the list); None when ``batch``
    holds other types, does not fit ``code``, or the default backend does not live in host memory."""
    if not all(type(x) in types for x in batch) or not default_backend().spec.host_memory:
        return None
    try:
        packed = array.array(code, batch)
    except (TypeError, OverflowError):
        return None
    return frombuffer(packed, dtype=dtype)


def collate_float_fn(batch, *, collate_fn_map=None):
    out = _number_vector(batch, "d", D.float64, (float, int))
    return out if out is not None else tensor(batch, dtype=D.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    out = _number_vector(batch, "q", D.int64, (int,))  # bools (and mixed lists) take tensor()'s inference
    return out if out is not None else tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map: dict[type | tuple, Callable] = {
    Tensor: collate_tensor_fn,
    NumpyArray: collate_numpy_array_fn,
    NumpyScalar: collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Merge a list of samples into a batch, adding an outer batch dimension.

    Tensors are stacked; ``int``/``bool`` become an int64/bool tensor, ``float`` a float64 tensor; NumPy arrays
    and scalars become tensors; strings and bytes stay a list; mappings, named tuples and sequences are
    collated per key or position (a batch of tuples gives a list).

    >>> default_collate([{"x": ember.ones(2), "y": 1}, {"x": ember.zeros(2), "y": 0}])
    {'x': tensor([[1., 1.],
            [0., 0.]]), 'y': tensor([1, 0])}
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
