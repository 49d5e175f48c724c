"""Unmodified PyTorch programs run on ember through ``python -m ember.compat`` and land where PyTorch lands.

``examples/mnist_cnn.py`` is written for PyTorch + torchvision (``import torch``, ``from torchvision import
datasets, transforms``).  It runs twice on the same MNIST-format files: with the real torch/torchvision, and
with ``torch`` mapped to ember.  The data are rendered digits (a real learning task), written as idx files
exactly as MNIST ships them.
"""
from __future__ import annotations

import os
import re

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from .vision._dataset_files import MNIST_FILES, idx_bytes, write_file

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(REPO, "examples", "mnist_cnn.py")
# the real torchvision wheel on PyPI is a CUDA build; the oracle import helper makes its Python parts load
TORCH_RUNNER = ("import sys, runpy; sys.path.insert(0, {repo!r}); "
                "from tests.vision._torchvision import import_torchvision; import_torchvision(); "
                "sys.argv = {argv!r}; runpy.run_path(sys.argv[0], run_name='__main__')")


def rendered_digits(n, seed):
    """n 28x28 uint8 images of the digits 0-9 drawn at random sizes, offsets and intensities, plus noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    images = np.empty((n, 28, 28), np.uint8)
    fonts = {s: ImageFont.load_default(size=s) for s in (16, 18, 20, 22)}
    for k, label in enumerate(labels):
        img = Image.new("L", (28, 28))
        size = int(rng.choice(list(fonts)))
        ImageDraw.Draw(img).text((int(rng.integers(4, 12)), int(rng.integers(0, 6))), str(label),
                                 fill=int(rng.integers(160, 256)), font=fonts[size])
        a = np.asarray(img.rotate(float(rng.uniform(-8, 8))), dtype=np.int16)
        images[k] = np.clip(a + rng.integers(0, 24, (28, 28)), 0, 255).astype(np.uint8)
    return images, labels


@pytest.fixture(scope="module")
def mnist_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("mnist")
    for train, n in ((True, 1200), (False, 400)):
        images, labels = rendered_digits(n, seed=int(train))
        write_file(str(root / "MNIST" / "raw" / MNIST_FILES[train][0]), idx_bytes(images))
        write_file(str(root / "MNIST" / "raw" / MNIST_FILES[train][1]), idx_bytes(labels))
    return str(root)


def _final_accuracy(stdout):
    m = re.search(r"final accuracy ([0-9.]+)", stdout)
    assert m, stdout
    return float(m.group(1))


def test_mnist_example_runs_on_ember_and_learns_like_pytorch(run_python, mnist_root):
    args = [SCRIPT, "--data", mnist_root, "--epochs", "3", "--batch-size", "32", "--log-interval", "10"]
    theirs = run_python(TORCH_RUNNER.format(repo=REPO, argv=args))
    assert theirs.returncode == 0, theirs.stderr
    ours = run_python(None, args=["-m", "ember.compat", *args])
    assert ours.returncode == 0, ours.stderr
    # same program, same log structure: one loss line per log interval, one test line per epoch
    shape = [re.sub(r"[-0-9.]+", "#", line) for line in ours.stdout.splitlines()[:-1]]
    assert shape == [re.sub(r"[-0-9.]+", "#", line) for line in theirs.stdout.splitlines()[:-1]]
    acc_ours, acc_theirs = _final_accuracy(ours.stdout), _final_accuracy(theirs.stdout)
    assert acc_theirs > 0.6, theirs.stdout  # chance is 0.1: the task is learnable in three short epochs
    assert acc_ours > 0.6 and abs(acc_ours - acc_theirs) < 0.15, (ours.stdout, theirs.stdout)


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory):
    """train/ and val/ folders of PNGs: bright discs vs bright bars on dark random backgrounds."""
    root = tmp_path_factory.mktemp("folder")
    rng = np.random.default_rng(0)
    for split, n in (("train", 24), ("val", 12)):
        for c, cls in enumerate(("disc", "bar")):
            os.makedirs(root / split / cls)
            for i in range(n):
                img = Image.new("RGB", (40, 40), tuple(int(v) for v in rng.integers(0, 80, 3)))
                draw, (x, y) = ImageDraw.Draw(img), rng.integers(5, 20, 2)
                colour = tuple(int(v) for v in rng.integers(150, 256, 3))
                if c == 0:
                    draw.ellipse([x, y, x + 16, y + 16], fill=colour)
                else:
                    draw.rectangle([x, y, x + 4, y + 18], fill=colour)
                img.save(root / split / cls / f"{i}.png")
    return str(root)


def test_resnet_finetuning_example_runs_on_ember_like_pytorch(run_python, image_folder):
    """ImageFolder + augmentation + torchvision ResNet-18 + StepLR + deepcopy(state_dict), unchanged."""
    args = [os.path.join(REPO, "examples", "imagefolder_finetune.py"), image_folder, "--epochs", "3"]
    theirs = run_python(TORCH_RUNNER.format(repo=REPO, argv=args))
    assert theirs.returncode == 0, theirs.stderr
    ours = run_python(None, args=["-m", "ember.compat", *args])
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.splitlines()[0] == theirs.stdout.splitlines()[0]  # classes and split sizes
    pattern = re.compile(r"epoch (\d) (train|val) loss: ([0-9.]+) acc: ([0-9.]+)")
    rows_ours, rows_theirs = pattern.findall(ours.stdout), pattern.findall(theirs.stdout)
    assert [r[:2] for r in rows_ours] == [r[:2] for r in rows_theirs] and len(rows_ours) == 6
    final_train = [float(rows[-2][3]) for rows in (rows_ours, rows_theirs)]
    assert min(final_train) > 0.7, (ours.stdout, theirs.stdout)  # both fit the training split
    assert "best val acc" in ours.stdout
