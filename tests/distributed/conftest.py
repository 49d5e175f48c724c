"""The ``mpirun`` fixture: run a rank program of ``ranks/`` on N MPI processes, with a hard time limit."""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def mpiexec_path():
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return beside if os.access(beside, os.X_OK) else shutil.which("mpiexec")


def _missing() -> str:
    if importlib.util.find_spec("mpi4py") is None:
        return "mpi4py is not installed (pip install \"ember[distributed]\")"
    if mpiexec_path() is None:
        return "mpiexec is not installed (pip install mpich)"
    return ""


needs_mpi = pytest.mark.skipif(bool(_missing()), reason=_missing() or "MPI is installed")


class Job:
    """A finished MPI job: return code, output, and the wall time it took."""

    def __init__(self, proc: subprocess.CompletedProcess, seconds: float):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.seconds = seconds

    def check(self, n: int) -> Job:
        """Assert the job succeeded and that every rank reached the end of its program."""
        assert self.returncode == 0, f"MPI job failed (rc={self.returncode}):\n{self.stdout}\n{self.stderr}"
        for r in range(n):
            assert f"DONE rank {r}" in self.stdout, f"rank {r} did not finish:\n{self.stdout}\n{self.stderr}"
        return self


@pytest.fixture
def mpirun():
    """``mpirun("script.py", *args, n=2, timeout=60)`` runs ``ranks/script.py`` under mpiexec (or the given
    ``launcher`` command), one thread per rank."""
    def run(script, *args, n=2, timeout=60, launcher=None):
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   PYTHONWARNINGS="ignore")
        path = os.path.join(HERE, "ranks", script)
        # a launcher command (python -m ember.distributed.run ...) adds the Python interpreter itself
        cmd = (launcher or [mpiexec_path(), "-n", str(n), sys.executable]) + [path, *map(str, args)]
        start = time.monotonic()
        # own session: on a hang the whole job (mpiexec, its proxies and the ranks) is killed, no orphans
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            pytest.fail(f"MPI job {script} {args} hung: no exit within {timeout} s\n{out}\n{err}")
        return Job(subprocess.CompletedProcess(cmd, proc.returncode, out, err), time.monotonic() - start)
    return run
