"""Tensor printing: PyTorch's layout rules (expected strings are what torch 2.13 prints, with ``ember.``)."""
import math

import pytest

import ember


@pytest.fixture(autouse=True)
def _default_printoptions():
    ember.set_printoptions(profile="default")
    yield
    ember.set_printoptions(profile="default")


def f32(values):
    return ember.tensor(values, dtype=ember.float32)


def test_fixed_point_precision_4_and_wrapping_at_80_columns():
    t = ember.arange(30, dtype=ember.float32) * 1.5
    assert repr(t) == (
        "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
        "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n"
        "        24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,\n"
        "        36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000])")


def test_integer_valued_floats_print_with_a_trailing_dot_and_nested_blank_lines():
    t = ember.arange(24, dtype=ember.float32).reshape(2, 3, 4)
    assert repr(t) == (
        "tensor([[[ 0.,  1.,  2.,  3.],\n"
        "         [ 4.,  5.,  6.,  7.],\n"
        "         [ 8.,  9., 10., 11.]],\n"
        "\n"
        "        [[12., 13., 14., 15.],\n"
        "         [16., 17., 18., 19.],\n"
        "         [20., 21., 22., 23.]]])")


def test_scientific_mode_when_range_is_wide_or_values_tiny():
    assert repr(f32([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"
    assert repr(f32([1.0, 1001.0])) == "tensor([1.0000e+00, 1.0010e+03])"
    assert repr(f32([1.0, 1000.0])) == "tensor([   1., 1000.])"
    assert repr(f32([1e9])) == "tensor([1.0000e+09])"


def test_nan_inf_and_negative_zero():
    assert repr(f32([1.0, math.nan, math.inf])) == "tensor([1., nan, inf])"
    assert repr(f32([0.5, -0.0])) == "tensor([0.5000, -0.0000])"
    assert repr(f32([-0.0])) == "tensor([-0.])"
    assert repr(f32([math.nan, -math.inf])) == "tensor([nan, -inf])"


def test_zero_dim():
    assert repr(ember.tensor(3.5)) == "tensor(3.5000)"
    assert repr(ember.tensor(3)) == "tensor(3)"
    assert repr(ember.tensor(True)) == "tensor(True)"


def test_summarisation_past_threshold():
    assert repr(ember.arange(2000)) == "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"
    t = (ember.arange(2000, dtype=ember.float32) + 1000).reshape(40, 50)
    assert repr(t) == (
        "tensor([[1000., 1001., 1002.,  ..., 1047., 1048., 1049.],\n"
        "        [1050., 1051., 1052.,  ..., 1097., 1098., 1099.],\n"
        "        [1100., 1101., 1102.,  ..., 1147., 1148., 1149.],\n"
        "        ...,\n"
        "        [2850., 2851., 2852.,  ..., 2897., 2898., 2899.],\n"
        "        [2900., 2901., 2902.,  ..., 2947., 2948., 2949.],\n"
        "        [2950., 2951., 2952.,  ..., 2997., 2998., 2999.]])")


def test_dtype_suffix_only_for_non_default_dtypes():
    assert repr(ember.tensor([1, 2], dtype=ember.int32)) == "tensor([1, 2], dtype=ember.int32)"
    assert repr(ember.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(ember.tensor([1.0, 2.0], dtype=ember.float16)) == "tensor([1., 2.], dtype=ember.float16)"
    assert repr(ember.tensor([1.0], dtype=ember.bfloat16)) == "tensor([1.], dtype=ember.bfloat16)"
    assert repr(ember.tensor([True, False])) == "tensor([ True, False])"
    assert repr(ember.tensor([2 ** 40, -3])) == "tensor([1099511627776,            -3])"


def test_empty_tensors():
    assert repr(ember.tensor([])) == "tensor([])"
    assert repr(ember.zeros(0, 3)) == "tensor([], size=(0, 3))"
    assert repr(ember.zeros(0, dtype=ember.int64)) == "tensor([], dtype=ember.int64)"
    assert repr(ember.zeros(2, 0, dtype=ember.bool)) == "tensor([], size=(2, 0), dtype=ember.bool)"


def test_autograd_suffixes():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr((x * 2).sum()) == "tensor(6., grad_fn=<SumBackward0>)"
    y = ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True)
    assert repr(y * 2) == "tensor([2., 4.], dtype=ember.float64, grad_fn=<MulBackward0>)"
    with ember.no_grad():
        assert repr(x * 2) == "tensor([2., 4.])"


def test_str_equals_repr_and_format_of_zero_dim():
    t = f32([[1.5, 2.0], [3.0, 4.0]])
    assert str(t) == repr(t)
    assert f"{ember.tensor(2.5):.2f}" == "2.50"


def test_transposed_views_print_their_logical_layout():
    t = ember.arange(12, dtype=ember.float32).reshape(3, 4).permute(1, 0)
    assert repr(t) == ("tensor([[ 0.,  4.,  8.],\n        [ 1.,  5.,  9.],\n        [ 2.,  6., 10.],\n"
                       "        [ 3.,  7., 11.]])")


def test_set_printoptions():
    ember.set_printoptions(precision=2)
    assert repr(f32([1.12345, 2.0])) == "tensor([1.12, 2.00])"
    ember.set_printoptions(profile="default", threshold=5)
    assert repr(ember.arange(10)) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    ember.set_printoptions(profile="default", sci_mode=True)
    assert repr(f32([1.5, 2.0])) == "tensor([1.5000e+00, 2.0000e+00])"
    ember.set_printoptions(profile="default", linewidth=20)
    assert repr(f32([0.5, 1.5, 2.5])) == "tensor([0.5000,\n        1.5000,\n        2.5000])"
    ember.set_printoptions(profile="default", edgeitems=0, threshold=3)
    assert repr(ember.arange(10)) == "tensor([...], size=(10,))"
    ember.set_printoptions(profile="full")
    assert "..." not in repr(ember.arange(2000))
    ember.set_printoptions(profile="default")
    assert repr(f32([1.12345])) == "tensor([1.1235])"


def test_printoptions_context_manager_restores():
    from ember._print import get_printoptions, printoptions
    before = get_printoptions()
    with printoptions(precision=1):
        assert repr(f32([1.26])) == "tensor([1.3])"
    assert get_printoptions() == before


def test_subclass_prefix_uses_class_name():
    class MyTensor(ember.Tensor):
        pass

    t = MyTensor([1.0, 2.0])
    assert repr(t) == "MyTensor([1., 2.])"
