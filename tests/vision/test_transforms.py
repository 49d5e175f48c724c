"""ember.vision.transforms on PIL images against torchvision: identical pixels for identical parameters, the same
reprs, the same Module-ness, and the same exception types and messages for bad input."""
from __future__ import annotations

import re
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

import ember
import ember.vision.transforms as ET
import ember.vision.transforms.functional as EF

from ._transforms_common import import_torchvision, make_image

import_torchvision()
import torch  # noqa: E402
import torchvision.transforms as TT  # noqa: E402
import torchvision.transforms.functional as TF  # noqa: E402

TV = SimpleNamespace(T=TT, F=TF, lib=torch, name="torchvision")
EM = SimpleNamespace(T=ET, F=EF, lib=ember, name="ember")
SIZES = [(23, 17), (8, 31)]


def assert_same(ours, theirs):
    """PIL images: same mode, size, bytes (and palette); tensors: same dtype, shape, values; recursively."""
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, type(theirs)) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b)
    elif isinstance(theirs, Image.Image):
        assert isinstance(ours, Image.Image), type(ours)
        assert (ours.mode, ours.size) == (theirs.mode, theirs.size)
        assert ours.tobytes() == theirs.tobytes()
        if theirs.mode == "P":
            assert ours.getpalette() == theirs.getpalette()
    elif isinstance(theirs, torch.Tensor):
        assert isinstance(ours, ember.Tensor), type(ours)
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    else:
        assert ours == theirs


def run_both(fn):
    """``fn(M)`` for torchvision and ember; if torchvision raises, ember must raise the same type."""
    try:
        expected = fn(TV)
    except Exception as exc:  # noqa: BLE001 - any torchvision error is the expectation
        with pytest.raises(type(exc)):
            fn(EM)
        return None, None
    return fn(EM), expected


# ---- functionals on PIL images -------------------------------------------------------------------------------

CORNERS = [[0, 0], [22, 0], [22, 16], [0, 16]]
FUNCTIONAL_CASES = {
    "hflip": lambda M, im: M.F.hflip(im),
    "vflip": lambda M, im: M.F.vflip(im),
    "crop": lambda M, im: M.F.crop(im, 2, 3, 10, 12),
    "crop_outside": lambda M, im: M.F.crop(im, -3, -2, 40, 9),
    "center_crop": lambda M, im: M.F.center_crop(im, 9),
    "center_crop_pad": lambda M, im: M.F.center_crop(im, [30, 41]),
    "resized_crop": lambda M, im: M.F.resized_crop(im, 1, 2, 10, 6, [15, 9], M.F.InterpolationMode.BICUBIC),
    "pad_int": lambda M, im: M.F.pad(im, 3),
    "pad_2_fill": lambda M, im: M.F.pad(im, [1, 2], fill=200),
    "pad_4_fill_seq": lambda M, im: M.F.pad(im, (1, 2, 3, 4), fill=(7,) * len(im.getbands())),
    "pad_negative": lambda M, im: M.F.pad(im, [-2, 3, 4, -1]),
    "pad_edge": lambda M, im: M.F.pad(im, [3, 2, 5, 4], padding_mode="edge"),
    "pad_reflect": lambda M, im: M.F.pad(im, [3, 2, 5, 40], padding_mode="reflect"),
    "pad_symmetric": lambda M, im: M.F.pad(im, [30, 2, 5, 4], padding_mode="symmetric"),
    "pad_reflect_negative": lambda M, im: M.F.pad(im, [-2, 3, 4, -1], padding_mode="reflect"),
    "brightness": lambda M, im: M.F.adjust_brightness(im, 1.4),
    "contrast": lambda M, im: M.F.adjust_contrast(im, 0.6),
    "saturation": lambda M, im: M.F.adjust_saturation(im, 1.7),
    "hue_pos": lambda M, im: M.F.adjust_hue(im, 0.23),
    "hue_neg": lambda M, im: M.F.adjust_hue(im, -0.5),
    "gamma": lambda M, im: M.F.adjust_gamma(im, 0.7, 1.1),
    "rotate": lambda M, im: M.F.rotate(im, 33.0),
    "rotate_expand": lambda M, im: M.F.rotate(im, -100, M.F.InterpolationMode.BILINEAR, True, [4, 5], 9),
    "affine": lambda M, im: M.F.affine(im, 12.0, [2, -3], 1.2, [5.0, 3.0]),
    "affine_int_interp": lambda M, im: M.F.affine(im, 7, (1, 1), 0.9, 4, 2, fill=30, center=(3, 3)),
    "perspective": lambda M, im: M.F.perspective(im, CORNERS, [[2, 1], [20, 3], [21, 15], [1, 14]]),
    "perspective_nearest": lambda M, im: M.F.perspective(im, CORNERS, [[0, 3], [21, 0], [22, 12], [3, 16]],
                                                          M.F.InterpolationMode.NEAREST, fill=100),
    "invert": lambda M, im: M.F.invert(im),
    "posterize": lambda M, im: M.F.posterize(im, 3),
    "solarize": lambda M, im: M.F.solarize(im, 100),
    "sharpness": lambda M, im: M.F.adjust_sharpness(im, 2.5),
    "autocontrast": lambda M, im: M.F.autocontrast(im),
    "equalize": lambda M, im: M.F.equalize(im),
    "five_crop": lambda M, im: M.F.five_crop(im, 7),
    "ten_crop": lambda M, im: M.F.ten_crop(im, [5, 8], True),
    "rgb_to_grayscale": lambda M, im: M.F.rgb_to_grayscale(im, 3),
    "to_grayscale": lambda M, im: M.F.to_grayscale(im),
    "gaussian_blur": lambda M, im: M.F.gaussian_blur(im, [5, 3], [1.3, 0.6]),
    "to_tensor": lambda M, im: M.F.to_tensor(im),
    "pil_to_tensor": lambda M, im: M.F.pil_to_tensor(im),
    "get_dimensions": lambda M, im: (M.F.get_dimensions(im), M.F.get_image_size(im), M.F.get_image_num_channels(im)),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
@pytest.mark.parametrize("name", sorted(FUNCTIONAL_CASES))
def test_functional_pil_matches_torchvision(name, mode, size):
    img = make_image(mode, size)
    ours, theirs = run_both(lambda M: FUNCTIONAL_CASES[name](M, img.copy()))
    assert_same(ours, theirs)


GEOMETRY = ["hflip", "vflip", "crop", "crop_outside", "center_crop_pad", "pad_int", "pad_edge", "pad_reflect",
            "pad_symmetric", "rotate", "affine", "five_crop", "to_tensor", "pil_to_tensor", "get_dimensions"]


@pytest.mark.parametrize("mode", ["P", "1", "I", "F", "I;16", "LA", "CMYK", "HSV"])
@pytest.mark.parametrize("name", GEOMETRY)
def test_functional_other_modes_match_torchvision(name, mode):
    img = make_image("RGB", (13, 9)).convert(mode) if mode != "P" else make_image("P", (13, 9))
    ours, theirs = run_both(lambda M: FUNCTIONAL_CASES[name](M, img.copy()))
    if (name, mode) == ("pil_to_tensor", "I;16"):
        # torchvision gives uint16, which ember lacks: ember keeps the same values as int32.
        assert ours.dtype == ember.int32 and theirs.dtype == torch.uint16
        theirs = theirs.to(torch.int32)
    assert_same(ours, theirs)


def test_pil_to_tensor_16bit_keeps_values():
    img = Image.frombytes("I;16", (3, 2), bytes([0, 0, 1, 0, 255, 255, 0, 128, 2, 1, 7, 0]))
    out = EF.pil_to_tensor(img)
    assert out.shape == (1, 2, 3) and out.dtype == ember.int32
    assert out.flatten().tolist() == [0, 1, 65535, 32768, 258, 7]
    # to_tensor reads the same pixels as int16, as torchvision does.
    np.testing.assert_array_equal(EF.to_tensor(img).numpy(), TF.to_tensor(img).numpy())


INTERPOLATIONS = ["NEAREST", "NEAREST_EXACT", "BILINEAR", "BICUBIC", "BOX", "HAMMING", "LANCZOS", 0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("interpolation", INTERPOLATIONS, ids=str)
@pytest.mark.parametrize("size,max_size", [(11, None), ([7, 30], None), ([40], None), (9, 19)])
def test_resize_interpolations_match_torchvision(interpolation, size, max_size):
    img = make_image("RGB", (23, 17))

    def fn(M):
        interp = getattr(M.F.InterpolationMode, interpolation) if isinstance(interpolation, str) else interpolation
        return (M.F.resize(img, size, interp, max_size=max_size),
                M.T.Resize(size, interp, max_size=max_size)(img))

    assert_same(*run_both(fn))


def test_to_pil_image_matches_torchvision():
    rng = np.random.default_rng(0)
    arrays = [rng.integers(0, 256, (c, 5, 7), dtype=np.uint8) for c in (1, 2, 3, 4)]
    arrays += [rng.random((3, 5, 7), dtype=np.float32), rng.random((1, 5, 7), dtype=np.float32),
               rng.integers(-3000, 3000, (1, 5, 7), dtype=np.int16), rng.integers(-9, 99999, (5, 7), dtype=np.int32)]
    for a in arrays:
        channels = a.shape[0] if a.ndim == 3 else 1
        modes = [None] + {1: [], 2: ["LA"], 3: ["RGB", "YCbCr", "HSV"], 4: ["RGBA", "CMYK", "RGBX"]}[channels]
        if a.dtype == np.float32 and a.shape[0] == 1:
            modes.append("F")
        for mode in modes:
            theirs = TF.to_pil_image(torch.from_numpy(a.copy()), mode)
            assert_same(EF.to_pil_image(ember.tensor(a), mode), theirs)
            assert_same(ET.ToPILImage(mode)(ember.tensor(a)), theirs)
            hwc = np.ascontiguousarray(np.moveaxis(a, 0, -1)) if a.ndim == 3 else a
            assert_same(EF.to_pil_image(hwc, mode), TF.to_pil_image(hwc, mode))


def test_to_tensor_of_ndarray_matches_torchvision():
    rng = np.random.default_rng(1)
    for a in [rng.integers(0, 256, (5, 7, 3), dtype=np.uint8), rng.integers(0, 256, (5, 7), dtype=np.uint8),
              rng.random((5, 7, 2)).astype(np.float64), rng.integers(0, 9, (4, 3, 1), dtype=np.int32)]:
        assert_same(EF.to_tensor(a), TF.to_tensor(a))
        assert_same(ET.ToTensor()(a), TT.ToTensor()(a))


def test_roundtrip_pil_tensor_pil():
    for mode in ["L", "RGB", "RGBA", "LA", "I", "F"]:
        img = make_image("RGB", (9, 6)).convert(mode)
        back = EF.to_pil_image(EF.pil_to_tensor(img), mode=mode if mode in ("I", "F") else None)
        assert (back.mode, back.size, back.tobytes()) == (img.mode, img.size, img.tobytes())


# ---- transform classes on PIL images, parameters fixed -------------------------------------------------------

CLASS_CASES = {
    "Compose": lambda M, im: M.T.Compose([M.T.Resize(12), M.T.CenterCrop(10), M.T.PILToTensor()])(im),
    "ToTensor": lambda M, im: M.T.ToTensor()(im),
    "PILToTensor": lambda M, im: M.T.PILToTensor()(im),
    "ToTensor_Normalize_ConvertImageDtype": lambda M, im: M.T.Compose([
        M.T.PILToTensor(), M.T.ConvertImageDtype(M.lib.float32), M.T.Normalize([0.2] * 3, [0.7, 0.5, 0.3])])(im),
    "Resize": lambda M, im: M.T.Resize((9, 14), M.F.InterpolationMode.HAMMING)(im),
    "CenterCrop": lambda M, im: M.T.CenterCrop([20, 11])(im),
    "Pad": lambda M, im: M.T.Pad((2, 5), fill=(3, 4, 5), padding_mode="constant")(im),
    "Pad_symmetric": lambda M, im: M.T.Pad(4, padding_mode="symmetric")(im),
    "Lambda": lambda M, im: M.T.Lambda(lambda x: x.rotate(90))(im),
    "RandomApply_p1": lambda M, im: M.T.RandomApply([M.T.CenterCrop(5), M.T.Pad(1)], p=1.0)(im),
    "RandomApply_p0": lambda M, im: M.T.RandomApply([M.T.CenterCrop(5)], p=0.0)(im),
    "RandomCrop_full": lambda M, im: M.T.RandomCrop((17, 23))(im),
    "RandomCrop_padding": lambda M, im: M.T.RandomCrop((21, 27), padding=2, padding_mode="edge")(im),
    "RandomHorizontalFlip": lambda M, im: M.T.RandomHorizontalFlip(p=1.0)(im),
    "RandomVerticalFlip": lambda M, im: M.T.RandomVerticalFlip(p=1.0)(im),
    "RandomHorizontalFlip_p0": lambda M, im: M.T.RandomHorizontalFlip(p=0.0)(im),
    "RandomResizedCrop_full": lambda M, im: M.T.RandomResizedCrop((9, 13), (1.0, 1.0), (23 / 17, 23 / 17))(im),
    "FiveCrop": lambda M, im: M.T.FiveCrop((6, 9))(im),
    "TenCrop": lambda M, im: M.T.TenCrop(7)(im),
    "RandomRotation": lambda M, im: M.T.RandomRotation((33, 33), M.F.InterpolationMode.BILINEAR, True,
                                                        fill=(1, 2, 3))(im),
    "RandomRotation_center": lambda M, im: M.T.RandomRotation((-20, -20), center=(3, 4))(im),
    "RandomAffine": lambda M, im: M.T.RandomAffine((10, 10), scale=(1.3, 1.3), shear=(4, 4, -6, -6), fill=40)(im),
    "RandomPerspective_p0": lambda M, im: M.T.RandomPerspective(p=0.0)(im),
    "ColorJitter_brightness": lambda M, im: M.T.ColorJitter(brightness=(1.3, 1.3))(im),
    "ColorJitter_contrast": lambda M, im: M.T.ColorJitter(contrast=(0.5, 0.5))(im),
    "ColorJitter_saturation": lambda M, im: M.T.ColorJitter(saturation=(1.8, 1.8))(im),
    "ColorJitter_hue": lambda M, im: M.T.ColorJitter(hue=(0.15, 0.15))(im),
    "ColorJitter_identity": lambda M, im: M.T.ColorJitter()(im),
    "Grayscale": lambda M, im: M.T.Grayscale()(im),
    "Grayscale3": lambda M, im: M.T.Grayscale(num_output_channels=3)(im),
    "RandomGrayscale": lambda M, im: M.T.RandomGrayscale(p=1.0)(im),
    "GaussianBlur": lambda M, im: M.T.GaussianBlur((3, 5), sigma=0.9)(im),
    "RandomInvert": lambda M, im: M.T.RandomInvert(p=1.0)(im),
    "RandomPosterize": lambda M, im: M.T.RandomPosterize(2, p=1.0)(im),
    "RandomSolarize": lambda M, im: M.T.RandomSolarize(128, p=1.0)(im),
    "RandomAdjustSharpness": lambda M, im: M.T.RandomAdjustSharpness(0.2, p=1.0)(im),
    "RandomAutocontrast": lambda M, im: M.T.RandomAutocontrast(p=1.0)(im),
    "RandomEqualize": lambda M, im: M.T.RandomEqualize(p=1.0)(im),
    "RandomChoice_single": lambda M, im: M.T.RandomChoice([M.T.Grayscale()])(im),
    "RandomOrder_single": lambda M, im: M.T.RandomOrder([M.T.CenterCrop(5)])(im),
}


@pytest.mark.parametrize("mode", ["L", "RGB"])
@pytest.mark.parametrize("name", sorted(CLASS_CASES))
def test_transform_classes_pil_match_torchvision(name, mode):
    img = make_image(mode, (23, 17))
    ours, theirs = run_both(lambda M: CLASS_CASES[name](M, img.copy()))
    assert_same(ours, theirs)


def _params_then_functional(get_params, apply):
    """Draw parameters with ember's get_params, then apply them with each library's functional."""
    ember.manual_seed(3)
    params = get_params()
    return apply(EM, params), apply(TV, params)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_random_transforms_with_drawn_params_match_torchvision(size):
    img = make_image("RGB", size)
    w, h = size
    pairs = [
        _params_then_functional(lambda: ET.RandomCrop.get_params(img, (h // 2, w // 2)),
                                lambda M, p: M.F.crop(img, *p)),
        _params_then_functional(lambda: ET.RandomResizedCrop.get_params(img, [0.08, 1.0], [3 / 4, 4 / 3]),
                                lambda M, p: M.F.resized_crop(img, *p, [10, 12])),
        _params_then_functional(lambda: ET.RandomRotation.get_params([-90.0, 90.0]),
                                lambda M, p: M.F.rotate(img, p, M.F.InterpolationMode.BILINEAR)),
        _params_then_functional(lambda: ET.RandomAffine.get_params([-30.0, 30.0], [0.2, 0.3], [0.8, 1.2],
                                                                   [-10.0, 10.0, -5.0, 5.0], [w, h]),
                                lambda M, p: M.F.affine(img, *p)),
        _params_then_functional(lambda: ET.RandomPerspective.get_params(w, h, 0.6),
                                lambda M, p: M.F.perspective(img, *p)),
        _params_then_functional(lambda: ET.GaussianBlur.get_params(0.1, 2.0),
                                lambda M, p: M.F.gaussian_blur(img, 5, p)),
    ]
    for ours, theirs in pairs:
        assert_same(ours, theirs)


def test_perspective_coefficients_match_torchvision():
    ember.manual_seed(0)
    for _ in range(5):
        start, end = ET.RandomPerspective.get_params(31, 19, 0.7)
        assert EF._get_perspective_coeffs(start, end) == TF._get_perspective_coeffs(start, end)
    for args in [([1.0, 2.0], 30.0, [3.0, -4.0], 1.3, [10.0, -5.0]), ([0.0, 0.0], -47.5, [0.0, 0.0], 0.7, [0.0, 20.0])]:
        for inverted in (True, False):
            assert EF._get_inverse_affine_matrix(*args, inverted=inverted) == TF._get_inverse_affine_matrix(
                *args, inverted=inverted)


# ---- structure: reprs, Module-ness, nn.Sequential ------------------------------------------------------------

REPR_CASES = [
    lambda M: M.T.Compose([M.T.ToTensor(), M.T.Normalize((0.5,), (0.25,))]),
    lambda M: M.T.ToPILImage(), lambda M: M.T.ToPILImage("RGB"), lambda M: M.T.PILToTensor(),
    lambda M: M.T.ConvertImageDtype(M.lib.float64), lambda M: M.T.Resize([32, 24], max_size=None, antialias=False),
    lambda M: M.T.Resize(8, 3), lambda M: M.T.CenterCrop(5), lambda M: M.T.Pad([1, 2], 3, "reflect"),
    lambda M: M.T.Lambda(abs), lambda M: M.T.RandomApply([M.T.CenterCrop(3)], p=0.3),
    lambda M: M.T.RandomChoice([M.T.CenterCrop(3), M.T.Pad(1)]), lambda M: M.T.RandomOrder([M.T.Pad(1)]),
    lambda M: M.T.RandomCrop(7, padding=2), lambda M: M.T.RandomHorizontalFlip(), lambda M: M.T.RandomVerticalFlip(0.2),
    lambda M: M.T.RandomResizedCrop(9, scale=(0.1, 0.9)), lambda M: M.T.FiveCrop([3, 4]),
    lambda M: M.T.TenCrop(3, True),
    lambda M: M.T.LinearTransformation(M.lib.eye(2), M.lib.zeros(2)),
    lambda M: M.T.ColorJitter(0.1, (0.5, 1.5), 0.2, 0.1), lambda M: M.T.RandomRotation(20, expand=True, center=(1, 2)),
    lambda M: M.T.RandomAffine(10, (0.1, 0.2), (0.9, 1.1), 5, M.F.InterpolationMode.BILINEAR, 3, (1, 1)),
    lambda M: M.T.RandomAffine([-5, 5]), lambda M: M.T.Grayscale(3), lambda M: M.T.RandomGrayscale(),
    lambda M: M.T.RandomPerspective(0.3, 0.7), lambda M: M.T.RandomErasing(value="random"),
    lambda M: M.T.GaussianBlur(3), lambda M: M.T.GaussianBlur((3, 5), 1.5), lambda M: M.T.RandomInvert(),
    lambda M: M.T.RandomPosterize(4), lambda M: M.T.RandomSolarize(200, 0.1), lambda M: M.T.RandomAdjustSharpness(2),
    lambda M: M.T.RandomAutocontrast(), lambda M: M.T.RandomEqualize(0.3), lambda M: M.T.ElasticTransform(),
    lambda M: M.T.AutoAugment(M.T.AutoAugmentPolicy.CIFAR10), lambda M: M.T.RandAugment(3, 5),
    lambda M: M.T.TrivialAugmentWide(fill=[1.0]), lambda M: M.T.AugMix(severity=2),
]


@pytest.mark.parametrize("index", range(len(REPR_CASES)))
def test_repr_matches_torchvision(index):
    assert repr(REPR_CASES[index](EM)) == repr(REPR_CASES[index](TV))


def test_public_names_and_module_classes_match_torchvision():
    import torchvision.transforms.autoaugment as TA
    import torchvision.transforms.transforms as TTT
    theirs = set(TTT.__all__) | set(TA.__all__)
    assert sorted(theirs) == sorted(set(ET.transforms.__all__) | set(ET.autoaugment.__all__))
    assert theirs <= set(dir(ET))
    for name in ["functional", "transforms", "autoaugment", "InterpolationMode", "AutoAugmentPolicy"]:
        assert hasattr(ET, name)
    for name in dir(TT):
        obj = getattr(TT, name)
        if isinstance(obj, type) and obj.__module__.startswith("torchvision.transforms."):
            ours = getattr(ET, name)
            assert issubclass(ours, ember.nn.Module) == issubclass(obj, torch.nn.Module), name
    assert [m.value for m in EF.InterpolationMode] == [m.value for m in TF.InterpolationMode]
    assert {k.value: v for k, v in EF.pil_modes_mapping.items()} == {
        k.value: v for k, v in TF.pil_modes_mapping.items()}
    public = [n for n, o in vars(TF).items()
              if callable(o) and not n.startswith("_") and getattr(o, "__module__", "") == TF.__name__]
    assert sorted(n for n in public if not hasattr(EF, n)) == []


def test_transforms_compose_with_nn_sequential():
    x = ember.arange(2 * 3 * 10 * 12, dtype=ember.float32).reshape(2, 3, 10, 12) / 720.0
    seq = ember.nn.Sequential(ET.CenterCrop(8), ET.RandomHorizontalFlip(p=1.0), ET.Normalize([0.5] * 3, [0.2] * 3))
    tseq = torch.nn.Sequential(TT.CenterCrop(8), TT.RandomHorizontalFlip(p=1.0), TT.Normalize([0.5] * 3, [0.2] * 3))
    np.testing.assert_allclose(seq(x).numpy(), tseq(torch.from_numpy(x.numpy())).numpy(), rtol=1e-6, atol=1e-6)
    assert len(list(seq.children())) == 3 and list(seq.parameters()) == []


def test_compose_and_lambda_apply_in_order():
    calls = []
    t = ET.Compose([ET.Lambda(lambda x: calls.append("a") or x + 1), ET.Lambda(lambda x: calls.append("b") or x * 3)])
    assert t(2) == 9 and calls == ["a", "b"]


# ---- bad input: same exception types and messages as torchvision --------------------------------------------

IMG = make_image("RGB", (12, 10))

ERROR_CASES = {
    "hflip_list": lambda M: M.F.hflip([1, 2]),
    "vflip_ndarray": lambda M: M.F.vflip(np.zeros((4, 4, 3), np.uint8)),
    "crop_list": lambda M: M.T.CenterCrop(2)([[1, 2], [3, 4]]),
    "resize_ndarray": lambda M: M.T.Resize(3)(np.zeros((4, 4, 3), np.uint8)),
    "to_tensor_list": lambda M: M.F.to_tensor([1]),
    "to_tensor_4d": lambda M: M.F.to_tensor(np.zeros((1, 2, 2, 3), np.uint8)),
    "pil_to_tensor_ndarray": lambda M: M.T.PILToTensor()(np.zeros((2, 2, 3), np.uint8)),
    "to_pil_list": lambda M: M.F.to_pil_image([1]),
    "to_pil_4d": lambda M: M.F.to_pil_image(M.lib.zeros(1, 3, 2, 2)),
    "to_pil_5ch": lambda M: M.F.to_pil_image(M.lib.zeros(5, 2, 2)),
    "to_pil_badmode": lambda M: M.F.to_pil_image(M.lib.zeros(3, 2, 2), mode="L"),
    "to_pil_mode_mismatch": lambda M: M.F.to_pil_image(M.lib.zeros(1, 2, 2, dtype=M.lib.uint8), mode="F"),
    "to_pil_int64": lambda M: M.F.to_pil_image(M.lib.zeros(1, 2, 2, dtype=M.lib.int64)),
    "normalize_pil": lambda M: M.T.Normalize([0.5], [0.5])(IMG),
    "normalize_list": lambda M: M.F.normalize([1.0], [0.5], [0.5]),
    "convert_dtype_pil": lambda M: M.T.ConvertImageDtype(M.lib.float32)(IMG),
    "erase_pil": lambda M: M.F.erase(IMG, 0, 0, 1, 1, M.lib.zeros(1)),
    "resize_float": lambda M: M.T.Resize(1.5),
    "resize_3seq": lambda M: M.T.Resize([1, 2, 3]),
    "resize_f_3seq": lambda M: M.F.resize(IMG, [1, 2, 3]),
    "resize_max_size_seq": lambda M: M.F.resize(IMG, [4, 5], max_size=10),
    "resize_max_size_small": lambda M: M.F.resize(IMG, 8, max_size=8),
    "resize_interp_str": lambda M: M.F.resize(IMG, 8, "bilinear"),
    "center_crop_3": lambda M: M.T.CenterCrop([1, 2, 3]),
    "pad_mode": lambda M: M.T.Pad(2, padding_mode="wrap"),
    "pad_padding": lambda M: M.T.Pad("x"),
    "pad_fill": lambda M: M.T.Pad(2, fill="x"),
    "pad_len3": lambda M: M.T.Pad([1, 2, 3]),
    "pad_f_len3": lambda M: M.F.pad(IMG, [1, 2, 3]),
    "pad_f_mode": lambda M: M.F.pad(IMG, 1, padding_mode="wrap"),
    "pad_fill_channels": lambda M: M.F.pad(IMG, 1, fill=(1, 2)),
    "jitter_negative": lambda M: M.T.ColorJitter(brightness=-1),
    "jitter_hue_range": lambda M: M.T.ColorJitter(hue=0.7),
    "jitter_type": lambda M: M.T.ColorJitter(contrast="a"),
    "jitter_order": lambda M: M.T.ColorJitter(saturation=(2, 1)),
    "rotation_negative": lambda M: M.T.RandomRotation(-5),
    "rotation_len3": lambda M: M.T.RandomRotation([1, 2, 3]),
    "rotation_center": lambda M: M.T.RandomRotation(5, center=3),
    "rotation_fill": lambda M: M.T.RandomRotation(5, fill={1: 2}),
    "affine_translate": lambda M: M.T.RandomAffine(0, translate=(2, 0)),
    "affine_scale": lambda M: M.T.RandomAffine(0, scale=(0, 1)),
    "affine_shear3": lambda M: M.T.RandomAffine(0, shear=(1, 2, 3)),
    "perspective_fill": lambda M: M.T.RandomPerspective(fill={1: 2}),
    "erasing_p": lambda M: M.T.RandomErasing(p=2),
    "erasing_value": lambda M: M.T.RandomErasing(value="x"),
    "erasing_value_type": lambda M: M.T.RandomErasing(value=None),
    "erasing_scale": lambda M: M.T.RandomErasing(scale=(0.5, 2)),
    "erasing_channels": lambda M: M.T.RandomErasing(p=1.0, value=(1, 2))(M.lib.zeros(3, 8, 8)),
    "blur_even": lambda M: M.T.GaussianBlur(4),
    "blur_sigma": lambda M: M.T.GaussianBlur(3, sigma=-1),
    "blur_sigma_order": lambda M: M.T.GaussianBlur(3, sigma=(2, 1)),
    "blur_sigma_len": lambda M: M.T.GaussianBlur(3, sigma=(1, 2, 3)),
    "blur_f_even": lambda M: M.F.gaussian_blur(IMG, 4),
    "blur_f_type": lambda M: M.F.gaussian_blur(IMG, 3.0),
    "blur_f_list": lambda M: M.F.gaussian_blur([1], 3),
    "blur_f_sigma": lambda M: M.F.gaussian_blur(IMG, 3, 0),
    "posterize_bits": lambda M: M.F.posterize(IMG, 9),
    "hue_range": lambda M: M.F.adjust_hue(IMG, 0.7),
    "gamma_negative": lambda M: M.F.adjust_gamma(IMG, -1),
    "rotate_angle": lambda M: M.F.rotate(IMG, "x"),
    "rotate_center": lambda M: M.F.rotate(IMG, 3, center=4),
    "affine_translate_len": lambda M: M.F.affine(IMG, 0, [1, 2, 3], 1, 0),
    "affine_translate_type": lambda M: M.F.affine(IMG, 0, 1, 1, 0),
    "affine_scale0": lambda M: M.F.affine(IMG, 0, [1, 2], 0, 0),
    "affine_shear_len": lambda M: M.F.affine(IMG, 0, [1, 2], 1, [1, 2, 3]),
    "affine_shear_type": lambda M: M.F.affine(IMG, 0, [1, 2], 1, "x"),
    "perspective_points": lambda M: M.F.perspective(IMG, [[0, 0]], [[0, 0]]),
    "lambda_not_callable": lambda M: M.T.Lambda(3),
    "choice_p": lambda M: M.T.RandomChoice([M.T.ToTensor()], p=3),
    "order_type": lambda M: M.T.RandomOrder(3),
    "brightness_mode_I": lambda M: M.F.adjust_brightness(make_image("I"), 1.5),
    "posterize_mode_RGBA": lambda M: M.F.posterize(make_image("RGBA"), 3),
    "invert_mode_RGBA": lambda M: M.F.invert(make_image("RGBA")),
    "grayscale_channels": lambda M: M.F.rgb_to_grayscale(IMG, 2),
    "to_grayscale_tensor": lambda M: M.F.to_grayscale(M.lib.zeros(3, 2, 2)),
    "five_crop_big": lambda M: M.F.five_crop(IMG, 20),
    "five_crop_3": lambda M: M.F.five_crop(IMG, [1, 2, 3]),
    "random_crop_big": lambda M: M.T.RandomCrop(20)(IMG),
    "rrc_scale": lambda M: M.T.RandomResizedCrop(8, scale=3),
    "rrc_ratio": lambda M: M.T.RandomResizedCrop(8, ratio=3),
    "linear_nonsquare": lambda M: M.T.LinearTransformation(M.lib.zeros(2, 3), M.lib.zeros(2)),
    "linear_mean": lambda M: M.T.LinearTransformation(M.lib.zeros(3, 3), M.lib.zeros(2)),
    "linear_dtype": lambda M: M.T.LinearTransformation(M.lib.zeros(3, 3), M.lib.zeros(3, dtype=M.lib.float64)),
    "linear_shape": lambda M: M.T.LinearTransformation(M.lib.zeros(3, 3), M.lib.zeros(3))(M.lib.zeros(1, 2, 2)),
    "elastic_alpha": lambda M: M.T.ElasticTransform(alpha=1),
    "elastic_sigma": lambda M: M.T.ElasticTransform(sigma=[1.0]),
    "elastic_fill": lambda M: M.T.ElasticTransform(fill="x"),
    "elastic_displacement": lambda M: M.F.elastic_transform(IMG, M.lib.zeros(1, 2, 2, 2)),
    "augmix_severity": lambda M: M.T.AugMix(severity=11),
    "autoaugment_policy": lambda M: M.T.AutoAugment(policy="x"),
    "get_dimensions_list": lambda M: M.F.get_dimensions([1]),
    "get_image_size_list": lambda M: M.F.get_image_size([1]),
    "num_channels_str": lambda M: M.F.get_image_num_channels("x"),
    "interpolation_int": lambda M: M.F.resize(IMG, 8, 7),
    "tensor_grayscale_4ch": lambda M: M.T.Grayscale()(M.lib.zeros(4, 4, 4)),
    "tensor_hue_4ch": lambda M: M.T.ColorJitter(hue=0.2)(M.lib.zeros(4, 4, 4)),
    "tensor_posterize_float": lambda M: M.T.RandomPosterize(2, p=1.0)(M.lib.zeros(3, 4, 4)),
    "tensor_equalize_float": lambda M: M.T.RandomEqualize(p=1.0)(M.lib.zeros(3, 4, 4)),
    "tensor_normalize_uint8": lambda M: M.T.Normalize([0.5], [0.5])(M.lib.zeros(1, 4, 4, dtype=M.lib.uint8)),
    "tensor_normalize_zero_std": lambda M: M.T.Normalize([0.5], [0.0])(M.lib.zeros(1, 4, 4)),
    "tensor_normalize_2d": lambda M: M.T.Normalize([0.5], [0.5])(M.lib.zeros(4, 4)),
    "tensor_resize_1d": lambda M: M.T.Resize(3)(M.lib.zeros(4)),
    "tensor_rotate_lanczos": lambda M: M.F.rotate(M.lib.zeros(1, 4, 4), 3.0, M.F.InterpolationMode.LANCZOS),
    "tensor_to_grayscale": lambda M: M.F.to_grayscale(M.lib.zeros(3, 4, 4)),
    "tensor_convert_float_to_int64": lambda M: M.T.ConvertImageDtype(M.lib.int64)(M.lib.zeros(1, 2, 2)),
    "tensor_pad_fill_seq": lambda M: M.T.Pad(1, fill=(1, 2, 3))(M.lib.zeros(3, 4, 4)),
}


def _normalized(message: str) -> str:
    message = re.sub(r"\b(torch|ember)\.", "LIB.", message)
    return re.sub(r"<class 'numpy\.dtype'>", "uint8", message)  # torchvision prints np.dtype, not the dtype


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_bad_input_raises_like_torchvision(name):
    fn = ERROR_CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            fn(TV)
        with pytest.raises(theirs.type) as ours:
            fn(EM)
    assert _normalized(str(ours.value)) == _normalized(str(theirs.value))


def test_error_messages_name_the_argument():
    with pytest.raises(TypeError, match=r"img should be PIL Image\. Got <class 'list'>"):
        ET.RandomHorizontalFlip(p=1.0)([1, 2])
    with pytest.raises(ValueError, match="brightness values should be between"):
        ET.ColorJitter(brightness=(2, 1))
    with pytest.raises(ValueError, match=r"Required crop size \(20, 20\) is larger than input image size \(10, 12\)"):
        ET.RandomCrop(20)(IMG)
    with pytest.raises(TypeError, match="Input type int64 is not supported"):
        EF.to_pil_image(ember.zeros(1, 2, 2, dtype=ember.int64))


def test_pil_resize_antialias_false_warns_like_torchvision():
    with pytest.warns(UserWarning, match="Anti-alias option is always applied for PIL Image input"):
        EF.resize(IMG, 5, antialias=False)
    with pytest.warns(UserWarning, match="Scale and ratio should be of kind"):
        ET.RandomResizedCrop(5, scale=(0.9, 0.1))
