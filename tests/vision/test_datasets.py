"""ember.vision.datasets read the real on-disk formats exactly as torchvision does.

Tiny datasets are written in the original formats (tests/vision/_dataset_files.py) and read by both ember's
and torchvision's dataset classes; data, targets, classes, samples and reprs must agree. Bad files raise
errors naming the file. Downloads are tested in test_datasets_download.py.
"""
from __future__ import annotations

import os
import pickle

import ember
import numpy as np
import pytest
from ember.vision import datasets
from ember.vision.datasets import _unpickle, mnist, utils
from PIL import Image, UnidentifiedImageError

from . import _dataset_files as F

tv = F.import_torchvision()
tvd = tv.datasets


def same_image(a: Image.Image, b: Image.Image) -> None:
    assert (a.mode, a.size) == (b.mode, b.size)
    assert a.tobytes() == b.tobytes()


class Tag:
    """A transform with a stable repr (torchvision and ember print it identically)."""

    def __init__(self, name):
        self.name = name

    def __call__(self, x):
        return (self.name, x)

    def __repr__(self):
        return f"Tag({self.name})\n  second line"


# --- VisionDataset / StandardTransform ------------------------------------------------------------------

class Listy(datasets.VisionDataset):
    def __getitem__(self, i):
        return self.transforms(i, -i) if self.transforms else (i, -i)

    def __len__(self):
        return 3


TvListy = type("Listy", (tvd.VisionDataset,), {"__getitem__": Listy.__getitem__, "__len__": Listy.__len__})


def test_vision_dataset_is_an_ember_dataset_and_expands_root(tmp_path):
    from ember.utils.data import Dataset
    ds = Listy("~/somewhere")
    assert isinstance(ds, Dataset)
    assert ds.root == os.path.expanduser("~/somewhere")
    assert Listy(tmp_path).root == tmp_path  # a Path is kept as is, like torchvision


@pytest.mark.parametrize("kwargs", [
    {}, {"transform": Tag("t")}, {"target_transform": Tag("u")},
    {"transform": Tag("t"), "target_transform": Tag("u")}, {"transforms": Tag("both")},
])
def test_vision_dataset_transforms_and_repr_match_torchvision(kwargs):
    ours, theirs = Listy("root", **kwargs), TvListy("root", **kwargs)
    assert repr(ours) == repr(theirs)
    assert ours.transform is kwargs.get("transform") and ours.target_transform is kwargs.get("target_transform")
    if "transforms" in kwargs:
        assert ours.transforms is kwargs["transforms"]
    else:
        assert ours[2] == theirs[2]
    assert repr(Listy(None, **kwargs)) == repr(TvListy(None, **kwargs))


def test_transforms_exclusive_with_transform():
    with pytest.raises(ValueError, match="Only transforms or transform/target_transform can be passed"):
        Listy("r", transforms=Tag("a"), transform=Tag("b"))
    with pytest.raises(ValueError, match="Only transforms or transform/target_transform can be passed"):
        Listy("r", transforms=Tag("a"), target_transform=Tag("b"))


def test_standard_transform_matches_torchvision():
    for t, u in ((Tag("t"), None), (None, Tag("u")), (Tag("t"), Tag("u")), (None, None)):
        ours = datasets.vision.StandardTransform(t, u)
        theirs = tvd.vision.StandardTransform(t, u)
        assert repr(ours) == repr(theirs)
        assert ours(1, 2) == theirs(1, 2)


# --- MNIST family -------------------------------------------------------------------------------------

MNIST_CLASSES = [datasets.MNIST, datasets.FashionMNIST, datasets.KMNIST]


@pytest.mark.parametrize("cls", MNIST_CLASSES, ids=lambda c: c.__name__)
@pytest.mark.parametrize("train", [True, False])
def test_mnist_family_matches_torchvision(tmp_path, cls, train):
    F.write_mnist(tmp_path, name=cls.__name__)
    ours = cls(tmp_path, train=train)
    theirs = getattr(tvd, cls.__name__)(tmp_path, train=train)
    assert ours.data.dtype == ember.uint8 and ours.targets.dtype == ember.int64
    assert tuple(ours.data.shape) == tuple(theirs.data.shape)
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert ours.raw_folder == theirs.raw_folder and ours.processed_folder == theirs.processed_folder
    assert len(ours) == len(theirs) and repr(ours) == repr(theirs)
    for i in (0, len(ours) - 1, -1):
        (img, target), (timg, ttarget) = ours[i], theirs[i]
        assert img.mode == "L" and type(target) is int and target == ttarget
        same_image(img, timg)


def test_mnist_reads_gzipped_idx_files(tmp_path):
    files = F.write_mnist(tmp_path / "gz", gz=True)
    assert not os.path.exists(tmp_path / "gz" / "MNIST" / "raw" / "train-images-idx3-ubyte")
    ds = datasets.MNIST(tmp_path / "gz", train=True)
    images, labels = F.mnist_arrays(7, 1)
    np.testing.assert_array_equal(ds.data.numpy(), images)
    np.testing.assert_array_equal(ds.targets.numpy(), labels.astype(np.int64))
    assert len(files) == 4


def test_mnist_transforms_and_repr(tmp_path):
    F.write_mnist(tmp_path)
    kwargs = {"transform": Tag("img"), "target_transform": Tag("label")}
    ours, theirs = datasets.MNIST(tmp_path, train=False, **kwargs), tvd.MNIST(tmp_path, train=False, **kwargs)
    assert repr(ours) == repr(theirs)
    (tag, img), (ltag, target) = ours[1]
    (_, timg), (_, ttarget) = theirs[1]
    assert (tag, ltag, target) == ("img", "label", ttarget)
    same_image(img, timg)


def test_mnist_missing_raises_torchvision_error(tmp_path):
    with pytest.raises(RuntimeError, match=r"^Dataset not found\. You can use download=True to download it$"):
        datasets.MNIST(tmp_path)
    F.write_mnist(tmp_path)
    os.remove(tmp_path / "MNIST" / "raw" / "t10k-labels-idx1-ubyte")  # the test split is incomplete
    with pytest.raises(RuntimeError, match="Dataset not found"):
        datasets.MNIST(tmp_path, train=True)


def test_mnist_reads_legacy_processed_files(tmp_path):
    import torch
    F.write_mnist(tmp_path)
    raw = tvd.MNIST(tmp_path, train=False)
    os.makedirs(tmp_path / "MNIST" / "processed")
    for name, train in (("training.pt", True), ("test.pt", False)):
        split = tvd.MNIST(tmp_path, train=train)
        torch.save((split.data[:3].clone(), split.targets[:3].clone()), tmp_path / "MNIST" / "processed" / name)
    ours, theirs = datasets.MNIST(tmp_path, train=False), tvd.MNIST(tmp_path, train=False)
    assert len(ours) == len(theirs) == 3 < len(raw)
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
    same_image(ours[2][0], theirs[2][0])


@pytest.mark.parametrize("split, num_classes", [("letters", 27), ("digits", 10), ("byclass", 62)])
def test_emnist_matches_torchvision(tmp_path, split, num_classes):
    F.write_emnist(tmp_path, split=split, num_classes=num_classes)
    for train in (True, False):
        ours, theirs = datasets.EMNIST(tmp_path, split, train=train), tvd.EMNIST(tmp_path, split, train=train)
        np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
        np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
        assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
        assert repr(ours) == repr(theirs)
        same_image(ours[1][0], theirs[1][0])


def test_emnist_rejects_unknown_split(tmp_path):
    with pytest.raises(ValueError) as ours:
        datasets.EMNIST(tmp_path, "cursive")
    with pytest.raises(ValueError) as theirs:
        tvd.EMNIST(tmp_path, "cursive")
    assert str(ours.value) == str(theirs.value)


# --- the idx reader ------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("gz", [False, True])
def test_idx_reader_every_type(tmp_path, dtype, gz):
    array = (np.arange(24).reshape(2, 3, 4) * 37 - 300).astype(dtype)
    path = F.write_file(str(tmp_path / "x-idx3"), F.idx_bytes(array), gz=gz)
    ours = mnist.read_sn3_pascalvincent_tensor(path)
    assert ours.dtype == getattr(ember, np.dtype(dtype).name)
    np.testing.assert_array_equal(ours.numpy(), array)


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


GOOD = F.idx_bytes(np.arange(2 * 4 * 4, dtype=np.uint8).reshape(2, 4, 4))


@pytest.mark.parametrize("name, data, message", [
    ("empty", b"", "too short"),
    ("badmagic", b"\x08\x03" + GOOD[2:], "bad magic number"),
    ("badtype", GOOD[:2] + b"\x07" + GOOD[3:], "bad magic number"),
    ("zerodim", GOOD[:3] + b"\x00" + GOOD[4:], "bad magic number"),
    ("shortheader", GOOD[:9], "truncated idx header"),
    ("shortdata", GOOD[:-5], "truncated idx data"),
    ("longdata", GOOD + b"\x00\x01", "idx size mismatch"),
])
def test_idx_reader_rejects_corrupt_files(tmp_path, name, data, message):
    path = _write(tmp_path, name, data)
    with pytest.raises(RuntimeError, match=message) as info:
        mnist.read_sn3_pascalvincent_tensor(path)
    assert path in str(info.value)


def test_truncated_gzip_idx_names_the_file(tmp_path):
    path = F.write_file(str(tmp_path / "x"), GOOD, gz=True)
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:-12])
    with pytest.raises(RuntimeError, match="cannot decompress") as info:
        mnist.read_image_file(path)
    assert path in str(info.value)


def test_image_and_label_file_checks(tmp_path):
    labels16 = _write(tmp_path, "l16", F.idx_bytes(np.arange(3, dtype=np.int16)))
    with pytest.raises(TypeError, match="l16.*uint8"):
        mnist.read_label_file(labels16)
    images2d = _write(tmp_path, "i2d", F.idx_bytes(np.zeros((3, 4), dtype=np.uint8)))
    with pytest.raises(ValueError, match="i2d.*3 dimension"):
        mnist.read_image_file(images2d)
    assert mnist.read_label_file(_write(tmp_path, "l", F.idx_bytes(np.arange(3, dtype=np.uint8)))).dtype \
        == ember.int64


@pytest.mark.parametrize("which", ["images", "labels"])
def test_mnist_with_a_corrupt_file_names_it(tmp_path, which):
    F.write_mnist(tmp_path)
    path = str(tmp_path / "MNIST" / "raw" / f"train-{which}-idx{3 if which == 'images' else 1}-ubyte")
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:-3])  # truncated download / disk error
    with pytest.raises(RuntimeError, match="truncated idx data") as info:
        datasets.MNIST(tmp_path)
    assert path in str(info.value)
    datasets.MNIST(tmp_path, train=False)  # the other split is intact


def test_mnist_images_and_labels_disagree(tmp_path):
    F.write_mnist(tmp_path)
    path = str(tmp_path / "MNIST" / "raw" / "train-labels-idx1-ubyte")
    with open(path, "wb") as f:
        f.write(F.idx_bytes(np.zeros(3, dtype=np.uint8)))
    with pytest.raises(RuntimeError, match="7 images but .* 3 labels"):
        datasets.MNIST(tmp_path)


# --- CIFAR ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("name", ["CIFAR10", "CIFAR100"])
def test_cifar_matches_torchvision(tmp_path, monkeypatch, name, train):
    files = (F.write_cifar10 if name == "CIFAR10" else F.write_cifar100)(tmp_path)
    ours_cls, theirs_cls = getattr(datasets, name), getattr(tvd, name)
    F.patch_cifar_md5s(monkeypatch, ours_cls, files)
    F.patch_cifar_md5s(monkeypatch, theirs_cls, files)
    ours, theirs = ours_cls(tmp_path, train=train), theirs_cls(tmp_path, train=train)
    assert ours.data.dtype == ember.uint8 and tuple(ours.data.shape) == theirs.data.shape
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data)
    assert ours.targets == theirs.targets and all(type(t) is int for t in ours.targets)
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert len(ours) == len(theirs) and repr(ours) == repr(theirs)
    for i in (0, len(ours) - 1):
        (img, target), (timg, ttarget) = ours[i], theirs[i]
        assert img.mode == "RGB" and target == ttarget
        same_image(img, timg)


def test_cifar_missing_or_corrupt(tmp_path, monkeypatch):
    with pytest.raises(RuntimeError, match=r"^Dataset not found or corrupted\. You can use download=True"):
        datasets.CIFAR10(tmp_path)
    files = F.write_cifar10(tmp_path)
    F.patch_cifar_md5s(monkeypatch, datasets.CIFAR10, files)
    path = tmp_path / "cifar-10-batches-py" / "data_batch_3"
    path.write_bytes(files["data_batch_3"][:-10])
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted") as info:
        datasets.CIFAR10(tmp_path)
    assert str(path) in str(info.value)


def test_cifar_truncated_pickle_names_the_file(tmp_path, monkeypatch):
    files = F.write_cifar10(tmp_path)
    files["test_batch"] = files["test_batch"][:-100]  # checksums "match" (patched), the pickle is cut short
    (tmp_path / "cifar-10-batches-py" / "test_batch").write_bytes(files["test_batch"])
    F.patch_cifar_md5s(monkeypatch, datasets.CIFAR10, files)
    with pytest.raises(RuntimeError, match="test_batch: cannot read the pickled batch"):
        datasets.CIFAR10(tmp_path, train=False)


class Boom:
    """Unpickling this runs os.system (the classic malicious pickle)."""

    def __init__(self, cmd):
        self.cmd = cmd

    def __reduce__(self):
        return os.system, (self.cmd,)


def test_restricted_unpickler_rejects_forbidden_globals_without_running_them(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    evil = pickle.dumps({"data": Boom(f"touch {marker}"), "labels": [0]}, protocol=2)
    path = _write(tmp_path, "evil.pkl", evil)
    with pytest.raises(pickle.UnpicklingError, match="forbidden global '(posix|os|nt).system'") as info:
        _unpickle.load(path)
    assert path in str(info.value)
    assert not marker.exists()

    files = F.write_cifar10(tmp_path)
    files["data_batch_2"] = evil
    (tmp_path / "cifar-10-batches-py" / "data_batch_2").write_bytes(evil)
    F.patch_cifar_md5s(monkeypatch, datasets.CIFAR10, files)
    with pytest.raises(pickle.UnpicklingError, match="data_batch_2: forbidden global"):
        datasets.CIFAR10(tmp_path)
    assert not marker.exists()


@pytest.mark.parametrize("payload", [
    pickle.dumps(eval, protocol=2),  # builtins.eval
    pickle.dumps(np.array(["a", "b"], dtype=object), protocol=2),  # object arrays pull in arbitrary globals
    pickle.dumps(np.float64(1.5), protocol=2),  # numpy scalars: not in the CIFAR files
    pickle.dumps(ember.Tensor, protocol=2),
])
def test_restricted_unpickler_admits_nothing_else(tmp_path, payload):
    with pytest.raises(pickle.UnpicklingError, match="x.pkl: (forbidden global|.*not admitted)"):
        _unpickle.load(_write(tmp_path, "x.pkl", payload))


def test_restricted_unpickler_reads_python2_cifar_pickles(tmp_path):
    """The real CIFAR files were written by Python 2 (byte strings, numpy.core.multiarray names)."""
    array = np.random.default_rng(0).integers(0, 256, size=(3, 3072), dtype=np.uint8)
    for module in ("numpy.core.multiarray", "numpy._core.multiarray"):
        path = _write(tmp_path, "py2.pkl", F.py2_array_pickle(array, module))
        with open(path, "rb") as f:
            reference = pickle.load(f, encoding="latin1")  # what torchvision gets
        ours = _unpickle.load(path)
        np.testing.assert_array_equal(ours["data"].to_tensor().numpy(), reference["data"])
        assert ours["labels"] == reference["labels"]


@pytest.mark.parametrize("dtype", ["<i4", ">i4", "<f8", ">f2", "|b1", "<i2"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_restricted_unpickler_arrays(tmp_path, dtype, order):
    array = np.asarray((np.arange(12).reshape(3, 4) - 5), dtype=dtype, order=order)
    path = _write(tmp_path, "a.pkl", pickle.dumps({"a": array, "nested": [array[:1]]}, protocol=2))
    ours = _unpickle.load(path)
    for got, want in ((ours["a"], array), (ours["nested"][0], array[:1])):
        t = got.to_tensor()
        assert t.dtype == getattr(ember, np.dtype(dtype).name)
        np.testing.assert_array_equal(t.numpy(), want)


# --- SVHN ------------------------------------------------------------------------------------------

def test_svhn_matches_torchvision(tmp_path, monkeypatch):
    import scipy.io
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, size=(32, 32, 3, 4), dtype=np.uint8)
    y = np.array([[10], [1], [9], [10]], dtype=np.uint8)
    scipy.io.savemat(tmp_path / "test_32x32.mat", {"X": x, "y": y})
    split = ["http://unused/test_32x32.mat", "test_32x32.mat", F.md5_of(tmp_path / "test_32x32.mat")]
    for cls in (datasets.SVHN, tvd.SVHN):
        monkeypatch.setitem(cls.split_list, "test", split)
    ours, theirs = datasets.SVHN(tmp_path, split="test"), tvd.SVHN(tmp_path, split="test")
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data)
    np.testing.assert_array_equal(ours.labels.numpy(), theirs.labels)
    assert ours.labels.numpy().tolist() == [0, 1, 9, 0]
    assert repr(ours) == repr(theirs) and len(ours) == 4
    for i in range(4):
        same_image(ours[i][0], theirs[i][0])
        assert ours[i][1] == theirs[i][1]
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted"):
        datasets.SVHN(tmp_path, split="train")
    with pytest.raises(ValueError, match="Unknown value 'dev' for argument split"):
        datasets.SVHN(tmp_path, split="dev")


def test_svhn_without_scipy_names_it(tmp_path, monkeypatch):
    import sys
    (tmp_path / "test_32x32.mat").write_bytes(b"anything")
    monkeypatch.setitem(datasets.SVHN.split_list, "test", ["u", "test_32x32.mat", F.md5_of(tmp_path / "test_32x32.mat")])
    monkeypatch.setitem(sys.modules, "scipy", None)  # makes `import scipy.io` raise ImportError
    monkeypatch.setitem(sys.modules, "scipy.io", None)
    with pytest.raises(ImportError, match="scipy"):
        datasets.SVHN(tmp_path, split="test")


def test_svhn_corrupt_mat_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "test_32x32.mat"
    path.write_bytes(b"MATLAB 5.0 MAT-file, but then nothing sensible" * 4)
    monkeypatch.setitem(datasets.SVHN.split_list, "test", ["u", "test_32x32.mat", F.md5_of(path)])
    with pytest.raises(RuntimeError, match="test_32x32.mat: cannot read the SVHN .mat file"):
        datasets.SVHN(tmp_path, split="test")


# --- folders ---------------------------------------------------------------------------------------

def test_image_folder_matches_torchvision(tmp_path):
    F.write_image_folder(tmp_path, per_class=3)
    ours, theirs = datasets.ImageFolder(str(tmp_path)), tvd.ImageFolder(str(tmp_path))
    assert ours.classes == theirs.classes == ["cat", "dog", "zebra"]
    assert ours.class_to_idx == theirs.class_to_idx
    assert ours.samples == theirs.samples and ours.imgs == theirs.imgs and ours.targets == theirs.targets
    assert len(ours) == len(theirs) == 9 and repr(ours) == repr(theirs)
    for i in range(len(ours)):
        (img, target), (timg, ttarget) = ours[i], theirs[i]
        assert img.mode == "RGB" and target == ttarget
        same_image(img, timg)


def test_dataset_folder_options_match_torchvision(tmp_path):
    F.write_image_folder(tmp_path, per_class=2)
    os.makedirs(tmp_path / "empty")

    def load(path):
        return os.path.basename(path)

    def only_png(path):
        return path.lower().endswith(".png")

    cases = [
        dict(loader=load, extensions=(".txt",), allow_empty=True),
        dict(loader=load, extensions=".jpg", allow_empty=True),
        dict(loader=load, is_valid_file=only_png, allow_empty=True),
        dict(loader=load, extensions=(".txt",), target_transform=Tag("t"), allow_empty=True),
    ]
    for kwargs in cases:
        ours, theirs = datasets.DatasetFolder(tmp_path, **kwargs), tvd.DatasetFolder(tmp_path, **kwargs)
        assert ours.samples == theirs.samples and ours.classes == theirs.classes
        assert [ours[i] for i in range(len(ours))] == [theirs[i] for i in range(len(theirs))]
        assert repr(ours) == repr(theirs)


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - comparing both libraries' errors
        return type(e), str(e)
    raise AssertionError("no error raised")


def test_folder_errors_match_torchvision(tmp_path):
    F.write_image_folder(tmp_path / "images", per_class=2)
    os.makedirs(tmp_path / "images" / "empty")
    os.makedirs(tmp_path / "nothing")
    for call in (
        lambda d: d.ImageFolder(tmp_path / "images"),  # class 'empty' has no image
        lambda d: d.ImageFolder(tmp_path / "nothing"),  # no class folder at all
        lambda d: d.DatasetFolder(tmp_path / "images", loader=open),  # neither extensions nor is_valid_file
        lambda d: d.DatasetFolder(tmp_path / "images", loader=open, extensions=".png", is_valid_file=bool),
        lambda d: d.DatasetFolder(tmp_path / "images", loader=open, extensions=(".bmp", ".gif")),
        lambda d: d.DatasetFolder.make_dataset(tmp_path / "images", None, extensions=".png"),
        lambda d: d.folder.make_dataset(tmp_path / "images", {}, extensions=".png"),
    ):
        assert _error(lambda: call(datasets)) == _error(lambda: call(tvd))
    kind, message = _error(lambda: datasets.ImageFolder(tmp_path / "images"))
    assert kind is FileNotFoundError
    assert message.startswith("Found no valid file for the classes empty. Supported extensions are: .jpg, .jpeg")


def test_folder_helpers_match_torchvision(tmp_path):
    F.write_image_folder(tmp_path, per_class=2)
    assert datasets.folder.find_classes(tmp_path) == tvd.folder.find_classes(tmp_path)
    assert datasets.folder.make_dataset(str(tmp_path), extensions=(".png",)) == \
        tvd.folder.make_dataset(str(tmp_path), extensions=(".png",))
    assert datasets.folder.IMG_EXTENSIONS == tvd.folder.IMG_EXTENSIONS
    for name in ("a.JPG", "b.webp", "c.txt", "d.tiff"):
        assert datasets.folder.is_image_file(name) == tvd.folder.is_image_file(name)
    path = os.path.join(tmp_path, "cat", "img0.jpg")
    same_image(datasets.folder.default_loader(path), tvd.folder.default_loader(path))


def test_corrupt_image_names_file_and_index(tmp_path):
    F.write_image_folder(tmp_path, per_class=2)
    bad = tmp_path / "dog" / "img0.jpg"
    bad.write_bytes(b"definitely not a jpeg")
    ds = datasets.ImageFolder(tmp_path)
    index = ds.samples.index((str(bad), 1))
    with pytest.raises(UnidentifiedImageError) as info:
        ds[index]
    assert str(bad) in str(info.value) and f"sample {index}" in str(info.value)

    png = tmp_path / "cat" / "img1.PNG"
    png.write_bytes(png.read_bytes()[:40])  # a truncated PNG: the header parses, the pixels do not
    index = ds.samples.index((str(png), 0))
    with pytest.raises(OSError, match=f"sample {index}") as info:
        ds[index]
    assert str(png) in str(info.value)
    ds[ds.samples.index((str(tmp_path / "zebra" / "img0.jpg"), 2))]  # the others still load


# --- FakeData ---------------------------------------------------------------------------------------

def test_fake_data_is_deterministic_per_index():
    ds = datasets.FakeData(size=5, image_size=(3, 6, 4), num_classes=4)
    ember.manual_seed(123)
    before = ember.rand(3)
    ember.manual_seed(123)
    img, target = ds[3]
    assert ember.equal(ember.rand(3), before)  # the global generator is untouched
    again, target2 = ds[3]
    same_image(img, again)
    assert (img.mode, img.size, target) == ("RGB", (4, 6), target2)
    assert 0 <= target < 4 and type(target) is int
    targets = [ds[i][1] for i in range(5)]
    assert len(set(targets)) > 1
    assert datasets.FakeData(size=5, image_size=(3, 6, 4), num_classes=4, random_offset=2)[1][1] == targets[3]
    assert ds[0][0].tobytes() != ds[1][0].tobytes()
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ds[5]


def test_fake_data_uses_embers_generator_seeded_by_index():
    from ember.vision import transforms
    ds = datasets.FakeData(size=3, image_size=(1, 5, 7), num_classes=10, random_offset=7)
    ember.manual_seed(2 + 7)
    expected = transforms.ToPILImage()(ember.randn(1, 5, 7))
    expected_target = int(ember.randint(0, 10, size=(1,), dtype=ember.long)[0])
    img, target = ds[2]
    assert img.mode == "L" and target == expected_target
    same_image(img, expected)


def test_fake_data_matches_torchvision_structure():
    kwargs = dict(size=4, image_size=(3, 8, 5), num_classes=3, transform=Tag("x"))
    ours, theirs = datasets.FakeData(**kwargs), tvd.FakeData(**kwargs)
    assert len(ours) == len(theirs) and repr(ours) == repr(theirs)
    (tag, img), _ = ours[1]
    (_, timg), _ = theirs[1]
    assert tag == "x" and (img.mode, img.size) == (timg.mode, timg.size)
    assert datasets.FakeData(size=2, target_transform=lambda t: t + 100)[0][1] >= 100


# --- utils ------------------------------------------------------------------------------------------

def test_verify_str_arg_matches_torchvision():
    for args in (("a", "split", ("a", "b")), ("c", "split", ("a", "b")), (3, "split", ("a",)), (3, None, None),
                 ("c", "split", ["a"], "custom message")):
        ours = _error(lambda: utils.verify_str_arg(*args)) if args[0] not in (args[2] or ()) \
            else utils.verify_str_arg(*args)
        theirs = _error(lambda: tvd.utils.verify_str_arg(*args)) if args[0] not in (args[2] or ()) \
            else tvd.utils.verify_str_arg(*args)
        assert ours == theirs
    assert utils.verify_str_arg("x") == "x"


def test_checksums(tmp_path):
    path = _write(tmp_path, "f.bin", b"hello ember" * 1000)
    md5 = F.md5_of(path)
    assert utils.calculate_md5(path) == tvd.utils.calculate_md5(path) == md5
    assert utils.calculate_md5(path, chunk_size=7) == md5
    assert utils.check_md5(path, md5) and not utils.check_md5(path, "0" * 32)
    assert utils.check_integrity(path) and utils.check_integrity(path, md5)
    assert not utils.check_integrity(path, "0" * 32) and not utils.check_integrity(tmp_path / "missing")
    assert not utils.check_integrity(tmp_path)  # a directory is not a file


def test_list_dir_and_files_match_torchvision(tmp_path):
    F.write_image_folder(tmp_path, per_class=2)
    for prefix in (False, True):
        assert sorted(utils.list_dir(tmp_path, prefix)) == sorted(tvd.utils.list_dir(tmp_path, prefix))
        folder = tmp_path / "cat"
        for suffix in (".jpg", (".txt", ".PNG")):
            assert sorted(utils.list_files(folder, suffix, prefix)) == \
                sorted(tvd.utils.list_files(folder, suffix, prefix))


ARCHIVE_FILES = {"top.txt": b"top", "sub/inner.bin": bytes(range(256)) * 3}


@pytest.mark.parametrize("kind", ["tar", "tar.gz", "tgz", "zip", "tar.bz2", "tar.xz"])
def test_extract_archive(tmp_path, kind):
    import tarfile
    import zipfile
    archive = tmp_path / f"a.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(archive, "w") as z:
            for name, data in ARCHIVE_FILES.items():
                z.writestr(name, data)
    else:
        mode = {"tar": "w", "tar.gz": "w:gz", "tgz": "w:gz", "tar.bz2": "w:bz2", "tar.xz": "w:xz"}[kind]
        with tarfile.open(archive, mode) as tar:
            for name, data in ARCHIVE_FILES.items():
                (tmp_path / "src" / name).parent.mkdir(parents=True, exist_ok=True)
                (tmp_path / "src" / name).write_bytes(data)
                tar.add(tmp_path / "src" / name, arcname=name)
    out = utils.extract_archive(str(archive), str(tmp_path / "out"), remove_finished=True)
    assert out == str(tmp_path / "out") and not archive.exists()
    for name, data in ARCHIVE_FILES.items():
        assert (tmp_path / "out" / name).read_bytes() == data


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_decompress_single_file(tmp_path, suffix):
    import bz2
    import gzip
    import lzma
    compress = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix]
    path = _write(tmp_path, "data.idx" + suffix, compress(GOOD))
    out = utils.extract_archive(path)
    assert out == str(tmp_path / "data.idx") and (tmp_path / "data.idx").read_bytes() == GOOD
    assert os.path.exists(path)
    # a corrupt compressed file raises and leaves no (partial) output behind
    os.remove(out)
    _write(tmp_path, "data.idx" + suffix, compress(GOOD)[:-8])
    with pytest.raises(RuntimeError, match="Could not decompress"):
        utils.extract_archive(path)
    assert F.files_in(tmp_path) == ["data.idx" + suffix]


def test_extract_archive_errors(tmp_path):
    for name in ("noext", "a.rar"):
        path = _write(tmp_path, name, b"x")
        assert _error(lambda: utils.extract_archive(path)) == _error(lambda: tvd.utils.extract_archive(path))
    with pytest.raises(RuntimeError, match="Could not extract"):
        utils.extract_archive(_write(tmp_path, "broken.zip", b"PK\x03\x04 not really"))


def test_tar_extraction_refuses_paths_outside_the_target(tmp_path):
    import io
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    archive = _write(tmp_path, "evil.tar", buf.getvalue())
    os.makedirs(tmp_path / "out")
    with pytest.raises(RuntimeError, match="Could not extract"):
        utils.extract_archive(archive, str(tmp_path / "out"))
    assert not (tmp_path / "escaped.txt").exists()

