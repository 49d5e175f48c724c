"""Tensor and object collectives under ``torch.distributed``'s names and semantics.

Each function checks its arguments, checks (with one 16-byte all-reduce) that every rank passed tensors of
the same dtype and shape where the collective needs that, then hands the tensors to the group's engine:
host tensors go through MPI, GPU tensors through NCCL when the group was created with ``backend="nccl"``
(else through MPI via a host copy).  ``src``/``dst`` are global ranks, ``group_src``/``group_dst`` ranks
within ``group``, as in PyTorch.
"""
from __future__ import annotations

import warnings
import zlib
from array import array

from .._tensor import Tensor
from ._group import Backend, GroupMember, RedOpType, ReduceOp, as_reduce_op
from ._mpi import MpiEngine, mpi

__all__ = [
    "all_gather",
    "all_gather_into_tensor",
    "all_gather_object",
    "all_reduce",
    "all_to_all_single",
    "barrier",
    "broadcast",
    "broadcast_object_list",
    "gather",
    "gather_object",
    "irecv",
    "isend",
    "recv",
    "reduce",
    "reduce_scatter_tensor",
    "scatter",
    "scatter_object_list",
    "send",
]

_NOT_INITIALIZED = "Default process group has not been initialized, please make sure to call init_process_group."


def resolve_group(group, fname: str):
    """The group a call runs on, or None when this rank is not a member (the call is then a no-op)."""
    if GroupMember.WORLD is None:
        raise ValueError(_NOT_INITIALIZED)
    g = GroupMember.WORLD if group is None else group
    if g is GroupMember.NON_GROUP_MEMBER or g == GroupMember.NON_GROUP_MEMBER:
        warnings.warn(f"Running {fname} on global rank {GroupMember.WORLD.rank()} which does not belong to the "
                      f"given group.", UserWarning, stacklevel=3)
        return None
    if not hasattr(g, "comm"):
        raise TypeError(f"{fname}(): group must be a ProcessGroup from init_process_group/new_group, got {g!r}")
    return g


def _root(g, rank, group_rank, what: str, fname: str) -> int:
    """The group rank of the root given as a global ``src``/``dst`` or a ``group_src``/``group_dst``."""
    if rank is not None and group_rank is not None:
        raise ValueError(f"{fname}(): can only specify {what} or group_{what}, not both")
    if group_rank is None:
        if rank is None:
            raise ValueError(f"{fname}(): either {what} or group_{what} must be specified")
        return g.group_rank(rank, what, fname)
    if not 0 <= group_rank < g.size():
        raise ValueError(f"{fname}(): group_{what}={group_rank} is out of range for a group of size {g.size()}")
    return group_rank


def _tensor(t, what: str, fname: str) -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(f"{fname}(): {what} must be an ember.Tensor, got {type(t).__name__}")
    return t


def _describe(t: Tensor) -> str:
    return f"{t.dtype.name} tensor of shape {list(t.shape)}"


_SIGNATURES: dict = {}  # (name, value) pairs -> the array [c, -c, ...] of their codes


def agree(g, fname: str, **what) -> None:
    """Raise RuntimeError (on every rank) unless all ranks passed equal ``what`` values (hashable: dtype name,
    shape tuple...)."""
    MPI = mpi()
    key = tuple(what.items())
    template = _SIGNATURES.get(key)
    if template is None:
        codes = [zlib.crc32(repr(v).encode()) for v in what.values()]
        template = _SIGNATURES[key] = array("q", [x for c in codes for x in (c, -c)])
    buf = array("q", template)
    g.comm.Allreduce(MPI.IN_PLACE, buf, MPI.MAX)  # max(c) == -max(-c) == min(c) on every rank iff all agree
    if buf == template:
        return
    seen = g.comm.allgather(what)
    detail = "; ".join(f"rank {g.ranks[r]}: " + ", ".join(f"{k}={v}" for k, v in w.items())
                       for r, w in enumerate(seen))
    raise RuntimeError(f"{fname}(): the ranks passed mismatched tensors ({detail}); every rank must pass tensors "
                       f"of the same dtype and shape to this collective")


def engine_for(g, tensors, fname: str):
    """The engine that moves ``tensors`` for group ``g``: NCCL for GPU tensors of an nccl group, else MPI."""
    kinds = {t._backend.spec.device_type for t in tensors}
    if len(kinds) > 1:
        raise RuntimeError(f"{fname}(): all tensors must be on the same device, got "
                           f"{sorted(str(t.device) for t in tensors)}")
    if "gpu" in kinds and g.backend == Backend.NCCL:
        from ._nccl import nccl_engine
        return nccl_engine(g)
    if g.mpi is None:
        g.mpi = MpiEngine(g.comm)
    return g.mpi


def _then(work, fn):
    """Run ``fn`` now (blocking call) or when ``work`` completes (async call)."""
    if work is None:
        fn()
        return None
    work._finish.append(fn)
    return work


def _check_op(op, t: Tensor, fname: str) -> RedOpType:
    op = as_reduce_op(op, fname)
    if op is RedOpType.AVG and not t.dtype.is_floating_point:
        raise RuntimeError(f"{fname}(): ReduceOp.AVG needs a floating-point tensor, got {t.dtype}")
    if op in (RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR) and t.dtype.is_floating_point:
        raise RuntimeError(f"{fname}(): bitwise {op.name} needs an integer or bool tensor, got {t.dtype}")
    return op


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduce ``tensor`` across the ranks in place: afterwards every rank holds the same result."""
    g = resolve_group(group, "all_reduce")
    if g is None:
        return None
    op = _check_op(op, _tensor(tensor, "tensor", "all_reduce"), "all_reduce")
    agree(g, "all_reduce", dtype=tensor.dtype.name, shape=tuple(tensor.shape))
    return engine_for(g, [tensor], "all_reduce").all_reduce(tensor, op, async_op)


def broadcast(tensor, src=None, group=None, async_op: bool = False, group_src=None):
    """Copy ``tensor`` of rank ``src`` into ``tensor`` on every other rank."""
    g = resolve_group(group, "broadcast")
    if g is None:
        return None
    root = _root(g, src, group_src, "src", "broadcast")
    _tensor(tensor, "tensor", "broadcast")
    agree(g, "broadcast", dtype=tensor.dtype.name, shape=tuple(tensor.shape))
    return engine_for(g, [tensor], "broadcast").broadcast(tensor, root, async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op: bool = False, group_dst=None):
    """Reduce ``tensor`` across the ranks into ``tensor`` of rank ``dst`` (the others keep theirs)."""
    g = resolve_group(group, "reduce")
    if g is None:
        return None
    root = _root(g, dst, group_dst, "dst", "reduce")
    op = _check_op(op, _tensor(tensor, "tensor", "reduce"), "reduce")
    agree(g, "reduce", dtype=tensor.dtype.name, shape=tuple(tensor.shape))
    return engine_for(g, [tensor], "reduce").reduce(tensor, root, op, async_op)


def _same_as(t: Tensor, ref: Tensor, what: str, fname: str) -> None:
    _tensor(t, what, fname)
    if t.dtype is not ref.dtype or tuple(t.shape) != tuple(ref.shape):
        raise RuntimeError(f"{fname}(): {what} is a {_describe(t)}, expected a {_describe(ref)} like the input")


def _tensor_list(lst, n: int, ref: Tensor, what: str, fname: str) -> list:
    if not isinstance(lst, (list, tuple)) or len(lst) != n:
        got = len(lst) if isinstance(lst, (list, tuple)) else type(lst).__name__
        raise ValueError(f"{fname}(): {what} must be a list of {n} tensors (one per rank), got {got}")
    for i, t in enumerate(lst):
        _same_as(t, ref, f"{what}[{i}]", fname)
    return list(lst)


def _unstack_into(stacked, targets):
    def fn():
        for i, t in enumerate(targets):
            t.detach().copy_(stacked[i])
    return fn


def all_gather(tensor_list, tensor, group=None, async_op: bool = False):
    """Fill ``tensor_list[r]`` with ``tensor`` of rank ``r``, on every rank."""
    g = resolve_group(group, "all_gather")
    if g is None:
        return None
    _tensor(tensor, "tensor", "all_gather")
    targets = _tensor_list(tensor_list, g.size(), tensor, "tensor_list", "all_gather")
    agree(g, "all_gather", dtype=tensor.dtype.name, shape=tuple(tensor.shape))
    stacked = tensor.new_empty((g.size(),) + tuple(tensor.shape))
    work = engine_for(g, [tensor], "all_gather").all_gather_into(stacked, tensor, async_op)
    return _then(work, _unstack_into(stacked, targets))


def _sized(out: Tensor, inp: Tensor, n: int, fname: str, big: str) -> None:
    """``big`` ("output" or "input") must hold ``n`` times the other one's elements, same dtype."""
    if out.dtype is not inp.dtype:
        raise RuntimeError(f"{fname}(): output and input must have the same dtype, got {out.dtype} and {inp.dtype}")
    large, small = (out, inp) if big == "output" else (inp, out)
    if large.numel() != n * small.numel():
        other = "input" if big == "output" else "output"
        raise RuntimeError(f"{fname}(): the {big} ({_describe(large)}) must hold world_size ({n}) times the "
                           f"elements of the {other} ({_describe(small)})")


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op: bool = False):
    """Gather every rank's ``input_tensor`` into ``output_tensor`` (stacked or concatenated on dim 0)."""
    g = resolve_group(group, "all_gather_into_tensor")
    if g is None:
        return None
    _tensor(output_tensor, "output_tensor", "all_gather_into_tensor")
    _tensor(input_tensor, "input_tensor", "all_gather_into_tensor")
    _sized(output_tensor, input_tensor, g.size(), "all_gather_into_tensor", "output")
    agree(g, "all_gather_into_tensor", dtype=input_tensor.dtype.name, shape=tuple(input_tensor.shape))
    engine = engine_for(g, [output_tensor, input_tensor], "all_gather_into_tensor")
    return engine.all_gather_into(output_tensor, input_tensor, async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduce ``input`` across the ranks and give rank ``r`` the ``r``-th of its world_size equal chunks."""
    g = resolve_group(group, "reduce_scatter_tensor")
    if g is None:
        return None
    _tensor(output, "output", "reduce_scatter_tensor")
    op = _check_op(op, _tensor(input, "input", "reduce_scatter_tensor"), "reduce_scatter_tensor")
    _sized(output, input, g.size(), "reduce_scatter_tensor", "input")
    agree(g, "reduce_scatter_tensor", dtype=input.dtype.name, shape=tuple(input.shape))
    return engine_for(g, [output, input], "reduce_scatter_tensor").reduce_scatter(output, input, op, async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op: bool = False, group_dst=None):
    """Collect every rank's ``tensor`` into ``gather_list`` on rank ``dst``."""
    g = resolve_group(group, "gather")
    if g is None:
        return None
    root = _root(g, dst, group_dst, "dst", "gather")
    _tensor(tensor, "tensor", "gather")
    stacked = None
    if g.rank() == root:
        targets = _tensor_list(gather_list, g.size(), tensor, "gather_list", "gather")
        stacked = tensor.new_empty((g.size(),) + tuple(tensor.shape))
    elif gather_list:
        raise ValueError("gather(): Argument ``gather_list`` must NOT be specified on non-destination ranks.")
    agree(g, "gather", dtype=tensor.dtype.name, shape=tuple(tensor.shape))
    work = engine_for(g, [tensor], "gather").gather(tensor, stacked, root, async_op)
    return _then(work, _unstack_into(stacked, targets)) if stacked is not None else work


def scatter(tensor, scatter_list=None, src=None, group=None, async_op: bool = False, group_src=None):
    """Give rank ``r`` the tensor ``scatter_list[r]`` of rank ``src`` (written into ``tensor``)."""
    g = resolve_group(group, "scatter")
    if g is None:
        return None
    root = _root(g, src, group_src, "src", "scatter")
    _tensor(tensor, "tensor", "scatter")
    stacked = None
    if g.rank() == root:
        sources = _tensor_list(scatter_list, g.size(), tensor, "scatter_list", "scatter")
        from .._functional import stack
        stacked = stack([t.detach() for t in sources])
    elif scatter_list:
        raise ValueError("scatter(): Argument ``scatter_list`` must NOT be specified on non-source ranks.")
    agree(g, "scatter", dtype=tensor.dtype.name, shape=tuple(tensor.shape))
    return engine_for(g, [tensor], "scatter").scatter(tensor, stacked, root, async_op)


def _splits(sizes, t: Tensor, n: int, what: str, fname: str) -> list:
    rows = t.shape[0] if t.ndim else 1
    if sizes is None:
        if rows % n:
            raise ValueError(f"{fname}(): without {what}, dim 0 of the tensor ({rows}) must be divisible by "
                             f"world_size ({n})")
        sizes = [rows // n] * n
    sizes = list(sizes)
    if len(sizes) != n or sum(sizes) != rows or any(s < 0 for s in sizes):
        raise ValueError(f"{fname}(): {what} must be {n} non-negative sizes summing to dim 0 ({rows}), got {sizes}")
    row = t.numel() // rows if rows else 0
    return [s * row for s in sizes]


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None,
                      async_op: bool = False):
    """Split ``input`` on dim 0, send chunk ``r`` to rank ``r``, and concatenate what arrives into ``output``."""
    g = resolve_group(group, "all_to_all_single")
    if g is None:
        return None
    _tensor(output, "output", "all_to_all_single")
    _tensor(input, "input", "all_to_all_single")
    if output.dtype is not input.dtype:
        raise RuntimeError(f"all_to_all_single(): output and input must have the same dtype, got {output.dtype} "
                           f"and {input.dtype}")
    n = g.size()
    in_counts = _splits(input_split_sizes, input, n, "input_split_sizes", "all_to_all_single")
    out_counts = _splits(output_split_sizes, output, n, "output_split_sizes", "all_to_all_single")
    # what rank r sends to me must be what I expect from r
    sent_to_me = g.comm.alltoall(in_counts)
    if sent_to_me != out_counts:
        raise RuntimeError(f"all_to_all_single(): rank {g.ranks[g.rank()]} expects {out_counts} elements from the "
                           f"ranks but they send {sent_to_me}: output_split_sizes must match the senders' "
                           f"input_split_sizes")
    agree(g, "all_to_all_single", dtype=input.dtype.name)
    engine = engine_for(g, [output, input], "all_to_all_single")
    return engine.all_to_all(output, input, out_counts, in_counts, async_op)


def _p2p(tensor, peer, group, group_peer, tag, fname, what):
    g = resolve_group(group, fname)
    if g is None:
        return None, None, None
    if not isinstance(tag, int):
        raise TypeError(f"{fname}(): tag must be an int, got {tag!r}")
    _tensor(tensor, "tensor", fname)
    if what == "src" and peer is None and group_peer is None:
        return g, None, engine_for(g, [tensor], fname)
    root = _root(g, peer, group_peer, what, fname)
    if root == g.rank():
        raise ValueError(f"{fname}(): Invalid {what} rank: {g.ranks[root]} is this process's own rank")
    return g, root, engine_for(g, [tensor], fname)


def send(tensor, dst=None, group=None, tag: int = 0, group_dst=None) -> None:
    """Send ``tensor`` to rank ``dst`` (blocks until the data is out of ``tensor``)."""
    g, root, engine = _p2p(tensor, dst, group, group_dst, tag, "send", "dst")
    if g is not None:
        engine.send(tensor, root, tag, False)


def isend(tensor, dst=None, group=None, tag: int = 0, group_dst=None):
    """Start sending ``tensor`` to rank ``dst``; returns a Work (don't modify ``tensor`` before ``wait()``)."""
    g, root, engine = _p2p(tensor, dst, group, group_dst, tag, "isend", "dst")
    return engine.send(tensor, root, tag, True) if g is not None else None


def recv(tensor, src=None, group=None, tag: int = 0, group_src=None) -> int:
    """Receive into ``tensor`` from rank ``src`` (any rank when None); returns the sender's rank."""
    g, root, engine = _p2p(tensor, src, group, group_src, tag, "recv", "src")
    if g is None:
        return -1
    return g.ranks[engine.recv(tensor, root, tag, False)]


def irecv(tensor, src=None, group=None, tag: int = 0, group_src=None):
    """Start receiving into ``tensor`` from rank ``src``; returns a Work."""
    g, root, engine = _p2p(tensor, src, group, group_src, tag, "irecv", "src")
    return engine.recv(tensor, root, tag, True) if g is not None else None


def barrier(group=None, async_op: bool = False, device_ids=None, timeout=None):
    """Wait until every rank of the group reaches the barrier (raises after ``timeout`` / the group's)."""
    g = resolve_group(group, "barrier")
    if g is None:
        return None
    return engine_for(g, [], "barrier").barrier(timeout if timeout is not None else g.timeout, async_op)


def all_gather_object(object_list, obj, group=None) -> None:
    """Fill ``object_list[r]`` with the picklable ``obj`` of rank ``r``, on every rank."""
    g = resolve_group(group, "all_gather_object")
    if g is None:
        return
    if not isinstance(object_list, list) or len(object_list) != g.size():
        raise ValueError(f"all_gather_object(): object_list must be a list of world_size ({g.size()}) entries")
    object_list[:] = g.comm.allgather(obj)


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None) -> None:
    """Replace the entries of ``object_list`` on every rank with those of rank ``src``'s list."""
    g = resolve_group(group, "broadcast_object_list")
    if g is None:
        return
    root = _root(g, src, group_src, "src", "broadcast_object_list")
    if not isinstance(object_list, list):
        raise TypeError(f"broadcast_object_list(): object_list must be a list, got {type(object_list).__name__}")
    got = g.comm.bcast(list(object_list) if g.rank() == root else None, root)
    if len(got) != len(object_list):
        raise RuntimeError(f"broadcast_object_list(): rank {g.ranks[root]} sent {len(got)} objects but this rank's "
                           f"object_list has {len(object_list)} entries; the lists must have the same length")
    object_list[:] = got


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None) -> None:
    """Collect every rank's picklable ``obj`` into ``object_gather_list`` on rank ``dst``."""
    g = resolve_group(group, "gather_object")
    if g is None:
        return
    root = _root(g, dst, group_dst, "dst", "gather_object")
    if g.rank() == root and (not isinstance(object_gather_list, list) or len(object_gather_list) != g.size()):
        raise ValueError(f"gather_object(): object_gather_list must be a list of world_size ({g.size()}) entries "
                         f"on the destination rank")
    got = g.comm.gather(obj, root)
    if g.rank() == root:
        object_gather_list[:] = got


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None, group=None,
                        group_src=None) -> None:
    """Set ``scatter_object_output_list[0]`` to entry ``r`` of rank ``src``'s input list, on rank ``r``."""
    g = resolve_group(group, "scatter_object_list")
    if g is None:
        return
    root = _root(g, src, group_src, "src", "scatter_object_list")
    if not isinstance(scatter_object_output_list, list) or not scatter_object_output_list:
        raise ValueError("scatter_object_list(): Expected argument scatter_object_output_list to be a list of "
                         "size at least 1.")
    if g.rank() == root and (not isinstance(scatter_object_input_list, list)
                             or len(scatter_object_input_list) != g.size()):
        raise ValueError(f"scatter_object_list(): scatter_object_input_list must be a list of world_size "
                         f"({g.size()}) entries on the source rank")
    scatter_object_output_list[0] = g.comm.scatter(scatter_object_input_list if g.rank() == root else None, root)
