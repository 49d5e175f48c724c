"""``download=True`` against a local HTTP server (127.0.0.1, a free port) serving files in the real formats.

The datasets' URL/mirror lists and checksums are class attributes named as in torchvision (``mirrors``,
``resources``, ``url``, ``tgz_md5``, ``md5``, ``split_list``), so they are monkeypatched to point at the server.
A checksum mismatch or a truncated transfer must raise and leave no file a later ``download=False`` accepts.
"""
from __future__ import annotations

import gzip
import os

import numpy as np
import pytest
from ember.vision import datasets
from ember.vision.datasets import utils

from . import _dataset_files as F

tv = F.import_torchvision()
tvd = tv.datasets


@pytest.fixture(scope="module")
def module_server():
    with F.local_server() as server:
        yield server


@pytest.fixture
def server(module_server):
    module_server.reset()
    yield module_server
    module_server.reset()


def no_partial_files(root) -> bool:
    return not any(name.endswith(".part") for name in F.files_in(root))


# --- download_url ------------------------------------------------------------------------------------

PAYLOAD = bytes(range(256)) * 500  # 128 kB: several read chunks


def test_download_url_success_and_skip_when_present(server, tmp_path):
    url = server.serve("/files/blob.bin", PAYLOAD)
    utils.download_url(url, str(tmp_path / "dl"), md5=F.md5_bytes(PAYLOAD))
    assert (tmp_path / "dl" / "blob.bin").read_bytes() == PAYLOAD
    assert F.files_in(tmp_path / "dl") == ["blob.bin"]
    utils.download_url(url, str(tmp_path / "dl"), md5=F.md5_bytes(PAYLOAD))  # already there: no request
    assert server.hits == ["/files/blob.bin"]
    utils.download_url(url, str(tmp_path / "dl"), filename="renamed", md5=None)
    assert (tmp_path / "dl" / "renamed").read_bytes() == PAYLOAD


def test_download_url_follows_redirects(server, tmp_path):
    server.serve("/real.bin", PAYLOAD)
    server.redirect("/hop2", server.url("/real.bin"))
    url = server.redirect("/hop1", server.url("/hop2"))
    utils.download_url(url, str(tmp_path), filename="x.bin", md5=F.md5_bytes(PAYLOAD))
    assert (tmp_path / "x.bin").read_bytes() == PAYLOAD
    assert server.hits == ["/hop1", "/hop2", "/real.bin"]
    with pytest.raises(RecursionError, match="exceeded 1 redirects"):
        utils.download_url(url, str(tmp_path), filename="y.bin", max_redirect_hops=1)
    assert F.files_in(tmp_path) == ["x.bin"]


def test_download_url_checksum_mismatch_leaves_nothing(server, tmp_path):
    url = server.serve("/blob.bin", PAYLOAD)
    with pytest.raises(RuntimeError, match="File not found or corrupted.*MD5"):
        utils.download_url(url, str(tmp_path), md5="0" * 32)
    assert F.files_in(tmp_path) == []


def test_download_url_mismatch_keeps_a_previous_file_invalid(server, tmp_path):
    """A stale, wrong file stays wrong (it is never half-overwritten) and so still fails its checksum."""
    (tmp_path / "blob.bin").write_bytes(b"stale")
    url = server.serve("/blob.bin", PAYLOAD + b"tampered")
    with pytest.raises(RuntimeError, match="MD5"):
        utils.download_url(url, str(tmp_path), md5=F.md5_bytes(PAYLOAD))
    assert not utils.check_integrity(tmp_path / "blob.bin", F.md5_bytes(PAYLOAD))
    assert no_partial_files(tmp_path)


def test_download_url_truncated_leaves_nothing(server, tmp_path):
    url = server.truncate("/blob.bin", PAYLOAD[:50_000])
    with pytest.raises(RuntimeError, match="truncated.*announced 51000 bytes.*sent 50000"):
        utils.download_url(url, str(tmp_path))  # even without a checksum the short file is rejected
    assert F.files_in(tmp_path) == []


def test_download_url_retries_https_over_http(server, tmp_path):
    url = server.serve("/plain.bin", PAYLOAD).replace("http:", "https:")  # the server speaks no TLS
    utils.download_url(url, str(tmp_path), md5=F.md5_bytes(PAYLOAD))
    assert (tmp_path / "plain.bin").read_bytes() == PAYLOAD and F.files_in(tmp_path) == ["plain.bin"]


def test_download_url_http_errors(server, tmp_path):
    import urllib.error
    with pytest.raises(urllib.error.HTTPError):
        utils.download_url(server.url("/missing"), str(tmp_path))
    assert F.files_in(tmp_path) == []


def test_download_and_extract_archive(server, tmp_path):
    archive = F.tar_gz_bytes({"folder/a.txt": b"alpha", "folder/b.txt": b"beta"})
    url = server.serve("/pack.tgz", archive)
    utils.download_and_extract_archive(url, str(tmp_path / "dl"), extract_root=str(tmp_path / "x"),
                                       md5=F.md5_bytes(archive), remove_finished=True)
    assert (tmp_path / "x" / "folder" / "b.txt").read_bytes() == b"beta"
    assert F.files_in(tmp_path / "dl") == []


# --- MNIST family --------------------------------------------------------------------------------------

def serve_mnist(server, prefix: str, files: dict, corrupt=(), truncate=()) -> list:
    """Serve the gzipped idx files under ``prefix``; returns the ``resources`` list with their MD5s."""
    resources = []
    for name, data in files.items():
        gz = gzip.compress(data, mtime=0)
        path = f"{prefix}{name}.gz"
        if name in corrupt:
            server.serve(path, gz[:-4] + b"\x00\x00\x00\x00")
        elif name in truncate:
            server.truncate(path, gz[: len(gz) // 2])
        else:
            server.serve(path, gz)
        resources.append((f"{name}.gz", F.md5_bytes(gz)))
    return resources


@pytest.mark.parametrize("cls", [datasets.MNIST, datasets.FashionMNIST, datasets.KMNIST], ids=lambda c: c.__name__)
def test_mnist_download(server, tmp_path, monkeypatch, cls):
    files = F.mnist_file_bytes()
    resources = serve_mnist(server, "/mnist/", files)
    monkeypatch.setattr(cls, "mirrors", [server.url("/mnist/")])
    monkeypatch.setattr(cls, "resources", resources)
    ours = cls(tmp_path, train=True, download=True)
    theirs = getattr(tvd, cls.__name__)(tmp_path, train=True)  # torchvision reads what we downloaded
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
    raw = os.path.join(cls.__name__, "raw")
    assert F.files_in(tmp_path) == sorted(os.path.join(raw, n) for f in files for n in (f, f + ".gz"))
    hits = len(server.hits)
    cls(tmp_path, train=False, download=True)  # present: nothing is fetched again
    assert len(server.hits) == hits == 4


def test_mnist_download_falls_back_to_the_next_mirror(server, tmp_path, monkeypatch):
    files = F.mnist_file_bytes()
    names = list(files)
    resources = serve_mnist(server, "/good/", files)
    serve_mnist(server, "/bad/", files, corrupt=names[:2], truncate=names[2:3])  # 4th file: served fine
    monkeypatch.setattr(datasets.MNIST, "mirrors", [server.url("/down/"), server.url("/bad/"), server.url("/good/")])
    monkeypatch.setattr(datasets.MNIST, "resources", resources)
    ds = datasets.MNIST(tmp_path, train=False, download=True)
    assert len(ds) == 5
    assert server.hits.count(f"/good/{names[3]}.gz") == 0  # the second mirror served that one correctly
    assert server.hits.count(f"/good/{names[0]}.gz") == 1 and server.hits.count(f"/down/{names[0]}.gz") == 1
    assert no_partial_files(tmp_path)


@pytest.mark.parametrize("failure", ["corrupt", "truncate", "missing"])
def test_mnist_failed_download_leaves_nothing_valid(server, tmp_path, monkeypatch, failure):
    files = F.mnist_file_bytes()
    bad = list(files)[1]  # train labels
    resources = serve_mnist(server, "/m/", files, corrupt=[bad] if failure == "corrupt" else (),
                            truncate=[bad] if failure == "truncate" else ())
    if failure == "missing":
        server.handler.routes.pop(f"/m/{bad}.gz")
    monkeypatch.setattr(datasets.MNIST, "mirrors", [server.url("/m/"), server.url("/elsewhere/")])
    monkeypatch.setattr(datasets.MNIST, "resources", resources)
    with pytest.raises(RuntimeError, match=f"Error downloading {bad}.gz:\nTried {server.url('/m/')}, got:\n") as e:
        datasets.MNIST(tmp_path, download=True)
    assert f"Tried {server.url('/elsewhere/')}" in str(e.value)
    assert bad not in " ".join(F.files_in(tmp_path)) and no_partial_files(tmp_path)
    for train in (True, False):
        with pytest.raises(RuntimeError, match="^Dataset not found. You can use download=True to download it$"):
            datasets.MNIST(tmp_path, train=train)
        with pytest.raises(RuntimeError, match="^Dataset not found"):
            tvd.MNIST(tmp_path, train=train)


def test_emnist_download(server, tmp_path, monkeypatch):
    source = tmp_path / "source"
    files = F.write_emnist(source, split="digits", num_classes=10)
    members = {f"gzip/{name}.gz": gzip.compress(data, mtime=0) for name, data in files.items()}
    archive = F.zip_bytes(members)
    monkeypatch.setattr(datasets.EMNIST, "url", server.serve("/emnist/gzip.zip", archive))
    monkeypatch.setattr(datasets.EMNIST, "md5", F.md5_bytes(archive))
    ours = datasets.EMNIST(tmp_path / "dl", "digits", train=False, download=True)
    theirs = tvd.EMNIST(source, "digits", train=False)
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
    assert not (tmp_path / "dl" / "EMNIST" / "raw" / "gzip").exists()
    monkeypatch.setattr(datasets.EMNIST, "md5", "0" * 32)
    with pytest.raises(RuntimeError, match="MD5"):
        datasets.EMNIST(tmp_path / "other", "digits", download=True)
    assert F.files_in(tmp_path / "other") == []


# --- CIFAR -------------------------------------------------------------------------------------------

def cifar_archive(tmp_path, cls):
    """The generated batches as ``<base_folder>/<file>`` members of a .tar.gz, and the files' bytes."""
    write = F.write_cifar10 if cls is datasets.CIFAR10 else F.write_cifar100
    files = write(tmp_path / "source")
    archive = F.tar_gz_bytes({f"{cls.base_folder}/{name}": data for name, data in files.items()})
    return files, archive


@pytest.mark.parametrize("cls", [datasets.CIFAR10, datasets.CIFAR100], ids=lambda c: c.__name__)
def test_cifar_download(server, tmp_path, monkeypatch, cls):
    files, archive = cifar_archive(tmp_path, cls)
    monkeypatch.setattr(cls, "url", server.serve(f"/{cls.filename}", archive))
    monkeypatch.setattr(cls, "tgz_md5", F.md5_bytes(archive))
    F.patch_cifar_md5s(monkeypatch, cls, files)
    theirs_cls = getattr(tvd, cls.__name__)
    F.patch_cifar_md5s(monkeypatch, theirs_cls, files)
    root = tmp_path / "dl"
    ours = cls(root, train=False, download=True)
    theirs = theirs_cls(root, train=False)
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data)
    assert ours.targets == theirs.targets and ours.classes == theirs.classes
    assert (root / cls.filename).read_bytes() == archive
    cls(root, train=True, download=True)  # intact: not downloaded again
    assert server.hits == [f"/{cls.filename}"]


@pytest.mark.parametrize("failure", ["corrupt", "truncate"])
def test_cifar_failed_download_leaves_nothing_valid(server, tmp_path, monkeypatch, failure):
    cls = datasets.CIFAR10
    files, archive = cifar_archive(tmp_path, cls)
    if failure == "corrupt":
        url = server.serve("/c.tar.gz", archive[:-1] + bytes([archive[-1] ^ 1]))
    else:
        url = server.truncate("/c.tar.gz", archive[: len(archive) // 2])
    monkeypatch.setattr(cls, "url", url)
    monkeypatch.setattr(cls, "tgz_md5", F.md5_bytes(archive))
    F.patch_cifar_md5s(monkeypatch, cls, files)
    root = tmp_path / "dl"
    with pytest.raises(RuntimeError, match="MD5" if failure == "corrupt" else "truncated"):
        cls(root, download=True)
    assert F.files_in(root) == []
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        cls(root)


def test_svhn_download(server, tmp_path, monkeypatch):
    import scipy.io
    rng = np.random.default_rng(5)
    scipy.io.savemat(tmp_path / "src.mat", {"X": rng.integers(0, 256, (32, 32, 3, 3), dtype=np.uint8),
                                            "y": np.array([[3], [10], [7]], dtype=np.uint8)})
    data = (tmp_path / "src.mat").read_bytes()
    url = server.serve("/svhn/train_32x32.mat", data)
    monkeypatch.setitem(datasets.SVHN.split_list, "train", [url, "train_32x32.mat", F.md5_bytes(data)])
    ds = datasets.SVHN(tmp_path / "dl", download=True)
    assert ds.labels.numpy().tolist() == [3, 0, 7] and tuple(ds.data.shape) == (3, 3, 32, 32)
    monkeypatch.setitem(datasets.SVHN.split_list, "test", [server.truncate("/t.mat", data[:100]),
                                                           "test_32x32.mat", F.md5_bytes(data)])
    with pytest.raises(RuntimeError, match="truncated"):
        datasets.SVHN(tmp_path / "dl", split="test", download=True)
    assert F.files_in(tmp_path / "dl") == ["train_32x32.mat"]
