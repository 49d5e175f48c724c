"""The networks ``ember train`` trains: small CNNs sized for CPU training, and a linear baseline."""
from __future__ import annotations

from .. import nn


def _conv_bn(cin: int, cout: int, kernel_size: int = 3, stride: int = 1, padding: int = 1) -> list:
    # ReLU is not in place: ember's batch_norm keeps its output for the backward pass
    return [nn.Conv2d(cin, cout, kernel_size, stride, padding, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]


class SmallCNN(nn.Sequential):
    """Three conv-BN-ReLU stages (a 4×4 stride-2 stem, then 3×3 convs around a 2× max-pool), global average
    pooling and a linear classifier.

    About 25k parameters at the default widths; sized for 1×28×28 images on a CPU: the strided stem halves
    the resolution before any full-size activation is normalised or pooled.

    >>> import ember
    >>> SmallCNN(1, 10)(ember.zeros(2, 1, 28, 28)).shape
    ember.Size([2, 10])
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, widths: tuple = (16, 32, 64)) -> None:
        c1, c2, c3 = widths
        super().__init__(
            *_conv_bn(in_channels, c1, 4, 2, 1),
            *_conv_bn(c1, c2), nn.MaxPool2d(2),
            *_conv_bn(c2, c3), nn.AdaptiveAvgPool2d(1),
            nn.Flatten(), nn.Linear(c3, num_classes))


class WideCNN(nn.Sequential):
    """Five conv-BN-ReLU layers in three resolutions (32, 64, 128 channels), for 3×32×32 images (CIFAR).

    >>> import ember
    >>> WideCNN(3, 10)(ember.zeros(2, 3, 32, 32)).shape
    ember.Size([2, 10])
    """

    def __init__(self, in_channels: int = 3, num_classes: int = 10, widths: tuple = (32, 64, 128)) -> None:
        c1, c2, c3 = widths
        super().__init__(
            *_conv_bn(in_channels, c1), *_conv_bn(c1, c1), nn.MaxPool2d(2),
            *_conv_bn(c1, c2), *_conv_bn(c2, c2), nn.MaxPool2d(2),
            *_conv_bn(c2, c3), nn.AdaptiveAvgPool2d(1),
            nn.Flatten(), nn.Dropout(0.1), nn.Linear(c3, num_classes))


def linear(in_channels: int, size: int, num_classes: int = 10) -> nn.Module:
    """Multinomial logistic regression on the raw (normalised) pixels: the baseline a CNN must beat."""
    return nn.Sequential(nn.Flatten(), nn.Linear(in_channels * size * size, num_classes))


def build(kind: str, default: str, in_channels: int, size: int, num_classes: int) -> nn.Module:
    """``kind`` is ``"cnn"`` (the dataset's ``default`` CNN: ``"small"`` or ``"wide"``) or ``"linear"``."""
    if kind == "linear":
        return linear(in_channels, size, num_classes)
    if default == "wide":
        return WideCNN(in_channels, num_classes)
    return SmallCNN(in_channels, num_classes)
