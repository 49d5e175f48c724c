"""The issue-3 speed workloads, written once against a PyTorch-like namespace.

Every builder takes ``torch`` — the real ``torch`` module or ``ember`` — so both
frameworks run literally the same model code (same architecture, same
hyper-parameters, same default initialisation).  ``CASES[name](torch)`` returns a
``Case``: ``step()`` runs one training (or inference) step on a fixed random batch.

    from benchmarks.models import CASES
    import ember
    case = CASES["mlp"](ember)
    case.step()

The runner is ``benchmarks/nn_training.py``; ``benchmarks/profile_models.py``
profiles ember's steps with cProfile.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Case:
    """One benchmark workload: ``step()`` runs one step on ``model``; ``description`` names it."""

    step: Callable[[], None]
    description: str
    batch: int
    model: object = None


def _train_step(model, optimizer, loss_fn, x, y):
    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    return step


# --------------------------------------------------------------------------- 1. MLP

def mlp(torch) -> Case:
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(784, 512), nn.ReLU(),
        nn.Linear(512, 256), nn.ReLU(),
        nn.Linear(256, 10),
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(128, 784)
    y = torch.randint(0, 10, (128,))
    return Case(_train_step(model, opt, F.cross_entropy, x, y),
                "MLP 784-512-256-10 train, SGD(momentum=0.9), batch 128", 128, model)


# --------------------------------------------------------------------------- 2. MNIST CNN

def _mnist_net(torch):
    nn, F = torch.nn, torch.nn.functional

    class Net(nn.Module):  # pytorch/examples mnist/main.py, verbatim
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(9216, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = self.conv1(x)
            x = F.relu(x)
            x = self.conv2(x)
            x = F.relu(x)
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = torch.flatten(x, 1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.dropout2(x)
            x = self.fc2(x)
            return F.log_softmax(x, dim=1)

    return Net()


def cnn(torch) -> Case:
    F = torch.nn.functional
    torch.manual_seed(0)
    model = _mnist_net(torch)
    opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
    x = torch.randn(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    return Case(_train_step(model, opt, F.nll_loss, x, y),
                "MNIST CNN train (pytorch/examples), Adadelta(lr=1.0), batch 64", 64, model)


# --------------------------------------------------------------------------- 3. ResNet-18

def _resnet18(torch, num_classes=10):
    nn, F = torch.nn, torch.nn.functional

    class BasicBlock(nn.Module):
        expansion = 1

        def __init__(self, in_planes, planes, stride=1):
            super().__init__()
            self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.shortcut = nn.Sequential()
            if stride != 1 or in_planes != planes:
                self.shortcut = nn.Sequential(
                    nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False),
                    nn.BatchNorm2d(planes),
                )

        def forward(self, x):
            out = F.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return F.relu(out + self.shortcut(x))

    class ResNet(nn.Module):  # CIFAR variant: 3x3 stem, no max-pool
        def __init__(self, num_blocks=(2, 2, 2, 2)):
            super().__init__()
            self.in_planes = 64
            self.conv1 = nn.Conv2d(3, 64, 3, stride=1, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.layer1 = self._make_layer(64, num_blocks[0], 1)
            self.layer2 = self._make_layer(128, num_blocks[1], 2)
            self.layer3 = self._make_layer(256, num_blocks[2], 2)
            self.layer4 = self._make_layer(512, num_blocks[3], 2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(512, num_classes)

        def _make_layer(self, planes, n, stride):
            layers = []
            for s in [stride] + [1] * (n - 1):
                layers.append(BasicBlock(self.in_planes, planes, s))
                self.in_planes = planes
            return nn.Sequential(*layers)

        def forward(self, x):
            out = F.relu(self.bn1(self.conv1(x)))
            out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
            out = torch.flatten(self.avgpool(out), 1)
            return self.fc(out)

    return ResNet()


def resnet_infer(torch) -> Case:
    torch.manual_seed(0)
    model = _resnet18(torch).eval()
    x = torch.randn(32, 3, 32, 32)

    def step():
        with torch.no_grad():
            model(x)
    return Case(step, "ResNet-18 (32x32) inference, eval mode, batch 32", 32, model)


def resnet_train(torch) -> Case:
    F = torch.nn.functional
    torch.manual_seed(0)
    model = _resnet18(torch).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(32, 3, 32, 32)
    y = torch.randint(0, 10, (32,))
    return Case(_train_step(model, opt, F.cross_entropy, x, y),
                "ResNet-18 (32x32) train, SGD(momentum=0.9), batch 32", 32, model)


# --------------------------------------------------------------------------- 4. LSTM

def lstm(torch) -> Case:
    nn, F = torch.nn, torch.nn.functional

    class LSTMClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(128, 256, num_layers=1, batch_first=True)
            self.head = nn.Linear(256, 1000)

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.head(out[:, -1])

    torch.manual_seed(0)
    model = LSTMClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(32, 50, 128)
    y = torch.randint(0, 1000, (32,))
    return Case(_train_step(model, opt, F.cross_entropy, x, y),
                "LSTM(128->256, seq 50, batch_first) + Linear(256,1000) train, Adam, batch 32", 32, model)


# --------------------------------------------------------------------------- 5. Transformer

def transformer(torch) -> Case:
    nn, F = torch.nn, torch.nn.functional

    class Encoder(nn.Module):
        def __init__(self, d_model=256, num_classes=10):
            super().__init__()
            layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=1024, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
            self.head = nn.Linear(d_model, num_classes)

        def forward(self, x):
            return self.head(self.encoder(x).mean(dim=1))

    torch.manual_seed(0)
    model = Encoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    x = torch.randn(16, 64, 256)
    y = torch.randint(0, 10, (16,))
    return Case(_train_step(model, opt, F.cross_entropy, x, y),
                "TransformerEncoder 2x(d256, 4 heads, ff 1024, batch_first) + mean pool + Linear, Adam, "
                "batch 16 x seq 64", 16, model)


# name -> builder; TARGETS: minimum ember/torch throughput ratio
CASES = {
    "mlp": mlp,
    "cnn": cnn,
    "resnet18_infer": resnet_infer,
    "resnet18_train": resnet_train,
    "lstm": lstm,
    "transformer": transformer,
}
TARGETS = {"mlp": 0.8, "cnn": 0.4, "resnet18_infer": 0.4, "resnet18_train": 0.4, "lstm": 0.4, "transformer": 0.4}
MEMORY_TARGET = 1.5  # max ember/torch peak RSS
