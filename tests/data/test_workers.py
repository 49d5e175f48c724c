"""Multi-process loading: order, seeding, worker info, sharding, faults, timeouts and clean shutdown."""
from __future__ import annotations

import multiprocessing
import os
import pickle
import random
import time

import ember
import pytest
from ember.utils.data import DataLoader, TensorDataset, get_worker_info

from tests.data import _datasets as D


def no_workers_left():
    """True when this process has no live multiprocessing children (shutdown joins them: no grace period)."""
    return multiprocessing.active_children() == []


def pid_gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def notes_of(exc):
    return "\n".join(getattr(exc, "__notes__", []))


# ----------------------------------------------------------------------------- results and order

@pytest.mark.parametrize("kw", [dict(batch_size=3), dict(batch_size=3, prefetch_factor=1),
                                dict(batch_size=None), dict(batch_size=4, drop_last=True)])
def test_workers_give_the_single_process_batches_in_order(kw):
    ds = D.Squares(14, ember)
    single_kw = {k: v for k, v in kw.items() if k != "prefetch_factor"}
    single = [[t.tolist() if isinstance(t, ember.Tensor) else t for t in b] for b in DataLoader(ds, **single_kw)]
    loader = DataLoader(ds, num_workers=2, **kw)
    multi = [[t.tolist() if isinstance(t, ember.Tensor) else t for t in b] for b in loader]
    assert multi == single
    assert no_workers_left()


def test_out_of_order_delivery_gives_every_batch_once():
    ds = D.Sleepy(12, slow=0, seconds=0.3)
    out = [b.tolist() for b in DataLoader(ds, batch_size=2, num_workers=2, in_order=False)]
    assert sorted(out) == [[i, i + 1] for i in range(0, 12, 2)]
    assert out[0] != [0, 1]  # the slow first batch did not hold the others back
    assert no_workers_left()


def test_prefetch_bounds_the_tasks_in_flight():
    it = iter(DataLoader(D.Squares(40, ember), batch_size=2, num_workers=2, prefetch_factor=3))
    assert it._tasks_outstanding == 6
    next(it)
    assert it._tasks_outstanding <= 6 and len(it) == 20
    del it
    assert no_workers_left()


def test_tensor_batches_pickle_as_bytes():
    t = ember.arange(1000, dtype=ember.float32)
    assert len(pickle.dumps(t, protocol=pickle.HIGHEST_PROTOCOL)) < 4000 + 400
    batches = list(DataLoader(TensorDataset(ember.randn(8, 3, 4), ember.arange(8)), batch_size=4, num_workers=1))
    assert [b[0].shape for b in batches] == [(4, 3, 4)] * 2 and batches[1][1].tolist() == [4, 5, 6, 7]
    assert batches[0][1].dtype == ember.int64


def test_pin_memory_with_workers():
    with pytest.warns(UserWarning, match="no accelerator is found"):
        out = [y.tolist() for _, y in DataLoader(D.Squares(5, ember), batch_size=2, num_workers=2, pin_memory=True)]
    assert out == [[0, 1], [2, 3], [4]]


# ----------------------------------------------------------------------------- seeding and worker info

def _probe(loader):
    return {i: rest for i, *rest in (tuple(x) for x in loader)}


def test_workers_are_seeded_with_base_seed_plus_worker_id():
    ds = D.WorkerProbe(8)
    g = ember.Generator().manual_seed(42)
    expected_base = int(ember.empty((), dtype=ember.int64).random_(generator=ember.Generator().manual_seed(42)).item())
    loader = DataLoader(ds, batch_size=None, num_workers=2, generator=g)
    rows = _probe(loader)
    assert {r[0] for r in rows.values()} == {0, 1}
    for i, (wid, seed, pid, ember_draw, py_draw) in rows.items():
        assert wid == (i % 2) and seed == expected_base + wid and pid != os.getpid()
    for wid in (0, 1):
        first = min(i for i, r in rows.items() if r[0] == wid)  # the worker's first sample: its first draws
        seed = expected_base + wid
        assert rows[first][3] == pytest.approx(float(ember.rand((), generator=ember.Generator().manual_seed(seed))))
        assert rows[first][4] == random.Random(seed).random()
    draws = [r[3] for r in rows.values()]
    assert len(set(draws)) == len(draws)  # workers do not repeat each other's random streams

    again = _probe(DataLoader(ds, batch_size=None, num_workers=2, generator=ember.Generator().manual_seed(42)))
    assert [r[1:2] + r[3:] for r in again.values()] == [r[1:2] + r[3:] for r in rows.values()]
    other = _probe(DataLoader(ds, batch_size=None, num_workers=2, generator=ember.Generator().manual_seed(43)))
    assert [r[3] for r in other.values()] != draws


def test_worker_seeds_follow_manual_seed_without_a_generator():
    ds = D.WorkerProbe(4)
    ember.manual_seed(5)
    a = _probe(DataLoader(ds, batch_size=None, num_workers=2))
    ember.manual_seed(5)
    b = _probe(DataLoader(ds, batch_size=None, num_workers=2))
    assert [r[1] for r in a.values()] == [r[1] for r in b.values()]
    assert [r[3] for r in a.values()] == [r[3] for r in b.values()]
    assert get_worker_info() is None


def test_worker_info_in_worker_init_fn_and_sharding_by_init():
    """PyTorch's docs example 2: without configuration every worker yields the whole stream."""
    dup = sorted(int(x) for x in DataLoader(D.PlainStream(4), batch_size=None, num_workers=2))
    assert dup == [0, 0, 1, 1, 2, 2, 3, 3]
    out = [int(x) for x in DataLoader(D.PlainStream(7), batch_size=None, num_workers=2,
                                      worker_init_fn=D.shard_init)]
    assert out == [0, 4, 1, 5, 2, 6, 3]
    out = [x.tolist() for x in DataLoader(D.RangeStream(3, 10), batch_size=2, num_workers=2)]
    assert sorted(i for b in out for i in b) == list(range(3, 10))


# ----------------------------------------------------------------------------- faults

def test_worker_exception_is_reraised_with_traceback_and_sample_index():
    loader = DataLoader(D.Failing(20, bad=7), batch_size=4, num_workers=2)
    it = iter(loader)
    assert next(it).tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError) as info:
        next(it)
    msg = str(info.value)
    assert msg.startswith("Caught ValueError in DataLoader worker process 1.\nOriginal Traceback (most recent call "
                          "last):\n")
    assert "cannot load sample 7" in msg and "_datasets.py" in msg
    assert "while fetching sample index 7 (batch indices [4, 5, 6, 7])" in msg
    assert next(it).tolist() == [8, 9, 10, 11]  # the iterator goes on, as PyTorch's does
    del info, it
    assert no_workers_left()


def test_worker_exception_types_that_cannot_be_rebuilt_or_pickled():
    class Local(Exception):  # defined here: cannot be pickled by reference
        pass

    with pytest.raises(RuntimeError, match="Caught Local in DataLoader worker process 0") as info:
        list(DataLoader(D.Failing(4, bad=2, exc_type=Local), batch_size=2, num_workers=1))
    assert "sample index 2" in str(info.value)
    with pytest.raises(KeyError) as info:
        list(DataLoader(D.Failing(4, bad=0, exc_type=KeyError), batch_size=2, num_workers=1))
    assert "Caught KeyError in DataLoader worker process 0.\nOriginal Traceback" in str(info.value)
    del info
    assert no_workers_left()


def test_unpicklable_batch_raises_instead_of_hanging():
    with pytest.raises(Exception, match="while pickling the batch to send it to the main process") as info:
        list(DataLoader(D.Failing(4, bad=-1), batch_size=2, num_workers=1, collate_fn=D.unpicklable_batch,
                        timeout=20))
    assert "pickle" in str(info.value).lower()
    del info
    assert no_workers_left()


def test_worker_init_fn_error_is_raised():
    def init(worker_id):
        raise OSError(f"init failed in {worker_id}")

    with pytest.raises(OSError, match="Caught OSError in DataLoader worker process 0.(.|\n)*init failed in 0"):
        list(DataLoader(D.Failing(4, bad=-1), num_workers=1, worker_init_fn=init))
    assert no_workers_left()


def test_killed_worker_raises_runtime_error_naming_it():
    loader = DataLoader(D.KillsItself(20, bad=9), batch_size=2, num_workers=2, timeout=30)
    start = time.monotonic()
    seen = []
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) (\d+)\) exited unexpectedly: worker 0 was "
                                           r"killed by signal SIGKILL; batches sent to it and not received: (.*, )?\[8, 9\]") as info:
        for b in loader:
            seen.append(b.tolist())
    assert time.monotonic() - start < 10 and seen == [[0, 1], [2, 3], [4, 5], [6, 7]]
    pid = int(str(info.value).split("pid(s) ")[1].split(")")[0])
    del info
    assert no_workers_left() and pid_gone(pid)


def test_timeout_is_honoured():
    loader = DataLoader(D.Sleepy(6, slow=2, seconds=5), batch_size=2, num_workers=2, timeout=0.5)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.5 seconds"):
        list(loader)
    assert time.monotonic() - start < 3
    assert no_workers_left()


# ----------------------------------------------------------------------------- shutdown

def test_no_leak_after_break():
    for i, _ in enumerate(DataLoader(D.Squares(40, ember), batch_size=2, num_workers=2)):
        if i == 1:
            break
    assert no_workers_left()


def test_no_leak_after_error_in_a_for_loop():
    def consume():
        for _ in DataLoader(D.Failing(20, bad=5), batch_size=2, num_workers=2):
            pass

    with pytest.raises(ValueError) as info:
        consume()
    del info  # the traceback holds the iterator's frames
    assert no_workers_left()
    try:
        consume()
    except ValueError:
        pass
    assert no_workers_left()  # freed by reference counting once the exception is gone


def test_no_leak_when_iterator_is_garbage_collected():
    it = iter(DataLoader(D.Squares(20, ember), batch_size=2, num_workers=2))
    next(it)
    pids = [w.pid for w in it._workers]
    assert all(not pid_gone(p) for p in pids)
    del it
    assert no_workers_left() and all(pid_gone(p) for p in pids)


def test_persistent_workers_survive_epochs_and_stop_with_the_loader():
    loader = DataLoader(D.WorkerProbe(6), batch_size=None, num_workers=2, persistent_workers=True)
    epochs = [_probe(loader) for _ in range(3)]
    pids = {r[2] for ep in epochs for r in ep.values()}
    assert len(pids) == 2 and all(sorted(ep) == list(range(6)) for ep in epochs)
    assert len(multiprocessing.active_children()) == 2  # alive between epochs
    it = iter(loader)
    next(it)  # break off mid-epoch: the next epoch still starts from the beginning
    assert sorted(_probe(loader)) == list(range(6))
    del it, loader
    assert no_workers_left() and all(pid_gone(p) for p in pids)


def test_persistent_workers_with_iterable_dataset():
    loader = DataLoader(D.RangeStream(0, 9), batch_size=2, num_workers=2, persistent_workers=True)
    for _ in range(2):
        assert sorted(i for b in loader for i in b.tolist()) == list(range(9))
    del loader
    assert no_workers_left()


def test_too_many_workers_warns():
    with pytest.warns(UserWarning, match="This DataLoader will create 512 worker processes in total"):
        DataLoader(D.Squares(2, ember), num_workers=512)


def test_spawn_with_unpicklable_arguments_fails_cleanly():
    loader = DataLoader(D.Squares(4, ember), num_workers=1, multiprocessing_context="spawn", collate_fn=lambda b: b)
    with pytest.warns(UserWarning, match="Got pickle error when attempting to start a worker Process"), \
            pytest.raises((AttributeError, pickle.PicklingError)):
        iter(loader)
    assert no_workers_left()


def test_spawn_context():
    ds = D.Squares(9, ember)
    loader = DataLoader(ds, batch_size=4, num_workers=1, multiprocessing_context="spawn")
    assert [(x.tolist(), y.tolist()) for x, y in loader] == [(x.tolist(), y.tolist()) for x, y in DataLoader(ds, 4)]
    assert no_workers_left()
