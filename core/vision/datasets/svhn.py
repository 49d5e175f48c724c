"""SVHN, read from the original ``.mat`` files (needs SciPy, as torchvision does)."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import ember

from ._image import tensor_to_pil
from .utils import check_integrity, download_url, verify_str_arg
from .vision import VisionDataset

__all__ = ["SVHN"]


class SVHN(VisionDataset):
    """`SVHN <http://ufldl.stanford.edu/housenumbers/>`_: 32×32 colour crops of house-number digits.

    The files label the digit 0 as ``10``; here, as in torchvision, it is ``0``. Reading the ``.mat`` files
    needs `SciPy <https://scipy.org>`_ (an optional dependency): without it an ImportError names it.

    Args:
        root (str or ``pathlib.Path``): directory holding ``train_32x32.mat`` etc.
        split (str): ``'train'``, ``'test'`` or ``'extra'``.
        transform (callable, optional): applied to the PIL image (mode 'RGB').
        target_transform (callable, optional): applied to the int target.
        download (bool, optional): fetch the split's file (MD5-checked) if it is not in ``root``.

    ``data`` is an N×3×32×32 uint8 tensor and ``labels`` an int64 tensor.
    """

    split_list = {
        "train": ["http://ufldl.stanford.edu/housenumbers/train_32x32.mat", "train_32x32.mat",
                  "e26dedcc434d2e4c54c9b2d4a06d8373"],
        "test": ["http://ufldl.stanford.edu/housenumbers/test_32x32.mat", "test_32x32.mat",
                 "eb5a983be6a315427106f1b164d9cef3"],
        "extra": ["http://ufldl.stanford.edu/housenumbers/extra_32x32.mat", "extra_32x32.mat",
                  "a93ce644f1a588dc4d68dda5feec44a7"],
    }

    def __init__(
        self,
        root: str | Path,
        split: str = "train",
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        download: bool = False,
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", tuple(self.split_list.keys()))
        self.url = self.split_list[split][0]
        self.filename = self.split_list[split][1]
        self.file_md5 = self.split_list[split][2]

        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")

        try:
            import scipy.io as sio
        except ImportError as e:
            raise ImportError("SVHN needs scipy to read its .mat files: pip install scipy") from e
        path = os.path.join(self.root, self.filename)
        try:
            loaded_mat = sio.loadmat(path)
            images, labels = loaded_mat["X"], loaded_mat["y"]
        except (ValueError, KeyError, OSError, TypeError) as e:
            raise RuntimeError(f"{path}: cannot read the SVHN .mat file ({type(e).__name__}: {e})") from e
        images = ember.as_tensor(images)  # H×W×C×N uint8
        if images.dtype != ember.uint8 or images.dim() != 4 or images.shape[2] != 3:
            raise RuntimeError(f"{path}: 'X' must be a uint8 array of shape (H, W, 3, N), got "
                               f"{tuple(images.shape)} {images.dtype}")
        self.data = images.permute(3, 2, 0, 1).contiguous()
        self.labels = ember.as_tensor(labels).to(ember.int64).reshape(-1)
        if len(self.labels) != len(self.data):
            raise RuntimeError(f"{path}: {len(self.data)} images but {len(self.labels)} labels")
        # the files label the digit 0 as 10; use 0 so labels lie in [0, C-1] like every other dataset
        self.labels = ember.where(self.labels == 10, 0, self.labels)

    def __getitem__(self, index: int) -> tuple:
        """``(image, target)``: a PIL image of mode 'RGB' and the int digit, after the transforms."""
        img, target = self.data[index], int(self.labels[index])
        img = tensor_to_pil(img.permute(1, 2, 0), "RGB")
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data)

    def _check_integrity(self) -> bool:
        md5 = self.split_list[self.split][2]
        return check_integrity(os.path.join(self.root, self.filename), md5)

    def download(self) -> None:
        """Download the split's ``.mat`` file (MD5-checked) into ``root``."""
        md5 = self.split_list[self.split][2]
        download_url(self.url, self.root, self.filename, md5)

    def extra_repr(self) -> str:
        return "Split: {split}".format(**self.__dict__)
