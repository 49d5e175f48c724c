"""Writers of tiny datasets in the REAL on-disk formats, and a local HTTP server to download them from.

Everything here uses NumPy/pickle/Pillow directly (tests may), so the files are exactly what the real
datasets ship: idx files (raw and gzipped), CIFAR python batches (pickle protocol 2 of NumPy arrays),
``.tar.gz``/``.zip`` archives, SVHN ``.mat`` files and ImageFolder trees of PNG/JPEG images.
"""
from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.server
import io
import os
import pickle
import struct
import tarfile
import threading
import zipfile

import numpy as np
from PIL import Image

from ._torchvision import import_torchvision  # noqa: F401  (re-exported for the tests)


def md5_of(path) -> str:
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def md5_bytes(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


# --- idx (MNIST family) -----------------------------------------------------------------------------

IDX_CODES = {np.uint8: 8, np.int8: 9, np.int16: 11, np.int32: 12, np.float32: 13, np.float64: 14}


def idx_bytes(array: np.ndarray) -> bytes:
    """The idx encoding of ``array``: magic 0x0000 <type> <ndim>, big-endian sizes, big-endian data."""
    code = IDX_CODES[array.dtype.type]
    header = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_file(path, data: bytes, gz: bool = False) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if gz:
        path += ".gz"
        data = gzip.compress(data, mtime=0)
    with open(path, "wb") as f:
        f.write(data)
    return path


def mnist_arrays(n: int, seed: int, size: int = 28, num_classes: int = 10):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, size, size), dtype=np.uint8)
    labels = rng.integers(0, num_classes, size=(n,), dtype=np.uint8)
    return images, labels


MNIST_FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def mnist_file_bytes(n_train: int = 7, n_test: int = 5, seed: int = 0) -> dict:
    """{raw file name: idx bytes} for a tiny MNIST-format dataset (train and test)."""
    out = {}
    for train, n in ((True, n_train), (False, n_test)):
        images, labels = mnist_arrays(n, seed + int(train))
        out[MNIST_FILES[train][0]] = idx_bytes(images)
        out[MNIST_FILES[train][1]] = idx_bytes(labels)
    return out


def write_mnist(root, name: str = "MNIST", gz: bool = False, **kwargs) -> dict:
    """Write ``root/<name>/raw/*-idx?-ubyte[.gz]``; returns {raw file name: idx bytes}."""
    files = mnist_file_bytes(**kwargs)
    for fname, data in files.items():
        write_file(os.path.join(root, name, "raw", fname), data, gz=gz)
    return files


def write_emnist(root, split: str = "letters", n_train: int = 6, n_test: int = 4, num_classes: int = 27) -> dict:
    files = {}
    for kind, n, seed in (("train", n_train, 10), ("test", n_test, 11)):
        images, labels = mnist_arrays(n, seed, num_classes=num_classes)
        files[f"emnist-{split}-{kind}-images-idx3-ubyte"] = idx_bytes(images)
        files[f"emnist-{split}-{kind}-labels-idx1-ubyte"] = idx_bytes(labels)
    for fname, data in files.items():
        write_file(os.path.join(root, "EMNIST", "raw", fname), data)
    return files


# --- CIFAR python batches ----------------------------------------------------------------------------

CIFAR10_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def cifar_batch(n: int, seed: int, label_key: str = "labels", num_classes: int = 10) -> dict:
    rng = np.random.default_rng(seed)
    batch = {
        "batch_label": f"batch {seed}",
        "data": rng.integers(0, 256, size=(n, 3072), dtype=np.uint8),
        label_key: [int(v) for v in rng.integers(0, num_classes, size=n)],
        "filenames": [f"img_{seed}_{i}.png" for i in range(n)],
    }
    if label_key == "fine_labels":
        batch["coarse_labels"] = [int(v) % 20 for v in batch[label_key]]
    return batch


def cifar_pickle(obj) -> bytes:
    return pickle.dumps(obj, protocol=2)


def write_cifar10(root, n: int = 3) -> dict:
    """``root/cifar-10-batches-py/{data_batch_1..5,test_batch,batches.meta}``; returns {file name: bytes}."""
    files = {f"data_batch_{i}": cifar_pickle(cifar_batch(n, i)) for i in range(1, 6)}
    files["test_batch"] = cifar_pickle(cifar_batch(n + 1, 9))
    files["batches.meta"] = cifar_pickle({"num_cases_per_batch": n, "label_names": CIFAR10_NAMES,
                                          "num_vis": 3072})
    _write_dir(os.path.join(root, "cifar-10-batches-py"), files)
    return files


def write_cifar100(root, n: int = 5) -> dict:
    files = {
        "train": cifar_pickle(cifar_batch(n, 1, "fine_labels", 100)),
        "test": cifar_pickle(cifar_batch(n - 1, 2, "fine_labels", 100)),
        "meta": cifar_pickle({"fine_label_names": [f"fine{i}" for i in range(100)],
                              "coarse_label_names": [f"coarse{i}" for i in range(20)]}),
    }
    _write_dir(os.path.join(root, "cifar-100-python"), files)
    return files


def _write_dir(folder, files: dict) -> None:
    os.makedirs(folder, exist_ok=True)
    for fname, data in files.items():
        with open(os.path.join(folder, fname), "wb") as f:
            f.write(data)


def patch_cifar_md5s(monkeypatch, cls, files: dict) -> None:
    """Point ``cls``'s train_list/test_list/meta checksums at the generated ``files``."""
    monkeypatch.setattr(cls, "train_list", [[f, md5_bytes(files[f])] for f, _ in cls.train_list])
    monkeypatch.setattr(cls, "test_list", [[f, md5_bytes(files[f])] for f, _ in cls.test_list])
    monkeypatch.setattr(cls, "meta", dict(cls.meta, md5=md5_bytes(files[cls.meta["filename"]])))


def py2_array_pickle(array: np.ndarray, module: str = "numpy.core.multiarray") -> bytes:
    """A pickle of ``{'data': array, 'labels': [..]}`` spelled as Python 2's cPickle wrote the real CIFAR files:
    protocol 2 with byte strings as SHORT_BINSTRING/BINSTRING (``str`` in Python 2)."""
    def string(b: bytes) -> bytes:
        return (b"U" + bytes([len(b)]) + b) if len(b) < 256 else (b"T" + struct.pack("<i", len(b)) + b)

    def small_int(v: int) -> bytes:
        return b"K" + bytes([v])

    dt = array.dtype
    dims = b"(" + b"".join(b"J" + struct.pack("<i", s) for s in array.shape) + b"t"
    endian = {"=": "<", "|": "|"}.get(dt.byteorder, dt.byteorder).encode()
    out = b"\x80\x02}q\x00(" + string(b"data")
    out += f"c{module}\n_reconstruct\n".encode() + b"cnumpy\nndarray\n" + small_int(0) + b"\x85" + string(b"b")
    out += b"\x87R"
    out += b"(" + small_int(1) + dims + b"cnumpy\ndtype\n" + string(dt.str[1:].encode()) + small_int(0) \
        + small_int(1) + b"\x87R"
    out += b"(" + small_int(3) + string(endian) + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xff" + small_int(0) + b"tb"
    out += b"\x89" + string(array.tobytes()) + b"tb"
    out += string(b"labels") + b"]q\x01(" + b"".join(small_int(i % 10) for i in range(array.shape[0])) + b"e"
    out += b"u."
    return out


# --- archives ---------------------------------------------------------------------------------------

def tar_gz_bytes(files: dict) -> bytes:
    """A ``.tar.gz`` holding ``files`` ({archive path: bytes})."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def zip_bytes(files: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


# --- image folders ----------------------------------------------------------------------------------

def write_image_folder(root, classes=("cat", "dog", "zebra"), per_class: int = 2, seed: int = 0) -> None:
    """``root/<class>/img<i>.png|jpg`` (RGB, L and RGBA images, a nested folder) plus a non-image file."""
    rng = np.random.default_rng(seed)
    for c, name in enumerate(classes):
        folder = os.path.join(root, name)
        os.makedirs(os.path.join(folder, "nested"), exist_ok=True)
        for i in range(per_class):
            pixels = rng.integers(0, 256, size=(5 + i, 6 + c, 3), dtype=np.uint8)
            img = Image.fromarray(pixels)
            if i % 3 == 1:
                img.convert("L").save(os.path.join(folder, f"img{i}.PNG"))
            elif i % 3 == 2:
                img.convert("RGBA").save(os.path.join(folder, "nested", f"img{i}.png"))
            else:
                img.save(os.path.join(folder, f"img{i}.jpg"), quality=90)
        with open(os.path.join(folder, "notes.txt"), "w") as f:
            f.write("not an image")


# --- a local HTTP server ------------------------------------------------------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}
    hits: list = []

    def do_GET(self):
        self.hits.append(self.path)
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        kind, payload = route
        if kind == "redirect":
            self.send_response(302)
            self.send_header("Location", payload)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        announced = len(payload) + (1000 if kind == "truncated" else 0)
        self.send_header("Content-Length", str(announced))
        self.end_headers()
        self.wfile.write(payload)
        self.close_connection = True

    def log_message(self, *args):  # keep test output quiet
        pass


class LocalServer:
    """An HTTP server on 127.0.0.1 (a free port) serving in-memory files.

    ``serve(path, data)`` serves bytes; ``truncate(path, data)`` announces more bytes than it sends;
    ``redirect(path, to)`` answers 302. ``url(path)`` is the full URL; ``hits`` lists the requested paths.
    """

    def __init__(self):
        handler = type("Handler", (_Handler,), {"routes": {}, "hits": []})
        self.handler = handler
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def hits(self) -> list:
        return self.handler.hits

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, data: bytes) -> str:
        self.handler.routes[path] = ("file", data)
        return self.url(path)

    def truncate(self, path: str, data: bytes) -> str:
        self.handler.routes[path] = ("truncated", data)
        return self.url(path)

    def redirect(self, path: str, to: str) -> str:
        self.handler.routes[path] = ("redirect", to)
        return self.url(path)

    def reset(self) -> None:
        self.handler.routes.clear()
        self.handler.hits.clear()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@contextlib.contextmanager
def local_server():
    server = LocalServer()
    try:
        yield server
    finally:
        server.close()


def files_in(root) -> list:
    """Every file under ``root`` (relative paths, sorted), hidden temporaries included."""
    out = []
    for here, _, names in os.walk(root):
        out += [os.path.relpath(os.path.join(here, n), root) for n in names]
    return sorted(out)
