"""ember.distributed and DistributedDataParallel: 2-rank MPI jobs (ranks/*.py) plus single-process checks.

Each job runs under ``mpiexec -n 2`` with a hard time limit; a rank program prints ``DONE rank R`` at its
end and raises (aborting the job) on any failed check.
"""
from __future__ import annotations

import datetime
import os
import sys

import ember
import ember.distributed as dist
import pytest
from ember import nn
from ember.distributed import run as launcher
from ember.nn.parallel import DataParallel, DistributedDataParallel

from .conftest import needs_mpi

# --- one process, no MPI job --------------------------------------------------------------------

def test_everything_needs_an_initialized_group_first():
    assert not dist.is_initialized()
    for fn, args in ((dist.get_rank, ()), (dist.get_world_size, ()), (dist.get_backend, ()), (dist.barrier, ()),
                     (dist.all_reduce, (ember.ones(1),)), (dist.new_group, ([0],)),
                     (DistributedDataParallel, (nn.Linear(2, 2),))):
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            fn(*args)


def test_init_process_group_rejects_bad_arguments_before_touching_mpi():
    with pytest.raises(ValueError, match="Invalid backend: 'gloo'"):
        dist.init_process_group("gloo")
    with pytest.raises(ValueError, match="init_method='tcp://10.0.0.1:23456' is not supported"):
        dist.init_process_group("mpi", init_method="tcp://10.0.0.1:23456")
    with pytest.raises(TypeError, match="datetime.timedelta, got int"):
        dist.init_process_group("mpi", timeout=30)
    assert not dist.is_initialized()


def test_names_match_pytorch():
    assert dist.Backend("MPI") == dist.Backend.MPI == "mpi" and dist.Backend("nccl") == "nccl"
    assert repr(dist.ReduceOp.AVG) == "<RedOpType.AVG: 1>" and dist.ReduceOp.SUM == 0
    assert dist.default_pg_timeout == datetime.timedelta(minutes=30)
    assert dist.GroupMember.NON_GROUP_MEMBER == -100 and dist.group is dist.GroupMember
    assert issubclass(dist.DistStoreError, dist.DistError) and issubclass(dist.DistError, RuntimeError)
    assert DataParallel is nn.DataParallel
    assert dist.is_available() == (__import__("importlib.util").util.find_spec("mpi4py") is not None)


def test_launcher_builds_the_mpiexec_command(capsys, monkeypatch):
    assert launcher.main(["--nproc-per-node", "2", "--mpiexec", "/opt/mpi/bin/mpiexec", "--dry-run", "train.py",
                          "--epochs", "3"]) == 0
    cmd = capsys.readouterr().out.split()
    assert cmd[:5] == ["/opt/mpi/bin/mpiexec", "-n", "2", "-ppn", "2"]
    assert cmd[-4:] == [sys.executable, "train.py", "--epochs", "3"] or cmd[-3:] == ["train.py", "--epochs", "3"]
    monkeypatch.setattr(launcher, "_is_open_mpi", lambda path: True)
    a = launcher.parse_args(["--nnodes", "2", "--nproc-per-node", "4", "--hostfile", "hosts", "--mpiexec", "mpirun",
                             "-m", "pkg.train"])
    cmd = launcher.build_command(a)
    assert cmd[:3] == ["mpirun", "-n", "8"] and ["--map-by", "ppr:4:node"] == cmd[cmd.index("--map-by"):][:2]
    assert cmd[cmd.index("--hostfile") + 1] == "hosts" and cmd[-2:] == ["-m", "pkg.train"]
    assert ("--allow-run-as-root" in cmd) == (os.geteuid() == 0)


@pytest.mark.parametrize("argv, message", [
    (["--nnodes", "2", "x.py"], "needs --hostfile"),
    (["--nproc-per-node", "0", "x.py"], "must be >= 1"),
])
def test_launcher_rejects_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        launcher.main(argv)
    assert e.value.code == 2 and message in capsys.readouterr().err


# --- 2-rank MPI jobs ----------------------------------------------------------------------------

@needs_mpi
def test_collectives_on_two_ranks(mpirun):
    mpirun("collectives.py").check(2)


@needs_mpi
def test_nccl_engine_with_a_stand_in_binding_through_the_launcher(mpirun):
    job = mpirun("nccl_standin.py", launcher=[sys.executable, "-m", "ember.distributed.run", "--nproc-per-node",
                                              "2", "--threads-per-rank", "1"])
    job.check(2)


@needs_mpi
def test_ddp_matches_one_process_on_the_whole_batch(mpirun):
    mpirun("ddp.py").check(2)


@needs_mpi
@pytest.mark.parametrize("where", ["collective", "backward"])
def test_a_failing_rank_ends_the_job_promptly_with_its_error(mpirun, where):
    job = mpirun("fault_raise.py", where, timeout=30)
    assert job.returncode != 0 and "DONE" not in job.stdout
    assert "ValueError: rank 1 failed on purpose" in job.stderr, job.stderr
    assert job.seconds < 20, f"the job took {job.seconds:.1f} s to fail"


@needs_mpi
def test_init_process_group_honours_its_timeout(mpirun):
    job = mpirun("fault_timeout.py", timeout=30)
    assert job.returncode != 0 and "DONE" not in job.stdout
    assert "DistStoreError: init_process_group(): timed out after 1 s waiting for all 2 ranks" in job.stderr, \
        job.stderr
    assert job.seconds < 20, f"the job took {job.seconds:.1f} s to time out"


@needs_mpi
def test_ember_train_under_mpi(mpirun, tmp_path):
    job = mpirun("train_cli.py", tmp_path).check(2)
    assert job.stdout.count("ember train: shapes") == 1 and "2 MPI ranks" in job.stdout, job.stdout
    assert job.stdout.count("epoch 1/1  train loss") == 1 and job.stdout.count("ember train: done") == 1
    ck = ember.load(str(tmp_path / "checkpoint.pt"))
    assert not any(k.startswith("module.") for k in ck["model"])  # the plain model's keys, loadable anywhere
    assert (tmp_path / "report.png").stat().st_size > 0
