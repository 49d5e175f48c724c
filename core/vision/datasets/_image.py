"""Tensor <-> PIL helpers shared by the datasets (no array library: bytes go through ember's constructors)."""
from __future__ import annotations

from PIL import Image


def tensor_to_pil(img, mode: str) -> Image.Image:
    """A PIL image of ``mode`` ('L' or 'RGB') from a uint8 tensor of shape H×W or H×W×C."""
    if img.device.type != "cpu":
        img = img.cpu()
    height, width = img.shape[0], img.shape[1]
    return Image.frombytes(mode, (width, height), img.contiguous().numpy().tobytes())
