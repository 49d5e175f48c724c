"""The NCCL engine: GPU tensors of an ``nccl`` group through the GPU backend's NCCL binding.

The binding is CuPy's ``cupy.cuda.nccl``, reached through the GPU backend's device API (the
``ember_device_api`` hook): its ``"nccl"`` entry returns the binding module (``get_unique_id``,
``NcclCommunicator``, ``groupStart``/``groupEnd`` and the ``NCCL_*`` constants; None when NCCL is
missing) and ``"current_stream"`` returns the handle of the stream ember's kernels run on.  Rank 0 makes
the NCCL unique id and MPI broadcasts it, so the MPI launcher is the only rendezvous.  Tensors are passed
by ``data_ptr()``; NCCL calls are queued on the current stream, so later kernels see their results without a host sync.

Status: exercised on the CPU with a stand-in binding (tests/distributed); not yet run on a GPU.
"""
from __future__ import annotations

from ._group import RedOpType, Work

_DTYPES = {"float32": "NCCL_FLOAT32", "float64": "NCCL_FLOAT64", "float16": "NCCL_FLOAT16",
           "bfloat16": "NCCL_BFLOAT16", "int32": "NCCL_INT32", "int64": "NCCL_INT64", "int8": "NCCL_INT8",
           "uint8": "NCCL_UINT8", "bool": "NCCL_UINT8"}
_OPS = {RedOpType.SUM: "NCCL_SUM", RedOpType.AVG: "NCCL_AVG", RedOpType.PRODUCT: "NCCL_PROD",
        RedOpType.MIN: "NCCL_MIN", RedOpType.MAX: "NCCL_MAX"}


def nccl_engine(group):
    """The group's NCCL engine, opened on first use (collective over the group's ranks)."""
    if group.nccl is None:
        from ..cuda import _device_fn
        get_binding, stream = _device_fn("nccl"), _device_fn("current_stream")
        binding = get_binding() if get_binding is not None else None
        if binding is None or stream is None:
            raise RuntimeError("the 'nccl' backend needs a GPU backend whose device API offers NCCL ('nccl' and "
                               "'current_stream' entries of ember_device_api; the CuPy backend provides them); "
                               "use backend='mpi' to move GPU tensors through host memory instead")
        group.nccl = NcclEngine(group.comm, binding, stream)
    return group.nccl


class _Device:
    """``t``'s contiguous device memory for NCCL; ``done()`` writes a staged copy back into ``t``."""

    def __init__(self, nccl, t, write: bool = True):
        self.t = t
        d = t.detach()
        self.staged = not d.is_contiguous()
        self.d = d.contiguous() if self.staged else d
        self.write = write
        name = _DTYPES.get(t.dtype.name)
        if name is None:
            raise RuntimeError(f"NCCL cannot move {t.dtype} tensors (supported: {sorted(_DTYPES)})")
        self.dtype = getattr(nccl, name)
        self.count = t.numel()
        self.ptr = self.d.data_ptr()

    def at(self, elements: int) -> int:
        """The address ``elements`` elements into the buffer."""
        return self.ptr + elements * self.t.dtype.itemsize

    def done(self) -> None:
        if not self.write:
            return
        if self.staged:
            from ..autograd.grad_mode import no_grad
            with no_grad():
                self.t.detach().copy_(self.d)
        else:
            self.t._bump_version()


class NcclEngine:
    """Collectives of one NCCL communicator (same methods as the MPI engine; ranks are group ranks)."""

    def __init__(self, comm, nccl, current_stream):
        self.nccl = nccl
        self.stream = current_stream
        self.rank, self.size = comm.Get_rank(), comm.Get_size()
        uid = comm.bcast(nccl.get_unique_id() if self.rank == 0 else None, 0)
        self.comm = nccl.NcclCommunicator(self.size, uid, self.rank)

    def _op(self, op):
        name = _OPS.get(op)
        if name is None:
            raise RuntimeError(f"NCCL has no {op.name} reduction (supported: SUM, AVG, PRODUCT, MIN, MAX)")
        return getattr(self.nccl, name)

    def _queued(self, finish, async_op):
        # the write-back copies are queued on the same stream, after the NCCL kernel
        for fn in finish:
            fn()
        return Work() if async_op else None

    def all_reduce(self, t, op, async_op):
        h = _Device(self.nccl, t)
        self.comm.allReduce(h.ptr, h.ptr, h.count, h.dtype, self._op(op), self.stream())
        return self._queued([h.done], async_op)

    def broadcast(self, t, root, async_op):
        h = _Device(self.nccl, t, write=self.rank != root)
        self.comm.broadcast(h.ptr, h.ptr, h.count, h.dtype, root, self.stream())
        return self._queued([h.done], async_op)

    def reduce(self, t, root, op, async_op):
        h = _Device(self.nccl, t, write=self.rank == root)
        self.comm.reduce(h.ptr, h.ptr, h.count, h.dtype, self._op(op), root, self.stream())
        return self._queued([h.done], async_op)

    def all_gather_into(self, out, inp, async_op):
        src, dst = _Device(self.nccl, inp, write=False), _Device(self.nccl, out)
        self.comm.allGather(src.ptr, dst.ptr, src.count, src.dtype, self.stream())
        return self._queued([dst.done], async_op)

    def reduce_scatter(self, out, inp, op, async_op):
        src, dst = _Device(self.nccl, inp, write=False), _Device(self.nccl, out)
        self.comm.reduceScatter(src.ptr, dst.ptr, dst.count, src.dtype, self._op(op), self.stream())
        return self._queued([dst.done], async_op)

    def _exchange(self, sends, recvs):
        """Grouped point-to-point: ``sends``/``recvs`` are (address, count, dtype, peer) tuples."""
        stream = self.stream()
        self.nccl.groupStart()
        for ptr, count, dtype, peer in sends:
            self.comm.send(ptr, count, dtype, peer, stream)
        for ptr, count, dtype, peer in recvs:
            self.comm.recv(ptr, count, dtype, peer, stream)
        self.nccl.groupEnd()

    def gather(self, inp, out, root, async_op):
        src = _Device(self.nccl, inp, write=False)
        dst = _Device(self.nccl, out) if out is not None else None
        recvs = [(dst.at(r * src.count), src.count, src.dtype, r) for r in range(self.size)] if dst else []
        self._exchange([(src.ptr, src.count, src.dtype, root)], recvs)
        return self._queued([dst.done] if dst else [], async_op)

    def scatter(self, out, inp, root, async_op):
        dst = _Device(self.nccl, out)
        src = _Device(self.nccl, inp, write=False) if inp is not None else None
        sends = [(src.at(r * dst.count), dst.count, dst.dtype, r) for r in range(self.size)] if src else []
        self._exchange(sends, [(dst.ptr, dst.count, dst.dtype, root)])
        return self._queued([dst.done], async_op)

    def all_to_all(self, out, inp, out_counts, in_counts, async_op):
        src, dst = _Device(self.nccl, inp, write=False), _Device(self.nccl, out)
        sends = [(src.at(sum(in_counts[:r])), in_counts[r], src.dtype, r) for r in range(self.size)]
        recvs = [(dst.at(sum(out_counts[:r])), out_counts[r], dst.dtype, r) for r in range(self.size)]
        self._exchange(sends, recvs)
        return self._queued([dst.done], async_op)

    def send(self, t, dst, tag, async_op):
        h = _Device(self.nccl, t, write=False)
        self.comm.send(h.ptr, h.count, h.dtype, dst, self.stream())
        return self._queued([], async_op)

    def recv(self, t, src, tag, async_op):
        if src is None:
            raise ValueError("recv(): NCCL needs an explicit src rank (it cannot receive from any source)")
        h = _Device(self.nccl, t)
        self.comm.recv(h.ptr, h.count, h.dtype, src, self.stream())
        result = self._queued([h.done], async_op)
        return result if async_op else src

    def close(self) -> None:
        self.comm.destroy()
