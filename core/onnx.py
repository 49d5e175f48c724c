"""``ember.onnx`` (``torch.onnx``): importable so scripts that reference it load, but ember cannot export ONNX.

ONNX export needs a traced graph of the model; ember runs models eagerly and records no such graph, so
:func:`export` raises :class:`OnnxExporterError` saying so. Save weights with ``ember.save`` instead.
"""
from __future__ import annotations

__all__ = ["OnnxExporterError", "export", "is_in_onnx_export"]


class OnnxExporterError(RuntimeError):
    """Raised when a model cannot be exported to ONNX (with ember: always)."""


def export(model, args=(), f=None, *, kwargs=None, **options):
    """Not supported: raises :class:`OnnxExporterError` (ember has no graph capture to export from)."""
    raise OnnxExporterError(f"ember.onnx.export(): ONNX export is not supported by ember (it runs "
                            f"{type(model).__name__} eagerly and records no exportable graph). Save the weights "
                            f"with ember.save(model.state_dict(), path) and export from PyTorch if you need ONNX")


def is_in_onnx_export() -> bool:
    """False: ember never runs a model inside an ONNX export."""
    return False
