"""Rank program: SyncBatchNorm makes N ranks on B/N samples train exactly like one process on B samples.

A CNN with BatchNorm2d, converted with ``convert_sync_batchnorm`` and wrapped in DistributedDataParallel,
trains on each rank's slice of the batch; every rank also trains the plain model on the whole batch.  After
3 optimizer steps (SGD with momentum, Adam) parameters and running statistics agree within 1e-10 (float64)
or 1e-5 (float32), and so do the eval-mode outputs.  Then, without DDP: uneven and empty slices give the
whole batch's outputs, input gradients and running statistics; ``process_group`` scopes the reduction; a
global batch of one value per channel is refused.  Any failure raises, which aborts the job.
"""
import ember
import ember.distributed as dist
from ember import nn
from ember.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("mpi")
r, n = dist.get_rank(), dist.get_world_size()
B, STEPS = 4 * n, 3


def make(seed, dtype):
    """Conv -> BN -> ReLU twice, then a linear head; the convs have no bias (a BN after them cancels it)."""
    ember.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(3, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6), nn.ReLU(),
                         nn.Conv2d(6, 8, 3, stride=2, bias=False), nn.BatchNorm2d(8, momentum=None), nn.ReLU(),
                         nn.Flatten(), nn.Linear(8 * 2 * 2, 4)).to(dtype)


def data(dtype):
    g = ember.Generator().manual_seed(1234)
    x = ember.randn(STEPS, B, 3, 6, 6, generator=g, dtype=dtype) * 2 + 1
    return x, ember.randint(0, 4, (STEPS, B), generator=g)


def max_diff(a, b):
    a, b = list(a), list(b)
    assert len(a) == len(b) and len(a) > 0, (len(a), len(b))
    return max((x.double() - y.double()).abs().max().item() for x, y in zip(a, b))


def train(dtype, optimizer, sync):
    """The reference (whole batch) and this rank's DDP replica after STEPS steps."""
    ref = make(0, dtype)
    local = make(100 * r, dtype)  # rank 0's initial state is broadcast by DDP
    ddp = DDP(nn.SyncBatchNorm.convert_sync_batchnorm(local) if sync else local)
    opt_ref, opt = optimizer(ref.parameters()), optimizer(ddp.parameters())
    xs, ys = data(dtype)
    s = B // n
    for step in range(STEPS):
        opt_ref.zero_grad()
        nn.functional.cross_entropy(ref(xs[step]), ys[step]).backward()
        opt_ref.step()
        opt.zero_grad()
        nn.functional.cross_entropy(ddp(xs[step, r * s:(r + 1) * s]), ys[step, r * s:(r + 1) * s]).backward()
        opt.step()
    return ref, ddp, xs[0]


def check_training(dtype, optimizer, tol):
    ref, ddp, x = train(dtype, optimizer, sync=True)
    what = f"rank {r}: {dtype} {optimizer.__name__}"
    assert [type(m).__name__ for m in ddp.module].count("SyncBatchNorm") == 2, what
    d = max_diff(ref.parameters(), ddp.module.parameters())
    assert d <= tol, f"{what}: parameters differ from the one-process run by {d}"
    moved = max_diff(make(0, dtype).parameters(), ref.parameters())
    assert moved > 1e-3, f"{what}: training did not change the parameters ({moved})"
    d = max_diff(ref.buffers(), ddp.module.buffers())
    assert d <= tol, f"{what}: running statistics differ from the one-process run by {d}"
    assert ddp.module[4].num_batches_tracked.item() == STEPS, what
    ref.eval(), ddp.eval()
    s = B // n
    with ember.no_grad():
        d = max_diff([ref(x)[r * s:(r + 1) * s]], [ddp(x[r * s:(r + 1) * s])])
    assert d <= tol, f"{what}: eval-mode outputs differ by {d}"


def sgd(params):
    return ember.optim.SGD(params, lr=0.1, momentum=0.9)


def adam(params):
    return ember.optim.Adam(params, lr=0.01)


for dtype, tol in ((ember.float64, 1e-10), (ember.float32, 1e-5)):
    for optimizer in (sgd, adam):
        check_training(dtype, optimizer, tol)

# the same job with plain BatchNorm does not match the one-process run: the check above can fail
if n > 1:
    ref, ddp, _ = train(ember.float64, sgd, sync=False)
    assert max_diff(ref.parameters(), ddp.module.parameters()) > 1e-6, "plain BatchNorm unexpectedly matched"


def whole_vs_slices(sizes, affine=True, group=None):
    """A SyncBatchNorm on this rank's slice of sizes[r] samples against a BatchNorm on all of them: the
    output slice, the input-gradient slice (loss = a weighted sum), weight/bias grads summed over the
    ranks, and the running statistics (momentum=None: cumulative average over 2 calls)."""
    g = ember.Generator().manual_seed(7)
    x = ember.randn(sum(sizes), 3, 2, 5, generator=g, dtype=ember.float64) * 3 - 2
    w = ember.randn(sum(sizes), 3, 2, 5, generator=g, dtype=ember.float64)
    lo, hi = sum(sizes[:r]), sum(sizes[:r + 1])
    bn, sbn = nn.BatchNorm2d(3, momentum=None, affine=affine).double(), nn.SyncBatchNorm(
        3, momentum=None, affine=affine, process_group=group).double()
    for _ in range(2):
        xr, xs = x.clone().requires_grad_(), x[lo:hi].clone().requires_grad_()
        whole, part = bn(xr), sbn(xs)
        (whole * w).sum().backward()
        (part * w[lo:hi]).sum().backward()
    assert tuple(part.shape) == (hi - lo, 3, 2, 5), part.shape
    if hi > lo:
        assert max_diff([whole[lo:hi].detach()], [part.detach()]) < 1e-12, f"rank {r}: outputs differ for {sizes}"
        assert max_diff([xr.grad[lo:hi]], [xs.grad]) < 1e-12, f"rank {r}: input gradients differ for {sizes}"
    assert max_diff(bn.buffers(), sbn.buffers()) < 1e-12, f"rank {r}: running statistics differ for {sizes}"
    if affine:
        summed = [p.grad.clone() for p in sbn.parameters()]
        for t in summed:
            dist.all_reduce(t, group=group)
        assert max_diff([p.grad for p in bn.parameters()], summed) < 1e-12, f"rank {r}: weight/bias grads {sizes}"


whole_vs_slices([3 + 2 * k for k in range(n)])            # uneven slices
whole_vs_slices([0] + [4] * (n - 1), affine=False)        # rank 0 holds no sample
whole_vs_slices([2] * n, group=dist.new_group(list(range(n))))

# process_group scopes the reduction: a group of one rank normalises with its own batch only
solo = [dist.new_group([k]) for k in range(n)][r]
x = ember.randn(4, 3, 5, dtype=ember.float64) + r
d = max_diff([nn.BatchNorm1d(3).double()(x)], [nn.SyncBatchNorm(3, process_group=solo).double()(x)])
assert d < 1e-12, f"rank {r}: a one-rank process group must act as BatchNorm ({d})"

# one value per channel over all the ranks has no variance: refused on every rank, like BatchNorm
try:
    nn.SyncBatchNorm(3)(ember.randn(1 if r == 0 else 0, 3))
except ValueError as e:
    assert "Expected more than 1 value per channel when training" in str(e), str(e)
else:
    raise AssertionError("a global batch of one sample per channel must be refused")

print(f"DONE rank {r}", flush=True)
