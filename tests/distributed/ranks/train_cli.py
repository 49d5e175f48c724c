"""Rank program: ``ember train`` started by the MPI launcher (its output directory is argv[1])."""
import sys

from ember.__main__ import main

rc = main(["train", "--limit-train", "256", "--limit-val", "64", "--epochs", "1", "--batch-size", "64",
           "--no-progress", "--plot", "pillow", "--threads", "1", "--out", sys.argv[1]])
assert rc == 0, rc
from ember import distributed as dist

print(f"DONE rank {dist.get_rank()}", flush=True)
