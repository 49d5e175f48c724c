"""``ember.vision.io``: torchvision's image reading/writing API, decoded and encoded by Pillow.

Images are ``uint8`` tensors of shape C x H x W (a channel-last buffer seen through a permuted view, as
torchvision returns them); encoded images are 1-D ``uint8`` tensors of the file's bytes.

>>> img = ember.randint(0, 256, (3, 4, 5), dtype=ember.uint8)
>>> data = encode_png(img)
>>> bool((decode_png(data) == img).all())
True

Differences from torchvision (whose decoders are libpng/libjpeg-turbo/giflib/libwebp):

* 16-bit PNGs raise ``RuntimeError``: torchvision returns ``uint16``, a dtype ember does not have.
* Converting colour to ``GRAY`` uses Pillow's ITU-R 601-2 luma for PNG/GIF/WebP (libpng's weights differ
  by at most one level); JPEGs are decoded straight to grayscale by libjpeg, as torchvision does.
"""
from __future__ import annotations

import io as _io
import os
from enum import Enum

from PIL import Image, ImageOps

from .._tensor import Tensor

__all__ = ["ImageReadMode", "read_file", "write_file", "decode_image", "decode_png", "decode_jpeg", "decode_gif",
           "decode_webp", "encode_png", "encode_jpeg", "write_png", "write_jpeg", "read_image"]


class ImageReadMode(Enum):
    """How a decoder converts the stored image: ``UNCHANGED`` keeps the stored channels; ``GRAY``,
    ``GRAY_ALPHA``, ``RGB`` and ``RGB_ALPHA`` (alias ``RGBA``) give 1, 2, 3 and 4 channels."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA


_PIL_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
             ImageReadMode.RGB_ALPHA: "RGBA"}
_CHANNELS = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}
_SIGNATURES = (("jpeg", (0, b"\xff\xd8\xff")), ("png", (0, b"\x89PNG")), ("gif", (0, b"GIF89a")),
               ("gif", (0, b"GIF87a")))


# ---------------------------------------------------------------------------------------------- helpers

def _host_bytes(t: Tensor) -> bytes:
    """The bytes of ``t``'s elements in row-major order (moved to the host first)."""
    return t.detach().cpu().contiguous().numpy().tobytes()


def _uint8_from_bytes(data) -> Tensor:
    """A writable 1-D ``uint8`` tensor holding a copy of ``data``."""
    from .. import uint8
    from .._functional import frombuffer

    return frombuffer(bytearray(data), dtype=uint8)


def _pil_to_chw(img: Image.Image, channels: int = 0) -> Tensor:
    """A C x H x W ``uint8`` view of an ``L``/``LA``/``RGB``/``RGBA`` PIL image's pixels (or of any 8-bit
    image's raw bytes, given their ``channels``)."""
    channels = channels or _CHANNELS[img.mode]
    flat = _uint8_from_bytes(img.tobytes())
    return flat.view(img.height, img.width, channels).permute(2, 0, 1)


_ENCODABLE = {1: "L", 3: "RGB"}


def _chw_to_pil(t: Tensor, who: str, modes: dict = _ENCODABLE) -> Image.Image:
    """A PIL image of a C x H x W ``uint8`` tensor whose channel count is a key of ``modes`` (validated as
    torchvision's encoders do, errors naming ``who``)."""
    from .. import uint8

    if not isinstance(t, Tensor):
        raise TypeError(f"{who}: expected a Tensor, got {type(t).__name__}")
    if t.dtype != uint8:
        raise RuntimeError(f"{who}: Input tensor dtype should be uint8, got {t.dtype}")
    if t.dim() != 3:
        raise RuntimeError(f"{who}: Input data should be a 3-dimensional tensor, got {t.dim()} dimensions")
    channels, height, width = t.shape
    if channels not in modes:
        allowed = " or ".join(str(c) for c in modes)
        raise RuntimeError(f"{who}: The number of channels should be {allowed}, got: {channels}")
    return Image.frombytes(modes[channels], (width, height), _host_bytes(t.permute(1, 2, 0)))


def _as_mode(mode) -> ImageReadMode:
    if isinstance(mode, str):
        try:
            return ImageReadMode[mode.upper()]
        except KeyError:
            raise ValueError(f"Unknown image read mode {mode!r}; expected one of "
                             f"{', '.join(ImageReadMode.__members__)}") from None
    if not isinstance(mode, ImageReadMode):
        raise TypeError(f"mode must be an ImageReadMode or its name, got {type(mode).__name__}")
    return mode


def _check_encoded(input, who: str) -> bytes:
    """torchvision's checks on encoded data (1-D, non-empty, uint8); returns its bytes."""
    from .. import uint8

    if not isinstance(input, Tensor):
        raise TypeError(f"{who}: expected a 1-D uint8 Tensor of encoded bytes, got {type(input).__name__}")
    if input.dtype != uint8:
        raise RuntimeError(f"Input tensor must have uint8 data type, got {input.dtype}")
    if input.dim() != 1 or input.numel() == 0:
        raise RuntimeError(f"Input tensor must be 1-dimensional and non-empty, got {input.dim()} dims  and "
                           f"{input.numel()} numels.")
    return _host_bytes(input)


def _open(data: bytes, who: str) -> Image.Image:
    try:
        img = Image.open(_io.BytesIO(data))
        img.load()
    except Exception as e:  # Pillow raises several types; torchvision raises RuntimeError for all
        raise RuntimeError(f"{who}: could not decode the image ({type(e).__name__}: {e})") from e
    return img


def _orient(img: Image.Image, apply_exif_orientation: bool) -> Image.Image:
    return ImageOps.exif_transpose(img) if apply_exif_orientation else img


def _check_16_bit(img: Image.Image, who: str) -> None:
    if img.mode.startswith("I") or img.mode == "F":
        raise RuntimeError(f"{who}: {img.mode} images (16/32-bit samples) are not supported: torchvision returns "
                           f"uint16 there, a dtype ember does not have. Convert the file to 8 bits first.")


# ---------------------------------------------------------------------------------------------- files

def read_file(path: str | os.PathLike) -> Tensor:
    """The bytes of the file at ``path`` as a 1-D ``uint8`` tensor.

    >>> data = read_file(path)          # doctest: +SKIP
    """
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise RuntimeError(f"[Errno {e.errno}] {e.strerror}: '{path}'") from e
    if not data:
        raise RuntimeError(f"Expected a non empty file: '{path}'")
    return _uint8_from_bytes(data)


def write_file(filename: str | os.PathLike, data: Tensor) -> None:
    """Write the 1-D ``uint8`` tensor ``data`` to ``filename`` as raw bytes."""
    from .. import uint8

    if not isinstance(data, Tensor):
        raise TypeError(f"write_file: expected a Tensor, got {type(data).__name__}")
    if data.dtype != uint8:
        raise RuntimeError(f"Input tensor dtype should be uint8, got {data.dtype}")
    if data.dim() != 1:
        raise RuntimeError(f"Input data should be a 1-dimensional tensor, got {data.dim()} dimensions")
    with open(os.fspath(filename), "wb") as f:
        f.write(_host_bytes(data))


# ---------------------------------------------------------------------------------------------- decoding

def _png_to_chw(img: Image.Image, mode: ImageReadMode, who: str) -> Tensor:
    _check_16_bit(img, who)
    if mode is ImageReadMode.UNCHANGED:
        if img.mode == "P":  # libpng without palette expansion: the indices (1 channel), as torchvision
            return _pil_to_chw(img, channels=1)
        if img.mode == "PA":
            img = img.convert("RGBA")
        elif img.mode not in _CHANNELS:
            img = img.convert("L" if img.mode == "1" else "RGB")
        return _pil_to_chw(img)
    return _pil_to_chw(img.convert(_PIL_MODE[mode]))


def decode_png(input: Tensor, mode: ImageReadMode = ImageReadMode.UNCHANGED,
               apply_exif_orientation: bool = False) -> Tensor:
    """Decode PNG bytes (a 1-D ``uint8`` tensor) into a C x H x W ``uint8`` image.

    ``UNCHANGED`` keeps the stored channels (gray 1, gray+alpha 2, RGB 3, RGBA 4; palette images give
    their indices, as torchvision's libpng decoder does).
    """
    data = _check_encoded(input, "decode_png")
    mode = _as_mode(mode)
    if len(data) < 8:
        raise RuntimeError("Content is too small for png!")
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise RuntimeError("Content is not png!")
    img = _orient(_open(data, "decode_png"), apply_exif_orientation)
    return _png_to_chw(img, mode, "decode_png")


def decode_jpeg(input: Tensor | list[Tensor], mode: ImageReadMode = ImageReadMode.UNCHANGED,
                device: str = "cpu", apply_exif_orientation: bool = False) -> Tensor | list[Tensor]:
    """Decode JPEG bytes (a 1-D ``uint8`` tensor, or a list of them) into C x H x W ``uint8`` images.

    ``GRAY`` decodes straight to luma and ``RGB`` to colour (libjpeg's conversions, as torchvision);
    CMYK files are converted to RGB. ``device`` other than CPU is not supported.
    """
    mode = _as_mode(mode)
    if str(device) != "cpu":
        raise RuntimeError(f"decode_jpeg: device={device!r}: ember decodes JPEG on the CPU only")
    if isinstance(input, list):
        if len(input) == 0:
            raise ValueError("Input list must contain at least one element")
        if not all(isinstance(t, Tensor) for t in input):
            raise ValueError("All elements of the input list must be tensors.")
        return [decode_jpeg(t, mode, device, apply_exif_orientation) for t in input]
    data = _check_encoded(input, "decode_jpeg")
    if mode in (ImageReadMode.GRAY_ALPHA, ImageReadMode.RGB_ALPHA):
        raise RuntimeError("The provided mode is not supported for JPEG files")
    if not data.startswith(b"\xff\xd8"):
        raise RuntimeError("decode_jpeg: Not a JPEG file: the data does not start with the JPEG SOI marker")
    try:
        img = Image.open(_io.BytesIO(data))
        if mode is not ImageReadMode.UNCHANGED:
            img.draft(_PIL_MODE[mode], img.size)  # libjpeg converts while decoding, as torchvision's does
        img.load()
    except Exception as e:
        raise RuntimeError(f"decode_jpeg: could not decode the image ({type(e).__name__}: {e})") from e
    img = _orient(img, apply_exif_orientation)
    if mode is ImageReadMode.UNCHANGED:
        return _pil_to_chw(img if img.mode in ("L", "RGB") else img.convert("RGB"))
    return _pil_to_chw(img if img.mode == _PIL_MODE[mode] else img.convert(_PIL_MODE[mode]))


def decode_gif(input: Tensor) -> Tensor:
    """Decode GIF bytes: C x H x W for one frame, N x C x H x W for an animation (RGB, ``uint8``)."""
    from .._functional import stack

    data = _check_encoded(input, "decode_gif")
    img = _open(data, "decode_gif")
    frames = []
    for i in range(getattr(img, "n_frames", 1)):
        img.seek(i)
        frames.append(_pil_to_chw(img.convert("RGB")))
    return frames[0] if len(frames) == 1 else stack(frames)


def decode_webp(input: Tensor, mode: ImageReadMode = ImageReadMode.UNCHANGED) -> Tensor:
    """Decode WebP bytes into RGB (or RGBA when the file has alpha or ``mode`` is ``RGB_ALPHA``)."""
    data = _check_encoded(input, "decode_webp")
    mode = _as_mode(mode)
    img = _open(data, "decode_webp")
    if mode is ImageReadMode.RGB:
        target = "RGB"
    elif mode is ImageReadMode.RGB_ALPHA:
        target = "RGBA"
    else:  # UNCHANGED, and the gray modes, which torchvision's WebP decoder treats as UNCHANGED
        target = "RGBA" if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info else "RGB"
    return _pil_to_chw(img.convert(target))


def decode_image(input: Tensor | str | os.PathLike, mode: ImageReadMode = ImageReadMode.UNCHANGED,
                 apply_exif_orientation: bool = False) -> Tensor:
    """Decode a JPEG, PNG, GIF or WebP image (bytes as a 1-D ``uint8`` tensor, or a path) by its signature.

    >>> img = decode_image(read_file("photo.png"), mode=ImageReadMode.RGB)   # doctest: +SKIP
    """
    from .. import uint8

    if not isinstance(input, Tensor):
        input = read_file(input)
    mode = _as_mode(mode)
    if input.dtype != uint8:
        raise RuntimeError("Expected a torch.uint8 tensor")
    if input.dim() != 1 or input.numel() == 0:
        raise RuntimeError("Expected a non empty 1-dimensional tensor")
    head = _host_bytes(input[:16])
    if head.startswith(b"\xff\xd8\xff"):
        return decode_jpeg(input, mode, apply_exif_orientation=apply_exif_orientation)
    if head.startswith(b"\x89PNG"):
        return decode_png(input, mode, apply_exif_orientation)
    if head.startswith((b"GIF89a", b"GIF87a")):
        out = decode_gif(input)
        if mode in (ImageReadMode.UNCHANGED, ImageReadMode.RGB):
            return out
        img = _open(_host_bytes(input), "decode_image")
        return _pil_to_chw(img.convert("RGB").convert(_PIL_MODE[mode]))
    if head.startswith(b"RIFF") and head[8:15] == b"WEBPVP8":
        return decode_webp(input, mode)
    raise RuntimeError("Unsupported image file. Only jpeg, png, webp and gif are currently supported. "
                       "For avif and heic format, please rely on `decode_avif` and `decode_heic` directly.")


def read_image(path: str | os.PathLike, mode: ImageReadMode = ImageReadMode.UNCHANGED,
               apply_exif_orientation: bool = False) -> Tensor:
    """Read a JPEG, PNG, GIF or WebP file into a C x H x W ``uint8`` tensor.

    >>> img = read_image("photo.jpg", mode=ImageReadMode.RGB)   # doctest: +SKIP
    >>> img.shape                                                  # doctest: +SKIP
    ember.Size([3, 480, 640])
    """
    return decode_image(read_file(path), mode, apply_exif_orientation=apply_exif_orientation)


# ---------------------------------------------------------------------------------------------- encoding

def encode_png(input: Tensor, compression_level: int = 6) -> Tensor:
    """Encode a C x H x W ``uint8`` image (1 or 3 channels) as PNG bytes (a 1-D ``uint8`` tensor)."""
    if not 0 <= compression_level <= 9:
        raise RuntimeError("Compression level should be between 0 and 9")
    img = _chw_to_pil(input, "encode_png")
    buf = _io.BytesIO()
    img.save(buf, format="PNG", compress_level=compression_level)
    return _uint8_from_bytes(buf.getvalue())


def write_png(input: Tensor, filename: str | os.PathLike, compression_level: int = 6) -> None:
    """Encode ``input`` as PNG (see :func:`encode_png`) and write it to ``filename``."""
    write_file(filename, encode_png(input, compression_level))


def encode_jpeg(input: Tensor | list[Tensor], quality: int = 75) -> Tensor | list[Tensor]:
    """Encode C x H x W ``uint8`` images (1 or 3 channels; one or a list) as JPEG bytes."""
    if quality < 1 or quality > 100:
        raise ValueError("Image quality should be a positive number between 1 and 100")
    if isinstance(input, list):
        if not input:
            raise ValueError("encode_jpeg requires at least one input tensor when a list is passed")
        return [encode_jpeg(t, quality) for t in input]
    img = _chw_to_pil(input, "encode_jpeg")
    buf = _io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return _uint8_from_bytes(buf.getvalue())


def write_jpeg(input: Tensor, filename: str | os.PathLike, quality: int = 75) -> None:
    """Encode ``input`` as JPEG (see :func:`encode_jpeg`) and write it to ``filename``."""
    write_file(filename, encode_jpeg(input, quality))
