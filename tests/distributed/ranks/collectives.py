"""Rank program: every collective of ember.distributed against values computed by hand (any world size).

Checks results, dtypes, strided/leaf/bfloat16 tensors, async work handles, groups, object collectives and
the errors for mismatched or invalid arguments.  Any failure raises, which aborts the job (non-zero exit).
"""
import ember
import ember.distributed as dist

try:
    dist.init_process_group("mpi", world_size=99)
except ValueError as e:
    assert "world_size=99" in str(e) and "mpirun -n 99" in str(e), str(e)
else:
    raise AssertionError("a world_size that differs from the launcher's must be refused")
dist.init_process_group("mpi")
r, n = dist.get_rank(), dist.get_world_size()
assert dist.is_initialized() and dist.get_backend() == "mpi" and dist.get_process_group_ranks(dist.group.WORLD) == \
    list(range(n))
total = n * (n - 1) / 2  # sum of the ranks


def expect(t, values, what):
    got = t.tolist()
    assert got == values, f"rank {r}: {what}: got {got}, expected {values}"


def raises(exc, fragment, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc as e:
        assert fragment in str(e), f"rank {r}: message {str(e)!r} lacks {fragment!r}"
        return
    raise AssertionError(f"rank {r}: {fn.__name__} did not raise {exc.__name__}")


# all_reduce: every op, several dtypes
for dtype in (ember.float32, ember.float64, ember.int64, ember.int32):
    t = ember.tensor([r + 1, 2 * r + 1], dtype=dtype)
    dist.all_reduce(t)
    expect(t, [total + n, 2 * total + n], f"all_reduce SUM {dtype}")
    assert t.dtype is dtype
for op, fn in ((dist.ReduceOp.PRODUCT, lambda v: v), (dist.ReduceOp.MIN, min), (dist.ReduceOp.MAX, max)):
    t = ember.tensor([float(r + 2)])
    dist.all_reduce(t, op=op)
    vals = [float(k + 2) for k in range(n)]
    want = fn(vals) if op is not dist.ReduceOp.PRODUCT else float(__import__("math").prod(vals))
    expect(t, [want], f"all_reduce {op}")
t = ember.full((3,), float(r))
dist.all_reduce(t, op=dist.ReduceOp.AVG)
expect(t, [total / n] * 3, "all_reduce AVG")
t = ember.tensor([r == 0, False, True])
dist.all_reduce(t, op=dist.ReduceOp.MAX)
expect(t, [True, False, True], "all_reduce bool MAX")
t = ember.ones(2, 2, dtype=ember.bfloat16) * (r + 1)
dist.all_reduce(t)
expect(t, [[total + n] * 2] * 2, "all_reduce bfloat16")
assert t.dtype is ember.bfloat16
strided = ember.arange(6.0).reshape(2, 3).t()  # not contiguous: staged through a copy
dist.all_reduce(strided)
expect(strided, [[0.0, 3 * n], [1.0 * n, 4.0 * n], [2.0 * n, 5.0 * n]], "all_reduce of a transposed view")
leaf = ember.ones(2, requires_grad=True)
v0 = leaf._version
dist.all_reduce(leaf)
expect(leaf.detach(), [float(n)] * 2, "all_reduce of a leaf that requires grad")
assert leaf._version > v0, "all_reduce must bump the version counter of the tensor it writes"
scalar = ember.tensor(float(r))
dist.all_reduce(scalar)
assert scalar.item() == total

# async work handles
t = ember.full((4,), float(r + 1))
work = dist.all_reduce(t, async_op=True)
assert work.wait() is True and work.is_completed()
expect(t, [total + n] * 4, "async all_reduce")
t = ember.full((2,), float(r))
work = dist.all_reduce(t, op=dist.ReduceOp.AVG, async_op=True)
work.wait()
expect(t, [total / n] * 2, "async AVG")

# broadcast / reduce
t = ember.full((2,), float(r))
dist.broadcast(t, src=n - 1)
expect(t, [float(n - 1)] * 2, "broadcast")
t = ember.full((2,), float(r + 1))
dist.reduce(t, dst=0)
expect(t, [total + n] * 2 if r == 0 else [float(r + 1)] * 2, "reduce")

# gathers and scatters
lst = [ember.zeros(2) for _ in range(n)]
dist.all_gather(lst, ember.full((2,), float(r)))
expect(ember.stack(lst), [[float(k)] * 2 for k in range(n)], "all_gather")
out = ember.zeros(2 * n)
dist.all_gather_into_tensor(out, ember.full((2,), float(r)))
expect(out, [float(k) for k in range(n) for _ in range(2)], "all_gather_into_tensor (concatenated)")
out = ember.zeros(n, 2, dtype=ember.int64)
dist.all_gather_into_tensor(out, ember.full((2,), r, dtype=ember.int64))
expect(out, [[k] * 2 for k in range(n)], "all_gather_into_tensor (stacked)")
o = ember.zeros(2)
dist.reduce_scatter_tensor(o, ember.arange(2.0 * n) * (r + 1))
expect(o, [(2 * r + j) * (total + n) for j in range(2)], "reduce_scatter_tensor")
o = ember.zeros(1)
dist.reduce_scatter_tensor(o, ember.ones(n) * r, op=dist.ReduceOp.AVG)
expect(o, [total / n], "reduce_scatter_tensor AVG")
gl = [ember.zeros(2) for _ in range(n)] if r == 0 else None
dist.gather(ember.full((2,), float(r)), gl, dst=0)
if r == 0:
    expect(ember.stack(gl), [[float(k)] * 2 for k in range(n)], "gather")
s = ember.zeros(3)
dist.scatter(s, [ember.full((3,), 10.0 + k) for k in range(n)] if r == 0 else None, src=0)
expect(s, [10.0 + r] * 3, "scatter")
inp = ember.arange(2.0 * n) + 100 * r
out = ember.zeros(2 * n)
dist.all_to_all_single(out, inp)
expect(out, [100.0 * k + 2 * r + j for k in range(n) for j in range(2)], "all_to_all_single")
# uneven splits: rank k sends k+1 rows to every rank
inp = ember.full((n * (r + 1), 2), float(r))
out = ember.zeros(sum(k + 1 for k in range(n)), 2)
dist.all_to_all_single(out, inp, output_split_sizes=[k + 1 for k in range(n)], input_split_sizes=[r + 1] * n)
expect(out, [[float(k)] * 2 for k in range(n) for _ in range(k + 1)], "all_to_all_single with splits")

# point to point (ring)
if n > 1:
    nxt, prv = (r + 1) % n, (r - 1) % n
    got = ember.zeros(3)
    if r % 2 == 0:
        dist.send(ember.full((3,), float(r)), dst=nxt)
        assert dist.recv(got, src=prv) == prv
    else:
        assert dist.recv(got) == prv  # any source
        dist.send(ember.full((3,), float(r)), dst=nxt)
    expect(got, [float(prv)] * 3, "send/recv")
    got = ember.zeros(2, dtype=ember.int64)
    works = [dist.isend(ember.full((2,), r, dtype=ember.int64), dst=nxt), dist.irecv(got, src=prv)]
    for w in works:
        w.wait()
    expect(got, [prv] * 2, "isend/irecv")

# objects
objs = [None] * n
dist.all_gather_object(objs, {"rank": r, "name": f"r{r}"})
assert objs == [{"rank": k, "name": f"r{k}"} for k in range(n)], objs
ol = [r, "x", None]
dist.broadcast_object_list(ol, src=0)
assert ol == [0, "x", None], ol
gathered = [None] * n if r == 0 else None
dist.gather_object(r * 10, gathered, dst=0)
assert r != 0 or gathered == [k * 10 for k in range(n)], gathered
mine = [None]
dist.scatter_object_list(mine, [f"for {k}" for k in range(n)] if r == 0 else None, src=0)
assert mine == [f"for {r}"], mine

# groups: the last rank alone, and everyone but the last
solo = dist.new_group([n - 1])
if r == n - 1:
    assert dist.get_rank(solo) == 0 and dist.get_world_size(solo) == 1
    t = ember.ones(1) * 5
    dist.all_reduce(t, group=solo)
    expect(t, [5.0], "all_reduce in a one-rank group")
else:
    assert solo == dist.GroupMember.NON_GROUP_MEMBER and dist.get_rank(solo) == -1
if n > 1:
    rest = dist.new_group(list(range(n - 1)))
    if r < n - 1:
        t = ember.ones(1)
        dist.all_reduce(t, group=rest)
        expect(t, [float(n - 1)], "all_reduce in a sub-group")
        raises(ValueError, "not a rank of the group", dist.broadcast, t, src=n - 1, group=rest)

# errors: detected on every rank, and the job carries on afterwards
if n > 1:
    raises(RuntimeError, "mismatched", dist.all_reduce, ember.ones(2 + r))
    raises(RuntimeError, "mismatched", dist.broadcast, ember.ones(2, dtype=ember.float64 if r else ember.float32),
           src=0)
raises(RuntimeError, "world_size", dist.all_gather_into_tensor, ember.zeros(2 * n + 1), ember.zeros(2))
raises(ValueError, "list of", dist.all_gather, [ember.zeros(2)] * (n + 1), ember.zeros(2))
raises(RuntimeError, "expected a float32 tensor of shape [2]", dist.all_gather, [ember.zeros(3)] * n, ember.zeros(2))
raises(TypeError, "ReduceOp", dist.all_reduce, ember.ones(1), op="sum")
raises(RuntimeError, "AVG needs a floating-point", dist.all_reduce, ember.ones(1, dtype=ember.int64),
       op=dist.ReduceOp.AVG)
raises(TypeError, "ember.Tensor", dist.all_reduce, [1.0, 2.0])
raises(ValueError, "src or group_src", dist.broadcast, ember.ones(1))
raises(ValueError, "not a rank of the group", dist.broadcast, ember.ones(1), src=n)
raises(ValueError, "twice", dist.init_process_group, "mpi")
raises(ValueError, "ranks must be distinct", dist.new_group, [0, 0])
t = ember.ones(2)
dist.all_reduce(t)
expect(t, [float(n)] * 2, "all_reduce after the errors")

dist.barrier()
dist.destroy_process_group()
assert not dist.is_initialized()
print(f"DONE rank {r}", flush=True)
