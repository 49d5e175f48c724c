"""Tensor kernels behind ``ember.vision.transforms.functional`` (torchvision's ``_functional_tensor``).

Every function takes an image tensor of shape ``(..., C, H, W)`` (``H×W`` where torchvision allows it),
uint8 or floating point, and returns a tensor of the same dtype, exactly as torchvision does: integer
images are converted to float for the arithmetic and converted back (rounded where torchvision rounds,
truncated where it truncates). Names and signatures equal torchvision's, so the public dispatcher in
``functional.py`` calls these with the arguments it already validated; the checks here are the ones
torchvision makes at this level (same exception types and messages).

    >>> import ember
    >>> from ember.vision.transforms import _functional_tensor as F_t
    >>> img = ember.arange(12, dtype=ember.uint8).view(1, 3, 4)
    >>> F_t.hflip(img)[0, 0].tolist()
    [3, 2, 1, 0]
    >>> F_t.pad(img, [1], padding_mode="symmetric").shape
    ember.Size([1, 5, 6])

Only ember ops are used (no array library), so every backend runs these.
"""
from __future__ import annotations

import warnings

import ember
import ember.nn.functional as F
from ember import Tensor

_INT_MAX_BY_NAME = {
    "uint8": 255,
    "int8": 127,
    "int16": 32767,
    "uint16": 65535,
    "int32": 2147483647,
    "int64": 9223372036854775807,
}
_INT_MAX = {getattr(ember, name): v for name, v in _INT_MAX_BY_NAME.items() if hasattr(ember, name)}
# The integer dtypes a resampled float result is rounded (not truncated) back to, as torchvision.
_ROUNDED_DTYPES = tuple(getattr(ember, name) for name in ("uint8", "int8", "int16", "int32", "int64"))
_Fill = int | float | list[float] | None


# --- image checks and sizes --------------------------------------------------------------------------

def _is_tensor_a_torch_image(x: Tensor) -> bool:
    return x.ndim >= 2


def _assert_image_tensor(img: Tensor) -> None:
    if not _is_tensor_a_torch_image(img):
        raise TypeError("Tensor is not a torch image.")


def get_dimensions(img: Tensor) -> list[int]:
    """``[channels, height, width]`` of an image tensor (channels is 1 for an ``H×W`` image)."""
    _assert_image_tensor(img)
    channels = 1 if img.ndim == 2 else img.shape[-3]
    return [channels, img.shape[-2], img.shape[-1]]


def get_image_size(img: Tensor) -> list[int]:
    """``[width, height]`` of an image tensor."""
    _assert_image_tensor(img)
    return [img.shape[-1], img.shape[-2]]


def get_image_num_channels(img: Tensor) -> int:
    _assert_image_tensor(img)
    return 1 if img.ndim == 2 else img.shape[-3]


def _max_value(dtype) -> int:
    """The value of "full intensity": 255 for uint8, the dtype's max for other ints, 1 for floats."""
    return _INT_MAX.get(dtype, 1)


def _assert_channels(img: Tensor, permitted: list[int]) -> None:
    c = get_dimensions(img)[0]
    if c not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but found {c}")


def _assert_at_least_3d(img: Tensor) -> None:
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")


def _float_dtype(img: Tensor):
    """The dtype the arithmetic runs in: the image's own if floating point, else float32."""
    return img.dtype if img.is_floating_point() else ember.float32


# --- dtype conversion --------------------------------------------------------------------------------

def convert_image_dtype(image: Tensor, dtype=ember.float32) -> Tensor:
    """Convert an image to ``dtype``, rescaling values (ints span ``[0, max]``, floats ``[0, 1]``).

    Float to int multiplies by ``max + 1 - 1e-3`` and truncates, so ``[0, 1]`` maps evenly onto the
    integer levels and only ``1.0`` reaches ``max``.

        >>> convert_image_dtype(ember.tensor([0.0, 0.5, 1.0]), ember.uint8).tolist()
        [0, 127, 255]
    """
    if image.dtype == dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        if (image.dtype == ember.float32 and dtype in (ember.int32, ember.int64)) or (
            image.dtype == ember.float64 and dtype == ember.int64
        ):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
        eps = 1e-3
        return image.mul(float(_max_value(dtype)) + 1.0 - eps).to(dtype)

    input_max = _max_value(image.dtype)
    if dtype.is_floating_point:
        return image.to(dtype) / float(input_max)
    output_max = _max_value(dtype)
    if input_max > output_max:
        factor = (input_max + 1) // (output_max + 1)
        return ember.div(image, factor, rounding_mode="floor").to(dtype)
    factor = (output_max + 1) // (input_max + 1)
    return image.to(dtype) * factor


# --- geometry without resampling ---------------------------------------------------------------------

def vflip(img: Tensor) -> Tensor:
    """Flip upside down (along ``H``)."""
    _assert_image_tensor(img)
    return img.flip(-2)


def hflip(img: Tensor) -> Tensor:
    """Flip left to right (along ``W``)."""
    _assert_image_tensor(img)
    return img.flip(-1)


def crop(img: Tensor, top: int, left: int, height: int, width: int) -> Tensor:
    """The ``height×width`` window at ``(top, left)``; parts outside the image are zero-padded."""
    _assert_image_tensor(img)
    _, h, w = get_dimensions(img)
    right = left + width
    bottom = top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding_ltrb = [
            max(-left + min(0, right), 0),
            max(-top + min(0, bottom), 0),
            max(right - max(w, left), 0),
            max(bottom - max(h, top), 0),
        ]
        return pad(img[..., max(top, 0):bottom, max(left, 0):right], padding_ltrb, fill=0)
    return img[..., top:bottom, left:right]


def _parse_pad_padding(padding: int | list[int]) -> list[int]:
    """torchvision's padding forms (int, [all], [lr, tb], [l, t, r, b]) as ``[left, right, top, bottom]``."""
    if isinstance(padding, int):
        return [padding] * 4
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[0], padding[1], padding[1]]
    return [padding[0], padding[2], padding[1], padding[3]]


def _pad_symmetric(img: Tensor, padding: list[int]) -> Tensor:
    """Mirror padding that repeats the edge pixel (``[2, 1] | 1 2 3 | [3, 2]``); negative amounts crop."""
    if min(padding) < 0:
        cl, cr, ct, cb = (-min(p, 0) for p in padding)
        img = img[..., ct:img.shape[-2] - cb, cl:img.shape[-1] - cr]
        padding = [max(p, 0) for p in padding]
    if img.ndim not in (3, 4):
        raise RuntimeError("Symmetric padding of N-D tensors are not supported yet")
    left, right, top, bottom = padding

    def indices(dim, before, after):
        n = img.shape[dim]
        idx = list(range(before - 1, -1, -1)) + list(range(n)) + [n - 1 - i for i in range(after)]
        if before > n or after > n:  # the mirror image is only as wide as the image
            bad = before - 1 if before > n else -(n + 1)
            raise IndexError(f"index {bad} is out of bounds for dimension {img.ndim + dim} with size {n}")
        return ember.tensor(idx, dtype=ember.int64, device=img.device)

    img = img.index_select(-1, indices(-1, left, right))
    return img.index_select(-2, indices(-2, top, bottom))


def pad(img: Tensor, padding: int | list[int], fill: float | None = 0,
        padding_mode: str = "constant") -> Tensor:
    """Pad the last two dims; ``padding_mode`` is ``constant`` (with ``fill``), ``edge``, ``reflect`` or
    ``symmetric``.

        >>> pad(ember.tensor([[[1, 2, 3]]]), [2, 0], padding_mode="reflect").tolist()
        [[[3, 2, 1, 2, 3, 2, 1]]]
    """
    _assert_image_tensor(img)
    if fill is None:
        fill = 0
    if not isinstance(padding, (int, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if not isinstance(fill, (int, float)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
        raise ValueError(
            f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")

    p = _parse_pad_padding(list(padding) if isinstance(padding, tuple) else padding)
    if padding_mode == "symmetric":
        return _pad_symmetric(img, p)

    need_squeeze = img.ndim < 4
    if need_squeeze:
        img = img.unsqueeze(0)
    out_dtype = img.dtype
    # torchvision pads non-constant modes in float32 (torch lacked integer reflect/replicate kernels).
    need_cast = padding_mode != "constant" and out_dtype not in (ember.float32, ember.float64)
    if need_cast:
        img = img.to(ember.float32)
    if padding_mode == "constant":
        img = F.pad(img, p, mode="constant", value=float(fill))
    else:
        img = F.pad(img, p, mode="replicate" if padding_mode == "edge" else "reflect")
    if need_squeeze:
        img = img.squeeze(0)
    return img.to(out_dtype) if need_cast else img


# --- colour ------------------------------------------------------------------------------------------

def rgb_to_grayscale(img: Tensor, num_output_channels: int = 1) -> Tensor:
    """ITU-R 601-2 luma ``0.2989 R + 0.587 G + 0.114 B`` (truncated for integer images)."""
    _assert_at_least_3d(img)
    _assert_channels(img, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if img.shape[-3] == 3:
        r, g, b = img.unbind(dim=-3)
        l_img = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype).unsqueeze(-3)
    else:
        l_img = img.clone()
    if num_output_channels == 3:
        return l_img.expand(img.shape)
    return l_img


def _blend(img1: Tensor, img2: Tensor, ratio: float) -> Tensor:
    ratio = float(ratio)
    bound = _max_value(img1.dtype)
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def adjust_brightness(img: Tensor, brightness_factor: float) -> Tensor:
    """Multiply intensities by ``brightness_factor`` (0 gives black), clamped to the dtype's range."""
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    return _blend(img, ember.zeros_like(img), brightness_factor)


def adjust_contrast(img: Tensor, contrast_factor: float) -> Tensor:
    """Blend with the mean grey level of each image (0 gives a uniform grey image)."""
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [3, 1])
    dtype = _float_dtype(img)
    grey = rgb_to_grayscale(img) if get_dimensions(img)[0] == 3 else img
    mean = ember.mean(grey.to(dtype), dim=(-3, -2, -1), keepdim=True)
    return _blend(img, mean, contrast_factor)


def adjust_saturation(img: Tensor, saturation_factor: float) -> Tensor:
    """Blend with the grayscale image (0 gives grey, 1 the original, 2 doubles the saturation)."""
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:  # as PIL: a grey image has no saturation to change
        return img
    return _blend(img, rgb_to_grayscale(img), saturation_factor)


def _rgb2hsv(img: Tensor) -> Tensor:
    """RGB in ``[0, 1]`` to HSV in ``[0, 1]`` (Pillow's formulas; H and S are 0 for grey pixels)."""
    r, g, b = img.unbind(dim=-3)
    maxc = ember.amax(img, dim=-3)
    minc = ember.amin(img, dim=-3)
    eqc = maxc == minc
    cr = maxc - minc
    # Grey pixels (maxc == minc) would divide by zero; any non-zero divisor gives them H = S = 0.
    ones = ember.ones_like(maxc)
    s = cr / ember.where(eqc, ones, maxc)
    cr_divisor = ember.where(eqc, ones, cr)
    rc = (maxc - r) / cr_divisor
    gc = (maxc - g) / cr_divisor
    bc = (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = ember.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return ember.stack((h, s, maxc), dim=-3)


def _hsv2rgb(img: Tensor) -> Tensor:
    h, s, v = img.unbind(dim=-3)
    i = ember.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.to(ember.int32) % 6
    p = ember.clamp(v * (1.0 - s), 0.0, 1.0)
    q = ember.clamp(v * (1.0 - s * f), 0.0, 1.0)
    t = ember.clamp(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    # The sextant i picks which of (v, q, p, t) each channel takes: a one-hot mask over the 6 choices.
    mask = (i.unsqueeze(-3) == ember.arange(6, device=i.device).view(-1, 1, 1)).to(img.dtype)
    choices = ember.stack((
        ember.stack((v, q, p, p, t, v), dim=-3),
        ember.stack((t, v, v, q, p, p), dim=-3),
        ember.stack((p, p, t, v, v, q), dim=-3),
    ), dim=-4)
    return (mask.unsqueeze(-4) * choices).sum(dim=-3)


def adjust_hue(img: Tensor, hue_factor: float) -> Tensor:
    """Rotate the hue by ``hue_factor`` turns (in ``[-0.5, 0.5]``) through an RGB→HSV→RGB round trip."""
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if not isinstance(img, Tensor):
        raise TypeError("Input img should be Tensor image")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:  # as PIL
        return img
    orig_dtype = img.dtype
    h, s, v = _rgb2hsv(convert_image_dtype(img, ember.float32)).unbind(dim=-3)
    h = (h + hue_factor) % 1.0
    rgb = _hsv2rgb(ember.stack((h, s, v), dim=-3))
    return convert_image_dtype(rgb, orig_dtype)


def adjust_gamma(img: Tensor, gamma: float, gain: float = 1) -> Tensor:
    """``gain * img ** gamma`` on intensities scaled to ``[0, 1]``, clamped, back in the input dtype."""
    if not isinstance(img, Tensor):
        raise TypeError("Input img should be a Tensor.")
    _assert_channels(img, [1, 3])
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    dtype = img.dtype
    result = img if img.is_floating_point() else convert_image_dtype(img, ember.float32)
    result = (gain * result.pow(gamma)).clamp(0, 1)
    return convert_image_dtype(result, dtype)


def invert(img: Tensor) -> Tensor:
    """``max - img`` (255 for uint8, 1.0 for floats)."""
    _assert_image_tensor(img)
    _assert_at_least_3d(img)
    _assert_channels(img, [1, 3])
    return _max_value(img.dtype) - img


def posterize(img: Tensor, bits: int) -> Tensor:
    """Keep the ``bits`` most significant bits of each uint8 channel value."""
    _assert_image_tensor(img)
    _assert_at_least_3d(img)
    if img.dtype != ember.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")
    _assert_channels(img, [1, 3])
    mask = -int(2 ** (8 - bits)) & 0xFF  # ~(2 ** (8 - bits) - 1) as a uint8 bit pattern
    return img & mask


def solarize(img: Tensor, threshold: float) -> Tensor:
    """Invert every value ``>= threshold``."""
    _assert_image_tensor(img)
    _assert_at_least_3d(img)
    _assert_channels(img, [1, 3])
    if threshold > _max_value(img.dtype):
        raise TypeError("Threshold should be less than bound of img.")
    return ember.where(img >= threshold, invert(img), img)


def _cast_squeeze_in(img: Tensor, req_dtypes: list) -> tuple[Tensor, bool, bool, object]:
    """Make ``img`` 4-D (N, C, H, W) in one of ``req_dtypes``; returns what ``_cast_squeeze_out`` undoes."""
    need_squeeze = img.ndim < 4
    if need_squeeze:
        img = img.unsqueeze(0)
    out_dtype = img.dtype
    need_cast = out_dtype not in req_dtypes
    if need_cast:
        img = img.to(req_dtypes[0])
    return img, need_cast, need_squeeze, out_dtype


def _cast_squeeze_out(img: Tensor, need_cast: bool, need_squeeze: bool, out_dtype) -> Tensor:
    if need_squeeze:
        img = img.squeeze(0)
    if need_cast:
        if out_dtype in _ROUNDED_DTYPES:
            img = ember.round(img)  # round, don't truncate, a resampled value back to integer levels
        img = img.to(out_dtype)
    return img


def _blurred_degenerate_image(img: Tensor) -> Tensor:
    """``img`` smoothed by the 3×3 kernel ``[[1,1,1],[1,5,1],[1,1,1]] / 13``; the border keeps ``img``."""
    dtype = _float_dtype(img)
    kernel = ember.ones((3, 3), dtype=dtype, device=img.device)
    kernel[1, 1] = 5.0
    kernel = (kernel / kernel.sum()).expand(img.shape[-3], 1, 3, 3)
    tmp, need_cast, need_squeeze, out_dtype = _cast_squeeze_in(img, [kernel.dtype])
    tmp = F.conv2d(tmp, kernel, groups=tmp.shape[-3])
    tmp = _cast_squeeze_out(tmp, need_cast, need_squeeze, out_dtype)
    result = img.clone()
    result[..., 1:-1, 1:-1] = tmp
    return result


def adjust_sharpness(img: Tensor, sharpness_factor: float) -> Tensor:
    """Blend with a smoothed image (0 blurs, 1 is the original, 2 sharpens); needs ``H, W > 2``."""
    if sharpness_factor < 0:
        raise ValueError(f"sharpness_factor ({sharpness_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if img.shape[-1] <= 2 or img.shape[-2] <= 2:
        return img
    return _blend(img, _blurred_degenerate_image(img), sharpness_factor)


def autocontrast(img: Tensor) -> Tensor:
    """Stretch each channel so its darkest value becomes 0 and its brightest the dtype's max."""
    _assert_image_tensor(img)
    _assert_at_least_3d(img)
    _assert_channels(img, [1, 3])
    bound = _max_value(img.dtype)
    dtype = _float_dtype(img)
    minimum = img.amin(dim=(-2, -1), keepdim=True).to(dtype)
    maximum = img.amax(dim=(-2, -1), keepdim=True).to(dtype)
    # A flat channel (max == min, scale infinite) is left unchanged: minimum 0, scale 1.
    flat = maximum == minimum
    # torch evaluates ``bound / t`` as ``t.reciprocal() * bound``; spelled out so the scale is bit-equal.
    scale = ember.where(flat, ember.ones_like(maximum), maximum - minimum).reciprocal() * bound
    flat = flat | ember.isfinite(scale).logical_not()
    minimum = ember.where(flat, ember.zeros_like(minimum), minimum)
    scale = ember.where(flat, ember.ones_like(scale), scale)
    return ((img - minimum) * scale).clamp(0, bound).to(img.dtype)


def _equalize_rows(rows: Tensor) -> Tensor:
    """Histogram-equalize each row of an ``(R, P)`` uint8 tensor independently (PIL's ImageOps LUT)."""
    n_rows, n_pix = rows.shape
    values = rows.to(ember.int64)
    offsets = ember.arange(n_rows, device=rows.device).view(-1, 1) * 256
    hist = ember.bincount((values + offsets).reshape(-1), minlength=n_rows * 256).view(n_rows, 256)
    # torchvision's step: the pixel count outside the highest occupied bin, // 255.
    top = hist.gather(1, values.amax(dim=1, keepdim=True))
    step = ember.div(n_pix - top, 255, rounding_mode="floor")
    flat = step == 0  # one occupied bin (or nearly): the channel is returned unchanged
    safe_step = ember.where(flat, ember.ones_like(step), step)
    lut = ember.div(ember.cumsum(hist, 1) + ember.div(step, 2, rounding_mode="floor"), safe_step,
                    rounding_mode="floor")
    lut = F.pad(lut, [1, 0])[:, :-1].clamp(0, 255)
    out = ember.where(flat, values, lut.gather(1, values))
    return out.to(ember.uint8)


def equalize(img: Tensor) -> Tensor:
    """Equalize the histogram of each channel of a uint8 ``C×H×W`` or ``N×C×H×W`` image."""
    _assert_image_tensor(img)
    if not (3 <= img.ndim <= 4):
        raise TypeError(f"Input image tensor should have 3 or 4 dimensions, but found {img.ndim}")
    if img.dtype != ember.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")
    _assert_channels(img, [1, 3])
    if img.numel() == 0:
        return img.clone()
    h, w = img.shape[-2:]
    return _equalize_rows(img.reshape(-1, h * w)).view(img.shape)


# --- resampling --------------------------------------------------------------------------------------

def resize(img: Tensor, size: list[int], interpolation: str = "bilinear",
           antialias: bool | None = True) -> Tensor:
    """Resize the last two dims to ``size = [h, w]`` with ``F.interpolate`` (``nearest``,
    ``nearest-exact``, ``bilinear``, ``bicubic``; ``antialias`` only affects the last two).

    Integer images are resampled in float32 and rounded back (bicubic clamped to ``[0, 255]`` first).
    """
    _assert_image_tensor(img)
    size = list(size)
    antialias = bool(antialias) and interpolation in ("bilinear", "bicubic")
    img, need_cast, need_squeeze, out_dtype = _cast_squeeze_in(img, [ember.float32, ember.float64])
    align_corners = False if interpolation in ("bilinear", "bicubic") else None
    img = F.interpolate(img, size=size, mode=interpolation, align_corners=align_corners, antialias=antialias)
    if interpolation == "bicubic" and out_dtype == ember.uint8:
        img = img.clamp(min=0, max=255)
    return _cast_squeeze_out(img, need_cast=need_cast, need_squeeze=need_squeeze, out_dtype=out_dtype)


def _assert_grid_transform_inputs(img: Tensor, matrix: list[float] | None, interpolation: str, fill: _Fill,
                                  supported_interpolation_modes: list[str],
                                  coeffs: list[float] | None = None) -> None:
    if not isinstance(img, Tensor):
        raise TypeError("Input img should be Tensor")
    _assert_image_tensor(img)
    if matrix is not None and not isinstance(matrix, list):
        raise TypeError("Argument matrix should be a list")
    if matrix is not None and len(matrix) != 6:
        raise ValueError("Argument matrix should have 6 float values")
    if coeffs is not None and len(coeffs) != 8:
        raise ValueError("Argument coeffs should have 8 float values")
    if fill is not None and not isinstance(fill, (int, float, tuple, list)):
        warnings.warn("Argument fill should be either int, float, tuple or list")
    num_channels = get_dimensions(img)[0]
    if isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != num_channels:
        raise ValueError("The number of elements in 'fill' cannot broadcast to match the number of "
                         f"channels of the image ({len(fill)} != {num_channels})")
    if interpolation not in supported_interpolation_modes:
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")


def _apply_grid_transform(img: Tensor, grid: Tensor, mode: str, fill: _Fill) -> Tensor:
    """``grid_sample`` ``img`` (any of the image forms) at ``grid`` (1×H'×W'×2, shared by the batch).

    Outside points are zero, or ``fill`` when given: a ones channel sampled with the image tells how
    much of each output pixel came from inside, and the rest is filled (hard cut-off for nearest).
    """
    img, need_cast, need_squeeze, out_dtype = _cast_squeeze_in(img, [grid.dtype])
    n = img.shape[0]
    if n > 1:
        grid = grid.expand(n, grid.shape[1], grid.shape[2], grid.shape[3])
    if fill is not None:
        ones = ember.ones((n, 1, img.shape[2], img.shape[3]), dtype=img.dtype, device=img.device)
        img = ember.cat((img, ones), dim=1)
    img = F.grid_sample(img, grid, mode=mode, padding_mode="zeros", align_corners=False)
    if fill is not None:
        mask = img[:, -1:, :, :].expand_as(img[:, :-1])
        img = img[:, :-1, :, :]
        fill_list = list(fill) if isinstance(fill, (tuple, list)) else [float(fill)]
        fill_img = ember.tensor(fill_list, dtype=img.dtype, device=img.device)
        fill_img = fill_img.view(1, len(fill_list), 1, 1).expand_as(img)
        if mode == "nearest":
            img = ember.where(mask < 0.5, fill_img, img)
        else:
            img = img * mask + (1.0 - mask) * fill_img
    return _cast_squeeze_out(img, need_cast, need_squeeze, out_dtype)


def _base_grid(ow: int, oh: int, x0: float, y0: float, dtype, device) -> Tensor:
    """``(1, oh, ow, 3)`` homogeneous pixel-centre coordinates ``(x0 + j, y0 + i, 1)``."""
    x = ember.linspace(x0, x0 + ow - 1, steps=ow, dtype=dtype, device=device)
    y = ember.linspace(y0, y0 + oh - 1, steps=oh, dtype=dtype, device=device)
    grid = ember.stack((x.expand(oh, ow), y.view(oh, 1).expand(oh, ow),
                        ember.ones((oh, ow), dtype=dtype, device=device)), dim=-1)
    return grid.view(1, oh, ow, 3)


def _gen_affine_grid(theta: Tensor, w: int, h: int, ow: int, oh: int) -> Tensor:
    """Sampling grid of the affine map ``theta`` (1×2×3, pixel units about the centre) for an ``oh×ow``
    output of a ``h×w`` image, normalised by the *input* size (so ``expand`` can enlarge the canvas)."""
    base = _base_grid(ow, oh, -ow * 0.5 + 0.5, -oh * 0.5 + 0.5, theta.dtype, theta.device)
    half_size = ember.tensor([0.5 * w, 0.5 * h], dtype=theta.dtype, device=theta.device)
    rescaled_theta = theta.transpose(1, 2) / half_size
    return base.view(1, oh * ow, 3).bmm(rescaled_theta).view(1, oh, ow, 2)


def affine(img: Tensor, matrix: list[float], interpolation: str = "nearest", fill: _Fill = None) -> Tensor:
    """Apply the inverse affine ``matrix`` (6 floats, output pixel → input pixel, about the centre)."""
    _assert_grid_transform_inputs(img, matrix, interpolation, fill, ["nearest", "bilinear"])
    theta = ember.tensor(matrix, dtype=_float_dtype(img), device=img.device).reshape(1, 2, 3)
    w, h = img.shape[-1], img.shape[-2]
    grid = _gen_affine_grid(theta, w=w, h=h, ow=w, oh=h)
    return _apply_grid_transform(img, grid, interpolation, fill=fill)


def _compute_affine_output_size(matrix: list[float], w: int, h: int) -> tuple[int, int]:
    """``(w, h)`` of the box holding the transformed image corners (PIL's ``rotate(expand=True)``).

    Computed in float32 as torchvision does, so the ceil/floor decisions agree with it.
    """
    f32 = ember.float32
    pts = ember.tensor([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0],
                        [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]], dtype=f32)
    theta = ember.tensor(matrix, dtype=f32).view(2, 3)
    new_pts = ember.matmul(pts, theta.T)
    centre = ember.tensor((w * 0.5, h * 0.5), dtype=f32)
    min_vals = new_pts.amin(dim=0) + centre
    max_vals = new_pts.amax(dim=0) + centre
    tol = 1e-4  # truncate to 1e-4 so a 1e-15 overshoot does not ceil to a whole extra pixel
    cmax = ember.ceil(ember.trunc(max_vals / tol) * tol)
    cmin = ember.floor(ember.trunc(min_vals / tol) * tol)
    size = (cmax - cmin).tolist()
    return int(size[0]), int(size[1])


def rotate(img: Tensor, matrix: list[float], interpolation: str = "nearest", expand: bool = False,
           fill: _Fill = None) -> Tensor:
    """Rotate with the inverse rotation ``matrix``; ``expand`` grows the output to hold the whole image."""
    _assert_grid_transform_inputs(img, matrix, interpolation, fill, ["nearest", "bilinear"])
    w, h = img.shape[-1], img.shape[-2]
    ow, oh = _compute_affine_output_size(matrix, w, h) if expand else (w, h)
    theta = ember.tensor(matrix, dtype=_float_dtype(img), device=img.device).reshape(1, 2, 3)
    grid = _gen_affine_grid(theta, w=w, h=h, ow=ow, oh=oh)
    return _apply_grid_transform(img, grid, interpolation, fill=fill)


def _perspective_grid(coeffs: list[float], ow: int, oh: int, dtype, device) -> Tensor:
    """Sampling grid of PIL's perspective map: for output pixel ``(x, y)`` the input point is
    ``((c0 x + c1 y + c2) / d, (c3 x + c4 y + c5) / d)`` with ``d = c6 x + c7 y + 1``."""
    theta1 = ember.tensor([[[coeffs[0], coeffs[1], coeffs[2]], [coeffs[3], coeffs[4], coeffs[5]]]],
                          dtype=dtype, device=device)
    theta2 = ember.tensor([[[coeffs[6], coeffs[7], 1.0], [coeffs[6], coeffs[7], 1.0]]], dtype=dtype, device=device)
    base = _base_grid(ow, oh, 0.5, 0.5, dtype, device).view(1, oh * ow, 3)
    half_size = ember.tensor([0.5 * ow, 0.5 * oh], dtype=dtype, device=device)
    numerator = base.bmm(theta1.transpose(1, 2) / half_size)
    denominator = base.bmm(theta2.transpose(1, 2))
    return (numerator / denominator - 1.0).view(1, oh, ow, 2)


def perspective(img: Tensor, perspective_coeffs: list[float], interpolation: str = "bilinear",
                fill: _Fill = None) -> Tensor:
    """Warp with the 8 perspective coefficients (output pixel → input pixel, as PIL's ``PERSPECTIVE``)."""
    if not isinstance(img, Tensor):
        raise TypeError("Input img should be Tensor.")
    _assert_image_tensor(img)
    _assert_grid_transform_inputs(img, matrix=None, interpolation=interpolation, fill=fill,
                                  supported_interpolation_modes=["nearest", "bilinear"], coeffs=perspective_coeffs)
    ow, oh = img.shape[-1], img.shape[-2]
    grid = _perspective_grid(perspective_coeffs, ow=ow, oh=oh, dtype=_float_dtype(img), device=img.device)
    return _apply_grid_transform(img, grid, interpolation, fill=fill)


def _get_gaussian_kernel1d(kernel_size: int, sigma: float, dtype, device) -> Tensor:
    half = (kernel_size - 1) * 0.5
    x = ember.linspace(-half, half, steps=kernel_size, dtype=dtype, device=device)
    pdf = ember.exp(-0.5 * (x / sigma).pow(2))
    return pdf / pdf.sum()


def _get_gaussian_kernel2d(kernel_size: list[int], sigma: list[float], dtype, device) -> Tensor:
    """The ``kernel_size[1]×kernel_size[0]`` (rows × cols) Gaussian, an outer product of 1-D kernels."""
    kernel1d_x = _get_gaussian_kernel1d(kernel_size[0], sigma[0], dtype, device)
    kernel1d_y = _get_gaussian_kernel1d(kernel_size[1], sigma[1], dtype, device)
    return ember.mm(kernel1d_y[:, None], kernel1d_x[None, :])


def gaussian_blur(img: Tensor, kernel_size: list[int], sigma: list[float]) -> Tensor:
    """Blur with a ``kernel_size = [kx, ky]`` Gaussian of std ``sigma = [sx, sy]``, reflect-padded.

    The 2-D kernel is the outer product of two 1-D ones, so it runs as two 1-D depthwise convolutions
    (same values up to float rounding as torchvision's single 2-D convolution, ``kx + ky`` instead of
    ``kx * ky`` multiply-adds per pixel).
    """
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor. Got {type(img)}")
    _assert_image_tensor(img)
    dtype = _float_dtype(img)
    c = get_dimensions(img)[0]
    kx = _get_gaussian_kernel1d(kernel_size[0], sigma[0], dtype, img.device).view(1, 1, 1, -1)
    ky = _get_gaussian_kernel1d(kernel_size[1], sigma[1], dtype, img.device).view(1, 1, -1, 1)
    img, need_cast, need_squeeze, out_dtype = _cast_squeeze_in(img, [dtype])
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    img = F.pad(img, [px, px, py, py], mode="reflect")
    img = F.conv2d(img, kx.expand(c, 1, 1, kernel_size[0]), groups=c)
    img = F.conv2d(img, ky.expand(c, 1, kernel_size[1], 1), groups=c)
    return _cast_squeeze_out(img, need_cast, need_squeeze, out_dtype)


def elastic_transform(img: Tensor, displacement: Tensor, interpolation: str = "bilinear",
                      fill: _Fill = None) -> Tensor:
    """Sample ``img`` at the identity grid plus ``displacement`` (1×H×W×2, normalised coordinates)."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor. Got {type(img)}")
    h, w = img.shape[-2:]
    grid = _create_identity_grid([h, w]).to(img.device) + displacement.to(img.device)
    return _apply_grid_transform(img, grid, interpolation, fill)


def _create_identity_grid(size: list[int]) -> Tensor:
    """``1×H×W×2`` grid of pixel centres in ``grid_sample``'s ``[-1, 1]`` coordinates (x first)."""
    ys, xs = (ember.linspace((-s + 1) / s, (s - 1) / s, s) for s in size)
    grid_y, grid_x = ember.meshgrid(ys, xs, indexing="ij")
    return ember.stack((grid_x, grid_y), dim=-1).unsqueeze(0)


# --- normalisation and erasing ------------------------------------------------------------------------

def _channel_stats(values, dtype, device) -> Tensor:
    """``values`` (per-channel mean or std) as a tensor of ``dtype``, shaped ``(C, 1, 1)`` when 1-D."""
    t = ember.as_tensor(values, dtype=dtype, device=device)
    return t.view(-1, 1, 1) if t.ndim == 1 else t


# (mean, std, dtype, backend) -> (mean, std) tensors for sequences of Python numbers: Normalize runs once per
# sample with the same statistics, so they are converted (and std checked for zeros) once.
_STATS_CACHE: dict = {}
_STATS_CACHE_SIZE = 32


def _is_number_seq(values) -> bool:
    return type(values) in (list, tuple) and all(type(v) is float or type(v) is int for v in values)


def _normalize_stats(tensor: Tensor, mean, std) -> tuple[Tensor, Tensor]:
    key = None
    if _is_number_seq(mean) and _is_number_seq(std):
        key = (tuple(mean), tuple(std), tensor.dtype, tensor._backend)
        hit = _STATS_CACHE.get(key)
        if hit is not None:
            return hit
    dtype, device = tensor.dtype, tensor.device
    mean_t = _channel_stats(mean, dtype, device)
    std_t = _channel_stats(std, dtype, device)
    if bool((std_t == 0).any()):
        raise ValueError(f"std evaluated to zero after conversion to {dtype}, leading to division by zero.")
    if key is not None:
        if len(_STATS_CACHE) >= _STATS_CACHE_SIZE:
            _STATS_CACHE.clear()
        _STATS_CACHE[key] = (mean_t, std_t)
    return mean_t, std_t


def normalize(tensor: Tensor, mean: list[float], std: list[float], inplace: bool = False) -> Tensor:
    """``(tensor - mean) / std`` per channel of a float ``(..., C, H, W)`` tensor.

        >>> normalize(ember.ones(2, 1, 1), [0.5, 0.0], [0.5, 2.0]).flatten().tolist()
        [1.0, 0.5]
    """
    _assert_image_tensor(tensor)
    if not tensor.dtype.is_floating_point:
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    shape = tensor._data.shape
    if len(shape) < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tensor.size()}")
    mean, std = _normalize_stats(tensor, mean, std)
    if (not inplace and _broadcasts_into(mean, shape) and _broadcasts_into(std, shape)
            and tensor.is_contiguous()):
        # out of place: the values (and contiguous layout) of clone().sub_(mean).div_(std), one copy fewer
        return tensor.sub(mean).div(std)
    if not inplace:
        tensor = tensor.clone()
    return tensor.sub_(mean).div_(std)


def _broadcasts_into(stat: Tensor, shape: tuple) -> bool:
    """Whether ``stat`` broadcasts against ``shape`` without enlarging it (else ``sub_`` raises)."""
    s = stat._data.shape
    if len(s) > len(shape):
        return False
    for a, b in zip(reversed(s), reversed(shape)):
        if a != b and a != 1:
            return False
    return True


def erase(img: Tensor, i: int, j: int, h: int, w: int, v: Tensor, inplace: bool = False) -> Tensor:
    """Overwrite the ``h×w`` box at row ``i``, column ``j`` with ``v`` (broadcast to the box)."""
    _assert_image_tensor(img)
    if not inplace:
        img = img.clone()
    img[..., i:i + h, j:j + w] = v
    return img
