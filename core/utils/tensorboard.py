"""``ember.utils.tensorboard`` (``torch.utils.tensorboard``): TensorBoard event files.

Like PyTorch, importing this module needs the ``tensorboard`` package (without it the import fails with
the same ``ModuleNotFoundError``). :class:`SummaryWriter` writes through TensorBoard's own event-file
writer and supports ``add_scalar``, ``add_scalars`` and ``add_text``; its other ``add_*`` methods
(images, histograms, graphs...) raise ``NotImplementedError``.
"""
from __future__ import annotations

import os
import socket
import time
from datetime import datetime

import tensorboard

if tuple(int(p) for p in tensorboard.__version__.split(".")[:2] if p.isdigit()) < (1, 15):
    raise ImportError("TensorBoard logging requires TensorBoard version 1.15 or above")

from tensorboard.compat.proto.event_pb2 import Event, SessionLog  # noqa: E402
from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata  # noqa: E402
from tensorboard.compat.proto.tensor_pb2 import TensorProto  # noqa: E402
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto  # noqa: E402
from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData  # noqa: E402
from tensorboard.summary.writer.event_file_writer import EventFileWriter  # noqa: E402

__all__ = ["SummaryWriter"]


def _scalar(value) -> float:
    if hasattr(value, "item"):
        if getattr(value, "numel", lambda: 1)() != 1:
            raise ValueError(f"add_scalar(): scalar_value must hold one element, got shape {tuple(value.shape)}")
        value = value.item()
    return float(value)


class SummaryWriter:
    """Write scalars and text for TensorBoard into ``log_dir`` (default ``runs/<time>_<host><comment>``).

        with SummaryWriter("runs/exp1") as w:
            w.add_scalar("loss/train", loss.item(), step)
    """

    def __init__(self, log_dir=None, comment: str = "", purge_step=None, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", stamp + "_" + socket.gethostname() + comment)
        self.log_dir = os.fspath(log_dir)
        self._options = dict(max_queue_size=max_queue, flush_secs=flush_secs, filename_suffix=filename_suffix)
        self.file_writer = EventFileWriter(self.log_dir, **self._options)
        self.all_writers = {self.log_dir: self.file_writer}
        if purge_step is not None:
            self.file_writer.add_event(Event(step=purge_step, session_log=SessionLog(status=SessionLog.START)))

    def get_logdir(self) -> str:
        return self.log_dir

    def _write(self, writer, summary, global_step, walltime):
        event = Event(summary=summary, wall_time=time.time() if walltime is None else walltime)
        if global_step is not None:
            event.step = int(global_step)
        writer.add_event(event)

    def add_scalar(self, tag: str, scalar_value, global_step=None, walltime=None, new_style: bool = False,
                   double_precision: bool = False) -> None:
        """Log one number (a Python number or a one-element tensor) under ``tag`` at ``global_step``."""
        if new_style:
            raise NotImplementedError("SummaryWriter.add_scalar(new_style=True) is not implemented by ember; "
                                      "use the default new_style=False")
        summary = Summary(value=[Summary.Value(tag=tag, simple_value=_scalar(scalar_value))])
        self._write(self.file_writer, summary, global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step=None, walltime=None) -> None:
        """Log several curves on one chart: each key goes to the run ``<log_dir>/<main_tag>_<key>``."""
        for tag, value in tag_scalar_dict.items():
            path = os.path.join(self.log_dir, main_tag.replace("/", "_") + "_" + tag)
            writer = self.all_writers.get(path)
            if writer is None:
                writer = self.all_writers[path] = EventFileWriter(path, **self._options)
            summary = Summary(value=[Summary.Value(tag=main_tag, simple_value=_scalar(value))])
            self._write(writer, summary, global_step, walltime)

    def add_text(self, tag: str, text_string: str, global_step=None, walltime=None) -> None:
        """Log a (Markdown) string, shown in TensorBoard's Text tab."""
        meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
            plugin_name="text", content=TextPluginData(version=0).SerializeToString()))
        tensor = TensorProto(dtype="DT_STRING", string_val=[text_string.encode("utf_8")],
                             tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
        summary = Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=meta, tensor=tensor)])
        self._write(self.file_writer, summary, global_step, walltime)

    def __getattr__(self, name):
        if name.startswith("add_"):
            raise NotImplementedError(f"SummaryWriter.{name}() is not implemented by ember; add_scalar, add_scalars "
                                      f"and add_text are")
        raise AttributeError(f"'SummaryWriter' object has no attribute '{name}'")

    def flush(self) -> None:
        for w in self.all_writers.values():
            w.flush()

    def close(self) -> None:
        for w in self.all_writers.values():
            w.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()
