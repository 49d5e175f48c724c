"""Rank program: the last rank is late to init_process_group; the others give up after the timeout."""
import datetime
import time

from mpi4py import MPI

if MPI.COMM_WORLD.Get_rank() == MPI.COMM_WORLD.Get_size() - 1:
    time.sleep(60)  # far past the others' timeout (the abort ends this sleep)

import ember.distributed as dist

dist.init_process_group("mpi", timeout=datetime.timedelta(seconds=1))
print(f"DONE rank {dist.get_rank()}", flush=True)
