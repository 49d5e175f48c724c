"""``Shapes``: the embedded dataset of ``ember train`` — procedurally drawn shapes.

Ten classes of shapes (filled and outlined discs, squares and triangles, a
plus, a star, parallel bars and a single stroke) drawn with Pillow at a
random position, scale, rotation, aspect ratio, stroke width and intensity,
over a random background with dim clutter strokes and pixel noise. A linear
model on the raw pixels cannot undo the translation and rotation and
does clearly worse than a small CNN.

The images are regenerated from ``seed`` each time the dataset is built
(about a second for the default 12,000 images), so nothing is downloaded
and nothing is written to disk. The content is fixed by ``seed``, like a file
on disk: it does not depend on ``ember.manual_seed`` nor on the backend.
The train and test splits are drawn from separate streams of the same seed.

>>> from ember.cli.shapes import Shapes
>>> ds = Shapes(train=False, num_samples=20)
>>> img, label = ds[0]
>>> img.size, img.mode, ds.classes[label] in ds.classes
((28, 28), 'L', True)
"""
from __future__ import annotations

import math
import random
from typing import Callable, Optional

from PIL import Image, ImageDraw

from ..vision.datasets.vision import VisionDataset

CLASSES = ["disc", "ring", "square", "frame", "triangle", "triangle outline", "plus", "star", "bars", "stroke"]

_SUPERSAMPLE = 2  # draw at twice the size, then box-filter down: anti-aliased edges


def _regular(n: int, radius: float = 1.0, phase: float = math.pi / 2) -> list:
    return [(radius * math.cos(phase + 2 * math.pi * k / n), radius * math.sin(phase + 2 * math.pi * k / n))
            for k in range(n)]


def _star() -> list:
    outer = _regular(5)
    inner = _regular(5, 0.42, math.pi / 2 + math.pi / 5)
    return [p for pair in zip(outer, inner) for p in pair]


_CIRCLE = _regular(28)
_SQUARE = [(0.75, 0.75), (-0.75, 0.75), (-0.75, -0.75), (0.75, -0.75)]
_TRIANGLE = _regular(3, 1.05, -math.pi / 2)
_STAR = _star()

# class index -> list of (kind, unit-coordinate points); kinds: "fill" polygon, "outline" closed polyline,
# "stroke" open polyline
_GLYPHS = [
    [("fill", _CIRCLE)],
    [("outline", _CIRCLE)],
    [("fill", _SQUARE)],
    [("outline", _SQUARE)],
    [("fill", _TRIANGLE)],
    [("outline", _TRIANGLE)],
    [("stroke", [(-1.0, 0.0), (1.0, 0.0)]), ("stroke", [(0.0, -1.0), (0.0, 1.0)])],
    [("fill", _STAR)],
    [("stroke", [(-0.9, y), (0.9, y)]) for y in (-0.62, 0.0, 0.62)],
    [("stroke", [(-1.0, 0.0), (1.0, 0.0)])],
]


def render(label: int, rng: random.Random, size: int = 28) -> Image.Image:
    """Draw one image of class ``label`` (a grayscale ``size``×``size`` PIL image) using ``rng``."""
    s = size * _SUPERSAMPLE
    bg = rng.uniform(0, 100)
    fg = min(255.0, bg + rng.uniform(100, 200))
    img = Image.new("L", (s, s), int(bg))
    draw = ImageDraw.Draw(img)
    # clutter: a few short, thin, dimmer strokes anywhere
    for _ in range(rng.randint(0, 3)):
        x, y = rng.uniform(0, s), rng.uniform(0, s)
        a, length = rng.uniform(0, 2 * math.pi), rng.uniform(0.08, 0.22) * s
        level = int(bg + rng.uniform(0.25, 0.6) * (fg - bg))
        draw.line([(x, y), (x + length * math.cos(a), y + length * math.sin(a))], fill=level,
                  width=rng.randint(1, _SUPERSAMPLE + 1))
    radius = rng.uniform(0.24, 0.4) * s
    cx, cy = rng.uniform(radius * 0.9, s - radius * 0.9), rng.uniform(radius * 0.9, s - radius * 0.9)
    theta = rng.uniform(0, 2 * math.pi)
    sx, sy = radius * rng.uniform(0.85, 1.15), radius * rng.uniform(0.85, 1.15)
    c, si = math.cos(theta), math.sin(theta)
    width = max(2, round(rng.uniform(0.07, 0.13) * s))
    ink = int(fg)
    for kind, pts in _GLYPHS[label]:
        xy = [(cx + c * sx * px - si * sy * py, cy + si * sx * px + c * sy * py) for px, py in pts]
        if kind == "fill":
            draw.polygon(xy, fill=ink)
        elif kind == "outline":
            draw.line(xy + xy[:1], fill=ink, width=width, joint="curve")
        else:
            draw.line(xy, fill=ink, width=width)
    img = img.reduce(_SUPERSAMPLE)
    noise = Image.frombytes("L", (size, size), rng.randbytes(size * size))
    return Image.blend(img, noise, rng.uniform(0.1, 0.35))


class Shapes(VisionDataset):
    """Procedurally generated shapes, 10 classes, grayscale ``size``×``size`` PIL images (a torchvision-style dataset).

    Args:
        root: accepted for compatibility with torchvision datasets; unused (nothing is read or cached).
        train: the training split (``num_samples`` defaults to 12,000) or the test split (2,000).
        transform: applied to the PIL image.
        target_transform: applied to the integer label.
        num_samples: how many images to generate (classes are balanced: label ``i % 10``).
        seed: fixes the content; the splits use separate streams of it.
        size: image side in pixels.

    >>> ds = Shapes(train=True, num_samples=10, seed=1)
    >>> len(ds), ds.targets
    (10, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    """

    classes = CLASSES
    DEFAULT_SAMPLES = {True: 12000, False: 2000}

    def __init__(self, root: Optional[str] = None, train: bool = True, transform: Optional[Callable] = None,
                 target_transform: Optional[Callable] = None, *, num_samples: Optional[int] = None,
                 seed: int = 0, size: int = 28) -> None:
        if num_samples is None:
            num_samples = self.DEFAULT_SAMPLES[bool(train)]
        if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples < 0:
            raise ValueError(f"Shapes: num_samples must be a non-negative int, received {num_samples!r}")
        if isinstance(size, bool) or not isinstance(size, int) or size < 8:
            raise ValueError(f"Shapes: size must be an int >= 8, received {size!r}")
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        self.seed = seed
        self.size = size
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}
        # str seeds hash deterministically (sha512) in random.Random, independent of PYTHONHASHSEED
        rng = random.Random(f"ember-shapes/{seed}/{'train' if train else 'test'}")
        self.targets = [i % len(self.classes) for i in range(num_samples)]
        self.data = [render(label, rng, size) for label in self.targets]

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> tuple:
        img, target = self.data[index], self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}\nSeed: {self.seed}\nSize: {self.size}x{self.size}"
