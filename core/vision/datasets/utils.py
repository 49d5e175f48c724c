"""Downloading, checksumming and extracting dataset files (torchvision's ``datasets.utils``).

Downloads are atomic: bytes go to a hidden temporary file next to the target, and only a complete download
whose MD5 matches is renamed into place. A failed, truncated or corrupted download raises ``RuntimeError``
and leaves no file that a later ``download=False`` run could take for a valid one.
"""
from __future__ import annotations

import bz2
import gzip
import hashlib
import http.client
import lzma
import os
import pathlib
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Iterable

USER_AGENT = "pytorch/vision"

__all__ = [
    "calculate_md5",
    "check_integrity",
    "check_md5",
    "download_and_extract_archive",
    "download_url",
    "extract_archive",
    "iterable_to_str",
    "list_dir",
    "list_files",
    "verify_str_arg",
]


# --- checksums -------------------------------------------------------------------------------

def calculate_md5(fpath, chunk_size: int = 1024 * 1024) -> str:
    """The hex MD5 digest of the file at ``fpath``."""
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5: str, **kwargs) -> bool:
    """Whether the file at ``fpath`` has MD5 digest ``md5``."""
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5: str | None = None) -> bool:
    """Whether ``fpath`` is a file and, when ``md5`` is given, has that MD5 digest.

    >>> check_integrity("/no/such/file")
    False
    """
    if not os.path.isfile(fpath):
        return False
    if md5 is None:
        return True
    return check_md5(fpath, md5)


# --- downloading -------------------------------------------------------------------------------

class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows at most ``max_hops`` redirects, then raises RecursionError as torchvision does."""

    def __init__(self, max_hops: int) -> None:
        self.max_hops = max_hops

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        hops = getattr(req, "_hops", 0)
        start = getattr(req, "_start", req.full_url)
        if hops >= self.max_hops:
            raise RecursionError(f"Request to {start} exceeded {self.max_hops} redirects. "
                                 f"The last redirect points to {newurl}.")
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new._hops, new._start = hops + 1, start
        return new


def _progress(total: int | None):
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is a dependency, but a download must not fail for want of a progress bar
        return None
    return tqdm(total=total, unit="B", unit_scale=True)


def _urlretrieve(url: str, fpath: str, md5: str | None, max_redirect_hops: int,
                 chunk_size: int = 1024 * 32) -> None:
    """Streams ``url`` into a temporary file next to ``fpath``; renames it to ``fpath`` only if it is complete
    (as many bytes as Content-Length announced) and its MD5 equals ``md5`` (when given)."""
    opener = urllib.request.build_opener(_LimitedRedirects(max_redirect_hops))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    root, name = os.path.split(fpath)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=root)
    try:
        digest = hashlib.md5(usedforsecurity=False)
        received = 0
        with os.fdopen(fd, "wb") as fh, opener.open(request) as response:
            length = response.headers.get("Content-Length")
            expected = int(length) if length is not None and length.strip().isdigit() else None
            bar = _progress(expected)
            try:
                while True:
                    try:
                        chunk = response.read(chunk_size)
                    except (http.client.IncompleteRead, ConnectionError) as e:
                        raise RuntimeError(f"Download of {url} to {fpath} was interrupted after {received} "
                                           f"bytes: {e!r}") from e
                    if not chunk:
                        break
                    fh.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
            finally:
                if bar is not None:
                    bar.close()
        if expected is not None and received != expected:
            raise RuntimeError(f"Download of {url} to {fpath} is truncated: the server announced {expected} bytes "
                               f"(Content-Length) but sent {received}.")
        if md5 is not None and digest.hexdigest() != md5:
            raise RuntimeError(f"File not found or corrupted: the download of {url} to {fpath} has MD5 "
                               f"{digest.hexdigest()}, expected {md5}.")
        os.replace(tmp, fpath)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def download_url(url: str, root, filename=None, md5: str | None = None, max_redirect_hops: int = 3) -> None:
    """Download ``url`` into ``root/filename`` (``filename`` defaults to the URL's basename).

    Does nothing when the file already exists with the right MD5. Follows up to ``max_redirect_hops``
    redirects; an ``https`` URL that fails to connect is retried over ``http`` like torchvision. The file
    appears only once it is complete and its MD5 matches; otherwise ``RuntimeError`` is raised.

    Args:
        url (str): URL to download from.
        root (str): directory to place the file in (created if needed).
        filename (str, optional): name to save the file under.
        md5 (str, optional): expected MD5 digest; not checked when None.
        max_redirect_hops (int): maximum number of redirects followed.
    """
    root = os.path.expanduser(root)
    if not filename:
        filename = os.path.basename(url)
    fpath = os.fspath(os.path.join(root, filename))
    os.makedirs(root, exist_ok=True)

    if check_integrity(fpath, md5):
        return
    try:
        _urlretrieve(url, fpath, md5, max_redirect_hops)
    except (urllib.error.URLError, OSError):
        if url[:5] != "https":
            raise
        _urlretrieve(url.replace("https:", "http:", 1), fpath, md5, max_redirect_hops)
    if not check_integrity(fpath, md5):  # e.g. the file was changed under our feet
        raise RuntimeError("File not found or corrupted.")


def list_dir(root, prefix: bool = False) -> list:
    """The directories directly inside ``root`` (joined to ``root`` when ``prefix``)."""
    root = os.path.expanduser(root)
    directories = [p for p in os.listdir(root) if os.path.isdir(os.path.join(root, p))]
    if prefix is True:
        directories = [os.path.join(root, d) for d in directories]
    return directories


def list_files(root, suffix, prefix: bool = False) -> list:
    """The files directly inside ``root`` whose name ends with ``suffix`` (a str or tuple of str)."""
    root = os.path.expanduser(root)
    files = [p for p in os.listdir(root) if os.path.isfile(os.path.join(root, p)) and p.endswith(suffix)]
    if prefix is True:
        files = [os.path.join(root, d) for d in files]
    return files


# --- extraction --------------------------------------------------------------------------------

def _extract_tar(from_path, to_path, compression: str | None) -> None:
    with tarfile.open(from_path, f"r:{compression[1:]}" if compression else "r") as tar:
        if hasattr(tarfile, "data_filter"):  # refuses absolute paths, '..' and links out of to_path
            tar.extractall(to_path, filter="data")
        else:  # Python without PEP 706 (before 3.10.12 / 3.11.4)
            tar.extractall(to_path)


_ZIP_COMPRESSION_MAP = {".bz2": zipfile.ZIP_BZIP2, ".xz": zipfile.ZIP_LZMA}


def _extract_zip(from_path, to_path, compression: str | None) -> None:
    mode = _ZIP_COMPRESSION_MAP[compression] if compression else zipfile.ZIP_STORED
    with zipfile.ZipFile(from_path, "r", compression=mode) as archive:
        archive.extractall(to_path)


_ARCHIVE_EXTRACTORS: dict = {".tar": _extract_tar, ".zip": _extract_zip}
_COMPRESSED_FILE_OPENERS: dict = {".bz2": bz2.open, ".gz": gzip.open, ".xz": lzma.open}
_FILE_TYPE_ALIASES = {".tbz": (".tar", ".bz2"), ".tbz2": (".tar", ".bz2"), ".tgz": (".tar", ".gz")}


def _detect_file_type(file) -> tuple:
    """(suffix, archive type, compression) of ``file`` from its name; RuntimeError when unknown."""
    suffixes = pathlib.Path(file).suffixes
    if not suffixes:
        raise RuntimeError(
            f"File '{file}' has no suffixes that could be used to detect the archive type and compression.")
    suffix = suffixes[-1]
    if suffix in _FILE_TYPE_ALIASES:
        return (suffix, *_FILE_TYPE_ALIASES[suffix])
    if suffix in _ARCHIVE_EXTRACTORS:
        return suffix, suffix, None
    if suffix in _COMPRESSED_FILE_OPENERS:
        if len(suffixes) > 1 and suffixes[-2] in _ARCHIVE_EXTRACTORS:
            return suffixes[-2] + suffix, suffixes[-2], suffix
        return suffix, None, suffix
    valid = sorted(set(_FILE_TYPE_ALIASES) | set(_ARCHIVE_EXTRACTORS) | set(_COMPRESSED_FILE_OPENERS))
    raise RuntimeError(f"Unknown compression or archive type: '{suffix}'.\nKnown suffixes are: '{valid}'.")


def _decompress(from_path, to_path=None, remove_finished: bool = False) -> pathlib.Path:
    """Decompress a single compressed file (``.gz``, ``.bz2``, ``.xz``); the output appears atomically."""
    suffix, archive_type, compression = _detect_file_type(from_path)
    if not compression:
        raise RuntimeError(f"Couldn't detect a compression from suffix {suffix}.")
    if to_path is None:
        to_path = pathlib.Path(os.fspath(from_path).replace(suffix, archive_type if archive_type is not None else ""))
    out_dir, out_name = os.path.split(os.fspath(to_path))
    fd, tmp = tempfile.mkstemp(prefix=f".{out_name}.", suffix=".part", dir=out_dir or ".")
    try:
        with _COMPRESSED_FILE_OPENERS[compression](from_path, "rb") as rfh, os.fdopen(fd, "wb") as wfh:
            while chunk := rfh.read(1024 * 1024):
                wfh.write(chunk)
        os.replace(tmp, to_path)
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as e:
        os.remove(tmp)
        raise RuntimeError(f"Could not decompress {from_path}: {e}") from e
    except BaseException:
        os.remove(tmp)
        raise
    if remove_finished:
        os.remove(from_path)
    return pathlib.Path(to_path)


def extract_archive(from_path, to_path=None, remove_finished: bool = False):
    """Extract an archive (``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``, ``.tar.xz``, ``.zip``) or decompress a
    single compressed file (``.gz``, ``.bz2``, ``.xz``); the type is detected from the file name.

    Args:
        from_path (str): the file to extract.
        to_path (str, optional): the directory to extract into; defaults to ``from_path``'s directory.
        remove_finished (bool): delete ``from_path`` after extracting.

    Returns:
        the directory extracted into (or the decompressed file), as ``str`` if ``from_path`` is a ``str``.
    """
    def path_or_str(ret_path: pathlib.Path):
        return os.fspath(ret_path) if isinstance(from_path, str) else ret_path

    if to_path is None:
        to_path = os.path.dirname(from_path)
    suffix, archive_type, compression = _detect_file_type(from_path)
    if not archive_type:
        target = os.path.join(to_path, os.path.basename(from_path).replace(suffix, ""))
        return path_or_str(_decompress(from_path, target, remove_finished=remove_finished))

    try:
        _ARCHIVE_EXTRACTORS[archive_type](from_path, to_path, compression)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, lzma.LZMAError, zlib.error, OSError) as e:
        raise RuntimeError(f"Could not extract {from_path}: {e}") from e
    if remove_finished:
        os.remove(from_path)
    return path_or_str(pathlib.Path(to_path))


def download_and_extract_archive(url: str, download_root, extract_root=None, filename=None,
                                 md5: str | None = None, remove_finished: bool = False) -> None:
    """:func:`download_url` into ``download_root``, then :func:`extract_archive` into ``extract_root``
    (default: ``download_root``)."""
    download_root = os.path.expanduser(download_root)
    if extract_root is None:
        extract_root = download_root
    if not filename:
        filename = os.path.basename(url)
    download_url(url, download_root, filename, md5)
    archive = os.path.join(download_root, filename)
    extract_archive(archive, extract_root, remove_finished)


# --- argument checking -------------------------------------------------------------------------

def iterable_to_str(iterable: Iterable) -> str:
    return "'" + "', '".join(str(item) for item in iterable) + "'"


def verify_str_arg(value, arg: str | None = None, valid_values: Iterable | None = None,
                   custom_msg: str | None = None):
    """Return ``value`` if it is a ``str`` among ``valid_values`` (any str when None); else raise ValueError.

    >>> verify_str_arg("train", "split", ("train", "test"))
    'train'
    """
    if not isinstance(value, str):
        if arg is None:
            msg = f"Expected type str, but got type {type(value)}."
        else:
            msg = f"Expected type str for argument {arg}, but got type {type(value)}."
        raise ValueError(msg)
    if valid_values is None:
        return value
    if value not in valid_values:
        if custom_msg is not None:
            msg = custom_msg
        else:
            msg = (f"Unknown value '{value}' for argument {arg}. "
                   f"Valid values are {{{iterable_to_str(valid_values)}}}.")
        raise ValueError(msg)
    return value
