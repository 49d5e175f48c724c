"""AlexNet, torchvision's "one weird trick" variant (identical modules and state_dict keys)."""
from __future__ import annotations

from typing import Any

from ... import _functional as F
from ... import nn
from ._api import _load_into, _resolve_weights, _weights_enum, register_model

__all__ = ["AlexNet", "AlexNet_Weights", "alexnet"]


class AlexNet(nn.Module):
    """AlexNet for 3-channel images of at least 63x63 pixels (PyTorch's default layer initialisation).

    >>> m = AlexNet(num_classes=10).eval()
    >>> m(ember.randn(1, 3, 64, 64)).shape
    ember.Size([1, 10])
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = F.flatten(x, 1)
        return self.classifier(x)


AlexNet_Weights = _weights_enum("AlexNet_Weights", ["IMAGENET1K_V1"], "IMAGENET1K_V1", __name__)


@register_model(weights=AlexNet_Weights)
def alexnet(*, weights: Any = None, progress: bool = True, **kwargs: Any) -> AlexNet:
    """AlexNet; ``weights`` is ``None``, a local checkpoint path or a state_dict (see ``models._api``)."""
    state_dict = _resolve_weights(weights, AlexNet_Weights, kwargs)
    return _load_into(AlexNet(**kwargs), state_dict)
