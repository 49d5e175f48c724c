"""DatasetFolder and ImageFolder: one sub-directory per class (torchvision's ``datasets.folder``)."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

from .vision import VisionDataset

__all__ = [
    "IMG_EXTENSIONS",
    "DatasetFolder",
    "ImageFolder",
    "default_loader",
    "find_classes",
    "has_file_allowed_extension",
    "is_image_file",
    "make_dataset",
    "pil_loader",
]

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def has_file_allowed_extension(filename: str, extensions) -> bool:
    """Whether ``filename`` ends (case-insensitively) with one of ``extensions`` (a str or tuple of str)."""
    return filename.lower().endswith(extensions if isinstance(extensions, str) else tuple(extensions))


def is_image_file(filename: str) -> bool:
    """Whether ``filename`` has one of :data:`IMG_EXTENSIONS`.

    >>> is_image_file("cat.PNG"), is_image_file("notes.txt")
    (True, False)
    """
    return has_file_allowed_extension(filename, IMG_EXTENSIONS)


def find_classes(directory) -> tuple:
    """The sorted sub-directory names of ``directory`` and the mapping name -> index."""
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
    class_to_idx = {cls_name: i for i, cls_name in enumerate(classes)}
    return classes, class_to_idx


def make_dataset(
    directory,
    class_to_idx: dict | None = None,
    extensions=None,
    is_valid_file: Callable[[str], bool] | None = None,
    allow_empty: bool = False,
) -> list:
    """``[(path, class_index), ...]`` for every valid file under ``directory/<class>/`` (recursively, sorted).

    Exactly one of ``extensions`` and ``is_valid_file`` must be given. A class with no valid file raises
    FileNotFoundError unless ``allow_empty``.
    """
    directory = os.path.expanduser(directory)
    if class_to_idx is None:
        _, class_to_idx = find_classes(directory)
    elif not class_to_idx:
        raise ValueError("'class_to_index' must have at least one entry to collect any samples.")

    both_none = extensions is None and is_valid_file is None
    both_something = extensions is not None and is_valid_file is not None
    if both_none or both_something:
        raise ValueError("Both extensions and is_valid_file cannot be None or not None at the same time")
    if extensions is not None:
        def is_valid_file(x: str) -> bool:
            return has_file_allowed_extension(x, extensions)

    instances = []
    available_classes = set()
    for target_class in sorted(class_to_idx.keys()):
        class_index = class_to_idx[target_class]
        target_dir = os.path.join(directory, target_class)
        if not os.path.isdir(target_dir):
            continue
        for root, _, fnames in sorted(os.walk(target_dir, followlinks=True)):
            for fname in sorted(fnames):
                path = os.path.join(root, fname)
                if is_valid_file(path):
                    instances.append((path, class_index))
                    available_classes.add(target_class)

    empty_classes = set(class_to_idx.keys()) - available_classes
    if empty_classes and not allow_empty:
        msg = f"Found no valid file for the classes {', '.join(sorted(empty_classes))}. "
        if extensions is not None:
            msg += f"Supported extensions are: {extensions if isinstance(extensions, str) else ', '.join(extensions)}"
        raise FileNotFoundError(msg)
    return instances


class DatasetFolder(VisionDataset):
    """A generic dataset laid out as ``root/<class>/.../<file>``; classes are the sorted sub-directories.

    Args:
        root (str or ``pathlib.Path``): root directory path.
        loader (callable): loads a sample given its path.
        extensions (tuple of str, optional): allowed extensions (exclusive with ``is_valid_file``).
        transform (callable, optional): applied to each loaded sample.
        target_transform (callable, optional): applied to each target.
        is_valid_file (callable, optional): takes a path and says whether it is a valid sample (exclusive with
            ``extensions``).
        allow_empty (bool, optional): accept classes with no valid file (else FileNotFoundError).

    Attributes: ``classes``, ``class_to_idx``, ``samples`` (list of ``(path, class_index)``) and ``targets``.
    Override :meth:`find_classes` / :meth:`make_dataset` for another layout.

    >>> ds = DatasetFolder("data/texts", loader=lambda p: open(p).read(), extensions=(".txt",))  # doctest: +SKIP
    """

    def __init__(
        self,
        root: str | Path,
        loader: Callable[[str], Any],
        extensions: tuple | None = None,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        is_valid_file: Callable[[str], bool] | None = None,
        allow_empty: bool = False,
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        samples = self.make_dataset(self.root, class_to_idx=class_to_idx, extensions=extensions,
                                    is_valid_file=is_valid_file, allow_empty=allow_empty)
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.samples = samples
        self.targets = [s[1] for s in samples]

    @staticmethod
    def make_dataset(
        directory,
        class_to_idx: dict,
        extensions: tuple | None = None,
        is_valid_file: Callable[[str], bool] | None = None,
        allow_empty: bool = False,
    ) -> list:
        """The ``(path, class_index)`` samples of ``directory``; see :func:`make_dataset`."""
        if class_to_idx is None:
            # make_dataset() would use find_classes() rather than a possibly overridden self.find_classes()
            raise ValueError("The class_to_idx parameter cannot be None.")
        return make_dataset(directory, class_to_idx, extensions=extensions, is_valid_file=is_valid_file,
                            allow_empty=allow_empty)

    def find_classes(self, directory) -> tuple:
        """``(classes, class_to_idx)`` for ``directory``; raises FileNotFoundError if it has no class folder."""
        return find_classes(directory)

    def __getitem__(self, index: int) -> tuple:
        """``(sample, target)``: the loaded, transformed sample and its class index.

        A file the loader cannot read raises the loader's error type with the path and sample index added.
        """
        path, target = self.samples[index]
        try:
            sample = self.loader(path)
        except OSError as e:  # includes PIL.UnidentifiedImageError and truncated-image errors
            raise _with_location(e, path, index) from e
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    def __len__(self) -> int:
        return len(self.samples)


def _with_location(error: OSError, path: str, index: int) -> OSError:
    """The same kind of error, its message naming the file and the sample index."""
    msg = f"{path} (sample {index}) could not be loaded: {error}"
    try:
        return type(error)(msg)
    except TypeError:  # an OSError subclass whose constructor takes other arguments
        return OSError(msg)


def pil_loader(path) -> Image.Image:
    """Open ``path`` with Pillow and return it converted to RGB."""
    with open(path, "rb") as f:  # open the file ourselves so Pillow does not leave it open
        img = Image.open(f)
        return img.convert("RGB")


def default_loader(path) -> Any:
    """The loader :class:`ImageFolder` uses by default: :func:`pil_loader`."""
    return pil_loader(path)


class ImageFolder(DatasetFolder):
    """:class:`DatasetFolder` of images (``root/dog/xxx.png``, ``root/cat/123.jpg``, ...) loaded as RGB PIL
    images; files are those with an extension in :data:`IMG_EXTENSIONS` unless ``is_valid_file`` is given.

    Args:
        root (str or ``pathlib.Path``): root directory path.
        transform (callable, optional): applied to the PIL image (e.g. ``transforms.ToTensor()``).
        target_transform (callable, optional): applied to the target.
        loader (callable, optional): loads an image given its path (default: :func:`default_loader`).
        is_valid_file (callable, optional): takes a path and says whether it is a valid image.
        allow_empty (bool, optional): accept classes with no image (else FileNotFoundError).

    Attributes: as :class:`DatasetFolder`, plus ``imgs`` (the same list as ``samples``).

    >>> ds = ImageFolder("data/pets", transform=transforms.ToTensor())        # doctest: +SKIP
    >>> img, label = ds[0]; ds.classes[label]                                  # doctest: +SKIP
    'cat'
    """

    def __init__(
        self,
        root: str | Path,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        loader: Callable[[str], Any] = default_loader,
        is_valid_file: Callable[[str], bool] | None = None,
        allow_empty: bool = False,
    ):
        super().__init__(
            root,
            loader,
            IMG_EXTENSIONS if is_valid_file is None else None,
            transform=transform,
            target_transform=target_transform,
            is_valid_file=is_valid_file,
            allow_empty=allow_empty,
        )
        self.imgs = self.samples
