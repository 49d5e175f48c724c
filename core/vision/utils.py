"""``ember.vision.utils``: image grids and annotation drawing, as ``torchvision.utils``.

Tensor work is done with ember ops; drawing and saving go through Pillow (``ImageDraw``), exactly as
torchvision does, so the pixels equal torchvision's.

>>> imgs = ember.rand(6, 3, 8, 8)
>>> make_grid(imgs, nrow=3, padding=1).shape
ember.Size([3, 19, 28])
"""
from __future__ import annotations

import math
import os
import warnings
from typing import Any, BinaryIO, Union

from PIL import ImageColor, ImageDraw, ImageFont

from .. import _functional as F
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from .io import _chw_to_pil, _pil_to_chw

__all__ = ["make_grid", "save_image", "draw_bounding_boxes", "draw_segmentation_masks", "draw_keypoints",
           "flow_to_image"]

_Color = Union[str, tuple[int, int, int]]


def make_grid(tensor: Tensor | list[Tensor], nrow: int = 8, padding: int = 2, normalize: bool = False,
              value_range: tuple[int, int] | None = None, scale_each: bool = False,
              pad_value: float = 0.0) -> Tensor:
    """Tile a batch of images (B x C x H x W, or a list of C x H x W) into one C x H' x W' grid.

    ``nrow`` images per row, ``padding`` pixels of ``pad_value`` around each; 1-channel images become
    3-channel. ``normalize`` shifts each image (``scale_each``) or the batch to [0, 1] using
    ``value_range`` (min, max) or the data's own range.

    >>> make_grid([ember.zeros(1, 2, 2), ember.ones(1, 2, 2)], padding=1, pad_value=0.5)[0]
    tensor([[0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000],
            [0.5000, 0.0000, 0.0000, 0.5000, 1.0000, 1.0000, 0.5000],
            [0.5000, 0.0000, 0.0000, 0.5000, 1.0000, 1.0000, 0.5000],
            [0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000]])
    """
    if not isinstance(tensor, Tensor):
        if isinstance(tensor, list):
            for t in tensor:
                if not isinstance(t, Tensor):
                    raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        else:
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    with no_grad():
        if isinstance(tensor, list):
            tensor = F.stack(tensor, dim=0)
        if tensor.dim() == 2:  # single image H x W
            tensor = tensor.unsqueeze(0)
        if tensor.dim() == 3:  # single image
            if tensor.size(0) == 1:  # grayscale -> RGB
                tensor = F.cat((tensor, tensor, tensor), 0)
            tensor = tensor.unsqueeze(0)
        if tensor.dim() == 4 and tensor.size(1) == 1:  # batch of grayscale images
            tensor = F.cat((tensor, tensor, tensor), 1)

        if normalize is True:
            tensor = tensor.clone()  # normalise a copy, never the caller's images
            if value_range is not None and not isinstance(value_range, tuple):
                raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")

            def norm_range(t: Tensor) -> None:
                low, high = value_range if value_range is not None else (float(t.min()), float(t.max()))
                t.clamp_(min=low, max=high)
                t.sub_(low).div_(max(high - low, 1e-5))

            if scale_each is True:
                for t in tensor:
                    norm_range(t)
            else:
                norm_range(tensor)

        if tensor.size(0) == 1:
            return tensor.squeeze(0)

        nmaps = tensor.size(0)
        xmaps = min(nrow, nmaps)
        ymaps = int(math.ceil(float(nmaps) / xmaps))
        height, width = int(tensor.size(2) + padding), int(tensor.size(3) + padding)
        grid = tensor.new_full((tensor.size(1), height * ymaps + padding, width * xmaps + padding), pad_value)
        k = 0
        for y in range(ymaps):
            for x in range(xmaps):
                if k >= nmaps:
                    break
                cell = grid.narrow(1, y * height + padding, height - padding)
                cell.narrow(2, x * width + padding, width - padding).copy_(tensor[k])
                k += 1
        return grid


def save_image(tensor: Tensor | list[Tensor], fp: str | os.PathLike | BinaryIO,
               format: str | None = None, **kwargs: Any) -> None:
    """Save an image, a batch or a list of images (values in [0, 1]) as one image file through Pillow.

    The images are tiled by :func:`make_grid` (``**kwargs`` go to it), scaled to 0..255 with rounding and
    written to ``fp`` (a path or a binary file object; ``format`` picks the format when ``fp`` has no
    file extension).

    >>> save_image(ember.rand(4, 3, 8, 8), "grid.png", nrow=2)   # doctest: +SKIP
    """
    from .. import uint8

    grid = make_grid(tensor, **kwargs)
    with no_grad():
        grid = grid.mul(255).add_(0.5).clamp_(0, 255).to(dtype=uint8)
    im = _chw_to_pil(grid, "save_image", {3: "RGB", 4: "RGBA"})  # make_grid turned gray into RGB
    im.save(fp, format=format)


# ---------------------------------------------------------------------------------------------- drawing

def _generate_color_palette(num_objects: int) -> list[tuple[int, int, int]]:
    palette = (2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1)
    return [tuple(i * p % 255 for p in palette) for i in range(num_objects)]


def _parse_colors(colors: None | _Color | list[_Color], *, num_objects: int,
                  floating: bool = False) -> list[tuple]:
    """One RGB tuple per object: ``None`` picks torchvision's palette, a single color is repeated, names go
    through ``ImageColor.getrgb``; ``floating`` scales to [0, 1]."""
    if colors is None:
        colors = _generate_color_palette(num_objects)
    elif isinstance(colors, list):
        if len(colors) < num_objects:
            raise ValueError(f"Number of colors must be equal or larger than the number of objects, but got "
                             f"{len(colors)} < {num_objects}.")
    elif not isinstance(colors, (tuple, str)):
        raise ValueError(f"colors must be a tuple or a string, or a list thereof, but got {colors}.")
    elif isinstance(colors, tuple) and len(colors) != 3:
        raise ValueError(f"If passed as tuple, colors should be an RGB triplet, but got {colors}.")
    else:  # a single color for every object
        colors = [colors] * num_objects
    colors = [ImageColor.getrgb(color) if isinstance(color, str) else color for color in colors]
    if floating:
        colors = [tuple(v / 255 for v in color) for color in colors]
    return colors


def _check_image(image: Any, rgb_only: bool, type_message: str) -> None:
    from .. import uint8

    if not isinstance(image, Tensor):
        raise TypeError(f"{type_message}, got {type(image)}")
    if not (image.dtype == uint8 or image.is_floating_point()):
        raise ValueError(f"The image dtype must be uint8 or float, got {image.dtype}")
    if image.dim() != 3:
        raise ValueError("Pass individual images, not batches")
    if rgb_only and image.size(0) != 3:
        raise ValueError("Pass an RGB image. Other Image formats are not supported")
    if not rgb_only and image.size(0) not in {1, 3}:
        raise ValueError("Only grayscale and RGB images are supported")


def _float_to_uint8(image: Tensor) -> Tensor:
    """torchvision's ``to_dtype(image, uint8, scale=True)`` for a float image."""
    from .. import uint8

    return image.mul(255 + 1.0 - 1e-3).to(dtype=uint8)


def _uint8_to_float(image: Tensor, dtype) -> Tensor:
    return image.to(dtype=dtype).mul_(1.0 / 255)


def _dashed_line(draw: ImageDraw.ImageDraw, xy: list, fill, width: int, dash_length: int = 5,
                 space_length: int = 5) -> None:
    """A polyline drawn as alternating dashes and gaps (torchvision marks an oriented box's first edge so)."""
    dash = True
    for (x1, y1), (x2, y2) in zip(xy, xy[1:]):
        remaining = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        angle = math.atan2(y2 - y1, x2 - x1)
        while remaining > 0:
            step = min(remaining, dash_length if dash else space_length)
            end_x, end_y = x1 + math.cos(angle) * step, y1 + math.sin(angle) * step
            if dash:
                draw.line([(x1, y1), (end_x, end_y)], fill, width, None)
            remaining -= step
            x1, y1 = end_x, end_y
            dash = not dash


def _oriented_rectangle(draw: ImageDraw.ImageDraw, xy: list, fill=None, outline=None, width: int = 1) -> None:
    """A box given by its 4 corners (x1, y1, ..., x4, y4): dashed first edge, solid others, filled inside."""
    _dashed_line(draw, [(xy[0], xy[1]), (xy[2], xy[3])], fill=outline, width=width)
    n = len(xy)
    for i in range(2, n, 2):
        draw.line(((xy[i], xy[i + 1]), (xy[(i + 2) % n], xy[(i + 3) % n])), width=width, fill=outline)
    draw.polygon(xy, fill=fill, outline=None, width=0)


def draw_bounding_boxes(image: Tensor, boxes: Tensor, labels: list[str] | None = None,
                        colors: list[_Color] | _Color | None = None, fill: bool | None = False,
                        width: int = 1, font: str | None = None, font_size: int | None = None,
                        label_colors: list[_Color] | _Color | None = None,
                        label_background_colors: list[_Color] | _Color | None = None,
                        fill_labels: bool = False) -> Tensor:
    """Draw boxes (N x 4 ``xmin, ymin, xmax, ymax`` in pixels, or N x 8 corners of oriented boxes) on a
    C x H x W image (``uint8`` or float in [0, 1], 1 or 3 channels); returns a new 3-channel image of
    the same dtype.

    ``labels`` are written inside each box's top-left corner with ``font`` (a TrueType file; Pillow's
    default font when ``None``); ``fill`` shades each box with its color at alpha 100.

    >>> img = ember.zeros(3, 20, 20, dtype=ember.uint8)
    >>> out = draw_bounding_boxes(img, ember.tensor([[2, 2, 12, 12]]), colors="red")
    >>> out[:, 2, 5].tolist()
    [255, 0, 0]
    """
    from .. import int64

    _check_image(image, rgb_only=False, type_message="Tensor expected")
    if boxes.shape[-1] == 4 and ((boxes[:, 0] > boxes[:, 2]).any() or (boxes[:, 1] > boxes[:, 3]).any()):
        raise ValueError("Boxes need to be in (xmin, ymin, xmax, ymax) format. Use torchvision.ops.box_convert "
                         "to convert them")
    num_boxes = boxes.shape[0]
    if num_boxes == 0:
        warnings.warn("boxes doesn't contain any box. No box was drawn")
        return image
    if labels is None:
        labels = [None] * num_boxes
    elif len(labels) != num_boxes:
        raise ValueError(f"Number of boxes ({num_boxes}) and labels ({len(labels)}) mismatch. Please specify "
                         f"labels for each box.")

    colors = _parse_colors(colors, num_objects=num_boxes)
    if label_colors or fill_labels:
        label_colors = _parse_colors(label_colors if label_colors else "black", num_objects=num_boxes)
    else:
        label_colors = colors.copy()
    if fill_labels and label_background_colors:
        label_background_colors = _parse_colors(label_background_colors, num_objects=num_boxes)
    else:
        label_background_colors = colors.copy()

    if font is None:
        if font_size is not None:
            warnings.warn("Argument 'font_size' will be ignored since 'font' is not set.")
        txt_font = ImageFont.load_default()
    else:
        txt_font = ImageFont.truetype(font=font, size=font_size or 10)

    with no_grad():
        if image.size(0) == 1:
            image = F.tile(image, (3, 1, 1))
        original_dtype = image.dtype
        if original_dtype.is_floating_point:
            image = _float_to_uint8(image)
        img_to_draw = _chw_to_pil(image, "draw_bounding_boxes")
        img_boxes = boxes.to(dtype=int64).tolist()
        draw = ImageDraw.Draw(img_to_draw, "RGBA" if fill else None)

        for bbox, color, label, label_color, label_bg_color in zip(img_boxes, colors, labels, label_colors,
                                                                    label_background_colors):
            fill_color = color + (100,) if fill else None
            if len(bbox) > 4:
                _oriented_rectangle(draw, bbox, width=width, outline=color, fill=fill_color)
            else:
                draw.rectangle(bbox, width=width, outline=color, fill=fill_color)
            if label is not None:
                box_margin = 1
                margin = width + box_margin
                if fill_labels:
                    left, top, right, bottom = draw.textbbox((bbox[0] + margin, bbox[1] + margin), label,
                                                             font=txt_font)
                    draw.rectangle((left - box_margin, top - box_margin, right + box_margin, bottom + box_margin),
                                   fill=label_bg_color)
                draw.text((bbox[0] + margin, bbox[1] + margin), label, fill=label_color, font=txt_font)

        out = _pil_to_chw(img_to_draw)
        return _uint8_to_float(out, original_dtype) if original_dtype.is_floating_point else out


def draw_segmentation_masks(image: Tensor, masks: Tensor, alpha: float = 0.8,
                            colors: list[_Color] | _Color | None = None) -> Tensor:
    """Blend boolean masks (H x W or N x H x W) onto an RGB C x H x W image (``uint8`` or float):
    ``image * (1 - alpha) + colored * alpha``, where pixels covered by several masks become black.

    >>> img = ember.full((3, 2, 2), 100, dtype=ember.uint8)
    >>> mask = ember.tensor([[True, False], [False, False]])
    >>> draw_segmentation_masks(img, mask, alpha=0.5, colors="blue")[:, 0, 0].tolist()
    [50, 50, 177]
    """
    from .. import bool as bool_

    _check_image(image, rgb_only=True, type_message="The image must be a tensor")
    if masks.ndim == 2:
        masks = masks[None, :, :]
    if masks.ndim != 3:
        raise ValueError("masks must be of shape (H, W) or (batch_size, H, W)")
    if masks.dtype != bool_:
        raise ValueError(f"The masks must be of dtype bool. Got {masks.dtype}")
    if masks.shape[-2:] != image.shape[-2:]:
        raise ValueError("The image and the masks must have the same height and width")

    num_masks = masks.size()[0]
    if num_masks == 0:
        warnings.warn("masks doesn't contain any mask. No mask was drawn")
        return image
    with no_grad():
        overlapping_masks = masks.sum(dim=0) > 1
        original_dtype = image.dtype
        colors = [F.tensor(color, dtype=original_dtype, device=image.device)
                  for color in _parse_colors(colors, num_objects=num_masks,
                                             floating=original_dtype.is_floating_point)]
        img_to_draw = image.detach().clone()
        for mask, color in zip(masks, colors):
            img_to_draw[:, mask] = color[:, None]
        img_to_draw[:, overlapping_masks] = 0
        out = image * (1 - alpha) + img_to_draw * alpha
        return out.to(dtype=original_dtype)


def draw_keypoints(image: Tensor, keypoints: Tensor, connectivity: list[tuple[int, int]] | None = None,
                   colors: str | tuple[int, int, int] | None = None, radius: int = 2, width: int = 3,
                   visibility: Tensor | None = None) -> Tensor:
    """Draw keypoints (num_instances x K x 2 pixel coordinates) as filled circles of ``radius`` on an RGB
    C x H x W image, joined by lines of ``width`` between the index pairs in ``connectivity``; invisible
    points (``visibility`` False) and their connections are skipped.

    >>> img = ember.zeros(3, 9, 9, dtype=ember.uint8)
    >>> draw_keypoints(img, ember.tensor([[[4, 4]]]), colors="white", radius=1)[:, 4, 4].tolist()
    [255, 255, 255]
    """
    from .. import bool as bool_
    from .. import int64, ones

    _check_image(image, rgb_only=True, type_message="The image must be a tensor")
    if keypoints.ndim != 3:
        raise ValueError("keypoints must be of shape (num_instances, K, 2)")
    if visibility is None:
        visibility = ones(keypoints.shape[:-1], dtype=bool_)
    if visibility.ndim == 3:
        visibility = visibility.squeeze(-1)
    if visibility.ndim != 2:
        raise ValueError(f"visibility must be of shape (num_instances, K). Got ndim={visibility.ndim}")
    if visibility.shape != keypoints.shape[:-1]:
        raise ValueError("keypoints and visibility must have the same dimensionality for num_instances and K. "
                         f"Got visibility.shape={visibility.shape!r} and keypoints.shape={keypoints.shape!r}")

    with no_grad():
        original_dtype = image.dtype
        if original_dtype.is_floating_point:
            image = _float_to_uint8(image)
        img_to_draw = _chw_to_pil(image, "draw_keypoints")
        draw = ImageDraw.Draw(img_to_draw)
        img_kpts = keypoints.to(dtype=int64).tolist()
        img_vis = visibility.cpu().bool().tolist()

        for kpt_inst, vis_inst in zip(img_kpts, img_vis):
            for (x, y), visible in zip(kpt_inst, vis_inst):
                if visible:
                    draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colors, outline=None,
                                 width=0)
            for start, end in connectivity or ():
                if vis_inst[start] and vis_inst[end]:
                    draw.line(((kpt_inst[start][0], kpt_inst[start][1]), (kpt_inst[end][0], kpt_inst[end][1])),
                              width=width)

        out = _pil_to_chw(img_to_draw)
        return _uint8_to_float(out, original_dtype) if original_dtype.is_floating_point else out


def flow_to_image(flow: Tensor) -> Tensor:
    """Color-code an optical flow field (2 x H x W or N x 2 x H x W, float32) as RGB ``uint8`` images:
    hue from the direction (Baker et al.'s color wheel), saturation from the magnitude relative to the
    largest one.
    """
    from .. import finfo, float32

    if flow.dtype != float32:
        raise ValueError(f"Flow should be of dtype torch.float, got {flow.dtype}.")
    orig_shape = flow.shape
    if flow.ndim == 3:
        flow = flow[None]
    if flow.ndim != 4 or flow.shape[1] != 2:
        raise ValueError(f"Input flow should have shape (2, H, W) or (N, 2, H, W), got {orig_shape}.")
    with no_grad():
        max_norm = F.sum(flow.pow(2), dim=1).sqrt().max()
        normalized_flow = flow / (max_norm + finfo(flow.dtype).eps)
        img = _normalized_flow_to_image(normalized_flow)
    return img[0] if len(orig_shape) == 3 else img


def _normalized_flow_to_image(normalized_flow: Tensor) -> Tensor:
    from .. import long, uint8

    n, _, h, w = normalized_flow.shape
    flow_image = F.zeros((n, 3, h, w), dtype=uint8, device=normalized_flow.device)
    colorwheel = _make_colorwheel().to(normalized_flow.device)
    num_cols = colorwheel.shape[0]
    norm = F.sum(normalized_flow.pow(2), dim=1).sqrt()
    a = F.atan2(-normalized_flow[:, 1, :, :], -normalized_flow[:, 0, :, :]) / math.pi
    fk = (a + 1) / 2 * (num_cols - 1)
    k0 = F.floor(fk).to(dtype=long)
    k1 = k0 + 1
    k1[k1 == num_cols] = 0
    f = fk - k0
    for c in range(colorwheel.shape[1]):
        tmp = colorwheel[:, c]
        col0 = tmp[k0] / 255.0
        col1 = tmp[k1] / 255.0
        col = (1 - f) * col0 + f * col1
        col = 1 - norm * (1 - col)
        flow_image[:, c, :, :] = F.floor(255 * col)
    return flow_image


# The Middlebury color wheel: per segment, (colors, the channel held at 255, the channel ramped, ramp up?).
_COLORWHEEL = ((15, 0, 1, True),    # red -> yellow
               (6, 1, 0, False),    # yellow -> green
               (4, 1, 2, True),     # green -> cyan
               (11, 2, 1, False),   # cyan -> blue
               (13, 2, 0, True),    # blue -> magenta
               (6, 0, 2, False))    # magenta -> red


def _make_colorwheel() -> Tensor:
    """The 55 x 3 color wheel of Baker et al.'s flow visualisation (float, 0..255)."""
    wheel = F.zeros((sum(seg[0] for seg in _COLORWHEEL), 3))
    col = 0
    for n, held, ramped, up in _COLORWHEEL:
        ramp = F.floor(255 * F.arange(0, n) / n)
        wheel[col:col + n, held] = 255
        wheel[col:col + n, ramped] = ramp if up else 255 - ramp
        col += n
    return wheel
