"""``ember.distributed`` (``torch.distributed``): multi-process training on MPI (CPU) and NCCL (GPU).

ember runs on existing distributed engines: MPI through mpi4py for host tensors, NCCL through the GPU
backend (CuPy) for GPU tensors.  Install them with ``pip install "ember[distributed]"`` and launch with the
MPI launcher (the ranks come from the MPI communicator, no address or port is needed)::

    mpirun -n 2 python train.py
    python -m ember.distributed.run --nproc-per-node 2 train.py   # starts mpiexec for you

    # train.py
    import ember.distributed as dist
    dist.init_process_group("mpi")
    t = ember.ones(3) * dist.get_rank()
    dist.all_reduce(t)                      # every rank now holds the sum over the ranks

An uncaught exception on any rank, once the process group exists, prints its traceback and aborts the
whole job (MPI_Abort) instead of leaving the other ranks waiting.
"""
from __future__ import annotations

import datetime
import importlib.util

from ._collectives import (
    _NOT_INITIALIZED,
    all_gather,
    all_gather_into_tensor,
    all_gather_object,
    all_reduce,
    all_to_all_single,
    barrier,
    broadcast,
    broadcast_object_list,
    gather,
    gather_object,
    irecv,
    isend,
    recv,
    reduce,
    reduce_scatter_tensor,
    resolve_group,
    scatter,
    scatter_object_list,
    send,
)
from ._group import (
    Backend,
    DistError,
    DistStoreError,
    GroupMember,
    ProcessGroup,
    RedOpType,
    ReduceOp,
    Work,
    default_pg_timeout,
    install_abort_hook,
    poll_until,
)

__all__ = [
    "Backend",
    "DistError",
    "DistStoreError",
    "GroupMember",
    "ProcessGroup",
    "RedOpType",
    "ReduceOp",
    "Work",
    "all_gather",
    "all_gather_into_tensor",
    "all_gather_object",
    "all_reduce",
    "all_to_all_single",
    "barrier",
    "broadcast",
    "broadcast_object_list",
    "default_pg_timeout",
    "destroy_process_group",
    "gather",
    "gather_object",
    "get_backend",
    "get_process_group_ranks",
    "get_rank",
    "get_world_size",
    "group",
    "init_process_group",
    "irecv",
    "is_available",
    "is_initialized",
    "is_mpi_available",
    "is_nccl_available",
    "isend",
    "new_group",
    "recv",
    "reduce",
    "reduce_scatter_tensor",
    "scatter",
    "scatter_object_list",
    "send",
]

group = GroupMember  # ``dist.group.WORLD`` as in PyTorch

_INIT_METHODS = (None, "env://", "mpi://")


def is_available() -> bool:
    """True when mpi4py (the MPI engine) is installed; ``pip install "ember[distributed]"`` provides it."""
    return importlib.util.find_spec("mpi4py") is not None


is_mpi_available = is_available


def is_nccl_available() -> bool:
    """True when a GPU backend offers NCCL (its device API's ``nccl`` entry returns a binding)."""
    from ..cuda import _device_fn
    get_binding = _device_fn("nccl")
    return get_binding is not None and get_binding() is not None


def is_initialized() -> bool:
    """True between ``init_process_group`` and ``destroy_process_group``."""
    return GroupMember.WORLD is not None


def _mpi_module():
    if not is_available():
        raise RuntimeError("ember.distributed needs mpi4py and an MPI library: pip install \"ember[distributed]\" "
                           "(or pip install mpi4py mpich)")
    from mpi4py import MPI
    return MPI


def init_process_group(backend: str | None = None, init_method: str | None = None,
                       timeout: datetime.timedelta | None = None, world_size: int = -1, rank: int = -1,
                       store=None, group_name: str = "", pg_options=None, device_id=None) -> None:
    """Join the default process group: every rank started by the MPI launcher must call this.

    ``backend`` is ``"mpi"`` (the default) or ``"nccl"`` (GPU tensors through NCCL; host tensors still go
    through MPI).  The ranks and world size come from ``MPI_COMM_WORLD``; ``world_size``/``rank``, when
    given, must agree with it.  A rank that has not joined within ``timeout`` (default 30 minutes) makes
    the others raise ``DistStoreError`` and the job abort.
    """
    if GroupMember.WORLD is not None:
        raise ValueError("trying to initialize the default process group twice!")
    backend = Backend(backend if backend is not None else Backend.MPI)
    if init_method not in _INIT_METHODS:
        raise ValueError(f"init_process_group(): init_method={init_method!r} is not supported: ember takes the "
                         f"ranks from the MPI launcher (mpirun/mpiexec, or python -m ember.distributed.run), so "
                         f"leave init_method as None or 'env://'")
    if store is not None:
        raise ValueError("init_process_group(): store is not supported; the ranks meet through MPI")
    timeout = _check_timeout(timeout, "init_process_group")
    MPI = _mpi_module()
    world = MPI.COMM_WORLD
    size, me = world.Get_size(), world.Get_rank()
    if world_size not in (-1, size):
        raise ValueError(f"init_process_group(): world_size={world_size} but the MPI launcher started {size} "
                         f"process(es); start them with mpirun -n {world_size}, or leave world_size=-1")
    if rank not in (-1, me):
        raise ValueError(f"init_process_group(): rank={rank} but MPI gives this process rank {me}; leave rank=-1")
    comm, request = world.Idup()
    install_abort_hook(world)
    poll_until(request.Test, timeout, f"init_process_group(): timed out after {{}} waiting for all {size} ranks "
               f"to call init_process_group (this is rank {me}); a rank failed or is still busy", DistStoreError)
    GroupMember.WORLD = ProcessGroup(comm, backend, list(range(size)), timeout)


def _check_timeout(timeout, fname: str) -> datetime.timedelta:
    if timeout is None:
        return default_pg_timeout
    if not isinstance(timeout, datetime.timedelta):
        raise TypeError(f"{fname}(): Expected timeout argument to be of type datetime.timedelta, got "
                        f"{type(timeout).__name__}")
    return timeout


def destroy_process_group(group: ProcessGroup | None = None) -> None:
    """Release ``group`` (default: the default group, and with it the whole package state)."""
    if GroupMember.WORLD is None:
        raise ValueError(_NOT_INITIALIZED)
    g = GroupMember.WORLD if group is None else group
    if g is GroupMember.NON_GROUP_MEMBER or g == GroupMember.NON_GROUP_MEMBER:
        return
    if g.nccl is not None:
        g.nccl.close()
    g.comm.Free()
    if group is None or g is GroupMember.WORLD:
        GroupMember.WORLD = None


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization: bool = False,
              group_desc=None, device_id=None, sort_ranks: bool = True):
    """A group of the given global ``ranks`` (default: all); every rank must call it, members or not.

    Returns the new ProcessGroup on its members and ``GroupMember.NON_GROUP_MEMBER`` elsewhere.
    """
    world = resolve_group(None, "new_group")
    size = world.size()
    if ranks is None:
        ranks = list(range(size))
    ranks = list(ranks)
    bad = [r for r in ranks if not isinstance(r, int) or isinstance(r, bool) or not 0 <= r < size]
    if bad or len(set(ranks)) != len(ranks):
        raise ValueError(f"new_group(): ranks must be distinct global ranks in [0, {size - 1}], got {ranks}")
    if sort_ranks:
        ranks = sorted(ranks)
    me = world.rank()
    MPI = _mpi_module()
    member = me in ranks
    comm = world.comm.Split(0 if member else MPI.UNDEFINED, ranks.index(me) if member else 0)
    if not member:
        return GroupMember.NON_GROUP_MEMBER
    timeout = _check_timeout(timeout, "new_group") if timeout is not None else world.timeout
    return ProcessGroup(comm, Backend(backend) if backend is not None else world.backend, ranks, timeout)


def get_rank(group: ProcessGroup | None = None) -> int:
    """This process's rank in ``group`` (default: the world); -1 when it is not a member."""
    g = _member_or_none(group)
    return g.rank() if g is not None else -1


def get_world_size(group: ProcessGroup | None = None) -> int:
    """The number of ranks in ``group`` (default: the world); -1 when this process is not a member."""
    g = _member_or_none(group)
    return g.size() if g is not None else -1


def _member_or_none(group):
    if GroupMember.WORLD is None:
        raise ValueError(_NOT_INITIALIZED)
    g = GroupMember.WORLD if group is None else group
    return None if g is GroupMember.NON_GROUP_MEMBER or g == GroupMember.NON_GROUP_MEMBER else g


def get_backend(group: ProcessGroup | None = None) -> Backend:
    """The backend name of ``group`` (default: the world): ``"mpi"`` or ``"nccl"``."""
    g = _member_or_none(group)
    if g is None:
        raise ValueError("Invalid process group specified")
    return g.backend


def get_process_group_ranks(group: ProcessGroup) -> list:
    """The global ranks of ``group``'s members, in group-rank order."""
    g = _member_or_none(group)
    if g is None:
        raise ValueError("Invalid process group specified")
    return list(g.ranks)
