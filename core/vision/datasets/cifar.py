"""CIFAR10 and CIFAR100, read from the original python batches through a restricted unpickler."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import ember

from . import _unpickle
from ._image import tensor_to_pil
from .utils import check_integrity, download_and_extract_archive
from .vision import VisionDataset

__all__ = ["CIFAR10", "CIFAR100"]

_NOT_FOUND = "Dataset not found or corrupted. You can use download=True to download it"


class CIFAR10(VisionDataset):
    """`CIFAR10 <https://www.cs.toronto.edu/~kriz/cifar.html>`_: 32×32 colour images in 10 classes.

    Args:
        root (str or ``pathlib.Path``): directory holding ``cifar-10-batches-py`` (or where it is downloaded).
        train (bool, optional): the five training batches if True, else ``test_batch``.
        transform (callable, optional): applied to the PIL image (mode 'RGB').
        target_transform (callable, optional): applied to the int target.
        download (bool, optional): fetch and extract ``url`` (MD5-checked) if the batches are not in ``root``.

    ``data`` is an N×32×32×3 uint8 tensor (height, width, channel: torchvision's layout), ``targets`` a list of
    ints, ``classes`` the label names from the meta file. The batches are pickles; they are read with a
    restricted unpickler that admits only NumPy arrays, lists, dicts, strings and numbers.

    >>> ds = CIFAR10("data", train=False, download=True)                    # doctest: +SKIP
    >>> img, label = ds[0]; ds.classes[label]                               # doctest: +SKIP
    'cat'
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [
        ["test_batch", "40351d587109b95175f43aff81a1287e"],
    ]
    meta = {
        "filename": "batches.meta",
        "key": "label_names",
        "md5": "5ff9c542aee3614f3951f8cda6e48888",
    }

    def __init__(
        self,
        root: str | Path,
        train: bool = True,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        download: bool = False,
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(_NOT_FOUND + self._corruption_detail())

        batches = self.train_list if self.train else self.test_list
        images, self.targets = [], []
        for file_name, _checksum in batches:
            file_path = os.path.join(self.root, self.base_folder, file_name)
            data, labels = _read_batch(file_path)
            images.append(data)
            self.targets.extend(labels)
        data = images[0] if len(images) == 1 else ember.cat(images)
        # rows are 3072 bytes: the red, green and blue 32×32 planes; store as N×H×W×C like torchvision
        self.data = data.reshape(-1, 3, 32, 32).permute(0, 2, 3, 1).contiguous()
        self._load_meta()

    def _load_meta(self) -> None:
        path = os.path.join(self.root, self.base_folder, self.meta["filename"])
        if not check_integrity(path, self.meta["md5"]):
            raise RuntimeError("Dataset metadata file not found or corrupted. You can use download=True to download it")
        meta = _unpickle.load(path)
        names = meta.get(self.meta["key"]) if isinstance(meta, dict) else None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise RuntimeError(f"{path}: expected a dict with a list of class names under {self.meta['key']!r}")
        self.classes = names
        self.class_to_idx = {_class: i for i, _class in enumerate(self.classes)}

    def __getitem__(self, index: int) -> tuple:
        """``(image, target)``: a PIL image of mode 'RGB' and the int class index, after the transforms."""
        img, target = self.data[index], self.targets[index]
        img = tensor_to_pil(img, "RGB")
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data)

    def _check_integrity(self) -> bool:
        for filename, md5 in self.train_list + self.test_list:
            fpath = os.path.join(self.root, self.base_folder, filename)
            if not check_integrity(fpath, md5):
                return False
        return True

    def _corruption_detail(self) -> str:
        """`` (path: MD5 mismatch)`` for the first batch that exists but fails its checksum, else ``''``."""
        for filename, md5 in self.train_list + self.test_list:
            fpath = os.path.join(self.root, self.base_folder, filename)
            if os.path.isfile(fpath) and not check_integrity(fpath, md5):
                return f" ({fpath} is corrupted: its MD5 does not match {md5})"
        return ""

    def download(self) -> None:
        """Download and extract the archive at ``url`` unless every batch is already present and intact."""
        if self._check_integrity():
            return
        download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)

    def extra_repr(self) -> str:
        split = "Train" if self.train is True else "Test"
        return f"Split: {split}"


def _read_batch(path: str) -> tuple:
    """(N×3072 uint8 tensor, list of N int labels) from one CIFAR batch file."""
    entry = _unpickle.load(path)
    if not isinstance(entry, dict) or "data" not in entry:
        raise RuntimeError(f"{path}: expected a dict with a 'data' array, got {type(entry).__name__}")
    labels = entry.get("labels", entry.get("fine_labels"))
    data = entry["data"]
    if not _unpickle.is_array(data) or data.dtype.ember_dtype != ember.uint8 or len(data.shape) != 2 \
            or data.shape[1] != 3 * 32 * 32:
        shape = data.shape if _unpickle.is_array(data) else type(data).__name__
        raise RuntimeError(f"{path}: 'data' must be a uint8 array of shape (N, 3072), got {shape}")
    if not isinstance(labels, list) or not all(isinstance(v, int) for v in labels):
        raise RuntimeError(f"{path}: expected a list of int labels under 'labels' or 'fine_labels'")
    if len(labels) != data.shape[0]:
        raise RuntimeError(f"{path}: {data.shape[0]} images but {len(labels)} labels")
    return data.to_tensor(), labels


class CIFAR100(CIFAR10):
    """`CIFAR100 <https://www.cs.toronto.edu/~kriz/cifar.html>`_: like :class:`CIFAR10` with 100 classes
    (``targets`` are the fine labels)."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [
        ["train", "16019d7e3df5f24257cddd939b257f8d"],
    ]
    test_list = [
        ["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"],
    ]
    meta = {
        "filename": "meta",
        "key": "fine_label_names",
        "md5": "7973b15100ade9c7d40fb424638fde48",
    }
