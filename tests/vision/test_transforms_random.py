"""Randomness of ember.vision.transforms.

* Draw order: torch's and ember's random functions are replaced by the same scripted sequence of uniforms;
  torchvision's random transforms and ember's then must give the same output, which holds only if both draw
  the same kinds of numbers, in the same order, and use them the same way.
* Reproducibility: ``ember.manual_seed`` fixes every random transform's output; other seeds change it.
"""
from __future__ import annotations

import math
import random
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

import ember
import ember.vision.transforms as ET
import ember.vision.transforms.functional as EF

from ._transforms_common import import_torchvision, make_image

import_torchvision()
import torch  # noqa: E402
import torchvision.transforms as TT  # noqa: E402
import torchvision.transforms.functional as TF  # noqa: E402

TV = SimpleNamespace(T=TT, F=TF, lib=torch)
EM = SimpleNamespace(T=ET, F=EF, lib=ember)


# ---- a scripted random source --------------------------------------------------------------------------------

class Script:
    """A fixed list of uniforms in [0, 1) handed out in order; each library gets its own cursor."""

    def __init__(self, seed: int):
        self.values = np.random.default_rng(seed).random(4096).tolist()
        self.pos = 0

    def take(self, n: int) -> list[float]:
        out = [self.values[(self.pos + k) % len(self.values)] for k in range(n)]
        self.pos += n
        return out


def _size(size) -> list[int]:
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        size = size[0]
    return [int(s) for s in size]


def _randint_args(args, kwargs):
    if "high" in kwargs:
        return kwargs.get("low", 0), kwargs["high"], kwargs["size"]
    if len(args) == 3:
        return args
    if len(args) == 2 and "size" in kwargs:
        return args[0], args[1], kwargs["size"]
    if len(args) == 2:
        return 0, args[0], args[1]
    return 0, args[0], kwargs["size"]


def script_library(monkeypatch, lib, script: Script) -> None:
    """Route ``lib``'s rand / randint / randperm / Tensor.uniform_ through ``script``."""

    def rand(*size, **kwargs):
        size = _size(size)
        return lib.tensor(script.take(math.prod(size)), dtype=lib.float32).reshape(size)

    def randint(*args, **kwargs):
        low, high, size = _randint_args(args, kwargs)
        size = _size([size])
        values = [low + int(u * (high - low)) for u in script.take(math.prod(size))]
        return lib.tensor(values, dtype=lib.int64).reshape(size)

    def randperm(n, **kwargs):
        keys = script.take(n)
        return lib.tensor(sorted(range(n), key=keys.__getitem__), dtype=lib.int64)

    def uniform_(self, a=0.0, b=1.0, **kwargs):
        a, b = float(a), float(b)
        values = [a + u * (b - a) for u in script.take(self.numel())]
        self.copy_(lib.tensor(values, dtype=self.dtype).reshape(self.shape))
        return self

    monkeypatch.setattr(lib, "rand", rand)
    monkeypatch.setattr(lib, "randint", randint)
    monkeypatch.setattr(lib, "randperm", randperm)
    monkeypatch.setattr(lib.Tensor, "uniform_", uniform_)


def run_scripted(monkeypatch, seed, fn):
    """``fn(M)`` for torchvision and for ember, each fed the same scripted random sequence."""
    results = []
    for M in (TV, EM):
        with monkeypatch.context() as m:
            script_library(m, M.lib, Script(seed))
            results.append(fn(M))
    return results[1], results[0]


def same_pil(ours, theirs) -> bool:
    if isinstance(theirs, (tuple, list)):
        return all(same_pil(a, b) for a, b in zip(ours, theirs))
    return (ours.mode, ours.size, ours.tobytes()) == (theirs.mode, theirs.size, theirs.tobytes())


def close_tensor(ours, theirs, max_frac=0.02) -> bool:
    a, e = ours.contiguous().numpy(), theirs.contiguous().numpy()
    if a.shape != e.shape or a.dtype != e.dtype:
        return False
    if np.issubdtype(a.dtype, np.integer):
        diff = np.abs(a.astype(np.int64) - e.astype(np.int64))
        return diff.max(initial=0) <= 1 and (diff > 0).mean() <= max_frac
    return np.allclose(a, e, rtol=1e-5, atol=1e-5)


def digest(out) -> bytes:
    if isinstance(out, (tuple, list)):
        return b"|".join(digest(o) for o in out)
    if isinstance(out, Image.Image):
        return out.mode.encode() + repr(out.size).encode() + out.tobytes()
    return repr(tuple(out.shape)).encode() + out.contiguous().numpy().tobytes()


# ---- draw order: identical outputs under one script ----------------------------------------------------------

RANDOM_CASES = {
    "RandomCrop": lambda M: M.T.RandomCrop(11, padding=(1, 2), pad_if_needed=True, fill=5),
    "RandomCrop_pad_if_needed": lambda M: M.T.RandomCrop((19, 26), pad_if_needed=True, padding_mode="reflect"),
    "RandomResizedCrop": lambda M: M.T.RandomResizedCrop((10, 8), scale=(0.2, 0.9)),
    # Ten rejected tries then the central fallback crop; the RandomCrop after it shows how many draws were used.
    "RandomResizedCrop_fallback": lambda M: M.T.Compose([M.T.RandomResizedCrop(9, scale=(0.99, 1.0), ratio=(3.0, 4.0)),
                                                         M.T.RandomCrop(5)]),
    "RandomHorizontalFlip": lambda M: M.T.RandomHorizontalFlip(),
    "RandomVerticalFlip": lambda M: M.T.RandomVerticalFlip(),
    "RandomApply": lambda M: M.T.RandomApply([M.T.RandomCrop(9), M.T.RandomHorizontalFlip()], p=0.5),
    "RandomRotation": lambda M: M.T.RandomRotation(45, M.F.InterpolationMode.BILINEAR, expand=True, fill=20),
    "RandomAffine": lambda M: M.T.RandomAffine(30, (0.2, 0.1), (0.7, 1.3), (-10, 10, -5, 5), fill=7),
    "RandomPerspective": lambda M: M.T.RandomPerspective(0.6, p=0.7, fill=30),
    "ColorJitter": lambda M: M.T.ColorJitter(0.4, 0.5, 0.6, 0.2),
    "RandomGrayscale": lambda M: M.T.RandomGrayscale(0.5),
    "GaussianBlur": lambda M: M.T.GaussianBlur(5, (0.1, 2.0)),
    "RandomInvert": lambda M: M.T.RandomInvert(),
    "RandomPosterize": lambda M: M.T.RandomPosterize(3),
    "RandomSolarize": lambda M: M.T.RandomSolarize(100),
    "RandomAdjustSharpness": lambda M: M.T.RandomAdjustSharpness(2.0),
    "RandomAutocontrast": lambda M: M.T.RandomAutocontrast(),
    "RandomEqualize": lambda M: M.T.RandomEqualize(),
    "AutoAugment_imagenet": lambda M: M.T.AutoAugment(),
    "AutoAugment_cifar10": lambda M: M.T.AutoAugment(M.T.AutoAugmentPolicy.CIFAR10, fill=[9, 9, 9]),
    "AutoAugment_svhn": lambda M: M.T.AutoAugment(M.T.AutoAugmentPolicy.SVHN),
    "RandAugment": lambda M: M.T.RandAugment(num_ops=3, magnitude=12),
    "TrivialAugmentWide": lambda M: M.T.TrivialAugmentWide(),
}
SEEDS = range(6)


@pytest.mark.parametrize("name", sorted(RANDOM_CASES))
def test_random_transforms_pil_draw_like_torchvision(monkeypatch, name):
    img = make_image("RGB", (23, 17))
    outputs = set()
    for seed in SEEDS:
        ours, theirs = run_scripted(monkeypatch, seed, lambda M: RANDOM_CASES[name](M)(img.copy()))
        assert same_pil(ours, theirs), f"seed {seed}"
        outputs.add(digest(ours))
    assert len(outputs) > 1, "the scripted draws never changed the output"


TENSOR_CASES = sorted(set(RANDOM_CASES) - {"RandomRotation", "RandomAffine", "RandomPerspective"}) + [
    "RandomErasing", "RandomErasing_scalar", "ElasticTransform"]
TENSOR_ONLY = {
    "RandomErasing": lambda M: M.T.RandomErasing(p=0.8, value=(10, 20, 30)),
    "RandomErasing_scalar": lambda M: M.T.RandomErasing(p=0.8, scale=(0.1, 0.5), value=3),
    "ElasticTransform": lambda M: M.T.ElasticTransform(alpha=20.0, sigma=2.0),
}


@pytest.mark.parametrize("name", TENSOR_CASES)
def test_random_transforms_tensor_draw_like_torchvision(monkeypatch, name):
    rng = np.random.default_rng(7)
    data = rng.integers(0, 256, (2, 3, 17, 23), dtype=np.uint8)
    if name == "ElasticTransform":
        data = data.astype(np.float32) / 255
    factory = TENSOR_ONLY.get(name) or RANDOM_CASES[name]
    outputs = set()
    for seed in SEEDS:
        ours, theirs = run_scripted(monkeypatch, seed, lambda M: factory(M)(M.lib.tensor(data)))
        pairs = zip(ours, theirs) if isinstance(theirs, (tuple, list)) else [(ours, theirs)]
        assert all(close_tensor(a, b) for a, b in pairs), f"seed {seed}"
        outputs.add(digest(ours))
    assert len(outputs) > 1, "the scripted draws never changed the output"


def test_get_params_draw_like_torchvision(monkeypatch):
    img = make_image("RGB", (23, 17))
    calls = [
        lambda M: M.T.RandomCrop.get_params(img, (8, 9)),
        lambda M: M.T.RandomResizedCrop.get_params(img, [0.08, 1.0], [3 / 4, 4 / 3]),
        lambda M: M.T.RandomRotation.get_params([-30.0, 60.0]),
        lambda M: M.T.RandomAffine.get_params([-30.0, 60.0], [0.3, 0.2], [0.5, 1.5], [-9.0, 9.0], [23, 17]),
        lambda M: M.T.RandomPerspective.get_params(23, 17, 0.7),
        lambda M: M.T.GaussianBlur.get_params(0.3, 1.7),
        lambda M: M.T.AutoAugment.get_params(25)[0],
        lambda M: M.T.ColorJitter.get_params((0.5, 1.5), None, (0.2, 2.0), (-0.1, 0.3))[1:],
        lambda M: M.T.ColorJitter.get_params((0.5, 1.5), None, None, None)[0].tolist(),
    ]
    for seed in SEEDS:
        for call in calls:
            ours, theirs = run_scripted(monkeypatch, seed, call)
            assert ours == theirs


def test_augmix_mixes_like_torchvision(monkeypatch):
    """With the Dirichlet weights fixed, AugMix's chains (scripted draws) and mixing match torchvision."""
    img = make_image("RGB", (23, 17))
    weights = {2: [[0.3, 0.7]], 3: [[0.5, 0.2, 0.3]]}

    def fn(M):
        aug = M.T.AugMix(severity=4, mixture_width=3)
        aug._sample_dirichlet = lambda params: M.lib.tensor(weights[params.shape[-1]])
        return aug(img.copy()), aug(M.F.pil_to_tensor(img))

    for seed in SEEDS[:3]:
        (ours_pil, ours_t), (theirs_pil, theirs_t) = run_scripted(monkeypatch, seed, fn)
        assert close_tensor(EF.pil_to_tensor(ours_pil), TF.pil_to_tensor(theirs_pil))
        assert close_tensor(ours_t, theirs_t)


# ---- reproducibility under ember.manual_seed -----------------------------------------------------------------

def _ember_case(name):
    return (TENSOR_ONLY.get(name) or RANDOM_CASES[name])(EM)


@pytest.mark.parametrize("name", sorted(RANDOM_CASES) + ["RandomErasing", "AugMix", "RandomOrder", "RandomChoice"])
def test_manual_seed_reproduces_and_other_seeds_differ(name):
    img = make_image("RGB", (23, 17))
    if name == "AugMix":
        t = ET.AugMix()
    elif name == "RandomOrder":
        t = ET.RandomOrder([ET.CenterCrop(11), ET.Pad(2), ET.RandomInvert(1.0), ET.Resize(9)])
    elif name == "RandomChoice":
        t = ET.RandomChoice([ET.CenterCrop(11), ET.Pad(2), ET.RandomInvert(1.0)], p=[1, 2, 3])
    else:
        t = _ember_case(name)
    x = EF.pil_to_tensor(img) if name == "RandomErasing" else img

    def run(seed):
        ember.manual_seed(seed)
        return [digest(t(x.copy() if isinstance(x, Image.Image) else x.clone())) for _ in range(3)]

    first = run(123)
    assert run(123) == first
    assert any(run(s) != first for s in (1, 2, 3, 4)), "other seeds gave the same outputs"


def test_transforms_leave_python_random_alone():
    img = make_image("RGB", (23, 17))
    random.seed(5)
    expected = [random.random() for _ in range(3)]
    random.seed(5)
    pipeline = ET.Compose([ET.RandomOrder([ET.RandomHorizontalFlip(), ET.ColorJitter(0.3, 0.3)]),
                           ET.RandomChoice([ET.RandomCrop(9), ET.RandomResizedCrop(9)]), ET.TrivialAugmentWide()])
    for _ in range(5):
        pipeline(img)
    assert [random.random() for _ in range(3)] == expected


def test_random_choice_follows_weights_and_random_order_permutes():
    picks = ET.RandomChoice([ET.Lambda(lambda x: "a"), ET.Lambda(lambda x: "b")], p=[0.0, 1.0])
    ember.manual_seed(0)
    assert {picks(None) for _ in range(20)} == {"b"}
    uniform = ET.RandomChoice([ET.Lambda(lambda x: "a"), ET.Lambda(lambda x: "b"), ET.Lambda(lambda x: "c")])
    assert {uniform(None) for _ in range(60)} == {"a", "b", "c"}
    order = ET.RandomOrder([ET.Lambda(lambda s: s + "x"), ET.Lambda(lambda s: s + "y"), ET.Lambda(lambda s: s + "z")])
    results = {order("") for _ in range(60)}
    assert results == {"xyz", "xzy", "yxz", "yzx", "zxy", "zyx"}
    with pytest.raises(ValueError, match="number of weights does not match"):
        ET.RandomChoice([ET.Pad(1)], p=[1, 2])(None)


def test_flip_probability_is_respected():
    flip = ET.RandomHorizontalFlip(p=0.3)
    x = ember.arange(6.0).reshape(1, 2, 3)
    ember.manual_seed(0)
    flipped = sum(bool((flip(x) != x).any()) for _ in range(400))
    assert 80 <= flipped <= 160


def test_augmix_dirichlet_weights_are_distributed_correctly():
    from ember.vision.transforms.autoaugment import _sample_dirichlet
    ember.manual_seed(0)
    for alpha, k in [(1.0, 2), (0.5, 3), (3.0, 3)]:
        w = _sample_dirichlet(ember.tensor([[alpha] * k]).expand(400, -1)).numpy()
        assert w.shape == (400, k) and (w >= 0).all()
        np.testing.assert_allclose(w.sum(1), 1.0, rtol=1e-5)
        np.testing.assert_allclose(w.mean(0), 1.0 / k, atol=0.05)
        # Var of a Dirichlet(alpha, ..., alpha) component: (k - 1) / (k^2 (k alpha + 1)).
        np.testing.assert_allclose(w[:, 0].var(), (k - 1) / (k * k * (k * alpha + 1)), rtol=0.25)
