"""FakeData: random images, deterministic per index (torchvision's ``datasets.FakeData``)."""
from __future__ import annotations

from collections.abc import Callable

import ember

from .. import transforms
from .vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """A dataset of random PIL images with random integer targets.

    Sample ``i`` is drawn from an ember generator seeded with ``i + random_offset`` (``randn`` image of
    ``image_size`` converted with ``ToPILImage``, then a ``randint`` target), so it is the same on every access
    and in every process, and the global random state is left untouched.

    Args:
        size (int, optional): number of samples. Default: 1000.
        image_size (tuple, optional): ``(channels, height, width)`` of the images. Default: ``(3, 224, 224)``.
        num_classes (int, optional): targets are drawn from ``range(num_classes)``. Default: 10.
        transform (callable, optional): applied to the PIL image.
        target_transform (callable, optional): applied to the target (a 0-d int64 tensor; ``.item()`` of the
            result is returned, as in torchvision).
        random_offset (int): added to the index to form the seed. Default: 0.

    >>> ds = FakeData(size=4, image_size=(1, 8, 8), num_classes=3)
    >>> img, target = ds[2]
    >>> img.size, img.mode, 0 <= target < 3
    ((8, 8), 'L', True)
    """

    def __init__(
        self,
        size: int = 1000,
        image_size: tuple = (3, 224, 224),
        num_classes: int = 10,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        random_offset: int = 0,
    ) -> None:
        super().__init__(transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index: int) -> tuple:
        """``(image, target)`` for sample ``index``: a PIL image and an int, after the transforms."""
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        generator = ember.Generator().manual_seed(index + self.random_offset)
        img = ember.randn(*self.image_size, generator=generator)
        target = ember.randint(0, self.num_classes, size=(1,), dtype=ember.long, generator=generator)[0]

        img = transforms.ToPILImage()(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target.item()

    def __len__(self) -> int:
        return self.size
