"""ember.vision.transforms._functional_tensor against torchvision's ``_functional_tensor`` on the same data.

Every kernel runs on uint8 and float32 images, 3-D (C×H×W) and 4-D (N×C×H×W), of odd sizes. Results
must be equal where torchvision's are exact (copies, integer arithmetic, nearest sampling on exact
grids). Elsewhere the two compute the same float32 formula through different kernels (numpy vs ATen
reduction orders, BLAS, libm): float results agree to ~1e-5, and a uint8 result, which truncates or
rounds that float, may be off by one on the few pixels whose value lies within rounding of a step.
"""
from __future__ import annotations

import importlib.util
import math
import os

import ember
import numpy as np
import pytest
import torch
from ember.vision.transforms import _functional_tensor as F_t


def _load_torchvision_functional_tensor():
    # torchvision's _functional_tensor.py imports only torch; loading the file by path keeps the oracle
    # usable even where torchvision's compiled extension does not load against the installed torch
    # (``import torchvision`` then fails in its op registrations, before reaching the transforms).
    root = importlib.util.find_spec("torchvision").submodule_search_locations[0]
    path = os.path.join(root, "transforms", "_functional_tensor.py")
    spec = importlib.util.spec_from_file_location("_torchvision_functional_tensor", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TV = _load_torchvision_functional_tensor()
SHAPES = [(3, 13, 17), (2, 3, 13, 17)]
DTYPES = ["uint8", "float32"]


def make(shape, dtype="uint8", seed=0):
    """The same random image as an (ember, torch) pair."""
    rng = np.random.default_rng(seed)
    if dtype in ("uint8", "int8", "int16", "int32", "int64"):
        info = np.iinfo(dtype)
        a = rng.integers(max(info.min, 0), int(info.max) + 1, size=shape, dtype=dtype)
    else:
        a = rng.random(shape).astype(dtype)
    return ember.as_tensor(a.copy()), torch.from_numpy(a.copy())


def ember_dtype(name):
    return getattr(ember, name)


def torch_dtype(name):
    return getattr(torch, name)


def to_np(t):
    return t.detach().contiguous().numpy() if isinstance(t, torch.Tensor) else t.contiguous().numpy()


def assert_equal(actual, expected):
    a, e = to_np(actual), to_np(expected)
    assert a.dtype == e.dtype, (a.dtype, e.dtype)
    assert a.shape == e.shape, (a.shape, e.shape)
    np.testing.assert_array_equal(a, e)


def assert_close(actual, expected, atol=1e-5, max_frac=0.01):
    """Floats within ``atol``; integers off by at most one on at most ``max_frac`` of the values."""
    a, e = to_np(actual), to_np(expected)
    assert a.dtype == e.dtype, (a.dtype, e.dtype)
    assert a.shape == e.shape, (a.shape, e.shape)
    if np.issubdtype(a.dtype, np.integer):
        diff = np.abs(a.astype(np.int64) - e.astype(np.int64))
        assert diff.max(initial=0) <= 1, f"max difference {diff.max()}"
        assert (diff > 0).mean() <= max_frac, f"{(diff > 0).mean():.3%} of values differ"
    else:
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=atol)


def assert_sampled_alike(actual, expected, interpolation, max_frac=0.01):
    """Grid-sampled results: bilinear as ``assert_close``; nearest equal except on ``max_frac`` of pixels.

    The sampling grid is a float32 matmul; a point mathematically on a pixel midpoint or on the image
    border (e.g. -1.0 vs -1.0000001) may select the neighbouring pixel, or zero, in one implementation.
    """
    if interpolation != "nearest":
        assert_close(actual, expected, max_frac=max_frac)
        return
    a, e = to_np(actual), to_np(expected)
    assert a.dtype == e.dtype and a.shape == e.shape, (a.dtype, e.dtype, a.shape, e.shape)
    differ = ~np.isclose(a.astype(np.float64), e.astype(np.float64), rtol=1e-5, atol=1e-5)
    assert differ.mean() <= max_frac, f"{differ.mean():.3%} of values differ"


def assert_rounded_alike(actual, expected, expected_float):
    """``expected`` is ``round(expected_float)`` cast to uint8; ``actual`` may differ only on ties.

    A resampled value can be an exact ``k + 0.5`` (e.g. weights 0.25 / 0.75 on integers); which way it
    rounds then depends on the last bit of each implementation's float32 weights.
    """
    a, e, f = to_np(actual), to_np(expected), to_np(expected_float)
    assert a.dtype == e.dtype and a.shape == e.shape, (a.dtype, e.dtype, a.shape, e.shape)
    diff = np.abs(a.astype(np.int64) - e.astype(np.int64))
    assert diff.max(initial=0) <= 1, f"max difference {diff.max()}"
    off_tie = np.abs(f - np.floor(f) - 0.5) > 1e-3
    assert not (diff > 0)[off_tie].any(), f"values differ away from a .5 tie: {f[(diff > 0) & off_tie][:5]}"


# --- sizes and checks --------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(13, 17), (1, 13, 17), (3, 13, 17), (2, 3, 13, 17), (2, 2, 4, 13, 17)])
def test_dimensions(shape):
    e, t = make(shape)
    assert F_t.get_dimensions(e) == TV.get_dimensions(t)
    assert F_t.get_image_size(e) == TV.get_image_size(t)
    assert F_t.get_image_num_channels(e) == TV.get_image_num_channels(t)
    assert F_t._is_tensor_a_torch_image(e)


@pytest.mark.parametrize("name,args", [
    ("vflip", ()), ("hflip", ()), ("crop", (-1, 2, 5, 20)), ("pad", ([1, 2, 3, 4], 9)),
    ("rgb_to_grayscale", (3,)), ("adjust_brightness", (1.4,)), ("adjust_contrast", (0.6,)),
    ("adjust_saturation", (1.8,)), ("adjust_hue", (0.3,)), ("adjust_gamma", (1.7,)), ("invert", ()),
    ("posterize", (3,)), ("solarize", (100,)), ("autocontrast", ()),
])
def test_leading_batch_dims(name, args):
    # Pixel-wise and per-image ops accept any number of leading dims (..., C, H, W), as torchvision's.
    e, t = make((2, 2, 3, 5, 7), seed=4)
    assert_close(getattr(F_t, name)(e, *args), getattr(TV, name)(t, *args))


@pytest.mark.parametrize("fn", [F_t.get_dimensions, F_t.get_image_size, F_t.get_image_num_channels,
                                F_t.vflip, F_t.hflip])
def test_not_an_image(fn):
    with pytest.raises(TypeError, match="not a torch image"):
        fn(ember.zeros(5))


# --- dtype conversion --------------------------------------------------------------------------------

@pytest.mark.parametrize("src,dst", [
    ("uint8", "float32"), ("uint8", "float64"), ("float32", "uint8"), ("float64", "uint8"),
    ("float32", "int16"), ("float64", "int32"), ("float32", "float64"), ("uint8", "int32"),
    ("int32", "uint8"), ("int16", "int8"), ("int8", "int64"), ("uint8", "uint8"),
])
def test_convert_image_dtype(src, dst):
    e, t = make((3, 13, 17), src)
    out = F_t.convert_image_dtype(e, ember_dtype(dst))
    assert_equal(out, TV.convert_image_dtype(t, torch_dtype(dst)))


def test_convert_image_dtype_float_edges():
    # 1.0 is the only value that reaches 255; just below it maps to 254 (the ``max + 1 - eps`` scale).
    vals = [0.0, 0.001, 0.5, 0.996, 0.9961, 0.999, 1.0]
    out = F_t.convert_image_dtype(ember.tensor(vals), ember.uint8)
    assert_equal(out, TV.convert_image_dtype(torch.tensor(vals), torch.uint8))


@pytest.mark.parametrize("src,dst", [("float32", "int32"), ("float32", "int64"), ("float64", "int64")])
def test_convert_image_dtype_unsafe(src, dst):
    with pytest.raises(RuntimeError, match="cannot be performed safely"):
        F_t.convert_image_dtype(ember.zeros(3, 2, 2, dtype=ember_dtype(src)), ember_dtype(dst))


# --- flips, crop, pad --------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES + [(13, 17)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_flips(shape, dtype):
    e, t = make(shape, dtype)
    assert_equal(F_t.vflip(e), TV.vflip(t))
    assert_equal(F_t.hflip(e), TV.hflip(t))


@pytest.mark.parametrize("box", [(0, 0, 13, 17), (2, 3, 5, 7), (-2, -3, 6, 8), (10, 14, 6, 6), (-1, -1, 20, 25)])
@pytest.mark.parametrize("shape", SHAPES)
def test_crop(box, shape):
    e, t = make(shape)
    assert_equal(F_t.crop(e, *box), TV.crop(t, *box))


PADDINGS = [2, [1], [2, 3], [1, 2, 3, 4], (0, 4, 1, 0), [-1, 2, 3, -2]]


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_pad(mode, padding, dtype):
    for shape in SHAPES:
        e, t = make(shape, dtype)
        fill = 7 if dtype == "uint8" else 0.25
        assert_equal(F_t.pad(e, padding, fill=fill, padding_mode=mode), TV.pad(t, padding, fill=fill, padding_mode=mode))


def test_pad_errors():
    img = ember.zeros(3, 5, 5)
    with pytest.raises(TypeError, match="padding"):
        F_t.pad(img, "2")
    with pytest.raises(TypeError, match="fill"):
        F_t.pad(img, 2, fill="red")
    with pytest.raises(TypeError, match="padding_mode"):
        F_t.pad(img, 2, padding_mode=1)
    with pytest.raises(ValueError, match="1, 2, or 4 element tuple, not a 3 element"):
        F_t.pad(img, [1, 2, 3])
    with pytest.raises(ValueError, match="constant, edge, reflect or symmetric"):
        F_t.pad(img, 2, padding_mode="wrap")
    with pytest.raises(RuntimeError, match="Symmetric padding of N-D"):
        F_t.pad(ember.zeros(5, 5), 2, padding_mode="symmetric")
    with pytest.raises(IndexError, match="out of bounds"):  # the mirror is only as wide as the image
        F_t.pad(img, [6, 0, 0, 0], padding_mode="symmetric")


# --- colour ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("channels_in", [1, 3])
@pytest.mark.parametrize("num_output_channels", [1, 3])
@pytest.mark.parametrize("dtype", DTYPES)
def test_rgb_to_grayscale(channels_in, num_output_channels, dtype):
    e, t = make((2, channels_in, 13, 17), dtype)
    # uint8: the float32 luma is truncated, so a sum landing within an ulp of an integer may differ by one.
    assert_close(F_t.rgb_to_grayscale(e, num_output_channels), TV.rgb_to_grayscale(t, num_output_channels))


@pytest.mark.parametrize("name,factors", [
    ("adjust_brightness", [0.0, 0.5, 1.0, 1.7]),
    ("adjust_contrast", [0.0, 0.4, 1.0, 2.0]),
    ("adjust_saturation", [0.0, 0.5, 1.0, 2.5]),
    ("adjust_sharpness", [0.0, 0.3, 1.0, 2.0]),
    ("adjust_hue", [-0.5, -0.23, 0.0, 0.1, 0.5]),
])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3])
def test_color_adjust(name, factors, dtype, channels):
    # Blends are float32 formulas truncated back to uint8 (hue: HSV round trip); see assert_close.
    for i, shape in enumerate([(channels, 13, 17), (2, channels, 13, 17)]):
        e, t = make(shape, dtype, seed=i)
        for f in factors:
            assert_close(getattr(F_t, name)(e, f), getattr(TV, name)(t, f))


@pytest.mark.parametrize("name", ["adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_sharpness"])
def test_color_adjust_negative_factor(name):
    arg = name.split("_")[1]
    with pytest.raises(ValueError, match=f"{arg}_factor \\(-0.5\\) is not non-negative"):
        getattr(F_t, name)(ember.zeros(3, 4, 4), -0.5)


def test_color_adjust_errors():
    with pytest.raises(ValueError, match=r"hue_factor \(0.7\) is not in \[-0.5, 0.5\]"):
        F_t.adjust_hue(ember.zeros(3, 4, 4), 0.7)
    with pytest.raises(TypeError, match="Input img should be Tensor"):
        F_t.adjust_hue([[0.0]], 0.1)
    with pytest.raises(TypeError, match=r"permitted channel values are \[1, 3\], but found 4"):
        F_t.adjust_brightness(ember.zeros(4, 4, 4), 0.5)
    with pytest.raises(TypeError, match="at least 3 dimensions, but found 2"):
        F_t.rgb_to_grayscale(ember.zeros(4, 4))
    with pytest.raises(ValueError, match="num_output_channels should be either 1 or 3"):
        F_t.rgb_to_grayscale(ember.zeros(3, 4, 4), 2)


def test_sharpness_tiny_image_unchanged():
    e, t = make((3, 2, 9))
    assert_equal(F_t.adjust_sharpness(e, 2.0), TV.adjust_sharpness(t, 2.0))


@pytest.mark.parametrize("dtype", DTYPES)
def test_adjust_gamma(dtype):
    for shape in SHAPES:
        e, t = make(shape, dtype)
        for gamma, gain in [(0.5, 1), (1.0, 1), (2.2, 1), (1.5, 0.8), (0.0, 1)]:
            # pow(x, gamma) in float32 through different libm calls; uint8 truncation as assert_close says.
            assert_close(F_t.adjust_gamma(e, gamma, gain), TV.adjust_gamma(t, gamma, gain))
    with pytest.raises(ValueError, match="Gamma should be a non-negative real number"):
        F_t.adjust_gamma(e, -1.0)
    with pytest.raises(TypeError, match="Input img should be a Tensor"):
        F_t.adjust_gamma([[0.0]], 1.0)


def test_rgb_hsv_round_trip():
    e, t = make((2, 3, 13, 17), "float32")
    hsv = F_t._rgb2hsv(e)
    assert_close(hsv, TV._rgb2hsv(t))
    assert_close(F_t._hsv2rgb(hsv), TV._hsv2rgb(TV._rgb2hsv(t)))
    grey = e[:, :1].expand(2, 3, 13, 17)  # H and S are 0 for grey pixels, never nan
    assert_close(F_t._rgb2hsv(grey), TV._rgb2hsv(t[:, :1].expand(2, 3, 13, 17)))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES + [(1, 13, 17)])
def test_invert_solarize(dtype, shape):
    e, t = make(shape, dtype)
    assert_equal(F_t.invert(e), TV.invert(t))
    for threshold in ([0, 64, 128, 255] if dtype == "uint8" else [0.0, 0.3, 0.5, 1.0]):
        assert_equal(F_t.solarize(e, threshold), TV.solarize(t, threshold))
    with pytest.raises(TypeError, match="Threshold should be less than bound of img"):
        F_t.solarize(e, 256 if dtype == "uint8" else 1.5)


@pytest.mark.parametrize("shape", SHAPES)
def test_posterize(shape):
    e, t = make(shape)
    for bits in range(9):
        assert_equal(F_t.posterize(e, bits), TV.posterize(t, bits))
    with pytest.raises(TypeError, match="Only torch.uint8 image tensors are supported, but found"):
        F_t.posterize(e.float(), 4)


@pytest.mark.parametrize("dtype", DTYPES)
def test_autocontrast(dtype):
    for shape in SHAPES:
        e, t = make(shape, dtype)
        # Stretch a narrow range; channel 1 of image 0 is flat (max == min) and must stay unchanged.
        e, t = e // 3 + 40 if dtype == "uint8" else e * 0.3 + 0.2, t // 3 + 40 if dtype == "uint8" else t * 0.3 + 0.2
        e[..., 1, :, :] = 9 if dtype == "uint8" else 0.5
        t[..., 1, :, :] = 9 if dtype == "uint8" else 0.5
        assert_close(F_t.autocontrast(e), TV.autocontrast(t))


@pytest.mark.parametrize("shape", [(3, 40, 50), (2, 3, 40, 50), (1, 40, 50), (3, 13, 17)])
def test_equalize(shape):
    # The lookup table's step is (pixels outside the top bin) // 255: 13×17 channels have step 0 and
    # are returned unchanged; 40×50 ones are remapped.
    e, t = make(shape)
    out = F_t.equalize(e)
    assert_equal(out, TV.equalize(t))
    assert (to_np(out) != to_np(e)).any() == (shape[-1] == 50)
    # Few levels (big bins), a flat image (step 0), a two-level image, a dark low-contrast one.
    a = to_np(e)
    for b in [a // 64 * 60, np.full(shape, 17, np.uint8), (a > 200).astype(np.uint8) * 90 + 3, a // 8 + 20]:
        assert_equal(F_t.equalize(ember.as_tensor(b.copy())), TV.equalize(torch.from_numpy(b.copy())))


def test_equalize_errors():
    with pytest.raises(TypeError, match="Only torch.uint8 image tensors are supported"):
        F_t.equalize(ember.zeros(3, 4, 4))
    with pytest.raises(TypeError, match="3 or 4 dimensions, but found 5"):
        F_t.equalize(ember.zeros(1, 1, 3, 4, 4, dtype=ember.uint8))


# --- resampling --------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode,antialias", [("nearest", False), ("nearest-exact", False), ("bilinear", False),
                                            ("bilinear", True), ("bicubic", False), ("bicubic", True)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_resize(mode, antialias, dtype):
    exact = mode.startswith("nearest")  # nearest copies pixels: identical indices give identical images
    for i, shape in enumerate(SHAPES):
        e, t = make(shape, dtype, seed=i)
        for size in [[7, 9], [20, 31], [13, 5], (6, 17)]:
            out = F_t.resize(e, size, interpolation=mode, antialias=antialias)
            expected = TV.resize(t, list(size), interpolation=mode, antialias=antialias)
            if exact:
                assert_equal(out, expected)
            elif dtype == "uint8":
                as_float = TV.resize(t.float(), list(size), interpolation=mode, antialias=antialias)
                assert_rounded_alike(out, expected, as_float.clamp(0, 255))
            else:
                assert_close(out, expected)  # float32 weights summed in another order


@pytest.mark.parametrize("matrix", [
    [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],                      # identity
    [1.0, 0.0, 3.0, 0.0, 1.0, -2.0],                     # integer translation
    [0.0, -1.0, 0.0, 1.0, 0.0, 0.0],                     # rotate by 90 degrees
    [0.8, -0.3, 1.4, 0.35, 1.1, -0.6],                   # scale + shear + rotate + translate
])
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("fill", [None, 3, [10.0, 20.0, 30.0]])
@pytest.mark.parametrize("dtype", DTYPES)
def test_affine(matrix, interpolation, fill, dtype):
    if dtype == "float32" and fill is not None:
        fill = [f / 40 for f in fill] if isinstance(fill, list) else 0.5
    e, t = make(SHAPES[fill is None], dtype)  # batched without fill, single images with it
    out = F_t.affine(e, matrix, interpolation=interpolation, fill=fill)
    expected = TV.affine(t, matrix, interpolation=interpolation, fill=fill)
    assert_sampled_alike(out, expected, interpolation)


def _rotation(degrees):
    a = math.radians(degrees)
    return [math.cos(a), math.sin(a), 0.0, -math.sin(a), math.cos(a), 0.0]


@pytest.mark.parametrize("angle", [0, 30, 90, -135])
@pytest.mark.parametrize("expand", [False, True])
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_rotate(angle, expand, interpolation):
    matrix = _rotation(angle)
    for i, dtype in enumerate(DTYPES):
        e, t = make(SHAPES[i], dtype, seed=i)
        for fill in [None, [1.0, 2.0, 255.0] if dtype == "uint8" else 0.75]:
            out = F_t.rotate(e, matrix, interpolation=interpolation, expand=expand, fill=fill)
            expected = TV.rotate(t, matrix, interpolation=interpolation, expand=expand, fill=fill)
            assert_sampled_alike(out, expected, interpolation)


@pytest.mark.parametrize("w,h", [(13, 17), (17, 13), (1, 9), (32, 32)])
def test_compute_affine_output_size(w, h):
    # The last two overshoot a whole size by ~1e-5, which the 1e-4 truncation must not ceil to +1.
    matrices = [_rotation(angle) for angle in [0, 10, 45, 90, 180, 271.5]]
    matrices += [[1.0, 2e-6, 0.0, -3e-6, 1.0, 0.0], [1.0 + 1e-6, 0.0, 0.0, 0.0, 1.0 + 2e-6, 0.0]]
    for matrix in matrices:
        assert F_t._compute_affine_output_size(matrix, w, h) == TV._compute_affine_output_size(matrix, w, h)
    assert F_t._compute_affine_output_size(matrices[-1], w, h) == (w, h)


@pytest.mark.parametrize("coeffs", [
    [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0],
    [1.05, 0.1, -1.2, -0.05, 0.95, 0.8, 0.002, -0.003],
    [0.7, -0.2, 2.0, 0.15, 1.2, -1.0, -0.01, 0.008],
])
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_perspective(coeffs, interpolation, dtype):
    for i, fill in enumerate([None, 5 if dtype == "uint8" else 0.5]):
        e, t = make(SHAPES[i], dtype, seed=i)
        out = F_t.perspective(e, coeffs, interpolation=interpolation, fill=fill)
        expected = TV.perspective(t, coeffs, interpolation=interpolation, fill=fill)
        assert_sampled_alike(out, expected, interpolation)
    grid = F_t._perspective_grid(coeffs, ow=17, oh=13, dtype=ember.float32, device=e.device)
    assert_close(grid, TV._perspective_grid(coeffs, ow=17, oh=13, dtype=torch.float32, device=t.device))


def test_gen_affine_grid():
    theta = [[[0.8, -0.3, 1.4], [0.35, 1.1, -0.6]]]
    for w, h, ow, oh in [(17, 13, 17, 13), (17, 13, 21, 19), (4, 6, 3, 8)]:
        out = F_t._gen_affine_grid(ember.tensor(theta), w, h, ow, oh)
        assert_close(out, TV._gen_affine_grid(torch.tensor(theta), w, h, ow, oh), atol=1e-6)


def test_grid_transform_errors():
    img = ember.zeros(3, 5, 5)
    with pytest.raises(TypeError, match="Input img should be Tensor"):
        F_t.affine([[0.0]], [1.0, 0, 0, 0, 1, 0])
    with pytest.raises(TypeError, match="Argument matrix should be a list"):
        F_t.affine(img, (1.0, 0, 0, 0, 1, 0))
    with pytest.raises(ValueError, match="Argument matrix should have 6 float values"):
        F_t.rotate(img, [1.0, 0, 0, 0, 1])
    with pytest.raises(ValueError, match="Argument coeffs should have 8 float values"):
        F_t.perspective(img, [1.0, 0, 0, 0, 1, 0, 0])
    with pytest.raises(ValueError, match=r"number of elements in 'fill' cannot broadcast .* \(2 != 3\)"):
        F_t.affine(img, [1.0, 0, 0, 0, 1, 0], fill=[1, 2])
    with pytest.raises(ValueError, match="Interpolation mode 'bicubic' is unsupported with Tensor input"):
        F_t.rotate(img, [1.0, 0, 0, 0, 1, 0], interpolation="bicubic")
    with pytest.warns(UserWarning, match="Argument fill should be either int, float, tuple or list"):
        F_t._assert_grid_transform_inputs(img, None, "nearest", "red", ["nearest"])


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_elastic_transform(interpolation, dtype):
    rng = np.random.default_rng(3)
    disp = (rng.standard_normal((1, 13, 17, 2)) * 0.1).astype(np.float32)
    for i, shape in enumerate(SHAPES):
        e, t = make(shape, dtype, seed=i)
        for fill in [None, [3.0, 4.0, 5.0]]:
            out = F_t.elastic_transform(e, ember.as_tensor(disp.copy()), interpolation, fill)
            expected = TV.elastic_transform(t, torch.from_numpy(disp.copy()), interpolation, fill)
            # The identity grid comes from linspace, whose float32 values may differ by an ulp.
            assert_sampled_alike(out, expected, interpolation)


@pytest.mark.parametrize("kernel_size,sigma", [([3, 3], [0.8, 0.8]), ([5, 3], [1.5, 0.6]), ([1, 7], [0.5, 2.0]),
                                               ([9, 9], [3.0, 3.0])])
@pytest.mark.parametrize("dtype", DTYPES)
def test_gaussian_blur(kernel_size, sigma, dtype):
    for i, shape in enumerate(SHAPES):
        e, t = make(shape, dtype, seed=i)
        # Separable (two 1-D passes) vs torchvision's single 2-D conv: equal up to float32 rounding.
        assert_close(F_t.gaussian_blur(e, kernel_size, sigma), TV.gaussian_blur(t, kernel_size, sigma))
    kernel = F_t._get_gaussian_kernel2d(kernel_size, sigma, dtype=ember.float32, device=e.device)
    assert_close(kernel, TV._get_gaussian_kernel2d(kernel_size, sigma, dtype=torch.float32, device=t.device),
                 atol=1e-7)
    with pytest.raises(TypeError, match="img should be Tensor"):
        F_t.gaussian_blur([[0.0]], kernel_size, sigma)


# --- normalize, erase --------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES + [(2, 2, 3, 5, 7)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normalize(shape, dtype):
    e, t = make(shape, dtype)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    out = F_t.normalize(e, mean, std)
    assert_equal(out, TV.normalize(t, mean, std))
    assert out is not e
    np.testing.assert_array_equal(to_np(e), to_np(t))  # not in place: the input is unchanged
    same = F_t.normalize(e, [0.5], [0.25], inplace=True)
    assert same is e
    assert_equal(e, TV.normalize(t, [0.5], [0.25], inplace=True))


def test_normalize_errors():
    with pytest.raises(TypeError, match="Input tensor should be a float tensor. Got ember.uint8"):
        F_t.normalize(ember.zeros(3, 4, 4, dtype=ember.uint8), [0.5], [0.5])
    with pytest.raises(ValueError, match=r"Expected tensor to be a tensor image of size \(..., C, H, W\)"):
        F_t.normalize(ember.zeros(4, 4), [0.5], [0.5])
    with pytest.raises(ValueError, match="std evaluated to zero after conversion to ember.float32"):
        F_t.normalize(ember.zeros(3, 4, 4), [0.5, 0.5, 0.5], [1.0, 0.0, 1.0])
    with pytest.raises(TypeError, match="not a torch image"):
        F_t.normalize(ember.zeros(4), [0.5], [0.5])


@pytest.mark.parametrize("dtype", DTYPES)
def test_erase(dtype):
    for shape in SHAPES:
        e, t = make(shape, dtype)
        ve, vt = make((3, 4, 5), dtype, seed=9)
        assert_equal(F_t.erase(e, 2, 3, 4, 5, ve), TV.erase(t, 2, 3, 4, 5, vt))
        assert_equal(e, t)  # not in place
        assert_equal(F_t.erase(e, 10, 15, 6, 6, ve[:1, :1, :1], inplace=True),
                     TV.erase(t, 10, 15, 6, 6, vt[:1, :1, :1], inplace=True))
        assert_equal(e, t)  # in place
