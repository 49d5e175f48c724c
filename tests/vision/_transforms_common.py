"""Shared by the transforms tests and ``record_transforms_fixtures.py``: the torchvision import, deterministic
test images, the recorded PIL cases, and a scripted random source for draw-order comparisons."""
from __future__ import annotations

import hashlib

import numpy as np
from PIL import Image

from ._torchvision import import_torchvision  # noqa: F401  (re-exported for the tests)

# ---- deterministic images -----------------------------------------------------------------------------------

def make_image(mode: str = "RGB", size: tuple[int, int] = (23, 17)) -> Image.Image:
    """A deterministic test picture: a gradient, a ring, a bright box and stripes, in every band differently.

    Built from integer formulas (no drawing or resampling code), so it is the same with every Pillow version.
    """
    w, h = size
    data = bytearray()
    for y in range(h):
        for x in range(w):
            ring = ((2 * x - w) ** 2 + (2 * y - h) ** 2) // max(w, h)
            box = 120 if w // 4 <= x < w // 2 and h // 3 <= y < (2 * h) // 3 else 0
            data += bytes((
                (x * 255 // max(w - 1, 1) + box) % 256,
                (y * 255 // max(h - 1, 1) + 37 * (ring % 3)) % 256,
                (40 + 60 * ((x // 3 + y // 2) % 4) + ring) % 256,
            ))
    img = Image.frombytes("RGB", size, bytes(data))
    if mode == "RGBA":
        img.putalpha(Image.frombytes("L", size, bytes((x * y * 5 + 30) % 256 for y in range(h) for x in range(w))))
        return img
    if mode == "P":
        img = Image.frombytes("P", size, bytes((x // 2 + 3 * (y // 3)) % 16 for y in range(h) for x in range(w)))
        img.putpalette([(i * 53 + c * 91) % 256 for i in range(16) for c in range(3)])
        return img
    return img.convert(mode)


def image_digest(out) -> dict:
    """A short description of a transform's output (PIL image, torch/ember tensor, or a tuple of them)."""
    if isinstance(out, (tuple, list)):
        parts = [image_digest(o) for o in out]
        return {"kind": "tuple", "items": parts}
    if isinstance(out, Image.Image):
        data = out.tobytes()
        if out.mode == "P":
            data += bytes(out.getpalette() or [])
        return {"kind": "pil", "mode": out.mode, "size": list(out.size), "sha256": hashlib.sha256(data).hexdigest()}
    arr = np.ascontiguousarray(out.numpy())
    return {"kind": "tensor", "dtype": str(arr.dtype), "shape": list(arr.shape),
            "sha256": hashlib.sha256(arr.tobytes()).hexdigest()}


# ---- recorded cases: (name, image mode, image size, fn(F, T, img)) -----------------------------------------
# ``F`` is the functional module, ``T`` the transforms module of either library; interpolation modes are
# looked up on ``F.InterpolationMode`` so one definition runs against both.

def _mode(F, name):
    return getattr(F.InterpolationMode, name)


CASES = [
    ("to_tensor_rgb", "RGB", (23, 17), lambda F, T, img: T.ToTensor()(img)),
    ("to_tensor_L", "L", (23, 17), lambda F, T, img: F.to_tensor(img)),
    ("to_tensor_F", "F", (9, 7), lambda F, T, img: F.to_tensor(img)),
    ("pil_to_tensor_rgba", "RGBA", (23, 17), lambda F, T, img: T.PILToTensor()(img)),
    ("to_pil_roundtrip", "RGB", (23, 17), lambda F, T, img: T.ToPILImage()(F.to_tensor(img))),
    ("resize_int_bilinear", "RGB", (23, 17), lambda F, T, img: T.Resize(11)(img)),
    ("resize_hw_bicubic", "RGB", (23, 17), lambda F, T, img: T.Resize((30, 13), _mode(F, "BICUBIC"))(img)),
    ("resize_nearest_L", "L", (23, 17), lambda F, T, img: F.resize(img, [9, 40], _mode(F, "NEAREST"))),
    ("resize_lanczos_max_size", "RGB", (40, 17), lambda F, T, img: F.resize(img, 12, _mode(F, "LANCZOS"), max_size=20)),
    ("resize_box_rgba", "RGBA", (23, 17), lambda F, T, img: F.resize(img, [8, 8], _mode(F, "BOX"))),
    ("center_crop", "RGB", (23, 17), lambda F, T, img: T.CenterCrop((9, 14))(img)),
    ("center_crop_pad", "L", (23, 17), lambda F, T, img: T.CenterCrop(28)(img)),
    ("pad_constant_fill", "RGB", (23, 17), lambda F, T, img: T.Pad([1, 2, 3, 4], fill=(9, 99, 199))(img)),
    ("pad_edge", "RGB", (23, 17), lambda F, T, img: T.Pad([3, 5], padding_mode="edge")(img)),
    ("pad_reflect_large", "L", (13, 9), lambda F, T, img: F.pad(img, [20, 3, 2, 15], padding_mode="reflect")),
    ("pad_symmetric_P", "P", (13, 9), lambda F, T, img: F.pad(img, [4, 2], padding_mode="symmetric")),
    ("crop_outside", "RGB", (23, 17), lambda F, T, img: F.crop(img, -2, 15, 10, 12)),
    ("resized_crop", "RGB", (23, 17), lambda F, T, img: F.resized_crop(img, 3, 4, 9, 11, [16, 12])),
    ("hflip_vflip", "RGBA", (23, 17), lambda F, T, img: F.vflip(F.hflip(img))),
    ("five_crop", "RGB", (23, 17), lambda F, T, img: T.FiveCrop(8)(img)),
    ("ten_crop_vertical", "L", (23, 17), lambda F, T, img: T.TenCrop((6, 9), vertical_flip=True)(img)),
    ("rotate_nearest", "RGB", (23, 17), lambda F, T, img: F.rotate(img, 37.0)),
    ("rotate_bilinear_expand_fill", "RGB", (23, 17),
     lambda F, T, img: F.rotate(img, -71.5, _mode(F, "BILINEAR"), expand=True, fill=[10, 200, 30])),
    ("affine_all", "RGB", (23, 17),
     lambda F, T, img: F.affine(img, 21.0, [3, -2], 1.15, [8.0, -4.0], _mode(F, "BILINEAR"), fill=77)),
    ("affine_center_L", "L", (23, 17), lambda F, T, img: F.affine(img, -30, [0, 0], 0.8, 12.0, center=[4, 5])),
    ("perspective", "RGB", (23, 17),
     lambda F, T, img: F.perspective(img, [[0, 0], [22, 0], [22, 16], [0, 16]],
                                     [[3, 1], [20, 2], [21, 15], [1, 13]], fill=[255, 0, 0])),
    ("brightness", "RGB", (23, 17), lambda F, T, img: F.adjust_brightness(img, 1.6)),
    ("contrast", "RGB", (23, 17), lambda F, T, img: F.adjust_contrast(img, 0.4)),
    ("saturation", "RGB", (23, 17), lambda F, T, img: F.adjust_saturation(img, 2.2)),
    ("hue", "RGB", (23, 17), lambda F, T, img: F.adjust_hue(img, -0.31)),
    ("gamma_rgba", "RGBA", (23, 17), lambda F, T, img: F.adjust_gamma(img, 0.6, 1.2)),
    ("color_jitter_fixed", "RGB", (23, 17), lambda F, T, img: T.ColorJitter(saturation=(0.3, 0.3))(img)),
    ("grayscale3", "RGB", (23, 17), lambda F, T, img: T.Grayscale(3)(img)),
    ("gaussian_blur", "RGB", (23, 17), lambda F, T, img: T.GaussianBlur(5, sigma=1.1)(img)),
    ("invert_posterize", "RGB", (23, 17), lambda F, T, img: F.posterize(F.invert(img), 3)),
    ("solarize_L", "L", (23, 17), lambda F, T, img: F.solarize(img, 90)),
    ("sharpness", "RGB", (23, 17), lambda F, T, img: F.adjust_sharpness(img, 2.7)),
    ("autocontrast_equalize", "RGB", (23, 17), lambda F, T, img: F.equalize(F.autocontrast(img))),
    ("random_p1_chain", "RGB", (23, 17),
     lambda F, T, img: T.Compose([T.RandomHorizontalFlip(1.0), T.RandomVerticalFlip(1.0), T.RandomInvert(1.0),
                                  T.RandomGrayscale(1.0)])(img)),
]
