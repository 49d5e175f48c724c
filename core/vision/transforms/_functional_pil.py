"""PIL kernels of ``ember.vision.transforms.functional`` (torchvision's ``_functional_pil``), using Pillow only.

Every function takes and returns a ``PIL.Image.Image``; the public wrappers in ``functional.py`` route PIL
images here and tensors to ``_functional_tensor``. Where torchvision goes through NumPy (hue shift, non-constant
padding, 3-channel grayscale) the same pixels are produced with Pillow operations.
"""
from __future__ import annotations

import numbers
from typing import Any, Optional, Sequence, Union

from PIL import Image, ImageEnhance, ImageOps

__all__ = [
    "get_dimensions", "get_image_size", "get_image_num_channels", "hflip", "vflip", "adjust_brightness",
    "adjust_contrast", "adjust_saturation", "adjust_hue", "adjust_gamma", "pad", "crop", "resize", "affine",
    "rotate", "perspective", "to_grayscale", "invert", "posterize", "solarize", "adjust_sharpness",
    "autocontrast", "equalize",
]

_Fill = Optional[Union[int, float, Sequence[int], Sequence[float]]]


def _is_pil_image(img: Any) -> bool:
    return isinstance(img, Image.Image)


def _check_pil(img: Any) -> None:
    if not _is_pil_image(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def get_dimensions(img: Any) -> list[int]:
    if _is_pil_image(img):
        width, height = img.size
        return [len(img.getbands()), height, width]
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_size(img: Any) -> list[int]:
    if _is_pil_image(img):
        return list(img.size)
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_num_channels(img: Any) -> int:
    if _is_pil_image(img):
        return len(img.getbands())
    raise TypeError(f"Unexpected type {type(img)}")


def hflip(img: Image.Image) -> Image.Image:
    _check_pil(img)
    return img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)


def vflip(img: Image.Image) -> Image.Image:
    _check_pil(img)
    return img.transpose(Image.Transpose.FLIP_TOP_BOTTOM)


def adjust_brightness(img: Image.Image, brightness_factor: float) -> Image.Image:
    _check_pil(img)
    return ImageEnhance.Brightness(img).enhance(brightness_factor)


def adjust_contrast(img: Image.Image, contrast_factor: float) -> Image.Image:
    _check_pil(img)
    return ImageEnhance.Contrast(img).enhance(contrast_factor)


def adjust_saturation(img: Image.Image, saturation_factor: float) -> Image.Image:
    _check_pil(img)
    return ImageEnhance.Color(img).enhance(saturation_factor)


def adjust_hue(img: Image.Image, hue_factor: float) -> Image.Image:
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check_pil(img)
    input_mode = img.mode
    if input_mode in {"L", "1", "I", "F"}:
        return img
    h, s, v = img.convert("HSV").split()
    # torchvision adds int32(hue_factor * 255) cast to uint8 to the uint8 hue band: both wrap modulo 256.
    shift = int(hue_factor * 255) % 256
    h = h.point([(i + shift) % 256 for i in range(256)])
    return Image.merge("HSV", (h, s, v)).convert(input_mode)


def adjust_gamma(img: Image.Image, gamma: float, gain: float = 1.0) -> Image.Image:
    _check_pil(img)
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    input_mode = img.mode
    img = img.convert("RGB")
    gamma_map = [int((255 + 1 - 1e-3) * gain * pow(ele / 255.0, gamma)) for ele in range(256)] * 3
    img = img.point(gamma_map)
    return img.convert(input_mode)


# ---- padding -----------------------------------------------------------------------------------------------

def _source_index(k: int, n: int, mode: str) -> int:
    """Index into a length-``n`` axis that output position ``k`` (``k < 0`` = before the start) copies, as
    ``numpy.pad`` computes it for ``edge``/``reflect``/``symmetric`` (also for pads longer than the axis)."""
    if mode == "edge":
        return min(max(k, 0), n - 1)
    if mode == "reflect":
        if n == 1:
            return 0
        period = 2 * (n - 1)
        m = k % period
        return m if m < n else period - m
    period = 2 * n  # symmetric
    m = k % period
    return m if m < n else period - 1 - m


def _runs(indices: list[int]) -> list[tuple[int, int, int]]:
    """Split source indices into runs ``(out_start, length, step)`` of constant step -1, 0 or +1."""
    runs = []
    start = 0
    while start < len(indices):
        end = start + 1
        step = indices[end] - indices[start] if end < len(indices) else 1
        if step not in (-1, 0, 1):
            step = 1
        else:
            while end < len(indices) and indices[end] - indices[end - 1] == step:
                end += 1
        runs.append((start, end - start, step))
        start = end
    return runs


def _pad_axis(img: Image.Image, before: int, after: int, mode: str, horizontal: bool) -> Image.Image:
    if before == 0 and after == 0:
        return img
    w, h = img.size
    n = w if horizontal else h
    indices = [_source_index(k, n, mode) for k in range(-before, n + after)]
    out = Image.new(img.mode, (len(indices), h) if horizontal else (w, len(indices)))
    if img.mode == "P":
        out.putpalette(img.getpalette())
    for start, length, step in _runs(indices):
        first, last = indices[start], indices[start + length - 1]
        lo, hi = min(first, last), max(first, last) + 1
        strip = img.crop((lo, 0, hi, h) if horizontal else (0, lo, w, hi))
        if step == 0:
            strip = strip.resize((length, h) if horizontal else (w, length), Image.Resampling.NEAREST)
        elif step == -1:
            strip = strip.transpose(Image.Transpose.FLIP_LEFT_RIGHT if horizontal else Image.Transpose.FLIP_TOP_BOTTOM)
        out.paste(strip, (start, 0) if horizontal else (0, start))
    return out


# numpy.asarray + Image.fromarray (torchvision's route for non-constant padding) re-infers these modes.
_FROMARRAY_MODE = {"CMYK": "RGBA", "RGBX": "RGBA", "YCbCr": "RGB", "HSV": "RGB", "LAB": "RGB"}


def pad(
    img: Image.Image,
    padding: Union[int, list[int], tuple[int, ...]],
    fill: _Fill = 0,
    padding_mode: str = "constant",
) -> Image.Image:
    _check_pil(img)
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, list):
        padding = tuple(padding)
    if isinstance(padding, tuple) and len(padding) not in [1, 2, 4]:
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if isinstance(padding, tuple) and len(padding) == 1:
        padding = padding[0]
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")

    if padding_mode == "constant":
        opts = _parse_fill(fill, img, name="fill")
        if img.mode == "P":
            palette = img.getpalette()
            image = ImageOps.expand(img, border=padding, **opts)
            image.putpalette(palette)
            return image
        return ImageOps.expand(img, border=padding, **opts)

    if isinstance(padding, tuple) and len(padding) == 2:
        p = [padding[0], padding[1], padding[0], padding[1]]
    elif isinstance(padding, tuple):
        p = list(padding)
    else:
        p = [padding] * 4
    crop_l, crop_t, crop_r, crop_b = (max(-x, 0) for x in p)
    if crop_l or crop_t or crop_r or crop_b:
        img = img.crop((crop_l, crop_t, img.width - crop_r, img.height - crop_b))
    pad_l, pad_t, pad_r, pad_b = (max(x, 0) for x in p)
    img = _pad_axis(img, pad_l, pad_r, padding_mode, horizontal=True)
    img = _pad_axis(img, pad_t, pad_b, padding_mode, horizontal=False)
    if img.mode in _FROMARRAY_MODE:
        img = Image.frombytes(_FROMARRAY_MODE[img.mode], img.size, img.tobytes())
    return img


def crop(img: Image.Image, top: int, left: int, height: int, width: int) -> Image.Image:
    _check_pil(img)
    return img.crop((left, top, left + width, top + height))


def resize(img: Image.Image, size: Union[list[int], int],
           interpolation: int = Image.Resampling.BILINEAR) -> Image.Image:
    _check_pil(img)
    if not (isinstance(size, list) and len(size) == 2):
        raise TypeError(f"Got inappropriate size arg: {size}")
    return img.resize(tuple(size[::-1]), interpolation)


def _parse_fill(fill: _Fill, img: Image.Image, name: str = "fillcolor") -> dict[str, Any]:
    """Pillow's fill argument for ``img``: one value per band (ints unless the mode is ``F``)."""
    num_channels = get_image_num_channels(img)
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and num_channels > 1:
        fill = tuple([fill] * num_channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * num_channels
        elif len(fill) != num_channels:
            msg = "The number of elements in 'fill' does not match the number of channels of the image ({} != {})"
            raise ValueError(msg.format(len(fill), num_channels))
        fill = tuple(fill)
    if img.mode != "F":
        if isinstance(fill, (list, tuple)):
            fill = tuple(int(x) for x in fill)
        else:
            fill = int(fill)
    return {name: fill}


def affine(img: Image.Image, matrix: list[float], interpolation: int = Image.Resampling.NEAREST,
           fill: _Fill = None) -> Image.Image:
    _check_pil(img)
    opts = _parse_fill(fill, img)
    return img.transform(img.size, Image.Transform.AFFINE, matrix, interpolation, **opts)


def rotate(img: Image.Image, angle: float, interpolation: int = Image.Resampling.NEAREST, expand: bool = False,
           center: Optional[tuple[int, int]] = None, fill: _Fill = None) -> Image.Image:
    _check_pil(img)
    opts = _parse_fill(fill, img)
    return img.rotate(angle, interpolation, expand, center, **opts)


def perspective(img: Image.Image, perspective_coeffs: list[float], interpolation: int = Image.Resampling.BICUBIC,
                fill: _Fill = None) -> Image.Image:
    _check_pil(img)
    opts = _parse_fill(fill, img)
    return img.transform(img.size, Image.Transform.PERSPECTIVE, perspective_coeffs, interpolation, **opts)


def to_grayscale(img: Image.Image, num_output_channels: int) -> Image.Image:
    _check_pil(img)
    if num_output_channels == 1:
        return img.convert("L")
    if num_output_channels == 3:
        gray = img.convert("L")
        return Image.merge("RGB", (gray, gray, gray))
    raise ValueError("num_output_channels should be either 1 or 3")


def invert(img: Image.Image) -> Image.Image:
    _check_pil(img)
    return ImageOps.invert(img)


def posterize(img: Image.Image, bits: int) -> Image.Image:
    _check_pil(img)
    return ImageOps.posterize(img, bits)


def solarize(img: Image.Image, threshold: int) -> Image.Image:
    _check_pil(img)
    return ImageOps.solarize(img, threshold)


def adjust_sharpness(img: Image.Image, sharpness_factor: float) -> Image.Image:
    _check_pil(img)
    return ImageEnhance.Sharpness(img).enhance(sharpness_factor)


def autocontrast(img: Image.Image) -> Image.Image:
    _check_pil(img)
    return ImageOps.autocontrast(img)


def equalize(img: Image.Image) -> Image.Image:
    _check_pil(img)
    return ImageOps.equalize(img)
