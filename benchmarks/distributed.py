"""ember.distributed speed: all-reduce throughput vs raw mpi4py, and DDP training scaling from 1 to 2 ranks.

    python benchmarks/distributed.py                  # both parts, ~1 minute on 2 cores
    python benchmarks/distributed.py --quick          # fewer rounds
    python benchmarks/distributed.py --json out.json  # also write the results as JSON

All-reduce: 2 ranks sum float32 buffers of 1, 4, 16 and 64 MB, in place.  Each round times raw mpi4py
(``comm.Allreduce(MPI.IN_PLACE, array)``) and ``ember.distributed.all_reduce`` on a tensor sharing that same
array, alternating which goes first; the table gives the best and median time of each, the bus bandwidth
(bytes / best time) and ember's overhead: best ember time / best raw time - 1, and the median over the rounds
of ember time / raw time - 1 (target <= 10%).

DDP: the MLP (784-512-256-10, SGD momentum, batch 128) and MNIST CNN (Adadelta, batch 64) workloads of
``models.py``, one thread per rank, on 1 rank and on 2 ranks.  Strong scaling: the global batch stays the
same and is split over the ranks; weak scaling: every rank takes a whole batch.  Throughput is samples/s
over all ranks; scaling efficiency = throughput(2 ranks) / (2 x throughput(1 rank)).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

SIZES_MB = (1, 4, 16, 64)
MODELS = {"mlp": ("cross_entropy", 128), "cnn": ("nll_loss", 64)}


def _mpiexec() -> str:
    from ember.distributed.run import find_mpiexec
    return find_mpiexec()


def _job(n: int, *args: str, timeout: int = 600) -> dict:
    """Run this file's rank job on ``n`` ranks (one thread each); returns rank 0's RESULT."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONWARNINGS="ignore")
    cmd = [_mpiexec(), "-n", str(n), sys.executable, os.path.abspath(__file__), "--rank-job", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"rank job {args} failed (rc={out.returncode}):\n{out.stdout}\n{out.stderr}")


# --- rank jobs ----------------------------------------------------------------------------------

def allreduce_job(rounds: int) -> dict:
    import ember
    import ember.distributed as dist
    from mpi4py import MPI
    dist.init_process_group("mpi")
    comm = MPI.COMM_WORLD
    rows = []
    for mb in SIZES_MB:
        t = ember.ones(mb * 2 ** 20 // 4)
        array = t.numpy()  # the same buffer for both
        times = {"raw": [], "ember": []}

        def raw(array=array):
            comm.Allreduce(MPI.IN_PLACE, array, MPI.SUM)

        def ours(t=t):
            dist.all_reduce(t)

        runs = (("raw", raw), ("ember", ours))
        for fn in (raw, ours):  # warm-up
            fn()
        for i in range(rounds):
            for name, fn in runs if i % 2 == 0 else runs[::-1]:
                comm.Barrier()
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
        # a rank's wall time is its own; take the slowest rank per run (the collective's real duration)
        times = {name: [max(v) for v in zip(*comm.allgather(mine))] for name, mine in times.items()}
        ratios = sorted(e / r for e, r in zip(times["ember"], times["raw"]))
        rows.append({"mb": mb, **{f"{k}_best_ms": 1e3 * min(v) for k, v in times.items()},
                     **{f"{k}_median_ms": 1e3 * sorted(v)[len(v) // 2] for k, v in times.items()},
                     "paired_median_ratio": ratios[len(ratios) // 2]})
    return {"allreduce": rows}


def ddp_job(model_name: str, scaling: str, seconds: float) -> dict:
    import ember
    import ember.distributed as dist
    from ember.nn.parallel import DistributedDataParallel

    from benchmarks.models import CASES
    dist.init_process_group("mpi")
    ember.set_num_threads(1)
    world = dist.get_world_size()
    loss_name, batch = MODELS[model_name]
    per_rank = batch // world if scaling == "strong" else batch
    case = CASES[model_name](ember)
    model = DistributedDataParallel(case.model) if world > 1 else case.model
    if model_name == "mlp":
        opt = ember.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        x = ember.randn(per_rank, 784)
    else:
        opt = ember.optim.Adadelta(model.parameters(), lr=1.0)
        x = ember.randn(per_rank, 1, 28, 28)
    y = ember.randint(0, 10, (per_rank,))
    loss_fn = getattr(ember.nn.functional, loss_name)

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    for _ in range(3):
        step()
    steps, start = 0, time.perf_counter()
    while True:
        step()
        steps += 1
        # every rank must run the same number of steps: rank 0 decides when to stop
        elapsed = time.perf_counter() - start
        stop = [elapsed > seconds and steps >= 5]
        dist.broadcast_object_list(stop, src=0)
        if stop[0]:
            break
    elapsed = time.perf_counter() - start
    return {"model": model_name, "scaling": scaling, "ranks": world, "steps": steps,
            "step_ms": 1e3 * elapsed / steps, "samples_per_s": steps * per_rank * world / elapsed}


# --- driver -------------------------------------------------------------------------------------

def print_allreduce(rows: list) -> None:
    print("\nall-reduce, 2 ranks, float32, in place (ms; GB/s = bytes / best time)")
    print(f"{'size':>6} {'raw best':>9} {'raw med':>8} {'ember best':>11} {'ember med':>10} {'raw GB/s':>9} "
          f"{'ember GB/s':>11} {'overhead':>9} {'paired':>7}")
    for r in rows:
        nbytes = r["mb"] * 2 ** 20
        over = r["ember_best_ms"] / r["raw_best_ms"] - 1
        print(f"{r['mb']:>4}MB {r['raw_best_ms']:>9.3f} {r['raw_median_ms']:>8.3f} {r['ember_best_ms']:>11.3f} "
              f"{r['ember_median_ms']:>10.3f} {nbytes / r['raw_best_ms'] / 1e6:>9.2f} "
              f"{nbytes / r['ember_best_ms'] / 1e6:>11.2f} {100 * over:>8.1f}% "
              f"{100 * (r['paired_median_ratio'] - 1):>6.1f}%")


def print_ddp(rows: list) -> None:
    print("\nDDP training, one thread per rank (throughput over all ranks)")
    print(f"{'model':>5} {'scaling':>8} {'1 rank samples/s':>17} {'2 ranks samples/s':>18} {'efficiency':>11}")
    for one, two in zip(rows[::2], rows[1::2]):
        eff = two["samples_per_s"] / (2 * one["samples_per_s"])
        print(f"{one['model']:>5} {one['scaling']:>8} {one['samples_per_s']:>17.1f} {two['samples_per_s']:>18.1f} "
              f"{100 * eff:>10.1f}%")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer rounds and shorter DDP runs")
    p.add_argument("--json", help="also write the results to this file")
    p.add_argument("--skip", choices=("allreduce", "ddp"), help="leave out one part")
    p.add_argument("--rank-job", nargs="+", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.rank_job:
        kind, *rest = a.rank_job
        result = allreduce_job(int(rest[0])) if kind == "allreduce" else ddp_job(rest[0], rest[1], float(rest[2]))
        import ember.distributed as dist
        if dist.get_rank() == 0:
            print("RESULT " + json.dumps(result), flush=True)
        return 0
    results = {}
    if a.skip != "allreduce":
        results["allreduce"] = _job(2, "allreduce", "5" if a.quick else "30")["allreduce"]
        print_allreduce(results["allreduce"])
    if a.skip != "ddp":
        seconds = "1.5" if a.quick else "4"
        results["ddp"] = [_job(n, "ddp", model, scaling, seconds)
                          for model in MODELS for scaling in ("strong", "weak") for n in (1, 2)]
        print_ddp(results["ddp"])
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
