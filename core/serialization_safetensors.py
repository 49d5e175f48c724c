"""The safetensors format, written and read directly (no dependency on the ``safetensors`` package).

A file is::

    8 bytes      N, the header size, unsigned little-endian
    N bytes      JSON header: {"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [..],
                 "data_offsets": [begin, end]}, ...}, padded with spaces to a multiple of 8 bytes
    the rest     the tensors' raw little-endian bytes, C order; offsets are relative to this buffer

Tensors are laid out like the reference implementation (dtypes in the reverse order of its dtype
enum, I64 F64 F32 I32 BF16 F16 I16 I8 U8 BOOL, then by name), so every tensor starts at a multiple
of its itemsize.  Loading checks the header (known dtypes, shapes
matching byte ranges, ranges that tile the buffer exactly) before building any tensor.

>>> save_file({"w": ember.ones(2, 3)}, "model.safetensors", metadata={"format": "pt"})
>>> load_file("model.safetensors")["w"].shape
ember.Size([2, 3])
"""
from __future__ import annotations

import json
import os
import struct

from . import _dtype as D
from ._tensor import Tensor
from .ops.serialization_ops import tensor_from_bytes, tensor_to_bytes

__all__ = ["load", "load_file", "safetensors_load", "safetensors_save", "save", "save_file"]

_CODES = {D.bool: "BOOL", D.uint8: "U8", D.int8: "I8", D.int16: "I16", D.int32: "I32", D.int64: "I64",
          D.float16: "F16", D.bfloat16: "BF16", D.float32: "F32", D.float64: "F64"}
_DTYPES = {code: dt for dt, code in _CODES.items()}
# the reference implementation's dtype order; tensors are written in reverse of it, then by name
_RANK = {code: i for i, code in enumerate(("BOOL", "U8", "I8", "I16", "F16", "BF16", "I32", "F32", "F64", "I64"))}
_MAX_HEADER = 100_000_000  # as the reference implementation: a larger header is a corrupt file


def save(tensors: dict, metadata: dict | None = None) -> bytes:
    """The safetensors bytes of ``tensors`` (a dict of names to tensors), with optional str->str ``metadata``."""
    header, chunks = _layout(tensors, metadata)
    return b"".join([header] + [bytes(c) for c in chunks])


def save_file(tensors: dict, filename, metadata: dict | None = None) -> None:
    """Write ``tensors`` (a dict of names to tensors) to ``filename`` in the safetensors format."""
    header, chunks = _layout(tensors, metadata)
    with open(os.fspath(filename), "wb") as fh:
        fh.write(header)
        fh.writelines(chunks)


def load(data, device="cpu") -> dict:
    """Tensors from safetensors bytes, built on ``device``."""
    return _parse(bytearray(data), device, "the buffer")


def load_file(filename, device="cpu") -> dict:
    """Tensors from a safetensors file, built on ``device`` (they may share the file's read buffer)."""
    with open(os.fspath(filename), "rb") as fh:
        data = bytearray(fh.read())
    return _parse(data, device, repr(os.fspath(filename)))


def safetensors_save(state_dict: dict, path, metadata: dict | None = None) -> None:
    """``save_file`` with ``torch.save``'s argument order: (state_dict, path)."""
    save_file(state_dict, path, metadata)


def safetensors_load(path, device="cpu") -> dict:
    return load_file(path, device)


def _layout(tensors, metadata):
    if not isinstance(tensors, dict):
        raise TypeError(f"safetensors save: expected a dict of names to tensors, got {type(tensors).__name__}")
    for name, t in tensors.items():
        if not isinstance(name, str):
            raise TypeError(f"safetensors save: tensor names must be str, got {name!r}")
        if name == "__metadata__":
            raise ValueError("safetensors save: '__metadata__' is reserved for the metadata and can't name a tensor")
        if not isinstance(t, Tensor):
            raise TypeError(f"safetensors save: {name!r} must be a Tensor, got {type(t).__name__}")
    if metadata is not None and not (isinstance(metadata, dict) and
                                     all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())):
        raise TypeError(f"safetensors save: metadata must be a dict of str to str, got {metadata!r}")
    order = sorted(tensors, key=lambda n: (-_RANK[_CODES[tensors[n].dtype]], n))
    entries = {"__metadata__": metadata} if metadata else {}
    chunks, offset = [], 0
    for name in order:
        t = tensors[name]
        data = tensor_to_bytes(t)
        size = memoryview(data).nbytes
        entries[name] = {"dtype": _CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + size]}
        chunks.append(data)
        offset += size
    text = json.dumps(entries, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, chunks


def _parse(data, device, what):
    def bad(why):
        return RuntimeError(f"safetensors load: {what} is not a valid safetensors file: {why}")

    if len(data) < 8:
        raise bad(f"{len(data)} bytes is too short for the 8-byte header size")
    n = struct.unpack("<Q", bytes(data[:8]))[0]
    if n > _MAX_HEADER or 8 + n > len(data):
        raise bad(f"header size {n} runs past the end of the file ({len(data)} bytes)")
    try:
        header = json.loads(bytes(data[8:8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise bad(f"the header is not JSON ({e})") from None
    if not isinstance(header, dict):
        raise bad("the header is not a JSON object")
    header.pop("__metadata__", None)
    buf = memoryview(data)[8 + n:]
    spans = []
    for name, e in header.items():
        if not (isinstance(e, dict) and e.get("dtype") in _DTYPES and isinstance(e.get("shape"), list)
                and all(type(s) is int and s >= 0 for s in e["shape"])
                and isinstance(e.get("data_offsets"), list) and len(e["data_offsets"]) == 2
                and all(type(o) is int for o in e["data_offsets"])):
            raise bad(f"malformed entry {name!r}: {e!r}")
        dtype = _DTYPES[e["dtype"]]
        begin, end = e["data_offsets"]
        numel = 1
        for s in e["shape"]:
            numel *= s
        if not 0 <= begin <= end or end - begin != numel * dtype.itemsize:
            raise bad(f"tensor {name!r} of shape {e['shape']} and dtype {e['dtype']} needs "
                      f"{numel * dtype.itemsize} bytes, its data_offsets are {e['data_offsets']}")
        spans.append((begin, end, name, dtype, tuple(e["shape"])))
    spans.sort()
    at = 0
    for begin, end, name, _, _ in spans:
        if begin != at:
            raise bad(f"tensor {name!r} starts at byte {begin}, expected {at} (tensors must tile the data buffer)")
        at = end
    if at != len(buf):
        raise bad(f"the tensors cover {at} bytes of a {len(buf)}-byte data buffer")
    rank = {name: i for i, name in enumerate(header)}
    out = {}
    for begin, end, name, dtype, shape in sorted(spans, key=lambda s: rank[s[2]]):
        out[name] = tensor_from_bytes(buf[begin:end], shape, dtype, device)
    return out
