"""Helpers of the data loader (``torch.utils.data._utils``): collation, fetching, worker processes.

Worker-side code lives at module level so that the ``spawn`` start method can pickle it by name.
"""
from __future__ import annotations

import atexit
import sys
import traceback

IS_WINDOWS = sys.platform == "win32"

MP_STATUS_CHECK_INTERVAL = 5.0
"""Seconds a worker waits on its index queue before checking that the main process is still alive."""

python_exit_status = False
"""True once the interpreter is shutting down; iterators then leave their daemonic workers to multiprocessing."""


def _set_python_exit_flag() -> None:
    global python_exit_status
    python_exit_status = True


atexit.register(_set_python_exit_flag)


def add_context(exc: BaseException, text: str) -> None:
    """Attach ``text`` (e.g. which sample index failed) to ``exc`` without changing its type or message.

    On Python >= 3.11 it becomes a note, printed under the traceback; before, it is kept on the exception
    and :class:`ExceptionWrapper` appends it to the text it carries across processes.
    """
    if hasattr(exc, "add_note"):
        exc.add_note(text)
    else:
        exc.__dict__.setdefault("_ember_notes", []).append(text)


class ExceptionWrapper:
    """An exception and its formatted traceback, to raise again in another thread or process.

    Re-raising builds ``exc_type("Caught <Type> <where>.\\nOriginal Traceback (most recent call last): ...")``
    as PyTorch does; a type that cannot be built from one message becomes a ``RuntimeError``.
    """

    def __init__(self, exc_info=None, where: str = "in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_name = self.exc_type.__name__  # kept if exc_type must be replaced to cross a process boundary
        msg = "".join(traceback.format_exception(*exc_info))
        notes = getattr(exc_info[1], "_ember_notes", None)
        if notes:
            msg += "".join(f"{n}\n" for n in notes)
        self.exc_msg = msg
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_name} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        try:
            raise exception
        finally:
            del exception  # the traceback keeps this frame: no exception -> traceback -> frame -> exception cycle


class KeyErrorMessage(str):
    """A message whose repr is itself, so ``KeyError(msg)`` prints the traceback readably."""

    def __repr__(self):
        return self


from . import collate, fetch, pin_memory, worker

__all__ = ["ExceptionWrapper", "MP_STATUS_CHECK_INTERVAL", "collate", "fetch", "pin_memory", "worker"]
