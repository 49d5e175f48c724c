"""default_collate / default_convert equal PyTorch's on the same nested batches (values, dtypes, shapes, types)."""
from __future__ import annotations

import collections
from types import MappingProxyType

import ember
import ember.utils.data as eud
import numpy as np
import pytest
import torch
import torch.utils.data as tud

from tests.data._compare import assert_same

Point = collections.namedtuple("Point", ["x", "y"])


def batches(fw):
    """name -> batch, built with framework ``fw`` (identical numbers for ember and torch)."""
    t = fw.tensor
    return {
        "ints": [0, 1, 2, 3],
        "big_ints": [1, -(2 ** 62), 2 ** 63 - 1],
        "int_then_bool": [1, True, 0],
        "floats": [1.5, 2.0, -3.25],
        "float_then_int": [1.5, 2],
        "float_then_bool": [0.5, True],
        "bools": [True, False, True],
        "strings": ["a", "bb", "c"],
        "bytes": [b"x", b"y"],
        "tensors_f32": [t([1.0, 2.0]), t([3.0, 4.0])],
        "tensors_i64_2d": [t([[1, 2], [3, 4]]), t([[5, 6], [7, 8]])],
        "tensors_0d": [t(1.5), t(2.5)],
        "tensors_promote": [t([1, 2], dtype=fw.int32), t([1.0, 2.0])],
        "tuples": [(t([1.0]), 1, "a"), (t([2.0]), 2, "b")],
        "lists": [[1, 2.0], [3, 4.0]],
        "dicts": [{"img": t([1.0, 2.0]), "label": 0, "meta": {"name": "a", "w": 0.5}},
                  {"img": t([3.0, 4.0]), "label": 1, "meta": {"name": "b", "w": 1.5}}],
        "ordered_dict": [collections.OrderedDict(b=1, a=2.0), collections.OrderedDict(b=3, a=4.0)],
        "mapping_proxy": [MappingProxyType({"k": 1}), MappingProxyType({"k": 2})],
        "namedtuple": [Point(1, t([0.0, 1.0])), Point(2, t([2.0, 3.0]))],
        "nested": [([1, (2.0, "s")], {"x": [t([1]), 5]}), ([3, (4.0, "t")], {"x": [t([2]), 6]})],
        "np_f32": [np.array([1, 2], dtype=np.float32), np.array([3, 4], dtype=np.float32)],
        "np_u8_image": [np.arange(12, dtype=np.uint8).reshape(2, 2, 3), np.ones((2, 2, 3), dtype=np.uint8)],
        "np_i64_0d": [np.array(3), np.array(4)],
        "np_scalar_f64": [np.float64(1.5), np.float64(2.5)],
        "np_scalar_f32": [np.float32(1.5), np.float32(2.5)],
        "np_scalar_i16": [np.int16(1), np.int16(-2)],
        "np_scalar_mixed": [np.int16(1), np.float32(2.5)],
        "np_bool": [np.bool_(True), np.bool_(False)],
        "np_str": [np.str_("a"), np.str_("b")],
        "np_in_tuple": [(np.array([1.0]), 0), (np.array([2.0]), 1)],
    }


NAMES = list(batches(torch))


@pytest.mark.parametrize("name", NAMES)
def test_default_collate_matches_torch(name):
    assert_same(eud.default_collate(batches(ember)[name]), tud.default_collate(batches(torch)[name]))


@pytest.mark.parametrize("name", NAMES)
def test_default_convert_matches_torch(name):
    e = [eud.default_convert(s) for s in batches(ember)[name]]
    t = [tud.default_convert(s) for s in batches(torch)[name]]
    assert_same(e, t)


def test_default_convert_leaves_string_arrays():
    for conv in (eud.default_convert, tud.default_convert):
        arr = np.array(["a", "b"])
        assert conv(arr) is arr


@pytest.mark.parametrize("batch, exc, match", [
    ("unequal_tensors", RuntimeError,
     r"stack expects each tensor to be equal size, but got \[2\] at entry 0 and \[3\] at entry 1"),
    ("unequal_lists", RuntimeError, "each element in list of batch should be of equal size"),
    ("objects", TypeError, "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                           "found <class 'object'>"),
    ("np_object", TypeError, "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                             "lists; found object"),
    ("np_strings", TypeError, "found <U1"),
    ("none", TypeError, "found <class 'NoneType'>"),
])
def test_collate_errors_match_torch(batch, exc, match):
    def make(fw):
        return {"unequal_tensors": [fw.zeros(2), fw.zeros(3)],
                "unequal_lists": [[1, 2], [1]],
                "objects": [object(), object()],
                "np_object": [np.array([object()]), np.array([object()])],
                "np_strings": [np.array(["a"]), np.array(["b"])],
                "none": [None, None]}[batch]
    for collate, fw in ((eud.default_collate, ember), (tud.default_collate, torch)):
        with pytest.raises(exc, match=match):
            collate(make(fw))


def test_collate_error_names_sizes_inside_nested_structure():
    batch = [{"img": ember.zeros(3, 4), "y": 0}, {"img": ember.zeros(3, 5), "y": 1}]
    with pytest.raises(RuntimeError, match=r"got \[3, 4\] at entry 0 and \[3, 5\] at entry 1"):
        eud.default_collate(batch)
