"""Rank program: the last rank raises while the others wait in a collective; the job must end at once."""
import sys

import ember
import ember.distributed as dist

dist.init_process_group("mpi")
r, n = dist.get_rank(), dist.get_world_size()
where = sys.argv[1]
if where == "collective":
    if r == n - 1:
        raise ValueError(f"rank {r} failed on purpose")
    dist.all_reduce(ember.ones(4))  # never completes: the failing rank does not take part
elif where == "backward":
    from ember import nn
    from ember.nn.parallel import DistributedDataParallel
    model = DistributedDataParallel(nn.Linear(4, 4))
    if r == n - 1:
        raise ValueError(f"rank {r} failed on purpose")
    model(ember.randn(2, 4)).sum().backward()  # waits for the failing rank's gradients
    dist.barrier()
print(f"DONE rank {r}", flush=True)
