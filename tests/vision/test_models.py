"""ember.vision.models against torchvision.models: state_dict layout (live and recorded), checkpoint
interop (same logits from a torchvision state_dict), default initialisation, constructor arguments and
their errors, the ``weights=`` argument, the registry, and ember's own LeNet.

Speed: building VGG/AlexNet initialises ~100M-weight classifier heads, which takes seconds. Tests that only
look at structure, or that overwrite every parameter from a checkpoint, skip the random fills (the
``record_init`` fixture) and build torchvision's models on the meta device.
"""
from __future__ import annotations

import json
import math
import os
import warnings

import ember
import numpy as np
import pytest
import torch
from ember.vision import models

from ._transforms_common import import_torchvision

torchvision = import_torchvision()
from torchvision import models as tv_models

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "models_state_dict.json")
BUILDERS = [name for name in models.list_models() if name != "lenet"]


def layout(state_dict) -> list:
    return [[k, list(v.shape), str(v.dtype).rsplit(".", 1)[-1]] for k, v in state_dict.items()]


def to_ember(state_dict) -> dict:
    """torch tensors as ember tensors sharing their memory."""
    return {k: ember.from_numpy(v.detach().numpy()) for k, v in state_dict.items()}


def to_numpy(t) -> np.ndarray:
    return t.detach().numpy()


# ---- recording initialisation -----------------------------------------------------------------------------

class InitRecorder:
    """Patches a framework's Tensor fill methods: random fills record their distribution instead of
    sampling (fast); constant fills record and run. ``effective(module)`` gives each state_dict entry's last
    initialisation, e.g. ``("normal", 0.0, 0.0147)``."""

    def __init__(self, monkeypatch, tensor_cls):
        self.events: dict[int, tuple] = {}
        events = self.events
        fill, zero = tensor_cls.fill_, tensor_cls.zero_

        def uniform_(t, a=0.0, b=1.0, *, generator=None):
            events[id(t)] = ("uniform", float(a), float(b))
            return t

        def normal_(t, mean=0.0, std=1.0, *, generator=None):
            events[id(t)] = ("normal", float(mean), float(std))
            return t

        def fill_(t, value):
            events[id(t)] = ("constant", float(value))
            return fill(t, value)

        def zero_(t):
            events[id(t)] = ("constant", 0.0)
            return zero(t)

        for name, fn in (("uniform_", uniform_), ("normal_", normal_), ("fill_", fill_), ("zero_", zero_)):
            monkeypatch.setattr(tensor_cls, name, fn)

    def effective(self, module) -> dict:
        tensors = dict(module.named_parameters())
        tensors.update(dict(module.named_buffers()))
        return {k: self.events.get(id(t)) for k, t in tensors.items()}


@pytest.fixture
def record_init(monkeypatch):
    """(ember recorder, torch recorder)."""
    return InitRecorder(monkeypatch, ember.Tensor), InitRecorder(monkeypatch, torch.Tensor)


# ---- state_dict layout -------------------------------------------------------------------------------------

def _fixture() -> dict:
    with open(FIXTURE) as f:
        return json.load(f)


# (builder, kwargs for both frameworks given their nn module)
VARIANTS = [
    ("resnet18", lambda nn: {"num_classes": 7}),
    ("resnet50", lambda nn: {"replace_stride_with_dilation": [False, True, True]}),
    ("resnet34", lambda nn: {"norm_layer": lambda c: nn.GroupNorm(4, c)}),
    ("resnext50_32x4d", lambda nn: {"num_classes": 3}),
    ("mobilenet_v2", lambda nn: {"width_mult": 0.5, "num_classes": 3}),
    ("mobilenet_v2", lambda nn: {"width_mult": 1.4, "round_nearest": 4}),
    ("squeezenet1_0", lambda nn: {"num_classes": 5}),
    ("vgg11_bn", lambda nn: {"num_classes": 2}),
    ("alexnet", lambda nn: {"num_classes": 3}),
]


@pytest.mark.parametrize("name", BUILDERS)
def test_layout_and_init_match_torchvision(name, record_init):
    """Same state_dict keys, shapes and dtypes as torchvision, and the same initialisation of every entry
    (distribution and its parameters, or constant)."""
    rec_ember, rec_torch = record_init
    ours, theirs = models.get_model(name), tv_models.get_model(name)
    assert layout(ours.state_dict()) == layout(theirs.state_dict())
    init_ours, init_theirs = rec_ember.effective(ours), rec_torch.effective(theirs)
    assert init_ours.keys() == init_theirs.keys()
    for key in init_ours:
        assert init_ours[key] is not None, f"{name}: {key} never initialised"
        assert init_ours[key][0] == init_theirs[key][0], f"{name}: {key}"
        assert init_ours[key][1:] == pytest.approx(init_theirs[key][1:], rel=1e-6), f"{name}: {key}"


@pytest.mark.parametrize("name,kwargs", VARIANTS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(VARIANTS)])
def test_constructor_arguments_match_torchvision(name, kwargs, record_init):
    ours = models.get_model(name, **kwargs(ember.nn))
    theirs = tv_models.get_model(name, **kwargs(torch.nn))
    assert layout(ours.state_dict()) == layout(theirs.state_dict())


@pytest.mark.parametrize("name", models.list_models())
def test_layout_matches_recorded_fixture(name, record_init):
    """Checked without torchvision: the layouts recorded by ``record_models_fixtures.py``."""
    recorded = _fixture()["models"]
    assert name in recorded, f"{name} missing from {FIXTURE}; run python -m tests.vision.record_models_fixtures"
    assert layout(models.get_model(name).state_dict()) == recorded[name]


def test_fixture_covers_exactly_the_builders():
    assert sorted(_fixture()["models"]) == models.list_models()


# ---- checkpoint interop ------------------------------------------------------------------------------------

def _randomised_torchvision(name, seed: int = 0, **kwargs):
    """A torchvision model (a builder's name, or a constructor) with every parameter and BN statistic random
    and O(1)-scaled activations (the default init plus fresh BN statistics would make some logits ~1e-10
    and the comparison vacuous)."""
    torch.manual_seed(seed)
    with torch.device("meta"):
        model = tv_models.get_model(name, **kwargs) if isinstance(name, str) else name(**kwargs)
    model = model.to_empty(device="cpu")

    def rand(t, low, high):  # torch.rand, not Tensor.uniform_, which the record_init fixture may patch
        t.copy_(torch.rand(t.shape) * (high - low) + low)

    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)):
                mod.weight.copy_(torch.randn(mod.weight.shape) * math.sqrt(2.0 / mod.weight[0].numel()))
                if mod.bias is not None:
                    rand(mod.bias, -0.1, 0.1)
            elif isinstance(mod, torch.nn.BatchNorm2d):
                rand(mod.weight, 0.5, 1.5)
                rand(mod.bias, -0.2, 0.2)
                rand(mod.running_mean, -0.2, 0.2)
                rand(mod.running_var, 0.5, 2.0)
                mod.num_batches_tracked.copy_(torch.tensor(3))
    return model.eval()


def _assert_same_logits(ours, theirs, size, batch=2, seed=1):
    x = np.random.RandomState(seed).randn(batch, 3, size, size).astype(np.float32)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    with ember.no_grad():
        got = to_numpy(ours(ember.as_tensor(x)))
    assert got.shape == expected.shape
    scale = np.abs(expected).max()
    assert scale > 0.1  # a meaningful comparison
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * max(1.0, scale / 10))


@pytest.mark.parametrize("name,size", [("resnet18", 32), ("mobilenet_v2", 32), ("squeezenet1_1", 64)])
def test_torchvision_checkpoint_file_gives_same_logits(name, size, tmp_path, record_init):
    theirs = _randomised_torchvision(name)
    path = tmp_path / f"{name}.pth"
    torch.save(theirs.state_dict(), path)

    ours = models.get_model(name, weights=str(path)).eval()
    _assert_same_logits(ours, theirs, size)

    if name == "resnet18":  # the long way round (ember.load + load_state_dict), and an os.PathLike
        again = models.get_model(name)
        again.load_state_dict(ember.load(path))
        expected = ours.state_dict()
        for other in (again.state_dict(), models.get_model(name, weights=path).state_dict()):
            assert list(other) == list(expected)
            for key, value in expected.items():
                np.testing.assert_array_equal(to_numpy(other[key]), to_numpy(value), err_msg=key)


@pytest.mark.parametrize("name,size", [("vgg11_bn", 32), ("alexnet", 64)])
def test_torchvision_state_dict_mapping_gives_same_logits(name, size, record_init):
    theirs = _randomised_torchvision(name)
    ours = models.get_model(name, weights=to_ember(theirs.state_dict())).eval()
    _assert_same_logits(ours, theirs, size, batch=1)


def test_bottleneck_resnet_with_groups_and_dilation_gives_same_logits(record_init):
    """Bottleneck blocks, grouped 3x3 convolutions and dilation, on a one-block-per-stage ResNet."""
    kwargs = dict(layers=[1, 1, 1, 1], num_classes=10, groups=4, width_per_group=16,
                  replace_stride_with_dilation=[False, True, True])
    theirs = _randomised_torchvision(tv_models.ResNet, block=tv_models.resnet.Bottleneck, **kwargs)
    ours = models.ResNet(models.resnet.Bottleneck, **kwargs)
    ours.load_state_dict(to_ember(theirs.state_dict()))
    _assert_same_logits(ours.eval(), theirs, 32)


@pytest.fixture(scope="module")
def train_mode_pair(tmp_path_factory):
    """(ember resnet18, torchvision resnet18, their train-mode outputs) for the same weights and batch."""
    with pytest.MonkeyPatch.context() as mp:
        InitRecorder(mp, ember.Tensor)  # every parameter comes from the checkpoint
        theirs = _randomised_torchvision("resnet18").train()
        path = tmp_path_factory.mktemp("train") / "resnet18.pth"
        torch.save(theirs.state_dict(), path)
        ours = models.resnet18(weights=path).train()
    x = np.random.RandomState(2).randn(4, 3, 32, 32).astype(np.float32)
    return ours, theirs, ours(ember.as_tensor(x)), theirs(torch.from_numpy(x))


def test_resnet18_train_mode_matches_torchvision(train_mode_pair):
    """Batch statistics in the forward, and the running-statistics update."""
    ours, theirs, got, expected = train_mode_pair
    np.testing.assert_allclose(to_numpy(got), expected.detach().numpy(), rtol=1e-4, atol=1e-4)
    ours_state = ours.state_dict()
    for key, value in theirs.state_dict().items():
        if "running" in key or "num_batches" in key:
            np.testing.assert_allclose(to_numpy(ours_state[key]), value.numpy(), rtol=1e-4, atol=1e-5,
                                       err_msg=key)


def test_resnet18_train_mode_gradients_match_torchvision(train_mode_pair):
    """Backward through BatchNorm + ReLU(inplace=True) blocks; float32, so compared relative to the largest entry
    (batch statistics of a 4-image batch amplify rounding differences on small entries)."""
    ours, theirs, got, expected = train_mode_pair
    expected.square().mean().backward()
    got.square().mean().backward()
    for name in ("conv1.weight", "layer2.0.downsample.1.weight", "fc.weight"):
        g_theirs = theirs.get_parameter(name).grad.numpy()
        g_ours = to_numpy(ours.get_parameter(name).grad)
        np.testing.assert_allclose(g_ours, g_theirs, rtol=0, atol=2e-3 * np.abs(g_theirs).max(), err_msg=name)


def test_resnet18_train_mode_gradients_float64_match_torchvision():
    """In float64 every gradient agrees with torchvision's to ~1e-12, so the float32 tolerance above is rounding."""
    torch.manual_seed(0)
    theirs = tv_models.resnet18().double().train()
    ours = models.resnet18().double().train()
    ours.load_state_dict(to_ember(theirs.state_dict()))
    x = np.random.RandomState(2).randn(2, 3, 32, 32)
    ours(ember.as_tensor(x)).square().mean().backward()
    theirs(torch.from_numpy(x)).square().mean().backward()
    for name, p in theirs.named_parameters():
        g_theirs = p.grad.numpy()
        g_ours = to_numpy(ours.get_parameter(name).grad)
        np.testing.assert_allclose(g_ours, g_theirs, rtol=0, atol=1e-9 * max(np.abs(g_theirs).max(), 1e-12),
                                   err_msg=name)


# ---- default initialisation, sampled ----------------------------------------------------------------------

def _within(value, expected, rel=0.1):
    return abs(value - expected) <= rel * expected


def test_default_init_statistics_match_torchvision():
    """Sampled weights: the spread of every sizeable conv/linear weight within 10% of torchvision's."""
    ember.manual_seed(0)
    torch.manual_seed(0)
    checked = 0
    for name in ("resnet18", "mobilenet_v2", "squeezenet1_1"):
        ours, theirs = models.get_model(name), tv_models.get_model(name)
        tv_params = dict(theirs.named_parameters())
        for key, p in ours.named_parameters():
            ref, got = tv_params[key].detach().numpy(), to_numpy(p)
            if ref.ndim < 2 or ref.size < 2000:  # too few samples for a 10% bound
                continue
            assert _within(got.std(), ref.std()), (name, key, got.std(), ref.std())
            assert abs(got.mean()) <= 0.1 * ref.std(), (name, key, got.mean())
            checked += 1
    assert checked > 60

    # the formulas themselves: kaiming normal, fan_out, relu gain; N(0, 0.01) heads
    r = models.resnet18()
    assert _within(float(r.layer3[0].conv1.weight.std()), math.sqrt(2.0 / (256 * 9)))
    assert _within(float(models.mobilenet_v2().classifier[1].weight.std()), 0.01)
    assert _within(float(models.squeezenet1_1().classifier[1].weight.std()), 0.01)


@pytest.mark.parametrize("name,last_bn", [("resnet18", "bn2"), ("resnet50", "bn3")])
def test_zero_init_residual(name, last_bn, record_init):
    """The last norm layer of every residual block starts at weight 0 (the others at 1), as torchvision's
    (norm weights are constant fills, which ``record_init`` runs)."""
    ours = models.get_model(name, zero_init_residual=True)
    theirs = tv_models.get_model(name, zero_init_residual=True)

    def zeroed(model):
        return sorted(k for k, v in model.state_dict().items()
                      if k.endswith(".weight") and v.dim() == 1 and float(v.abs().max()) == 0.0)

    expected = [f"{k}.weight" for k, m in ours.named_modules() if k.endswith(last_bn)]
    assert len(expected) == (8 if name == "resnet18" else 16)
    assert zeroed(ours) == sorted(expected) == zeroed(theirs)
    assert zeroed(models.get_model(name)) == []


# ---- heads, arguments and errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("name,head", [("resnet18", "fc"), ("mobilenet_v2", "classifier.1"),
                                       ("squeezenet1_1", "classifier.1"), ("lenet", "classifier.4")])
def test_num_classes_changes_the_head(name, head):
    model = models.get_model(name, num_classes=7).eval()
    assert model.get_submodule(head).weight.shape[0] == 7
    size = 28 if name == "lenet" else 64
    with ember.no_grad():
        out = model(ember.randn(2, 1 if name == "lenet" else 3, size, size))
    assert tuple(out.shape) == (2, 7)


BAD_ARGUMENTS = [
    ("resnet18", {"groups": 2}),
    ("resnet18", {"width_per_group": 32}),
    ("resnet18", {"replace_stride_with_dilation": [False, False, True]}),
    ("resnet50", {"replace_stride_with_dilation": [True]}),
    ("resnext50_32x4d", {"groups": 4}),
    ("wide_resnet50_2", {"width_per_group": 64}),
    ("mobilenet_v2", {"inverted_residual_setting": []}),
    ("mobilenet_v2", {"inverted_residual_setting": [[1, 16, 1]]}),
    ("mobilenet_v2", {"inverted_residual_setting": [[1, 16, 1, 3]]}),
    ("resnet18", {"no_such_argument": 1}),
]


@pytest.mark.parametrize("name,kwargs", BAD_ARGUMENTS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BAD_ARGUMENTS)])
def test_bad_arguments_raise_like_torchvision(name, kwargs, record_init):
    with pytest.raises(Exception) as theirs:
        tv_models.get_model(name, **kwargs)
    with pytest.raises(type(theirs.value)) as ours:
        models.get_model(name, **kwargs)
    if not isinstance(theirs.value, TypeError):  # TypeErrors name the framework's own functions
        assert str(ours.value) == str(theirs.value)


def test_squeezenet_version_and_errors_like_torchvision():
    with pytest.raises(ValueError) as theirs:
        tv_models.SqueezeNet(version="2_0")
    with pytest.raises(ValueError) as ours:
        models.SqueezeNet(version="2_0")
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="Unknown model no_such_net"):
        models.get_model("no_such_net")


# ---- weights= ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("weights", ["DEFAULT", "IMAGENET1K_V1", "ResNet18_Weights.IMAGENET1K_V1"])
def test_weight_names_raise_no_download(weights):
    with pytest.raises(RuntimeError, match="no download service.*weights='model.pth'"):
        models.resnet18(weights=weights)


def test_weight_enum_members_and_pretrained_raise_no_download():
    with pytest.raises(RuntimeError, match="ResNet50_Weights.IMAGENET1K_V2.*no download service"):
        models.resnet50(weights=models.ResNet50_Weights.DEFAULT)
    with pytest.warns(UserWarning, match="'pretrained' is deprecated"):
        with pytest.raises(RuntimeError, match="no download service"):
            models.squeezenet1_1(pretrained=True)
    with pytest.warns(UserWarning, match="'pretrained' is deprecated"):
        assert isinstance(models.squeezenet1_1(pretrained=False), models.SqueezeNet)


@pytest.mark.parametrize("name", BUILDERS)
def test_weight_enums_have_torchvision_members(name):
    ours, theirs = models.get_model_weights(name), tv_models.get_model_weights(name)
    assert ours.__name__ == theirs.__name__
    assert list(ours.__members__) == list(theirs.__members__)
    assert ours.DEFAULT.name == theirs.DEFAULT.name
    assert models.get_weight(f"{ours.__name__}.DEFAULT") is ours.DEFAULT


def test_bad_weights_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such checkpoint file.*ResNet18_Weights"):
        models.resnet18(weights=str(tmp_path / "missing.pth"))
    with pytest.raises(FileNotFoundError, match="no such checkpoint file"):
        models.lenet(weights="DEFAULT")
    with pytest.raises(TypeError, match="weights must be None, a checkpoint path"):
        models.lenet(weights=3)

    state = models.lenet().state_dict()
    training_checkpoint = tmp_path / "ckpt.pth"
    ember.save({"epoch": 3, "model": state}, training_checkpoint)
    with pytest.raises(ValueError, match=r"not a state_dict: entry 'epoch' holds a int"):
        models.lenet(weights=training_checkpoint)
    not_a_mapping = tmp_path / "list.pth"
    ember.save([1, 2], not_a_mapping)
    with pytest.raises(TypeError, match="holds a list, expected a state_dict"):
        models.lenet(weights=not_a_mapping)
    with pytest.raises(RuntimeError, match="size mismatch"):
        models.lenet(weights=state, num_classes=3)


# ---- registry ----------------------------------------------------------------------------------------------

def test_registry_matches_torchvision():
    assert set(BUILDERS) <= set(tv_models.list_models())
    for pattern in ("resnet*", "vgg1?_bn", "squeezenet*"):
        assert models.list_models(include=pattern) == tv_models.list_models(include=pattern)
    assert models.list_models(include="vgg*", exclude="*_bn") == ["vgg11", "vgg13", "vgg16", "vgg19"]
    assert models.list_models(module=models) == models.list_models()
    assert models.get_model_builder("ResNet18") is models.resnet18
    assert isinstance(models.get_model("lenet", num_classes=4), models.LeNet)
    assert models.get_model_weights(models.resnet18) is models.ResNet18_Weights
    with pytest.raises(ValueError, match="lenet has no weights enum"):
        models.get_model_weights("lenet")


# ---- LeNet (ember's own) -----------------------------------------------------------------------------------

class TorchLeNet(torch.nn.Module):
    """The documented LeNet layout written in PyTorch: the reference for ember's forward."""

    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        nn = torch.nn
        self.features = nn.Sequential(nn.Conv2d(in_channels, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
                                      nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.avgpool = nn.AdaptiveAvgPool2d((5, 5))
        self.classifier = nn.Sequential(nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                                        nn.Linear(84, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


@pytest.mark.parametrize("in_channels,size", [(1, 28), (3, 32), (1, 12)])
def test_lenet_matches_its_documented_pytorch_layout(in_channels, size, tmp_path):
    ember.manual_seed(0)
    ours = models.lenet(in_channels=in_channels, num_classes=5).eval()
    theirs = TorchLeNet(in_channels=in_channels, num_classes=5).eval()
    path = tmp_path / "lenet.pth"
    ember.save(ours.state_dict(), path)
    theirs.load_state_dict(torch.load(path, weights_only=True))  # ember.save -> torch.load, keys included
    x = np.random.RandomState(0).rand(3, in_channels, size, size).astype(np.float32)
    with ember.no_grad():
        got = to_numpy(ours(ember.as_tensor(x)))
    np.testing.assert_allclose(got, theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    reloaded = models.lenet(in_channels=in_channels, num_classes=5, weights=path).eval()
    with ember.no_grad():
        np.testing.assert_array_equal(to_numpy(reloaded(ember.as_tensor(x))), got)


def test_lenet_pretrained_has_no_weights():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="no pretrained weights exist"):
            models.lenet(pretrained=True)
