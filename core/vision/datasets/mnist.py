"""MNIST, FashionMNIST, KMNIST and EMNIST, read from the original idx files (raw or gzipped)."""
from __future__ import annotations

import gzip
import os
import shutil
import string
import struct
import sys
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.error import URLError

import ember

from ._image import tensor_to_pil
from .utils import (
    check_integrity,
    download_and_extract_archive,
    extract_archive,
    verify_str_arg,
)
from .vision import VisionDataset

__all__ = [
    "EMNIST",
    "KMNIST",
    "MNIST",
    "FashionMNIST",
    "read_image_file",
    "read_label_file",
    "read_sn3_pascalvincent_tensor",
]


# --- the idx format ("SN3 Pascal Vincent"): magic 0x0000 <dtype code> <ndim>, ndim big-endian uint32 sizes,
# then the data, big-endian, row-major ---------------------------------------------------------------------

SN3_PASCALVINCENT_TYPEMAP = {
    8: ember.uint8,
    9: ember.int8,
    11: ember.int16,
    12: ember.int32,
    13: ember.float32,
    14: ember.float64,
}


def _read_bytes(path) -> bytes:
    """The file's bytes, transparently gunzipped when it starts with the gzip magic."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            raise RuntimeError(f"{path}: cannot decompress the gzipped idx file ({e}). The file is corrupted "
                               f"or truncated; delete it and use download=True to download it again.") from e
    return data


def _swap_bytes(payload, itemsize: int) -> bytearray:
    """Reverse the byte order of every ``itemsize``-byte element (big-endian file -> little-endian host)."""
    out = bytearray(len(payload))
    for j in range(itemsize):
        out[j::itemsize] = payload[itemsize - 1 - j::itemsize]
    return out


def read_sn3_pascalvincent_tensor(path, strict: bool = True):
    """Read an idx file (raw or gzipped) into an ember tensor of the dtype and shape its header declares.

    Raises RuntimeError naming ``path`` when the magic number is wrong, the header or the data is truncated,
    or (with ``strict``) the file holds more data than its header declares.
    """
    data = _read_bytes(path)
    if len(data) < 4:
        raise RuntimeError(f"{path}: not an idx file: {len(data)} bytes is too short for the 4-byte magic number.")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in SN3_PASCALVINCENT_TYPEMAP or ndim < 1:
        raise RuntimeError(f"{path}: not an idx file: bad magic number 0x{data[:4].hex()} (expected 0x0000 "
                           f"followed by a type code in {sorted(SN3_PASCALVINCENT_TYPEMAP)} and ndim >= 1).")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise RuntimeError(f"{path}: truncated idx header: {ndim} dimensions need {header} bytes, the file has "
                           f"{len(data)}.")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = SN3_PASCALVINCENT_TYPEMAP[code]
    numel = 1
    for s in shape:
        numel *= s
    expected = numel * dtype.itemsize
    found = len(data) - header
    if found < expected or (strict and found != expected):
        what = "truncated idx data" if found < expected else "idx size mismatch"
        raise RuntimeError(f"{path}: {what}: the header declares shape {tuple(shape)} of {dtype} "
                           f"({expected} bytes) but the file holds {found} bytes of data.")
    if numel == 0:
        return ember.empty(shape, dtype=dtype)
    payload = memoryview(data)[header:header + expected]  # no copy until the bytearray below
    if dtype.itemsize > 1 and sys.byteorder == "little":
        payload = _swap_bytes(payload, dtype.itemsize)
    else:
        payload = bytearray(payload)
    return ember.frombuffer(payload, dtype=dtype).view(*shape)


def read_label_file(path):
    """The labels of an idx1 uint8 file as an int64 tensor."""
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.dtype != ember.uint8:
        raise TypeError(f"{path}: x should be of dtype {ember.uint8} instead of {x.dtype}")
    if x.ndimension() != 1:
        raise ValueError(f"{path}: x should have 1 dimension instead of {x.ndimension()}")
    return x.long()


def read_image_file(path):
    """The images of an idx3 uint8 file as an N×H×W uint8 tensor."""
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.dtype != ember.uint8:
        raise TypeError(f"{path}: x should be of dtype {ember.uint8} instead of {x.dtype}")
    if x.ndimension() != 3:
        raise ValueError(f"{path}: x should have 3 dimension instead of {x.ndimension()}")
    return x


def _existing(path: str) -> str | None:
    """``path`` if it is a file, else ``path + '.gz'`` if that is, else None."""
    for candidate in (path, path + ".gz"):
        if check_integrity(candidate):
            return candidate
    return None


class MNIST(VisionDataset):
    """`MNIST <http://yann.lecun.com/exdb/mnist/>`_: 28×28 grayscale digits, 60,000 train and 10,000 test.

    Args:
        root (str or ``pathlib.Path``): directory holding ``MNIST/raw/train-images-idx3-ubyte`` etc. (raw or
            with a ``.gz`` suffix, gzipped).
        train (bool, optional): the training split (``train-*``) if True, else the test split (``t10k-*``).
        transform (callable, optional): applied to the PIL image (mode 'L').
        target_transform (callable, optional): applied to the int target.
        download (bool, optional): fetch the files from ``mirrors`` (MD5-checked, trying the next mirror on
            failure) when they are not already in ``root``.

    ``data`` is an N×28×28 uint8 tensor, ``targets`` an int64 tensor; ``ds[i]`` is ``(PIL image, int)``.

    >>> ds = MNIST("data", train=False, download=True)                      # doctest: +SKIP
    >>> img, label = ds[0]                                                  # doctest: +SKIP
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]

    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]

    training_file = "training.pt"
    test_file = "test.pt"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    @property
    def train_labels(self):
        warnings.warn("train_labels has been renamed targets")
        return self.targets

    @property
    def test_labels(self):
        warnings.warn("test_labels has been renamed targets")
        return self.targets

    @property
    def train_data(self):
        warnings.warn("train_data has been renamed data")
        return self.data

    @property
    def test_data(self):
        warnings.warn("test_data has been renamed data")
        return self.data

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
        if self._check_legacy_exist():
            self.data, self.targets = self._load_legacy_data()
            return
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        self.data, self.targets = self._load_data()

    def _check_legacy_exist(self) -> bool:
        """Whether ``processed/training.pt`` and ``test.pt`` (written by old torchvision versions) exist."""
        if not os.path.exists(self.processed_folder):
            return False
        return all(check_integrity(os.path.join(self.processed_folder, file))
                   for file in (self.training_file, self.test_file))

    def _load_legacy_data(self):
        # backwards compatibility only: the raw files are read directly nowadays
        data_file = self.training_file if self.train else self.test_file
        return ember.load(os.path.join(self.processed_folder, data_file), weights_only=True)

    def _split_files(self) -> tuple:
        prefix = "train" if self.train else "t10k"
        return (os.path.join(self.raw_folder, f"{prefix}-images-idx3-ubyte"),
                os.path.join(self.raw_folder, f"{prefix}-labels-idx1-ubyte"))

    def _load_data(self):
        image_file, label_file = (_existing(f) for f in self._split_files())
        return _read_pair(image_file, label_file)

    def __getitem__(self, index: int) -> tuple:
        """``(image, target)``: a PIL image of mode 'L' and the int class index, after the transforms."""
        img, target = self.data[index], int(self.targets[index])
        img = tensor_to_pil(img, "L")
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data)

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self) -> str:
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self) -> dict:
        return {_class: i for i, _class in enumerate(self.classes)}

    def _check_exists(self) -> bool:
        return all(
            _existing(os.path.join(self.raw_folder, os.path.splitext(os.path.basename(url))[0])) is not None
            for url, _ in self.resources
        )

    def download(self) -> None:
        """Download the files in ``resources`` from the first mirror that serves them with the right MD5."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            errors = []
            for mirror in self.mirrors:
                url = f"{mirror}{filename}"
                try:
                    download_and_extract_archive(url, download_root=self.raw_folder, filename=filename, md5=md5)
                except (RuntimeError, URLError) as e:
                    errors.append(e)
                    continue
                break
            else:
                s = f"Error downloading {filename}:\n"
                for mirror, err in zip(self.mirrors, errors):
                    s += f"Tried {mirror}, got:\n{err!s}\n"
                raise RuntimeError(s)

    def extra_repr(self) -> str:
        split = "Train" if self.train is True else "Test"
        return f"Split: {split}"


def _read_pair(image_file: str, label_file: str) -> tuple:
    data = read_image_file(image_file)
    targets = read_label_file(label_file)
    if len(data) != len(targets):
        raise RuntimeError(f"{image_file} holds {len(data)} images but {label_file} holds {len(targets)} labels; "
                           f"one of them is corrupted or they belong to different datasets.")
    return data, targets


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_: 28×28 grayscale clothing images,
    stored like :class:`MNIST` under ``root/FashionMNIST/raw``."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]

    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


class KMNIST(MNIST):
    """`Kuzushiji-MNIST <https://github.com/rois-codh/kmnist>`_: 28×28 grayscale cursive Japanese characters,
    stored like :class:`MNIST` under ``root/KMNIST/raw``."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]

    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """`EMNIST <https://www.westernsydney.edu.au/bens/home/reproducible_research/emnist>`_: handwritten
    characters in six splits, ``root/EMNIST/raw/emnist-<split>-<train|test>-<images|labels>-idx?-ubyte``.

    Args:
        root (str or ``pathlib.Path``): root directory of the dataset.
        split (str): one of ``byclass``, ``bymerge``, ``balanced``, ``letters``, ``digits``, ``mnist``.
        **kwargs: ``train``, ``transform``, ``target_transform``, ``download`` as for :class:`MNIST`.

    Note that, as in the original files (and torchvision), the images are stored transposed.
    """

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    # merged classes: upper and lower case written alike
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root: str | Path, split: str, **kwargs: Any) -> None:
        self.split = verify_str_arg(split, "split", self.splits)
        self.training_file = self._training_file(split)
        self.test_file = self._test_file(split)
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    @staticmethod
    def _training_file(split) -> str:
        return f"training_{split}.pt"

    @staticmethod
    def _test_file(split) -> str:
        return f"test_{split}.pt"

    @property
    def _file_prefix(self) -> str:
        return f"emnist-{self.split}-{'train' if self.train else 'test'}"

    @property
    def images_file(self) -> str:
        return os.path.join(self.raw_folder, f"{self._file_prefix}-images-idx3-ubyte")

    @property
    def labels_file(self) -> str:
        return os.path.join(self.raw_folder, f"{self._file_prefix}-labels-idx1-ubyte")

    def _load_data(self):
        return _read_pair(_existing(self.images_file), _existing(self.labels_file))

    def _check_exists(self) -> bool:
        return all(_existing(f) is not None for f in (self.images_file, self.labels_file))

    def download(self) -> None:
        """Download ``gzip.zip`` (MD5-checked) and unpack every split's idx files into ``raw_folder``."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        download_and_extract_archive(self.url, download_root=self.raw_folder, md5=self.md5)
        gzip_folder = os.path.join(self.raw_folder, "gzip")
        for gzip_file in os.listdir(gzip_folder):
            if gzip_file.endswith(".gz"):
                extract_archive(os.path.join(gzip_folder, gzip_file), self.raw_folder)
        shutil.rmtree(gzip_folder)
