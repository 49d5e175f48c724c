"""``ember.vision.transforms.functional``: torchvision.transforms.functional for PIL images and ember tensors.

Each function checks its arguments, then hands a PIL image to ``_functional_pil`` (Pillow) and a tensor
(``[..., C, H, W]``) to ``_functional_tensor`` (ember ops), exactly as torchvision does, so results on PIL
images equal torchvision's for the same parameters.

>>> from PIL import Image
>>> import ember.vision.transforms.functional as F
>>> img = Image.new("RGB", (32, 24))
>>> F.resize(img, 12).size
(16, 12)
>>> F.to_tensor(F.center_crop(img, 8)).shape
ember.Size([3, 8, 8])
"""
from __future__ import annotations

import math
import numbers
import sys
import warnings
from enum import Enum
from typing import Any, Optional, Union

from PIL import Image

import ember
from ember import Tensor

from . import _functional_pil as F_pil
from . import _functional_tensor as F_t

__all__ = [
    "InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels", "to_tensor",
    "pil_to_tensor", "convert_image_dtype", "to_pil_image", "normalize", "resize", "pad", "crop", "center_crop",
    "resized_crop", "hflip", "perspective", "vflip", "five_crop", "ten_crop", "adjust_brightness",
    "adjust_contrast", "adjust_saturation", "adjust_hue", "adjust_gamma", "rotate", "affine", "to_grayscale",
    "rgb_to_grayscale", "erase", "gaussian_blur", "invert", "posterize", "solarize", "adjust_sharpness",
    "autocontrast", "equalize", "elastic_transform",
]


class InterpolationMode(Enum):
    """Interpolation modes: ``nearest``, ``nearest-exact``, ``bilinear``, ``bicubic``, ``box``, ``hamming``,
    ``lanczos`` (the last three for PIL images only)."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_INT_TO_MODE = {
    0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR, 3: InterpolationMode.BICUBIC,
    4: InterpolationMode.BOX, 5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS,
}


def _interpolation_modes_from_int(i: int) -> InterpolationMode:
    """The mode of a Pillow resampling constant (``PIL.Image.BILINEAR`` == 2 -> ``BILINEAR``)."""
    return _INT_TO_MODE[i]


pil_modes_mapping = {
    InterpolationMode.NEAREST: 0, InterpolationMode.BILINEAR: 2, InterpolationMode.BICUBIC: 3,
    InterpolationMode.NEAREST_EXACT: 0, InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5,
    InterpolationMode.LANCZOS: 1,
}

_is_pil_image = F_pil._is_pil_image


def _check_interpolation(interpolation) -> InterpolationMode:
    if isinstance(interpolation, int):
        return _interpolation_modes_from_int(interpolation)
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding Pillow integer "
                        "constant")
    return interpolation


def _is_numpy(img: Any) -> bool:
    # Duck-typed: ember.vision does not import NumPy.
    return type(img).__name__ == "ndarray" and type(img).__module__ == "numpy"


def _dtype_name(dtype) -> str:
    return str(dtype).rsplit(".", 1)[-1]


# ---- image geometry -----------------------------------------------------------------------------------------

def get_dimensions(img: Tensor) -> list[int]:
    """``[channels, height, width]`` of a PIL image or a ``[..., C, H, W]`` tensor."""
    if isinstance(img, Tensor):
        return F_t.get_dimensions(img)
    return F_pil.get_dimensions(img)


def get_image_size(img: Tensor) -> list[int]:
    """``[width, height]`` of a PIL image or tensor."""
    if isinstance(img, Tensor):
        return F_t.get_image_size(img)
    return F_pil.get_image_size(img)


def get_image_num_channels(img: Tensor) -> int:
    """Number of channels (bands) of a PIL image or tensor."""
    if isinstance(img, Tensor):
        return F_t.get_image_num_channels(img)
    return F_pil.get_image_num_channels(img)


# ---- conversions --------------------------------------------------------------------------------------------

def _pil_to_hwc(pic: Image.Image, for_to_tensor: bool) -> Tensor:
    """The pixels of ``pic`` as an ``H x W x C`` tensor whose dtype follows the mode.

    ``to_tensor`` reads 16-bit images as int16 (as torchvision); ``pil_to_tensor`` keeps their values (int32,
    ember has no uint16) and returns bool for mode ``1``.
    """
    w, h = pic.size
    mode = pic.mode
    if mode == "I;16" and sys.byteorder == "little" and for_to_tensor:
        dtype, data = ember.int16, pic.tobytes()
    elif mode.startswith("I;16") or mode == "I":
        dtype, data = ember.int32, (pic if mode == "I" else pic.convert("I")).tobytes()
    elif mode == "F":
        dtype, data = ember.float32, pic.tobytes()
    elif mode == "1":
        dtype, data = ember.uint8, pic.convert("L").tobytes()  # 0/255, as torchvision's 255 * (0/1)
    else:
        dtype, data = ember.uint8, pic.tobytes()
    img = ember.frombuffer(bytearray(data), dtype=dtype).view(h, w, len(pic.getbands()))
    if mode == "1" and not for_to_tensor:
        img = img != 0
    elif for_to_tensor and mode not in ("I", "F", "I;16") and dtype != ember.uint8:
        img = img.to(ember.uint8)
    return img


def to_tensor(pic) -> Tensor:
    """A PIL image or ``H x W x C`` NumPy array as a ``C x H x W`` tensor; 8-bit data is scaled to ``[0, 1]``.

    >>> to_tensor(Image.new("L", (4, 2), 255)).shape, to_tensor(Image.new("L", (4, 2), 255)).max().item()
    (ember.Size([1, 2, 4]), 1.0)
    """
    if not (_is_pil_image(pic) or _is_numpy(pic)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if _is_numpy(pic) and pic.ndim not in {2, 3}:
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    default_float_dtype = ember.get_default_dtype()
    if _is_numpy(pic):
        img = ember.as_tensor(pic)
        if img.ndim == 2:
            img = img[:, :, None]
        img = img.permute(2, 0, 1).contiguous()
    else:
        img = _pil_to_hwc(pic, for_to_tensor=True).permute(2, 0, 1).contiguous()
    if img.dtype == ember.uint8:
        return img.to(dtype=default_float_dtype).div(255)
    return img


def pil_to_tensor(pic: Any) -> Tensor:
    """A PIL image as a ``C x H x W`` tensor of the same type (uint8 for 8-bit modes, no scaling)."""
    if not _is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    return _pil_to_hwc(pic, for_to_tensor=False).permute(2, 0, 1)


def convert_image_dtype(image: Tensor, dtype: ember.dtype = ember.float) -> Tensor:
    """Convert a tensor image to ``dtype``, rescaling values (``uint8`` 255 <-> float 1.0)."""
    if not isinstance(image, Tensor):
        raise TypeError("Input img should be Tensor Image")
    return F_t.convert_image_dtype(image, dtype)


def to_pil_image(pic, mode=None):
    """A ``C x H x W`` tensor or ``H x W x C`` NumPy array as a PIL image; floats are scaled by 255.

    >>> to_pil_image(ember.zeros(3, 2, 4)).size
    (4, 2)
    """
    if isinstance(pic, Tensor):
        if pic.ndim == 3:
            pic = pic.permute(1, 2, 0)
        arr = pic.detach().cpu()
    elif _is_numpy(pic):
        arr = ember.as_tensor(pic)
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if arr.ndim == 2:
        arr = arr.unsqueeze(2)
    if arr.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {arr.ndim} dimensions.")
    if arr.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {arr.shape[-1]} channels.")
    if arr.is_floating_point() and mode != "F":
        arr = (arr * 255).to(ember.uint8)

    channels = arr.shape[2]
    if channels == 1:
        arr = arr[:, :, 0]
        expected_mode = {ember.uint8: "L", ember.int16: "I;16" if sys.byteorder == "little" else "I;16B",
                         ember.int32: "I", ember.float32: "F"}.get(arr.dtype)
        if mode is not None and mode != expected_mode:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {_dtype_name(arr.dtype)}. "
                             f"Should be {expected_mode}")
        mode = expected_mode
    elif channels == 2:
        if mode is not None and mode not in ["LA"]:
            raise ValueError("Only modes ['LA'] are supported for 2D inputs")
        if mode is None and arr.dtype == ember.uint8:
            mode = "LA"
    elif channels == 4:
        if mode is not None and mode not in ["RGBA", "CMYK", "RGBX"]:
            raise ValueError("Only modes ['RGBA', 'CMYK', 'RGBX'] are supported for 4D inputs")
        if mode is None and arr.dtype == ember.uint8:
            mode = "RGBA"
    else:
        if mode is not None and mode not in ["RGB", "YCbCr", "HSV"]:
            raise ValueError("Only modes ['RGB', 'YCbCr', 'HSV'] are supported for 3D inputs")
        if mode is None and arr.dtype == ember.uint8:
            mode = "RGB"
    if mode is None:
        raise TypeError(f"Input type {_dtype_name(arr.dtype)} is not supported")
    size = (arr.shape[1], arr.shape[0])
    # Raw decoding in the target mode, as torchvision does with Pillow >= 11.3.
    return Image.frombuffer(mode, size, arr.contiguous().numpy().tobytes(), "raw", mode, 0, 1)


def normalize(tensor: Tensor, mean: list[float], std: list[float], inplace: bool = False) -> Tensor:
    """``(tensor - mean) / std`` per channel of a float ``(..., C, H, W)`` tensor.

    >>> normalize(ember.ones(3, 2, 2), [0.5] * 3, [0.5] * 3).unique().tolist()
    [1.0]
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    return F_t.normalize(tensor, mean=mean, std=std, inplace=inplace)


# ---- geometry -----------------------------------------------------------------------------------------------

def _compute_resized_output_size(image_size: tuple[int, int], size: Optional[list[int]],
                                 max_size: Optional[int] = None, allow_size_none: bool = False) -> list[int]:
    h, w = image_size
    short, long = (w, h) if w <= h else (h, w)
    if size is None:
        if not allow_size_none:
            raise ValueError("This should never happen!!")
        if not isinstance(max_size, int):
            raise ValueError(f"max_size must be an integer when size is None, but got {max_size} instead.")
        new_short, new_long = int(max_size * short / long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    elif len(size) == 1:
        requested_new_short = size if isinstance(size, int) else size[0]
        new_short, new_long = requested_new_short, int(requested_new_short * long / short)
        if max_size is not None:
            if max_size <= requested_new_short:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested "
                                 f"size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    else:
        new_w, new_h = size[1], size[0]
    return [new_h, new_w]


def resize(img: Tensor, size: list[int], interpolation: InterpolationMode = InterpolationMode.BILINEAR,
           max_size: Optional[int] = None, antialias: Optional[bool] = True) -> Tensor:
    """Resize to ``size`` = ``(h, w)``, or match the smaller edge to ``size`` when it is an int.

    PIL images are always antialiased (bilinear/bicubic); for tensors ``antialias`` decides.

    >>> resize(Image.new("RGB", (40, 20)), [10, 30]).size
    (30, 10)
    """
    interpolation = _check_interpolation(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in [1, 2]:
            raise ValueError("Size must be an int or a 1 or 2 element tuple/list, "
                             f"not a {len(size)} element tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of the smaller edge, "
                             "i.e. size should be an int or a sequence of length 1 in torchscript mode.")
    _, image_height, image_width = get_dimensions(img)
    if isinstance(size, int):
        size = [size]
    output_size = _compute_resized_output_size((image_height, image_width), size, max_size)
    if [image_height, image_width] == output_size:
        return img
    if not isinstance(img, Tensor):
        if antialias is False:
            warnings.warn("Anti-alias option is always applied for PIL Image input. Argument antialias is ignored.")
        return F_pil.resize(img, size=output_size, interpolation=pil_modes_mapping[interpolation])
    return F_t.resize(img, size=output_size, interpolation=interpolation.value, antialias=antialias)


def pad(img: Tensor, padding: list[int], fill: Union[int, float] = 0, padding_mode: str = "constant") -> Tensor:
    """Pad all sides: ``padding`` is an int, ``(left/right, top/bottom)`` or ``(left, top, right, bottom)``;
    ``padding_mode`` is ``constant`` (with ``fill``), ``edge``, ``reflect`` or ``symmetric``.

    >>> pad(Image.new("L", (4, 4)), [1, 2]).size
    (6, 8)
    """
    if not isinstance(img, Tensor):
        return F_pil.pad(img, padding=padding, fill=fill, padding_mode=padding_mode)
    return F_t.pad(img, padding=padding, fill=fill, padding_mode=padding_mode)


def crop(img: Tensor, top: int, left: int, height: int, width: int) -> Tensor:
    """The ``height x width`` box at ``(top, left)``; parts outside the image are zero."""
    if not isinstance(img, Tensor):
        return F_pil.crop(img, top, left, height, width)
    return F_t.crop(img, top, left, height, width)


def center_crop(img: Tensor, output_size: list[int]) -> Tensor:
    """The central ``output_size`` crop (an int means a square); a smaller image is zero-padded first."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = output_size
    if crop_width > image_width or crop_height > image_height:
        padding_ltrb = [
            (crop_width - image_width) // 2 if crop_width > image_width else 0,
            (crop_height - image_height) // 2 if crop_height > image_height else 0,
            (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
            (crop_height - image_height + 1) // 2 if crop_height > image_height else 0,
        ]
        img = pad(img, padding_ltrb, fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    crop_top = int(round((image_height - crop_height) / 2.0))
    crop_left = int(round((image_width - crop_width) / 2.0))
    return crop(img, crop_top, crop_left, crop_height, crop_width)


def resized_crop(img: Tensor, top: int, left: int, height: int, width: int, size: list[int],
                 interpolation: InterpolationMode = InterpolationMode.BILINEAR,
                 antialias: Optional[bool] = True) -> Tensor:
    """``crop`` then ``resize`` (used by ``RandomResizedCrop``)."""
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


def hflip(img: Tensor) -> Tensor:
    """Mirror left-right."""
    if not isinstance(img, Tensor):
        return F_pil.hflip(img)
    return F_t.hflip(img)


def vflip(img: Tensor) -> Tensor:
    """Mirror top-bottom."""
    if not isinstance(img, Tensor):
        return F_pil.vflip(img)
    return F_t.vflip(img)


def _get_perspective_coeffs(startpoints: list[list[int]], endpoints: list[list[int]]) -> list[float]:
    """Coefficients ``(a, b, c, d, e, f, g, h)`` mapping output ``(x, y)`` to input
    ``((ax + by + c) / (gx + hy + 1), (dx + ey + f) / (gx + hy + 1))`` (least squares in float64)."""
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(f"Please provide exactly four corners, got {len(startpoints)} startpoints "
                         f"and {len(endpoints)} endpoints.")
    rows = []
    for p1, p2 in zip(endpoints, startpoints):
        rows.append([p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]])
        rows.append([0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]])
    a_matrix = ember.tensor(rows, dtype=ember.float64)
    b_matrix = ember.tensor(startpoints, dtype=ember.float64).view(8)
    res = ember.linalg.lstsq(a_matrix, b_matrix, driver="gels").solution.to(ember.float32)
    return res.tolist()


def perspective(img: Tensor, startpoints: list[list[int]], endpoints: list[list[int]],
                interpolation: InterpolationMode = InterpolationMode.BILINEAR,
                fill: Optional[list[float]] = None) -> Tensor:
    """Warp so the four ``startpoints`` corners (tl, tr, br, bl) land on ``endpoints``."""
    coeffs = _get_perspective_coeffs(startpoints, endpoints)
    interpolation = _check_interpolation(interpolation)
    if not isinstance(img, Tensor):
        return F_pil.perspective(img, coeffs, interpolation=pil_modes_mapping[interpolation], fill=fill)
    return F_t.perspective(img, coeffs, interpolation=interpolation.value, fill=fill)


def _square_size(size) -> tuple:
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    return size


def five_crop(img: Tensor, size: list[int]) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    """The four corner crops and the central crop ``(tl, tr, bl, br, center)``."""
    size = _square_size(size)
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = size
    if crop_width > image_width or crop_height > image_height:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(image_height, image_width)}")
    tl = crop(img, 0, 0, crop_height, crop_width)
    tr = crop(img, 0, image_width - crop_width, crop_height, crop_width)
    bl = crop(img, image_height - crop_height, 0, crop_height, crop_width)
    br = crop(img, image_height - crop_height, image_width - crop_width, crop_height, crop_width)
    center = center_crop(img, [crop_height, crop_width])
    return tl, tr, bl, br, center


def ten_crop(img: Tensor, size: list[int], vertical_flip: bool = False) -> tuple[Tensor, ...]:
    """``five_crop`` of the image and of its horizontally (or vertically) flipped copy."""
    size = _square_size(size)
    first_five = five_crop(img, size)
    img = vflip(img) if vertical_flip else hflip(img)
    return first_five + five_crop(img, size)


# ---- colour -------------------------------------------------------------------------------------------------

def adjust_brightness(img: Tensor, brightness_factor: float) -> Tensor:
    """Scale brightness: 0 gives black, 1 the original, 2 doubles it."""
    if not isinstance(img, Tensor):
        return F_pil.adjust_brightness(img, brightness_factor)
    return F_t.adjust_brightness(img, brightness_factor)


def adjust_contrast(img: Tensor, contrast_factor: float) -> Tensor:
    """Scale contrast around the mean gray level: 0 gives a solid gray image."""
    if not isinstance(img, Tensor):
        return F_pil.adjust_contrast(img, contrast_factor)
    return F_t.adjust_contrast(img, contrast_factor)


def adjust_saturation(img: Tensor, saturation_factor: float) -> Tensor:
    """Scale saturation: 0 gives a grayscale image."""
    if not isinstance(img, Tensor):
        return F_pil.adjust_saturation(img, saturation_factor)
    return F_t.adjust_saturation(img, saturation_factor)


def adjust_hue(img: Tensor, hue_factor: float) -> Tensor:
    """Shift the hue channel by ``hue_factor`` in ``[-0.5, 0.5]`` (a fraction of the hue circle)."""
    if not isinstance(img, Tensor):
        return F_pil.adjust_hue(img, hue_factor)
    return F_t.adjust_hue(img, hue_factor)


def adjust_gamma(img: Tensor, gamma: float, gain: float = 1) -> Tensor:
    """Gamma correction ``255 * gain * (I / 255) ** gamma``."""
    if not isinstance(img, Tensor):
        return F_pil.adjust_gamma(img, gamma, gain)
    return F_t.adjust_gamma(img, gamma, gain)


def _get_inverse_affine_matrix(center: list[float], angle: float, translate: list[float], scale: float,
                               shear: list[float], inverted: bool = True) -> list[float]:
    """The 2x3 affine matrix ``T * C * R(angle) * S(scale) * Shear * C^-1`` (row-major, 6 values), or its
    inverse (what Pillow's ``transform`` and the tensor kernels sample with) when ``inverted``."""
    rot = math.radians(angle)
    sx = math.radians(shear[0])
    sy = math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    if inverted:
        # det([[a, b], [c, d]]) == 1, so the inverse of the rotation-shear part is [[d, -b], [-c, a]].
        matrix = [x / scale for x in [d, -b, 0.0, -c, a, 0.0]]
        matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty)
        matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty)
        matrix[2] += cx
        matrix[5] += cy
    else:
        matrix = [x * scale for x in [a, b, 0.0, c, d, 0.0]]
        matrix[2] += matrix[0] * (-cx) + matrix[1] * (-cy)
        matrix[5] += matrix[3] * (-cx) + matrix[4] * (-cy)
        matrix[2] += cx + tx
        matrix[5] += cy + ty
    return matrix


def rotate(img: Tensor, angle: float, interpolation: InterpolationMode = InterpolationMode.NEAREST,
           expand: bool = False, center: Optional[list[int]] = None, fill: Optional[list[float]] = None) -> Tensor:
    """Rotate counter-clockwise by ``angle`` degrees around ``center`` (default: the image centre).

    >>> rotate(Image.new("RGB", (8, 4)), 90, expand=True).size
    (4, 8)
    """
    interpolation = _check_interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    if not isinstance(img, Tensor):
        return F_pil.rotate(img, angle=angle, interpolation=pil_modes_mapping[interpolation], expand=expand,
                            center=center, fill=fill)
    center_f = [0.0, 0.0]
    if center is not None:
        _, height, width = get_dimensions(img)
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    # The tensor kernel's angle runs the other way round from Pillow's rotate.
    matrix = _get_inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    return F_t.rotate(img, matrix=matrix, interpolation=interpolation.value, expand=expand, fill=fill)


def affine(img: Tensor, angle: float, translate: list[int], scale: float, shear: list[float],
           interpolation: InterpolationMode = InterpolationMode.NEAREST, fill: Optional[list[float]] = None,
           center: Optional[list[int]] = None) -> Tensor:
    """Rotate (clockwise, degrees), translate, scale and shear, keeping ``center`` fixed."""
    interpolation = _check_interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, (list, tuple))):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    angle = float(angle)
    translate = list(translate)
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    shear = list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    _, height, width = get_dimensions(img)
    if not isinstance(img, Tensor):
        if center is None:
            center = [width * 0.5, height * 0.5]
        matrix = _get_inverse_affine_matrix(center, angle, translate, scale, shear)
        return F_pil.affine(img, matrix=matrix, interpolation=pil_modes_mapping[interpolation], fill=fill)
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    translate_f = [1.0 * t for t in translate]
    matrix = _get_inverse_affine_matrix(center_f, angle, translate_f, scale, shear)
    return F_t.affine(img, matrix=matrix, interpolation=interpolation.value, fill=fill)


def to_grayscale(img, num_output_channels=1):
    """A PIL image of any mode as grayscale, with 1 or 3 (equal) channels."""
    if isinstance(img, Image.Image):
        return F_pil.to_grayscale(img, num_output_channels)
    raise TypeError("Input should be PIL Image")


def rgb_to_grayscale(img: Tensor, num_output_channels: int = 1) -> Tensor:
    """An RGB image as grayscale (``0.299 R + 0.587 G + 0.114 B``), with 1 or 3 channels."""
    if not isinstance(img, Tensor):
        return F_pil.to_grayscale(img, num_output_channels)
    return F_t.rgb_to_grayscale(img, num_output_channels)


def erase(img: Tensor, i: int, j: int, h: int, w: int, v: Tensor, inplace: bool = False) -> Tensor:
    """Overwrite the ``h x w`` box at ``(i, j)`` of a tensor image with ``v``."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    return F_t.erase(img, i, j, h, w, v, inplace=inplace)


def gaussian_blur(img: Tensor, kernel_size: list[int], sigma: Optional[list[float]] = None) -> Tensor:
    """Blur with a Gaussian kernel (odd ``kernel_size``; ``sigma`` defaults to ``0.3 * ((k - 1) * 0.5 - 1) + 0.8``),
    reflect-padded so the size is kept. PIL images go through the tensor kernel, as in torchvision."""
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}")
    for ksize in kernel_size:
        if ksize % 2 == 0 or ksize < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [ksize * 0.15 + 0.35 for ksize in kernel_size]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if isinstance(sigma, (list, tuple)) and len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")
    t_img = img
    if not isinstance(img, Tensor):
        if not _is_pil_image(img):
            raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
        t_img = pil_to_tensor(img)
    output = F_t.gaussian_blur(t_img, kernel_size, sigma)
    if not isinstance(img, Tensor):
        output = to_pil_image(output, mode=img.mode)
    return output


def invert(img: Tensor) -> Tensor:
    """Invert the colours (``max - x``)."""
    if not isinstance(img, Tensor):
        return F_pil.invert(img)
    return F_t.invert(img)


def posterize(img: Tensor, bits: int) -> Tensor:
    """Keep the ``bits`` (0-8) most significant bits of each channel."""
    if not (0 <= bits <= 8):
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    if not isinstance(img, Tensor):
        return F_pil.posterize(img, bits)
    return F_t.posterize(img, bits)


def solarize(img: Tensor, threshold: float) -> Tensor:
    """Invert every pixel value at or above ``threshold``."""
    if not isinstance(img, Tensor):
        return F_pil.solarize(img, threshold)
    return F_t.solarize(img, threshold)


def adjust_sharpness(img: Tensor, sharpness_factor: float) -> Tensor:
    """Blend with a smoothed copy: 0 blurs, 1 keeps, 2 sharpens."""
    if not isinstance(img, Tensor):
        return F_pil.adjust_sharpness(img, sharpness_factor)
    return F_t.adjust_sharpness(img, sharpness_factor)


def autocontrast(img: Tensor) -> Tensor:
    """Stretch each channel so its darkest pixel becomes black and its lightest white."""
    if not isinstance(img, Tensor):
        return F_pil.autocontrast(img)
    return F_t.autocontrast(img)


def equalize(img: Tensor) -> Tensor:
    """Histogram-equalize each channel (uint8 tensors; PIL modes P, L, RGB)."""
    if not isinstance(img, Tensor):
        return F_pil.equalize(img)
    return F_t.equalize(img)


def elastic_transform(img: Tensor, displacement: Tensor,
                      interpolation: InterpolationMode = InterpolationMode.BILINEAR,
                      fill: Optional[list[float]] = None) -> Tensor:
    """Resample along an identity grid plus ``displacement`` (shape ``[1, H, W, 2]``, normalized units)."""
    if isinstance(interpolation, int):
        warnings.warn("Argument interpolation should be of type InterpolationMode instead of int. "
                      "Please, use InterpolationMode enum.")
        interpolation = _interpolation_modes_from_int(interpolation)
    if not isinstance(displacement, Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    t_img = img
    if not isinstance(img, Tensor):
        if not _is_pil_image(img):
            raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
        t_img = pil_to_tensor(img)
    shape = ember.Size((1,) + tuple(t_img.shape[-2:]) + (2,))
    if shape != displacement.shape:
        raise ValueError(f"Argument displacement shape should be {shape}, but given {displacement.shape}")
    output = F_t.elastic_transform(t_img, displacement, interpolation=interpolation.value, fill=fill)
    if not isinstance(img, Tensor):
        output = to_pil_image(output, mode=img.mode)
    return output
