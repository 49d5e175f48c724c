"""``ember train`` under an MPI launcher: ``mpirun -n 2 ember train`` trains one DDP replica per rank.

The launcher is recognised from its environment (MPICH/Intel MPI: ``PMI_SIZE``, Open MPI:
``OMPI_COMM_WORLD_SIZE``), so a plain ``ember train`` never imports mpi4py.  Under MPI each rank reads its
own share of the training set (DistributedSampler, a new shuffle per epoch), ``--batch-size`` is the global
batch split evenly over the ranks, gradients are averaged by DistributedDataParallel, and rank 0 alone
prints, evaluates and writes the checkpoint and the report.
"""
from __future__ import annotations

import os

_SIZE_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE")


def launched_world_size() -> int:
    """The number of ranks the MPI launcher started (1 when not launched by one)."""
    for var in _SIZE_VARIABLES:
        value = os.environ.get(var, "").strip()
        if value.isdigit():
            return int(value)
    return 1


class Context:
    """This process's place in the run: ``world`` ranks, this one ``rank``; world 1 outside MPI."""

    def __init__(self, error):
        self.world = launched_world_size()
        self.rank = 0
        if self.world == 1:
            return
        from .. import distributed as dist
        if not dist.is_available():
            raise error("launched under MPI with several ranks, but mpi4py is missing: pip install "
                        "\"ember[distributed]\"")
        if not dist.is_initialized():
            dist.init_process_group("mpi")
        self.rank, self.world = dist.get_rank(), dist.get_world_size()

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def rank_batch(self, batch_size: int, error) -> int:
        """This rank's share of the global batch."""
        if batch_size % self.world:
            raise error(f"--batch-size {batch_size} must be divisible by the number of MPI ranks ({self.world})")
        return batch_size // self.world

    def sampler(self, dataset, seed: int):
        """Each rank's share of ``dataset``, reshuffled per epoch; None outside MPI (the loader shuffles)."""
        if self.world == 1:
            return None
        from ..utils.data import DistributedSampler
        return DistributedSampler(dataset, num_replicas=self.world, rank=self.rank, shuffle=True, seed=seed)

    def wrap(self, model):
        """``model`` wrapped in DistributedDataParallel under MPI, else ``model`` itself."""
        if self.world == 1:
            return model
        from ..nn.parallel import DistributedDataParallel
        return DistributedDataParallel(model)

    def sum(self, values: list) -> list:
        """Element-wise sum of the numbers ``values`` over the ranks."""
        if self.world == 1:
            return list(values)
        import ember

        from .. import distributed as dist
        t = ember.tensor(values, dtype=ember.float64)
        dist.all_reduce(t)
        return t.tolist()
