"""``ember train`` end to end (short runs in-process) and its embedded Shapes dataset."""
import os

import pytest
from PIL import Image

import ember
from ember.__main__ import main
from ember.cli.shapes import CLASSES, Shapes

from .vision import _dataset_files as files

CHECKPOINT_KEYS = {"model", "optimizer", "scheduler", "epoch", "args", "history", "rng_state", "classes"}
METRICS = ("train_loss", "train_acc", "val_loss", "val_acc")


def train(out, *extra, limit_train=256, limit_val=64, epochs=2, plot="pillow"):
    argv = ["train", "--limit-train", str(limit_train), "--limit-val", str(limit_val), "--epochs", str(epochs),
            "--batch-size", "32", "--out", str(out), "--no-progress", "--plot", plot, *extra]
    return main(argv)


def checkpoint(out):
    return ember.load(os.path.join(str(out), "checkpoint.pt"))


def metrics(ck):
    return [[row[k] for k in METRICS] for row in ck["history"]]


def assert_png(path, min_size=(300, 300)):
    with Image.open(path) as im:
        assert im.format == "PNG"
        im.load()  # decodes the whole file: a truncated PNG raises here
        assert im.size[0] >= min_size[0] and im.size[1] >= min_size[1]


# --------------------------------------------------------------------------------------------- Shapes

def test_shapes_is_a_deterministic_balanced_image_dataset():
    a, b = Shapes(train=True, num_samples=30), Shapes(train=True, num_samples=30)
    img, label = a[7]
    assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (28, 28)
    assert label == 7 and a.targets == [i % 10 for i in range(30)] and a.classes == CLASSES
    assert [im.tobytes() for im in a.data] == [im.tobytes() for im in b.data]
    test = Shapes(train=False, num_samples=30)
    assert all(x.tobytes() != y.tobytes() for x, y in zip(a.data, test.data))
    other = Shapes(train=True, num_samples=30, seed=1)
    assert all(x.tobytes() != y.tobytes() for x, y in zip(a.data, other.data))
    # the first n images do not depend on how many are generated (so --limit-train is a prefix)
    assert [im.tobytes() for im in Shapes(num_samples=12).data] == [im.tobytes() for im in a.data[:12]]


def test_shapes_transforms_and_arguments():
    ds = Shapes(train=False, num_samples=4, size=32, transform=lambda im: im.size, target_transform=str)
    assert ds[3] == ((32, 32), "3") and len(ds) == 4
    assert "Split: Test" in repr(ds)
    with pytest.raises(ValueError, match="num_samples"):
        Shapes(num_samples=-1)
    with pytest.raises(ValueError, match="size"):
        Shapes(size=4)


# --------------------------------------------------------------------------------------------- ember train

def test_short_run_learns_and_writes_checkpoint_and_report(tmp_path, capsys):
    rc = train(tmp_path / "cnn", limit_train=2500, limit_val=500)
    assert rc == 0
    out = capsys.readouterr().out
    assert "epoch 2/2" in out and "held-out" in out
    ck = checkpoint(tmp_path / "cnn")
    assert CHECKPOINT_KEYS <= set(ck)
    assert ck["epoch"] == 2 and len(ck["history"]) == 2 and ck["classes"] == CLASSES
    assert ck["args"]["dataset"] == "shapes" and ck["args"]["limit_train"] == 2500
    cnn_acc = ck["history"][-1]["val_acc"]
    assert cnn_acc >= 0.5, f"10 classes (chance 10%): the CNN reached only {cnn_acc:.1%}"
    # the checkpoint restores a model that reproduces the logged held-out accuracy
    from ember.cli import _models
    from ember.vision import transforms
    model = _models.build("cnn", "small", 1, 28, 10)
    model.load_state_dict(ck["model"])
    model.eval()
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.340,), (0.201,))])
    val = Shapes(train=False, num_samples=500, transform=tf)
    x = ember.stack([val[i][0] for i in range(500)])
    with ember.no_grad():
        acc = (model(x).argmax(1) == ember.tensor(val.targets)).float().mean().item()
    assert acc == pytest.approx(cnn_acc, abs=1e-6)
    assert_png(tmp_path / "cnn" / "report.png")

    # the linear baseline on raw pixels, same data and budget, does clearly worse
    assert train(tmp_path / "linear", "--model", "linear", limit_train=2500, limit_val=500) == 0
    linear_acc = checkpoint(tmp_path / "linear")["history"][-1]["val_acc"]
    assert linear_acc <= cnn_acc - 0.2, (linear_acc, cnn_acc)


def test_same_seed_same_result_and_resume_continues_exactly(tmp_path, capsys):
    assert train(tmp_path / "a", "--seed", "3", plot="matplotlib") == 0
    assert train(tmp_path / "b", "--seed", "3", "--workers", "2") == 0  # worker processes change nothing
    a, b = checkpoint(tmp_path / "a"), checkpoint(tmp_path / "b")
    assert metrics(a) == metrics(b)
    assert train(tmp_path / "c", "--seed", "4") == 0
    assert metrics(checkpoint(tmp_path / "c")) != metrics(a)
    assert_png(tmp_path / "a" / "report.png")  # the matplotlib report

    # stop after epoch 1 of 2, then resume: the same history and weights as the uninterrupted run
    assert train(tmp_path / "d", "--seed", "3", "--until", "1") == 0
    assert checkpoint(tmp_path / "d")["epoch"] == 1
    capsys.readouterr()
    assert main(["train", "--resume", str(tmp_path / "d" / "checkpoint.pt"), "--no-progress", "--plot", "pillow"]) == 0
    assert "epochs 2-2 of 2" in capsys.readouterr().out
    d = checkpoint(tmp_path / "d")
    assert d["epoch"] == 2 and metrics(d) == metrics(a)
    for k, v in a["model"].items():
        assert ember.equal(v, d["model"][k]), k
    assert_png(tmp_path / "d" / "report.png")

    # nothing left to do, or a conflicting setting: an error, no traceback
    assert main(["train", "--resume", str(tmp_path / "d" / "checkpoint.pt"), "--no-progress"]) == 2
    assert "already completed epoch 2 of 2" in capsys.readouterr().err
    assert main(["train", "--resume", str(tmp_path / "a" / "checkpoint.pt"), "--lr", "0.5"]) == 2
    assert "--lr 0.5 differs from the checkpoint's 0.01" in capsys.readouterr().err


def test_progress_bars_show_loss_accuracy_and_rate(tmp_path, capsys):
    threads = ember.get_num_threads()
    rc = main(["train", "--limit-train", "64", "--limit-val", "32", "--epochs", "1", "--batch-size", "32",
               "--out", str(tmp_path), "--plot", "pillow", "--backend", "numpy", "--threads", "1"])
    assert rc == 0
    err = capsys.readouterr().err
    assert "samples/s" in err and "loss=" in err and "acc=" in err
    assert ember.get_num_threads() == threads  # --threads applies to the run only


def test_unknown_backend_lists_the_available_ones(tmp_path, capsys, monkeypatch):
    assert main(["train", "--backend", "nope", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and "numpy" in err and "Available backends" in err and "Traceback" not in err
    monkeypatch.setenv("EMBER_BACKEND", "also-nope")
    assert main(["train", "--out", str(tmp_path)]) == 2
    assert "also-nope" in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "checkpoint.pt")


def test_missing_dataset_prints_the_dataset_message(tmp_path, capsys):
    rc = main(["train", "--dataset", "mnist", "--data-dir", str(tmp_path / "none"), "--out", str(tmp_path)])
    assert rc == 2
    err = capsys.readouterr().err
    assert "Dataset not found. You can use download=True to download it" in err and "Traceback" not in err


def test_real_dataset_formats_on_disk(tmp_path, capsys, monkeypatch):
    from ember.vision import datasets
    files.write_mnist(tmp_path / "data", n_train=40, n_test=12)
    rc = main(["train", "--dataset", "mnist", "--data-dir", str(tmp_path / "data"), "--epochs", "1",
               "--batch-size", "16", "--out", str(tmp_path / "mnist"), "--no-progress", "--plot", "pillow"])
    assert rc == 0
    ck = checkpoint(tmp_path / "mnist")
    assert ck["classes"][:2] == ["0", "1"] and ck["args"]["dataset"] == "mnist"
    assert len(ck["history"]) == 1 and 0.0 <= ck["history"][0]["val_acc"] <= 1.0
    assert_png(tmp_path / "mnist" / "report.png")

    written = files.write_cifar10(tmp_path / "data", n=8)
    files.patch_cifar_md5s(monkeypatch, datasets.CIFAR10, written)
    rc = main(["train", "--dataset", "cifar10", "--data-dir", str(tmp_path / "data"), "--epochs", "1",
               "--limit-train", "24", "--out", str(tmp_path / "cifar"), "--no-progress", "--plot", "pillow"])
    assert rc == 0
    assert "24 train / 9 held-out images" in capsys.readouterr().out
    ck = checkpoint(tmp_path / "cifar")
    assert ck["classes"] == files.CIFAR10_NAMES
    assert ck["model"]["0.weight"].shape == (32, 3, 3, 3)  # the wider CNN for 3-channel 32x32 images
    with Image.open(tmp_path / "cifar" / "report.png") as im:
        im.load()


def test_help_documents_every_option(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["train", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for option in ("--dataset", "--data-dir", "--download", "--epochs", "--batch-size", "--lr", "--workers",
                   "--backend", "--seed", "--threads", "--out", "--resume", "--limit-train", "--limit-val",
                   "--no-progress", "--model", "--until", "--plot", "EMBER_BACKEND", "mnist", "cifar10"):
        assert option in text, option
    with pytest.raises(SystemExit) as exc:
        main(["train", "--epochs", "0"])
    assert exc.value.code == 2


def test_matplotlib_report_without_matplotlib_is_a_clear_error(tmp_path, monkeypatch, capsys):
    """Asked for the matplotlib report where matplotlib is missing: exit 2 before training, naming the extra."""
    from ember.cli import _report
    monkeypatch.setattr(_report, "matplotlib_available", lambda: False)
    assert train(tmp_path, plot="matplotlib") == 2
    err = capsys.readouterr().err
    assert "--plot matplotlib needs matplotlib" in err and "ember[plot]" in err
    assert not (tmp_path / "checkpoint.pt").exists()
