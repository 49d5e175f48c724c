"""Process groups, reduction ops, backends and work handles: the state behind ``ember.distributed``.

The world communicator comes from MPI (mpi4py): ``mpirun -n N python train.py`` (or
``python -m ember.distributed.run``) sets the ranks, so no rendezvous store is needed.  Every group keeps
its MPI communicator; a group created with the ``nccl`` backend also opens an NCCL communicator (its
unique id is broadcast over MPI) and sends GPU tensors through it.
"""
from __future__ import annotations

import datetime
import enum
import sys
import time
import traceback

__all__ = [
    "Backend",
    "DistError",
    "DistStoreError",
    "GroupMember",
    "ProcessGroup",
    "RedOpType",
    "ReduceOp",
    "Work",
    "default_pg_timeout",
]

default_pg_timeout = datetime.timedelta(minutes=30)


class DistError(RuntimeError):
    """An error of the distributed runtime (``torch.distributed.DistError``)."""


class DistStoreError(DistError):
    """The ranks could not meet: a rank did not reach ``init_process_group`` before the timeout."""


class RedOpType(enum.IntEnum):
    """The reduction of a collective; ``ReduceOp.SUM`` and friends are its members (as in PyTorch)."""

    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7


class ReduceOp:
    """``ReduceOp.SUM``, ``AVG``, ``PRODUCT``, ``MIN``, ``MAX`` (and the bitwise ``BAND``/``BOR``/``BXOR``)."""

    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR


def as_reduce_op(op, fname: str) -> RedOpType:
    if isinstance(op, RedOpType):
        return op
    raise TypeError(f"{fname}(): op must be a ReduceOp (ReduceOp.SUM, AVG, PRODUCT, MIN, MAX), got {op!r}")


class Backend(str):
    """A communication backend name: ``Backend("MPI") == Backend.MPI == "mpi"``."""

    MPI = "mpi"
    NCCL = "nccl"
    GLOO = "gloo"
    UNDEFINED = "undefined"

    def __new__(cls, name: str):
        if not isinstance(name, str):
            raise ValueError(f"Backend name must be a string, but got: {name!r}")
        value = name.lower()
        if value not in (cls.MPI, cls.NCCL):
            raise ValueError(f"Invalid backend: {name!r}. ember.distributed runs on 'mpi' (CPU tensors, through "
                             f"mpi4py) and 'nccl' (GPU tensors, through CuPy's NCCL); 'gloo' is not available.")
        return super().__new__(cls, value)


class ProcessGroup:
    """A set of ranks with its communicators: ``rank()``/``size()`` are this process's place in it."""

    def __init__(self, comm, backend: Backend, ranks: list, timeout: datetime.timedelta):
        self.comm = comm  # mpi4py communicator
        self.backend = backend
        self.ranks = list(ranks)  # global rank of each group rank
        self.timeout = timeout
        self.mpi = None  # MpiEngine, made on first use
        self.nccl = None  # NcclEngine, opened on the first GPU collective of an "nccl" group

    def rank(self) -> int:
        return self.comm.Get_rank()

    def size(self) -> int:
        return self.comm.Get_size()

    def group_rank(self, global_rank: int, what: str, fname: str) -> int:
        """The rank in this group of global rank ``global_rank`` (a ``src``/``dst`` argument)."""
        if not isinstance(global_rank, int) or isinstance(global_rank, bool):
            raise TypeError(f"{fname}(): {what} must be an int rank, got {global_rank!r}")
        try:
            return self.ranks.index(global_rank)
        except ValueError:
            raise ValueError(f"{fname}(): {what}={global_rank} is not a rank of the group (global ranks "
                             f"{self.ranks})") from None

    def __repr__(self) -> str:
        return f"ProcessGroup(backend={self.backend!r}, ranks={self.ranks}, rank={self.rank()})"


class GroupMember:
    """``GroupMember.WORLD`` is the default group once initialised; ``NON_GROUP_MEMBER`` is what
    ``new_group`` returns on ranks left out of the new group."""

    WORLD: ProcessGroup | None = None
    NON_GROUP_MEMBER = -100


class Work:
    """The handle an ``async_op=True`` collective returns: ``wait()`` blocks until it is done and the
    result is in the output tensors; ``is_completed()`` polls."""

    def __init__(self, requests=(), finish=(), test=None, wait=None):
        self._requests = list(requests)  # MPI requests
        self._finish = list(finish)  # callbacks run once, after completion (write-back, AVG division)
        self._test = test
        self._wait = wait
        self._done = False

    def _complete(self) -> None:
        self._done = True
        for fn in self._finish:
            fn()
        self._finish = []

    def is_completed(self) -> bool:
        if self._done:
            return True
        if self._requests:
            from mpi4py import MPI
            if not MPI.Request.Testall(self._requests):
                return False
        if self._test is not None and not self._test():
            return False
        self._complete()
        return True

    def wait(self, timeout: datetime.timedelta | None = None) -> bool:
        if self._done:
            return True
        if self._requests:
            from mpi4py import MPI
            if timeout is None:
                MPI.Request.Waitall(self._requests)
            else:
                poll_until(lambda: MPI.Request.Testall(self._requests), timeout,
                           "Work.wait(): timed out after {} waiting for the collective")
        if self._wait is not None:
            self._wait()
        self._complete()
        return True

    def is_success(self) -> bool:
        return self.is_completed()


def poll_until(test, timeout: datetime.timedelta, message: str, error=DistError) -> None:
    """Call ``test()`` until it is true; raise ``error(message.format(timeout))`` once ``timeout`` has passed."""
    deadline = time.monotonic() + timeout.total_seconds()
    pause = 0.0
    while not test():
        if time.monotonic() > deadline:
            raise error(message.format(f"{timeout.total_seconds():g} s"))
        time.sleep(pause)
        pause = min(0.005, pause + 0.0001)  # spin first (collectives are usually quick), then yield the core


def install_abort_hook(comm) -> None:
    """Make an uncaught exception on any rank end the whole job (MPI_Abort) after printing it.

    Without this, the other ranks would wait forever in their next collective for the rank that died.
    """
    previous = sys.excepthook
    if getattr(previous, "_ember_abort", False):
        return

    def hook(etype, value, tb):
        rank = comm.Get_rank()
        sys.stderr.write(f"[ember.distributed rank {rank}] uncaught exception; aborting the job:\n")
        sys.stderr.write("".join(traceback.format_exception(etype, value, tb)))
        sys.stderr.flush()
        sys.stdout.flush()
        comm.Abort(1)

    hook._ember_abort = True
    sys.excepthook = hook
