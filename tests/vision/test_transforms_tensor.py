"""ember.vision.transforms classes on tensor images (C×H×W and N×C×H×W, uint8 and float32) against
torchvision's tensor path, with parameters fixed (degenerate ranges, p=1).

Tolerances as in test_functional_tensor.py: exact for copies and integer arithmetic; float results within
1e-5; uint8 results that round a resampled float may be off by one on a few pixels, and nearest sampling
may pick the neighbouring pixel where a grid point falls on a pixel boundary.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import ember
import ember.vision.transforms as ET
import ember.vision.transforms.functional as EF

from ._transforms_common import import_torchvision

import_torchvision()
import torch  # noqa: E402
import torchvision.transforms as TT  # noqa: E402
import torchvision.transforms.functional as TF  # noqa: E402

TV = SimpleNamespace(T=TT, F=TF, lib=torch)
EM = SimpleNamespace(T=ET, F=EF, lib=ember)
SHAPES = [(3, 13, 17), (2, 3, 13, 17)]


def make(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 256, size=shape, dtype=np.uint8) if dtype == "uint8" else rng.random(shape, dtype=np.float32)
    return ember.tensor(a), torch.from_numpy(a.copy())


def assert_close(ours, theirs, exact=False, max_frac=0.02):
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_close(a, b, exact, max_frac)
        return
    assert isinstance(ours, ember.Tensor), type(ours)
    a, e = ours.contiguous().numpy(), theirs.contiguous().numpy()
    assert a.dtype == e.dtype and a.shape == e.shape, (a.dtype, e.dtype, a.shape, e.shape)
    if exact:
        np.testing.assert_array_equal(a, e)
    elif np.issubdtype(a.dtype, np.integer):
        diff = np.abs(a.astype(np.int64) - e.astype(np.int64))
        assert diff.max(initial=0) <= 1, f"max difference {diff.max()}"
        assert (diff > 0).mean() <= max_frac, f"{(diff > 0).mean():.2%} of values differ"
    else:
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-5)


def _nearest_alike(ours, theirs, max_frac=0.03):
    a, e = ours.contiguous().numpy().astype(np.float64), theirs.contiguous().numpy().astype(np.float64)
    assert a.shape == e.shape
    differ = ~np.isclose(a, e, rtol=1e-5, atol=1e-5)
    assert differ.mean() <= max_frac, f"{differ.mean():.2%} of values differ"


# name -> (transform factory, kind): kind is "exact", "close" or "nearest" (sampled on a float grid).
CASES = {
    "ConvertImageDtype": (lambda M: M.T.ConvertImageDtype(M.lib.float64), "close"),
    "Resize_bilinear": (lambda M: M.T.Resize(9), "close"),
    "Resize_bilinear_no_antialias": (lambda M: M.T.Resize([20, 11], antialias=False), "close"),
    "Resize_bicubic": (lambda M: M.T.Resize([7, 23], M.F.InterpolationMode.BICUBIC), "close"),
    "Resize_nearest": (lambda M: M.T.Resize([20, 11], M.F.InterpolationMode.NEAREST), "exact"),
    "Resize_nearest_exact": (lambda M: M.T.Resize(8, M.F.InterpolationMode.NEAREST_EXACT, max_size=12), "exact"),
    "CenterCrop": (lambda M: M.T.CenterCrop([7, 9]), "exact"),
    "CenterCrop_pad": (lambda M: M.T.CenterCrop(20), "exact"),
    "Pad_constant": (lambda M: M.T.Pad([1, 2, 3, 4], fill=7), "exact"),
    "Pad_edge": (lambda M: M.T.Pad([2, 3], padding_mode="edge"), "exact"),
    "Pad_reflect": (lambda M: M.T.Pad(3, padding_mode="reflect"), "exact"),
    "Pad_symmetric": (lambda M: M.T.Pad([4, 1, 0, 2], padding_mode="symmetric"), "exact"),
    "RandomCrop_full_padded": (lambda M: M.T.RandomCrop((17, 21), padding=2), "exact"),
    "FiveCrop": (lambda M: M.T.FiveCrop(6), "exact"),
    "TenCrop": (lambda M: M.T.TenCrop([5, 7], vertical_flip=True), "exact"),
    "RandomHorizontalFlip": (lambda M: M.T.RandomHorizontalFlip(1.0), "exact"),
    "RandomVerticalFlip": (lambda M: M.T.RandomVerticalFlip(1.0), "exact"),
    "RandomResizedCrop_full": (lambda M: M.T.RandomResizedCrop((9, 11), (1.0, 1.0), (17 / 13, 17 / 13)), "close"),
    "RandomRotation_nearest": (lambda M: M.T.RandomRotation((30, 30)), "nearest"),
    "RandomRotation_bilinear_expand": (
        lambda M: M.T.RandomRotation((-65, -65), M.F.InterpolationMode.BILINEAR, expand=True, fill=3), "close"),
    "RandomRotation_center": (lambda M: M.T.RandomRotation((90, 90), center=[4, 3], fill=(1, 2, 3)), "nearest"),
    "RandomAffine": (lambda M: M.T.RandomAffine((15, 15), scale=(0.8, 0.8), shear=(5, 5, -3, -3)), "nearest"),
    "RandomAffine_bilinear": (
        lambda M: M.T.RandomAffine((-20, -20), scale=(1.2, 1.2), interpolation=M.F.InterpolationMode.BILINEAR,
                                   fill=9, center=(2, 3)), "close"),
    "ColorJitter_brightness": (lambda M: M.T.ColorJitter(brightness=(1.4, 1.4)), "close"),
    "ColorJitter_contrast": (lambda M: M.T.ColorJitter(contrast=(0.6, 0.6)), "close"),
    "ColorJitter_saturation": (lambda M: M.T.ColorJitter(saturation=(1.7, 1.7)), "close"),
    "ColorJitter_hue": (lambda M: M.T.ColorJitter(hue=(-0.2, -0.2)), "close"),
    "Grayscale": (lambda M: M.T.Grayscale(), "close"),
    "Grayscale3": (lambda M: M.T.Grayscale(3), "close"),
    "RandomGrayscale": (lambda M: M.T.RandomGrayscale(1.0), "close"),
    "GaussianBlur": (lambda M: M.T.GaussianBlur(5, sigma=1.2), "close"),
    "RandomInvert": (lambda M: M.T.RandomInvert(1.0), "exact"),
    "RandomSolarize": (lambda M: M.T.RandomSolarize(0.5, 1.0), "exact"),
    "RandomAdjustSharpness": (lambda M: M.T.RandomAdjustSharpness(1.8, 1.0), "close"),
    "RandomAutocontrast": (lambda M: M.T.RandomAutocontrast(1.0), "close"),
    "Compose": (lambda M: M.T.Compose([M.T.CenterCrop(11), M.T.RandomHorizontalFlip(1.0),
                                       M.T.ConvertImageDtype(M.lib.float32)]), "close"),
}
UINT8_ONLY = {"RandomPosterize": (lambda M: M.T.RandomPosterize(3, 1.0), "exact"),
              "RandomEqualize": (lambda M: M.T.RandomEqualize(1.0), "exact"),
              "RandomSolarize": (lambda M: M.T.RandomSolarize(120, 1.0), "exact")}
FLOAT_ONLY = {"Normalize": (lambda M: M.T.Normalize([0.5, 0.4, 0.3], [0.2, 0.3, 0.4]), "close"),
              "ConvertImageDtype_uint8": (lambda M: M.T.ConvertImageDtype(M.lib.uint8), "exact")}


def _cases(dtype):
    cases = dict(CASES)
    cases.update(UINT8_ONLY if dtype == "uint8" else FLOAT_ONLY)
    return [(dtype, name) for name in sorted(cases)]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("dtype,name", _cases("uint8") + _cases("float32"))
def test_tensor_transforms_match_torchvision(dtype, name, shape):
    factory, kind = {**CASES, **(UINT8_ONLY if dtype == "uint8" else FLOAT_ONLY)}[name]
    e, t = make(shape, dtype)
    ours, theirs = factory(EM)(e), factory(TV)(t)
    if kind == "nearest":
        _nearest_alike(ours, theirs)
    else:
        assert_close(ours, theirs, exact=(kind == "exact"))
    assert e.numpy().tobytes() == t.numpy().tobytes()  # the input is left alone


def test_linear_transformation_matches_torchvision():
    rng = np.random.default_rng(0)
    m, v = rng.random((48, 48), dtype=np.float32), rng.random(48, dtype=np.float32)
    x = rng.random((2, 3, 4, 4), dtype=np.float32)
    ours = ET.LinearTransformation(ember.tensor(m), ember.tensor(v))(ember.tensor(x))
    theirs = TT.LinearTransformation(torch.from_numpy(m), torch.from_numpy(v))(torch.from_numpy(x))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_tensor_functionals_with_fixed_params_match_torchvision(dtype):
    e, t = make((2, 3, 13, 17), dtype, seed=4)
    start, end = [[0, 0], [16, 0], [16, 12], [0, 12]], [[2, 1], [15, 2], [14, 11], [1, 12]]
    for fn, kind in [
        (lambda M, x: M.F.perspective(x, start, end), "close"),
        (lambda M, x: M.F.resized_crop(x, 2, 3, 8, 9, [10, 6]), "close"),
        (lambda M, x: M.F.crop(x, -2, 10, 9, 9), "exact"),
        (lambda M, x: M.F.adjust_gamma(x, 0.8, 1.1), "close"),
        (lambda M, x: M.F.erase(x, 1, 2, 4, 5, M.lib.tensor([0.5])[:, None, None].to(x.dtype)), "exact"),
        (lambda M, x: M.F.get_dimensions(x) + M.F.get_image_size(x) + [M.F.get_image_num_channels(x)], None),
    ]:
        ours, theirs = fn(EM, e), fn(TV, t)
        if kind is None:
            assert ours == theirs
        else:
            assert_close(ours, theirs, exact=(kind == "exact"))


def test_pil_and_tensor_paths_agree_on_geometry():
    """The same flip/crop/pad on a PIL image and on its tensor give the same pixels."""
    from ._transforms_common import make_image
    img = make_image("RGB", (23, 17))
    x = EF.pil_to_tensor(img)
    for t in [ET.CenterCrop(9), ET.Pad([1, 2, 3, 4], padding_mode="reflect"), ET.RandomVerticalFlip(1.0),
              ET.FiveCrop(5), ET.TenCrop(4)]:
        a, b = t(img), t(x)
        for pa, tb in zip(a if isinstance(a, tuple) else [a], b if isinstance(b, tuple) else [b]):
            np.testing.assert_array_equal(EF.pil_to_tensor(pa).numpy(), tb.numpy())
