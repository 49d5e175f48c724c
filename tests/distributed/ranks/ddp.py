"""Rank program: DistributedDataParallel reaches the parameters of one process training on the whole batch.

Each rank trains its DDP replica on its B/N slice; every rank also trains a plain reference model on the
whole batch B (the mean loss over B equals the mean over ranks of the per-rank mean losses).  With
BatchNorm, a DDP replica normalises its own slice, so the reference runs the N slices one after the other
(gradients accumulated, loss / N) and keeps the running statistics of slice 0, which DDP broadcasts from
rank 0 at every forward.  After several optimizer steps parameters must agree within 1e-10 (float64) or
1e-5 (float32), with SGD and Adam, with and without BatchNorm.
"""
import ember
import ember.distributed as dist
from ember import nn
from ember.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("mpi")
r, n = dist.get_rank(), dist.get_world_size()
B, STEPS = 8 * n, 4


def make(seed, dtype, batchnorm):
    ember.manual_seed(seed)
    layers = [nn.Linear(6, 32), nn.BatchNorm1d(32)] if batchnorm else [nn.Linear(6, 32)]
    return nn.Sequential(*layers, nn.Tanh(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 4)).to(dtype)


def data(dtype):
    g = ember.Generator().manual_seed(1234)
    return ember.randn(STEPS, B, 6, generator=g, dtype=dtype), ember.randint(0, 4, (STEPS, B), generator=g)


def max_diff(a, b):
    return max((x.double() - y.double()).abs().max().item() for x, y in zip(a, b))


def reference_step(model, opt, x, y, batchnorm):
    opt.zero_grad()
    if not batchnorm:
        nn.functional.cross_entropy(model(x), y).backward()
    else:
        s = B // n
        for c in range(n):
            (nn.functional.cross_entropy(model(x[c * s:(c + 1) * s]), y[c * s:(c + 1) * s]) / n).backward()
            if c == 0:
                kept = [b.clone() for b in model.buffers()]
        with ember.no_grad():
            for b, k in zip(model.buffers(), kept):
                b.copy_(k)
    opt.step()


def check_equivalence(dtype, optimizer, batchnorm, tol, **ddp_kwargs):
    ref = make(0, dtype, batchnorm)
    ddp = DDP(make(100 * r, dtype, batchnorm), **ddp_kwargs)  # rank 0's init (seed 0) is broadcast
    opt_ref, opt = optimizer(ref.parameters()), optimizer(ddp.parameters())
    xs, ys = data(dtype)
    s = B // n
    for step in range(STEPS):
        reference_step(ref, opt_ref, xs[step], ys[step], batchnorm)
        opt.zero_grad()
        nn.functional.cross_entropy(ddp(xs[step, r * s:(r + 1) * s]), ys[step, r * s:(r + 1) * s]).backward()
        opt.step()
    what = f"{dtype} {optimizer.__name__} batchnorm={batchnorm} {ddp_kwargs}"
    d = max_diff(ref.parameters(), ddp.module.parameters())
    assert d <= tol, f"rank {r}: {what}: parameters differ from the one-process run by {d}"
    moved = max_diff(make(0, dtype, batchnorm).parameters(), ref.parameters())
    assert moved > 1e-3, f"{what}: training did not change the parameters ({moved})"
    if batchnorm and r == 0:
        d = max_diff(ref.buffers(), ddp.module.buffers())
        assert d <= tol, f"{what}: BatchNorm running statistics differ by {d}"
    return ddp


def sgd(params):
    return ember.optim.SGD(params, lr=0.1, momentum=0.9)


def adam(params):
    return ember.optim.Adam(params, lr=0.01)


for dtype, tol in ((ember.float64, 1e-10), (ember.float32, 1e-5)):
    for optimizer in (sgd, adam):
        for batchnorm in (False, True):
            check_equivalence(dtype, optimizer, batchnorm, tol)
check_equivalence(ember.float64, sgd, True, 1e-10, gradient_as_bucket_view=True, bucket_cap_mb=0.001)
check_equivalence(ember.float64, adam, False, 1e-10, find_unused_parameters=True)

# module attribute and state-dict keys as in PyTorch
ddp = DDP(make(0, ember.float32, True))
assert isinstance(ddp.module, nn.Sequential)
assert list(ddp.state_dict())[:3] == ["module.0.weight", "module.0.bias", "module.1.weight"], list(ddp.state_dict())

# buckets are all-reduced during backward: the first starts before the last gradient is ready
ddp = DDP(make(0, ember.float64, False), bucket_cap_mb=0.002)
assert len(ddp.reducer.buckets) > 2, len(ddp.reducer.buckets)
launched_at = []
engine = ddp.reducer.engine
original = engine.all_reduce
engine.all_reduce = lambda *a: (launched_at.append(len(ddp.reducer.marked)), original(*a))[1]
x, y = data(ember.float64)
nn.functional.cross_entropy(ddp(x[0]), y[0]).backward()
total = len(list(ddp.parameters()))
assert launched_at[0] < total, f"first bucket launched only after all {total} gradients: {launched_at}"
engine.all_reduce = original

# no_sync: accumulate locally, the next synced backward averages the sum
ref, ddp = make(0, ember.float64, False), DDP(make(0, ember.float64, False))
x, y = data(ember.float64)
s = B // n
with ddp.no_sync():
    nn.functional.cross_entropy(ddp(x[0, r * s:(r + 1) * s]), y[0, r * s:(r + 1) * s]).backward()
local = [p.grad.clone() for p in ddp.parameters()]
nn.functional.cross_entropy(ddp(x[1, r * s:(r + 1) * s]), y[1, r * s:(r + 1) * s]).backward()
nn.functional.cross_entropy(ref(x[0]), y[0]).backward()
nn.functional.cross_entropy(ref(x[1]), y[1]).backward()
assert max_diff([p.grad for p in ref.parameters()], [p.grad for p in ddp.parameters()]) < 1e-12
if n > 1:
    assert max_diff(local, [p.grad for p in ddp.parameters()]) > 1e-6, "no_sync must not average"


# unused parameters: found with find_unused_parameters=True (grad stays None), an error without it
class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.used, self.unused = nn.Linear(3, 3), nn.Linear(3, 3)

    def forward(self, x):
        return self.used(x)


ember.manual_seed(0)
ddp = DDP(Branchy(), find_unused_parameters=True)
for _ in range(2):
    ddp(ember.randn(4, 3)).sum().backward()
assert ddp.module.unused.weight.grad is None and ddp.module.used.weight.grad is not None
ddp = DDP(Branchy())
ddp(ember.randn(4, 3)).sum().backward()
try:
    ddp(ember.randn(4, 3))
except RuntimeError as e:
    assert "find_unused_parameters=True" in str(e) and "unused.weight" in str(e), str(e)
else:
    raise AssertionError("an unused parameter without find_unused_parameters must raise at the next forward")

try:
    DDP(nn.Linear(3 + r, 2))
except RuntimeError as e:
    assert n > 1 and "mismatched" in str(e), str(e)
else:
    assert n == 1, "replicas of different shapes must be refused"

print(f"DONE rank {r}", flush=True)
