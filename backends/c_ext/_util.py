"""Helpers shared by the c_ext family modules: dtype tables, pointers, the status check."""
from __future__ import annotations

import os

import numpy as np

F32, F64, I32, I64 = (np.dtype(t) for t in (np.float32, np.float64, np.int32, np.int64))
FLOATS = {F32: "f32", F64: "f64"}          # dtype -> C function suffix
NUMERIC = {**FLOATS, I32: "i32", I64: "i64"}
CTYPE = {F32: "float", F64: "double", I32: "int32_t", I64: "int64_t"}


def min_native(default: int) -> int:
    """Smallest size a kernel sends to C (below it NumPy is as fast as the call).  ``EMBER_CEXT_MIN_NATIVE=0``
    forces the native path for every size, so the conformance suite's small samples exercise the C code."""
    env = os.environ.get("EMBER_CEXT_MIN_NATIVE")
    return int(env) if env else default


def ptr(ffi, arr):
    """A typed C pointer to ``arr``'s first element (the array must outlive the call)."""
    ctype = CTYPE[arr.dtype]
    if arr.flags.c_contiguous:
        return ffi.from_buffer(ctype + "[]", arr)
    return ffi.cast(ctype + " *", arr.__array_interface__["data"][0])


def by_dtype(lib, stem: str, table: dict) -> dict:
    """dtype -> the C function ``ec_<stem>_<suffix>`` for every dtype in ``table``."""
    return {dt: getattr(lib, f"ec_{stem}_{sfx}") for dt, sfx in table.items()}


def check(status: int, op: str) -> None:
    """Turn a nonzero C status into a Python exception naming the op."""
    if status != 0:
        raise RuntimeError(f"ember c_ext: native kernel for {op!r} failed with status {status}")
