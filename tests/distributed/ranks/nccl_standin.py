"""Rank program: the NCCL engine's logic on the CPU, through a stand-in for CuPy's ``cupy.cuda.nccl``.

There is no GPU here, so the stand-in implements the binding's API (``get_unique_id``,
``NcclCommunicator`` with device pointers, ``groupStart``/``groupEnd``, the ``NCCL_*`` constants) with
mpi4py on host memory.  This checks what the engine computes (pointers, counts, offsets, roots, dtype and
op constants, grouped point-to-point), not NCCL itself, which stays unverified until run on GPUs.
"""
import ctypes

import ember
import ember.distributed as dist
import numpy as np
from ember.distributed._nccl import NcclEngine, nccl_engine
from mpi4py import MPI


class StandInNccl:
    """The subset of ``cupy.cuda.nccl`` the engine uses, over MPI; buffers are host addresses."""

    NCCL_FLOAT32, NCCL_FLOAT64, NCCL_FLOAT16, NCCL_BFLOAT16 = "float32", "float64", "float16", "uint16"
    NCCL_INT32, NCCL_INT64, NCCL_INT8, NCCL_UINT8 = "int32", "int64", "int8", "uint8"
    NCCL_SUM, NCCL_PROD, NCCL_MIN, NCCL_MAX, NCCL_AVG = "SUM", "PROD", "MIN", "MAX", "AVG"
    pending = None

    @staticmethod
    def get_unique_id():
        return (7, 7, 7)

    @classmethod
    def groupStart(cls):
        cls.pending = []

    @classmethod
    def groupEnd(cls):
        MPI.Request.Waitall([start() for start in cls.pending])
        cls.pending = None

    class NcclCommunicator:
        def __init__(self, ndev, uid, rank):
            self.comm = MPI.COMM_WORLD
            assert (ndev, rank) == (self.comm.Get_size(), self.comm.Get_rank()) and uid == (7, 7, 7)

        @staticmethod
        def _array(ptr, count, dtype):
            dt = np.dtype(dtype)
            return np.ctypeslib.as_array((ctypes.c_byte * (count * dt.itemsize)).from_address(ptr)).view(dt)

        def _reduce(self, send, recv, count, dtype, op, root=None):
            a, b = self._array(send, count, dtype), self._array(recv, count, dtype)
            mpi_op = getattr(MPI, {"AVG": "SUM"}.get(op, op))
            sendbuf = MPI.IN_PLACE if send == recv and (root is None or self.comm.rank == root) else a
            if root is None:
                self.comm.Allreduce(sendbuf, b, mpi_op)
            else:
                self.comm.Reduce(sendbuf, b if self.comm.rank == root else None, mpi_op, root)
            if op == "AVG" and (root is None or self.comm.rank == root):
                b /= self.comm.Get_size()

        def allReduce(self, send, recv, count, dtype, op, stream):
            self._reduce(send, recv, count, dtype, op)

        def reduce(self, send, recv, count, dtype, op, root, stream):
            self._reduce(send, recv, count, dtype, op, root)

        def broadcast(self, send, recv, count, dtype, root, stream):
            self.comm.Bcast(self._array(recv, count, dtype), root)

        def allGather(self, send, recv, count, dtype, stream):
            n = self.comm.Get_size()
            self.comm.Allgather(self._array(send, count, dtype), self._array(recv, count * n, dtype))

        def reduceScatter(self, send, recv, recvcount, dtype, op, stream):
            n = self.comm.Get_size()
            full = self._array(send, recvcount * n, dtype).copy()
            self.comm.Allreduce(MPI.IN_PLACE, full, getattr(MPI, op))
            self._array(recv, recvcount, dtype)[:] = full[self.comm.rank * recvcount:][:recvcount]

        def send(self, ptr, count, dtype, peer, stream):
            buf = self._array(ptr, count, dtype)
            StandInNccl.pending.append(lambda: self.comm.Isend(buf, peer))

        def recv(self, ptr, count, dtype, peer, stream):
            buf = self._array(ptr, count, dtype)
            StandInNccl.pending.append(lambda: self.comm.Irecv(buf, peer))

        def destroy(self):
            pass


dist.init_process_group("nccl")
r, n = dist.get_rank(), dist.get_world_size()
total = n * (n - 1) / 2
assert dist.get_backend() == "nccl"
# host tensors of an nccl group still go through MPI
t = ember.ones(3)
dist.all_reduce(t)
assert t.tolist() == [float(n)] * 3
try:
    nccl_engine(dist.group.WORLD)
except RuntimeError as e:
    assert "GPU backend" in str(e), str(e)
else:
    raise AssertionError("without a GPU backend offering NCCL, the nccl engine must not open")

engine = NcclEngine(dist.group.WORLD.comm, StandInNccl, lambda: 0)
t = ember.tensor([r + 1.0, 2.0])
engine.all_reduce(t, dist.ReduceOp.SUM, False)
assert t.tolist() == [total + n, 2.0 * n], t.tolist()
t = ember.full((2,), float(r), dtype=ember.float64)
assert engine.all_reduce(t, dist.ReduceOp.AVG, True).wait()
assert t.tolist() == [total / n] * 2, t.tolist()
strided = (ember.arange(6, dtype=ember.int64).reshape(2, 3) * (r + 1)).t()
engine.all_reduce(strided, dist.ReduceOp.MAX, False)
assert strided.tolist() == [[0, 3 * n], [n, 4 * n], [2 * n, 5 * n]], strided.tolist()
t = ember.full((2,), float(r))
engine.broadcast(t, n - 1, False)
assert t.tolist() == [n - 1.0] * 2
t = ember.full((2,), float(r + 1))
engine.reduce(t, 0, dist.ReduceOp.SUM, False)
assert t.tolist() == ([total + n] * 2 if r == 0 else [r + 1.0] * 2), t.tolist()
out = ember.zeros(n, 2)
engine.all_gather_into(out, ember.full((2,), float(r)), False)
assert out.tolist() == [[float(k)] * 2 for k in range(n)]
o = ember.zeros(2)
engine.reduce_scatter(o, ember.arange(2.0 * n), dist.ReduceOp.SUM, False)
assert o.tolist() == [n * (2.0 * r + j) for j in range(2)], o.tolist()
stacked = ember.zeros(n, 3) if r == 0 else None
engine.gather(ember.full((3,), float(r)), stacked, 0, False)
assert r != 0 or stacked.tolist() == [[float(k)] * 3 for k in range(n)]
s = ember.zeros(2)
engine.scatter(s, ember.arange(2.0 * n).reshape(n, 2) if r == 0 else None, 0, False)
assert s.tolist() == [2.0 * r, 2.0 * r + 1]
out = ember.zeros(2 * n)
engine.all_to_all(out, ember.arange(2.0 * n) + 100 * r, [2] * n, [2] * n, False)
assert out.tolist() == [100.0 * k + 2 * r + j for k in range(n) for j in range(2)], out.tolist()
h = ember.ones(4, dtype=ember.bfloat16) * (r + 1)
engine.broadcast(h, 0, False)
assert h.tolist() == [1.0] * 4
try:
    engine.all_reduce(ember.ones(1, dtype=ember.int16), dist.ReduceOp.SUM, False)
except RuntimeError as e:
    assert "NCCL cannot move" in str(e) and "int16" in str(e)
else:
    raise AssertionError("int16 has no NCCL type")
try:
    engine.all_reduce(ember.ones(1, dtype=ember.int64), dist.ReduceOp.BXOR, False)
except RuntimeError as e:
    assert "NCCL has no BXOR" in str(e)
else:
    raise AssertionError("NCCL has no bitwise reductions")
engine.close()
dist.destroy_process_group()
print(f"DONE rank {r}", flush=True)
