"""``ember.vision.datasets``: the counterpart of ``torchvision.datasets``.

Datasets read the original on-disk formats (idx files raw or gzipped, the CIFAR python batches through a
restricted unpickler, SVHN ``.mat`` files with SciPy, folders of images) and download them with checksum
verification (``download=True``)::

    from ember.vision import datasets, transforms
    train = datasets.MNIST("data", train=True, download=True, transform=transforms.ToTensor())
    img, label = train[0]
"""
from __future__ import annotations

from .vision import VisionDataset  # StandardTransform lives in .vision, as in torchvision
from .mnist import EMNIST, KMNIST, MNIST, FashionMNIST
from .cifar import CIFAR10, CIFAR100
from .svhn import SVHN
from .folder import DatasetFolder, ImageFolder
from .fakedata import FakeData

__all__ = (
    "VisionDataset",
    "MNIST",
    "FashionMNIST",
    "KMNIST",
    "EMNIST",
    "CIFAR10",
    "CIFAR100",
    "SVHN",
    "DatasetFolder",
    "ImageFolder",
    "FakeData",
)
