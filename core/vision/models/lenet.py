"""LeNet: a LeNet-5-style small CNN (ember's own; torchvision has no LeNet).

Layout, written in torchvision's ``features`` / ``avgpool`` / ``classifier`` style::

    features    Conv2d(in_channels, 6, 5, padding=2) ReLU MaxPool2d(2)    28x28 -> 14x14
                Conv2d(6, 16, 5)                     ReLU MaxPool2d(2)    14x14 -> 5x5
    avgpool     AdaptiveAvgPool2d((5, 5))            (identity for 28x28 inputs; lets 32x32 and others in)
    classifier  Linear(400, 120) ReLU Linear(120, 84) ReLU Linear(84, num_classes)

It differs from LeCun et al. (1998) in the modern ways: ReLU instead of scaled tanh, max instead of
trainable average pooling, a full C3 connection table and a linear output layer instead of RBF units.
"""
from __future__ import annotations

from typing import Any

from ... import _functional as F
from ... import nn
from ._api import _load_into, _resolve_weights, register_model

__all__ = ["LeNet", "lenet"]


class LeNet(nn.Module):
    """A LeNet-5-style CNN for small images (MNIST-sized by default; any size from 12x12 works).

    Layers use PyTorch's default initialisation.

    >>> m = LeNet().eval()
    >>> m(ember.randn(2, 1, 28, 28)).shape
    ember.Size([2, 10])
    >>> LeNet(num_classes=100, in_channels=3)(ember.randn(1, 3, 32, 32)).shape
    ember.Size([1, 100])
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(6, 16, kernel_size=5),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((5, 5))
        self.classifier = nn.Sequential(
            nn.Linear(16 * 5 * 5, 120),
            nn.ReLU(inplace=True),
            nn.Linear(120, 84),
            nn.ReLU(inplace=True),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = F.flatten(x, 1)
        return self.classifier(x)


@register_model()
def lenet(*, weights: Any = None, progress: bool = True, **kwargs: Any) -> LeNet:
    """LeNet (see :class:`LeNet`); ``weights`` is ``None``, a local checkpoint path or a state_dict."""
    state_dict = _resolve_weights(weights, None, kwargs)
    return _load_into(LeNet(**kwargs), state_dict)
