"""The datasets ``ember train`` knows: how to build each split and how to normalise its images."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class DataSpec:
    """One ``--dataset`` choice: its class, image geometry, normalisation and default run settings."""
    name: str
    factory: Callable                # factory(root, train, transform, download, limit) -> dataset
    channels: int
    size: int
    mean: tuple
    std: tuple
    epochs: int                      # default --epochs
    model: str                       # default network: "small" (1×28×28) or "wide" (3×32×32)
    augment: bool = False            # random crop (padding 4) and horizontal flip for training

    def transform(self, train: bool) -> Callable:
        """ToTensor + Normalize, preceded by the random augmentation when ``train``."""
        from ..vision import transforms
        steps = [transforms.RandomCrop(self.size, padding=4), transforms.RandomHorizontalFlip()]
        steps = steps if train and self.augment else []
        return transforms.Compose(steps + [transforms.ToTensor(), transforms.Normalize(self.mean, self.std)])

    def build(self, root: str, train: bool, download: bool, limit: Optional[int]):
        """The train or held-out split, cut to its first ``limit`` samples when given."""
        return self.factory(root, train, self.transform(train), download, limit)


def _shapes(root, train, transform, download, limit):
    # the embedded data is fixed (seed 0), like a file on disk; --seed varies the run, not the data.
    # Generating only the first ``limit`` images equals taking a Subset of the full split.
    from .shapes import Shapes
    full = Shapes.DEFAULT_SAMPLES[train]
    return Shapes(train=train, transform=transform, num_samples=full if limit is None else min(limit, full))


def _torchvision_style(name: str):
    """A builder for ``ember.vision.datasets.<name>`` (imported when used: the CLI starts light)."""
    def build(root, train, transform, download, limit):
        from ..utils.data import Subset
        from ..vision import datasets
        cls = getattr(datasets, name)
        ds = cls(root, train=train, transform=transform, download=download)
        if limit is not None and limit < len(ds):
            subset = Subset(ds, range(limit))
            subset.classes = ds.classes
            return subset
        return ds
    return build


SPECS = {
    "shapes": DataSpec("shapes", _shapes, 1, 28, (0.340,), (0.201,), epochs=4, model="small"),
    "mnist": DataSpec("mnist", _torchvision_style("MNIST"), 1, 28, (0.1307,), (0.3081,), epochs=3,
                      model="small"),
    "fashion-mnist": DataSpec("fashion-mnist", _torchvision_style("FashionMNIST"), 1, 28, (0.2860,),
                              (0.3530,), epochs=6, model="small"),
    "cifar10": DataSpec("cifar10", _torchvision_style("CIFAR10"), 3, 32, (0.4914, 0.4822, 0.4465),
                        (0.2470, 0.2435, 0.2616), epochs=12, model="wide", augment=True),
}


def class_names(ds) -> list:
    """Short class names for labels (MNIST's ``"3 - three"`` becomes ``"3"``)."""
    return [str(c).split(" - ")[0] for c in ds.classes]
