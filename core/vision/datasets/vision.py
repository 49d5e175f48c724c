"""The base class of every ``ember.vision`` dataset (torchvision's ``datasets.vision``)."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...utils.data import Dataset


class VisionDataset(Dataset):
    """Base class for datasets compatible with ``ember.vision``; subclasses define ``__getitem__`` and ``__len__``.

    Args:
        root (str or ``pathlib.Path``, optional): root directory of the dataset (``~`` is expanded for strings).
        transforms (callable, optional): takes a sample and its target and returns transformed versions of both.
        transform (callable, optional): takes a sample (e.g. a PIL image) and returns a transformed version.
        target_transform (callable, optional): takes the target and transforms it.

    ``transforms`` and the pair ``transform``/``target_transform`` are mutually exclusive; the pair is wrapped
    into a :class:`StandardTransform` stored as ``self.transforms``.

    >>> class Squares(VisionDataset):
    ...     def __getitem__(self, i): return self.transforms(i, i * i) if self.transforms else (i, i * i)
    ...     def __len__(self): return 3
    >>> Squares(transform=str)[2]
    ('2', 4)
    """

    _repr_indent = 4

    def __init__(
        self,
        root: str | Path | None = None,
        transforms: Callable | None = None,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
    ) -> None:
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root

        has_transforms = transforms is not None
        has_separate_transform = transform is not None or target_transform is not None
        if has_transforms and has_separate_transform:
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")

        self.transform = transform
        self.target_transform = target_transform
        if has_separate_transform:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def __repr__(self) -> str:
        head = "Dataset " + self.__class__.__name__
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if getattr(self, "transforms", None) is not None:
            body += [repr(self.transforms)]
        lines = [head] + [" " * self._repr_indent + line for line in body]
        return "\n".join(lines)

    def _format_transform_repr(self, transform: Callable, head: str) -> list:
        return _format_transform_repr(transform, head)

    def extra_repr(self) -> str:
        """Extra lines for ``repr`` (e.g. ``"Split: Train"``); empty by default."""
        return ""


class StandardTransform:
    """Applies ``transform`` to the sample and ``target_transform`` to the target (either may be None)."""

    def __init__(self, transform: Callable | None = None, target_transform: Callable | None = None) -> None:
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input: Any, target: Any) -> tuple:
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def _format_transform_repr(self, transform: Callable, head: str) -> list:
        return _format_transform_repr(transform, head)

    def __repr__(self) -> str:
        body = [self.__class__.__name__]
        if self.transform is not None:
            body += _format_transform_repr(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += _format_transform_repr(self.target_transform, "Target transform: ")
        return "\n".join(body)


def _format_transform_repr(transform: Callable, head: str) -> list:
    """``head`` before the first line of ``repr(transform)``, following lines indented under it."""
    lines = repr(transform).splitlines()
    return [f"{head}{lines[0]}"] + [" " * len(head) + line for line in lines[1:]]
