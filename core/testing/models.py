"""Small built-in models for :func:`ember.testing.compare_backends` and ``ember compare``.

The five architectures of ``benchmarks/models.py`` (MLP, MNIST-style CNN, ResNet-18, LSTM classifier,
Transformer encoder), shrunk so that a whole cross-backend comparison, float64 reference included, runs in
seconds on a CPU.  Every submodule is an ``nn.Module`` attribute (no functional activations), so that
divergence localisation can name the layer.

    >>> from ember.testing.models import MODELS
    >>> model, inputs = MODELS["mlp"].build()
    >>> model(*inputs).shape
    ember.Size([8, 10])
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ember
from ember import nn


@dataclass(frozen=True)
class BuiltinModel:
    """A named model: ``factory()`` makes the module, ``input_shapes`` the random float inputs it takes."""

    factory: Callable[[], nn.Module]
    input_shapes: tuple
    description: str

    def build(self, input_shapes: tuple | None = None, *, seed: int = 0) -> tuple:
        """``(model, inputs)``: the model initialised from ``seed`` and standard-normal inputs of
        ``input_shapes`` (default: :attr:`input_shapes`), on the default backend in float32."""
        ember.manual_seed(seed)
        model = self.factory()
        shapes = self.input_shapes if input_shapes is None else input_shapes
        return model, tuple(ember.randn(*shape) for shape in shapes)


class CNN(nn.Module):
    """conv-ReLU-conv-ReLU-maxpool-flatten-linear-ReLU-linear on 1×14×14 images (the pytorch/examples MNIST net,
    narrower)."""

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.relu2 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(16 * 5 * 5, 32)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(32, num_classes)

    def forward(self, x):
        x = self.pool(self.relu2(self.conv2(self.relu1(self.conv1(x)))))
        return self.fc2(self.relu3(self.fc1(self.flatten(x))))


class LSTMClassifier(nn.Module):
    """A one-layer batch-first LSTM whose last time step feeds a linear head."""

    def __init__(self, input_size: int = 16, hidden_size: int = 32, num_classes: int = 10) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


class TransformerClassifier(nn.Module):
    """Two batch-first Transformer encoder layers, mean pooling over the sequence and a linear head."""

    def __init__(self, d_model: int = 32, num_classes: int = 10) -> None:
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, x):
        return self.head(self.encoder(x).mean(dim=1))


def _mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


def _resnet18() -> nn.Module:
    from ember.vision.models import resnet18
    return resnet18(num_classes=10)


MODELS = {
    "mlp": BuiltinModel(_mlp, ((8, 32),), "MLP 32-64-32-10 with ReLUs"),
    "cnn": BuiltinModel(CNN, ((4, 1, 14, 14),), "two 3x3 convs, max-pool and two linear layers"),
    "resnet18": BuiltinModel(_resnet18, ((2, 3, 32, 32),), "ember.vision.models.resnet18(num_classes=10)"),
    "lstm": BuiltinModel(LSTMClassifier, ((4, 12, 16),), "LSTM(16->32, batch_first) + Linear(32, 10)"),
    "transformer": BuiltinModel(TransformerClassifier, ((4, 10, 32),),
                                "2 TransformerEncoderLayers (d 32, 4 heads, ff 64) + mean + Linear"),
}
