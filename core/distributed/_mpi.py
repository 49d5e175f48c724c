"""The MPI engine: ember tensors through mpi4py's buffer interface.

A contiguous tensor of a host-memory backend is handed to MPI as it is (its ``numpy()`` array shares the
storage), so MPI reads and writes the tensor's memory directly.  Anything else (a strided view, a GPU
tensor under the ``mpi`` backend, a float16/bfloat16 reduction, which MPI cannot add) goes through a
contiguous host copy that is written back when the operation completes.
"""
from __future__ import annotations

from ._group import RedOpType, Work, poll_until

# ember dtype name -> MPI datatype name. 16-bit floats travel as 16-bit integers (bit patterns) and are
# reduced in float32.
_TYPES = {"float32": "FLOAT", "float64": "DOUBLE", "int64": "INT64_T", "int32": "INT32_T", "int16": "INT16_T",
          "int8": "INT8_T", "uint8": "UINT8_T", "bool": "C_BOOL", "float16": "INT16_T", "bfloat16": "INT16_T"}
_OPS = {RedOpType.SUM: "SUM", RedOpType.AVG: "SUM", RedOpType.PRODUCT: "PROD", RedOpType.MIN: "MIN",
        RedOpType.MAX: "MAX", RedOpType.BAND: "BAND", RedOpType.BOR: "BOR", RedOpType.BXOR: "BXOR"}
_BOOL_OPS = {RedOpType.SUM: "LOR", RedOpType.MAX: "LOR", RedOpType.BOR: "LOR", RedOpType.PRODUCT: "LAND",
             RedOpType.MIN: "LAND", RedOpType.BAND: "LAND", RedOpType.BXOR: "LXOR"}
_HALF = ("float16", "bfloat16")


_MPI = []  # the mpi4py.MPI module once imported (importing it initialises MPI)


def mpi():
    if not _MPI:
        from mpi4py import MPI
        _MPI.append(MPI)
    return _MPI[0]


class _Host:
    """``t``'s data as a contiguous host array for MPI; ``done()`` writes a staged copy back into ``t``."""

    def __init__(self, t, *, reduce: bool = False, write: bool = True):
        self.t = t
        self.write = write
        b = t._backend
        name = t.dtype.name
        self.direct = b.spec.host_memory and not (reduce and name in _HALF) and b.table["is_contiguous"](t._data)
        if self.direct:  # the common case, kept cheap: MPI works on the tensor's own memory
            self.array = b.table["to_numpy"](t._data)
        else:
            d = t.detach()
            if reduce and name in _HALF:
                d = d.float()
            self.array = d.contiguous().numpy(force=True)
            name = d.dtype.name
        self.spec = [self.array, getattr(mpi(), _TYPES[name])]

    def done(self) -> None:
        if not self.write:
            return
        if self.direct:
            self.t._bump_version()
            return
        from ..autograd.grad_mode import no_grad
        from ..ops.creation import from_numpy
        with no_grad():
            self.t.detach().copy_(from_numpy(self.array))


def _op(op: RedOpType, dtype):
    return getattr(mpi(), (_BOOL_OPS if dtype.name == "bool" else _OPS)[op])


class MpiEngine:
    """Collectives of one group's MPI communicator on ember tensors (ranks are group ranks)."""

    def __init__(self, comm):
        self.comm = comm

    def _launch(self, async_op, blocking, nonblocking, args, finish):
        """Run ``blocking(*args)`` and the ``finish`` callbacks, or start ``nonblocking`` and return a Work."""
        if async_op:
            return Work([nonblocking(*args)], finish)
        blocking(*args)
        for fn in finish:
            fn()
        return None

    def _average(self, t):
        def fn():
            from ..autograd.grad_mode import no_grad
            with no_grad():
                t.detach().div_(self.comm.Get_size())
        return fn

    def all_reduce(self, t, op, async_op):
        MPI = mpi()
        h = _Host(t, reduce=True)
        finish = [h.done] + ([self._average(t)] if op is RedOpType.AVG else [])
        return self._launch(async_op, self.comm.Allreduce, self.comm.Iallreduce,
                            (MPI.IN_PLACE, h.spec, _op(op, t.dtype)), finish)

    def broadcast(self, t, root, async_op):
        h = _Host(t, write=self.comm.Get_rank() != root)
        return self._launch(async_op, self.comm.Bcast, self.comm.Ibcast, (h.spec, root), [h.done])

    def reduce(self, t, root, op, async_op):
        MPI = mpi()
        is_root = self.comm.Get_rank() == root
        h = _Host(t, reduce=True, write=is_root)
        send, recv = (MPI.IN_PLACE, h.spec) if is_root else (h.spec, None)
        finish = [h.done] + ([self._average(t)] if op is RedOpType.AVG and is_root else [])
        return self._launch(async_op, self.comm.Reduce, self.comm.Ireduce,
                            (send, recv, _op(op, t.dtype), root), finish)

    def all_gather_into(self, out, inp, async_op):
        src, dst = _Host(inp, write=False), _Host(out)
        return self._launch(async_op, self.comm.Allgather, self.comm.Iallgather, (src.spec, dst.spec), [dst.done])

    def reduce_scatter(self, out, inp, op, async_op):
        src, dst = _Host(inp, reduce=True, write=False), _Host(out, reduce=True)
        finish = [dst.done] + ([self._average(out)] if op is RedOpType.AVG else [])
        return self._launch(async_op, self.comm.Reduce_scatter_block, self.comm.Ireduce_scatter_block,
                            (src.spec, dst.spec, _op(op, inp.dtype)), finish)

    def gather(self, inp, out, root, async_op):
        src = _Host(inp, write=False)
        dst = _Host(out) if out is not None else None
        return self._launch(async_op, self.comm.Gather, self.comm.Igather,
                            (src.spec, dst.spec if dst else None, root), [dst.done] if dst else [])

    def scatter(self, out, inp, root, async_op):
        src = _Host(inp, write=False) if inp is not None else None
        dst = _Host(out)
        return self._launch(async_op, self.comm.Scatter, self.comm.Iscatter,
                            (src.spec if src else None, dst.spec, root), [dst.done])

    def all_to_all(self, out, inp, out_counts, in_counts, async_op):
        src, dst = _Host(inp, write=False), _Host(out)

        def spec(h, counts):
            displs = [sum(counts[:i]) for i in range(len(counts))]
            return [h.array, (list(counts), displs), h.spec[1]]
        return self._launch(async_op, self.comm.Alltoallv, self.comm.Ialltoallv,
                            (spec(src, in_counts), spec(dst, out_counts)), [dst.done])

    def send(self, t, dst, tag, async_op):
        h = _Host(t, write=False)
        return self._launch(async_op, self.comm.Send, self.comm.Isend, (h.spec, dst, tag), [])

    def recv(self, t, src, tag, async_op):
        """Receive into ``t``; returns the sender's group rank (blocking) or a Work (async)."""
        MPI = mpi()
        h = _Host(t)
        source = MPI.ANY_SOURCE if src is None else src
        if async_op:
            return Work([self.comm.Irecv(h.spec, source, tag)], [h.done])
        status = MPI.Status()
        self.comm.Probe(source, tag, status)
        got, want = status.Get_count(MPI.BYTE), t.numel() * t.dtype.itemsize
        if got != want:
            raise RuntimeError(f"recv(): the message from rank {status.Get_source()} holds {got} bytes, but the "
                               f"receiving tensor ({t.dtype}, shape {list(t.shape)}) holds {want} bytes: send "
                               f"and recv tensors must have the same number of elements and dtype")
        self.comm.Recv(h.spec, status.Get_source(), tag)
        h.done()
        return status.Get_source()

    def barrier(self, timeout, async_op):
        request = self.comm.Ibarrier()
        if async_op:
            return Work([request])
        poll_until(request.Test, timeout, "barrier(): timed out after {} waiting for the other ranks")
        return None
