"""DataLoader throughput: ember vs PyTorch CPU, side by side in one run.

    python benchmarks/dataloader.py [--quick] [--threads N] [--cases tensor,folder_w0,folder_w2] [--check]

Cases (issue 4's speed targets, ember samples/s >= 1.0x torch's):

- ``tensor``: a 60,000-sample TensorDataset of 1x28x28 float32 images and int64 labels, batch 64,
  ``shuffle=True``, ``num_workers=0``, one full epoch;
- ``folder_w0`` / ``folder_w2``: an ImageFolder of 2,000 32x32 RGB PNGs in 10 class folders (generated
  with Pillow into a temporary directory), ``Compose([ToTensor(), Normalize(...)])``, batch 64,
  ``shuffle=True``, with ``num_workers`` 0 and 2 (worker start-up included, as in a real epoch), through
  ``ember.vision`` and ``torchvision`` respectively.

Each (framework, case) pair runs in its own subprocess with the BLAS/OpenMP thread variables pinned to the
same N before numpy/torch is imported (and ``set_num_threads(N)``).  Both subprocesses build their loader and
run one warm-up epoch; then the driver has them run whole epochs in alternation (ember, torch, torch,
ember, ...) for 5 rounds (2 with ``--quick``), so a change of load on a shared machine hits both alike.
Reported: min and median seconds per epoch, samples/s from the minimum, and the ratio ember samples/s /
torch samples/s from the minima and as the median of the per-round ratios.  Each epoch's CPU time (the
process plus its reaped children, i.e. the DataLoader workers, which exit at the end of every epoch) is
reported too: on a shared machine other processes stretch wall-clock times, much less CPU times, so the CPU
ratio (torch CPU s / ember CPU s, from the minima) is the steadier measure of the per-sample work.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

from _worker import THREAD_VARS, WorkerProcess  # benchmarks/ is the script's directory

try:
    import resource
except ImportError:  # not on Windows: CPU times are then not reported
    resource = None

FRAMEWORKS = ("ember", "torch")
CASES = {
    "tensor": "TensorDataset 60000 x 1x28x28 float32, batch 64, shuffle, num_workers 0",
    "folder_w0": "ImageFolder 2000 PNG 32x32 RGB, ToTensor+Normalize, batch 64, shuffle, num_workers 0",
    "folder_w2": "ImageFolder 2000 PNG 32x32 RGB, ToTensor+Normalize, batch 64, shuffle, num_workers 2",
}
TARGET = 1.0
ROUNDS = {"default": 5, "quick": 2}
N_IMAGES, N_CLASSES, IMAGE_SIZE = 2000, 10, 32


# --------------------------------------------------------------------------- data

def make_image_folder(root: str) -> None:
    """``N_IMAGES`` random RGB PNGs, spread over ``N_CLASSES`` class folders under ``root``."""
    import random

    from PIL import Image
    rng = random.Random(0)
    for c in range(N_CLASSES):
        os.makedirs(os.path.join(root, f"class_{c}"), exist_ok=True)
    for i in range(N_IMAGES):
        pixels = bytes(rng.getrandbits(8) for _ in range(IMAGE_SIZE * IMAGE_SIZE * 3))
        img = Image.frombytes("RGB", (IMAGE_SIZE, IMAGE_SIZE), pixels)
        img.save(os.path.join(root, f"class_{i % N_CLASSES}", f"img_{i:05d}.png"))


# --------------------------------------------------------------------------- worker (one subprocess)

def import_torchvision():
    """``import torchvision``, also where its C extension cannot load (e.g. a CUDA build beside a CPU torch).

    torchvision registers fake kernels for ``torchvision::nms``/``qnms`` at import; without ``_C.so`` those ops
    do not exist and the import fails.  Declaring the two schemas first lets the pure-Python parts (datasets,
    transforms) import, which is all this benchmark uses.
    """
    import importlib.util

    import torch
    spec = importlib.util.find_spec("torchvision")
    try:
        torch.ops.load_library(os.path.join(os.path.dirname(spec.origin), "_C.so"))
    except (OSError, RuntimeError):
        lib = torch.library.Library("torchvision", "DEF")
        for name in ("nms", "qnms"):
            lib.define(f"{name}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        import_torchvision.keep_alive = lib
    import torchvision
    return torchvision


def build_loader(framework: str, case: str, data_dir: str):
    """The DataLoader of ``case`` written once against the torch-like namespace of ``framework``."""
    if framework == "ember":
        import ember as fw
        from ember.utils.data import DataLoader, TensorDataset
    else:
        import torch as fw
        from torch.utils.data import DataLoader, TensorDataset
    g = fw.Generator().manual_seed(0)
    if case == "tensor":
        x = fw.randn(60000, 1, 28, 28, generator=g)
        y = fw.randint(0, 10, (60000,), generator=g)
        return DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True, generator=g)
    if framework == "ember":
        import ember.vision as vision
    else:
        vision = import_torchvision()
    T = vision.transforms
    tf = T.Compose([T.ToTensor(), T.Normalize((0.5, 0.5, 0.5), (0.25, 0.25, 0.25))])
    ds = vision.datasets.ImageFolder(data_dir, transform=tf)
    return DataLoader(ds, batch_size=64, shuffle=True, num_workers=int(case[-1]), generator=g)


def epoch(loader) -> int:
    n = 0
    for x, y in loader:
        n += int(y.shape[0])
    return n


def cpu_seconds() -> float | None:
    """User + system CPU seconds of this process and of its reaped children (the DataLoader workers)."""
    if resource is None:
        return None
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def worker(framework: str, case: str, threads: int, data_dir: str) -> None:
    """Build the loader, run a warm-up epoch, then answer the driver: ``epoch`` -> {"t", "n"}."""
    import warnings
    warnings.filterwarnings("ignore")

    def reply(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    fw = __import__(framework)
    fw.set_num_threads(threads)
    loader = build_loader(framework, case, data_dir)
    n = epoch(loader)
    reply({"warmup_samples": n})
    for line in sys.stdin:
        if line.strip() != "epoch":
            return
        c0, t0 = cpu_seconds(), time.perf_counter()
        n = epoch(loader)
        t, c1 = time.perf_counter() - t0, cpu_seconds()
        reply({"t": t, "n": n, "cpu": None if c0 is None else c1 - c0})


# --------------------------------------------------------------------------- driver

def Worker(framework: str, case: str, threads: int, data_dir: str) -> WorkerProcess:
    """A worker subprocess for one framework and case, with the thread variables pinned."""
    return WorkerProcess(__file__, [framework, case, "--data-dir", data_dir], threads)


def run_case(case: str, threads: int, rounds: int, data_dir: str) -> dict:
    """Time whole epochs of ``case``, alternating frameworks (ember, torch, torch, ember, ...)."""
    res, workers = {}, {}
    try:
        for fw in FRAMEWORKS:  # start one after the other: imports, building and warm-up are not timed
            try:
                workers[fw] = Worker(fw, case, threads, data_dir)
                res[fw] = {"times": [], "cpu": [], "samples": workers[fw].info["warmup_samples"]}
            except RuntimeError as err:
                res[fw] = {"error": str(err)}
        live = list(workers)
        for r in range(rounds):
            for fw in (live if r % 2 == 0 else live[::-1]):
                out = workers[fw].ask("epoch")
                res[fw]["times"].append(out["t"])
                if out["cpu"] is not None:
                    res[fw]["cpu"].append(out["cpu"])
                res[fw]["samples"] = out["n"]
    except RuntimeError as err:  # a worker died mid-run
        for fw, w in workers.items():
            res[fw] = {"error": str(err) if w.proc.poll() is not None else "stopped: the other worker failed"}
    finally:
        for w in workers.values():
            w.close()
    return res


def summarize(case: str, res: dict) -> dict:
    row = {"case": case, "description": CASES[case]}
    for fw, r in res.items():
        if "error" in r:
            row[fw + "_error"] = r["error"]
            continue
        row[fw + "_min"] = min(r["times"])
        row[fw + "_med"] = statistics.median(r["times"])
        row[fw + "_samples"] = r["samples"]
        row[fw + "_rate"] = r["samples"] / row[fw + "_min"]
        if r["cpu"]:
            row[fw + "_cpu"] = min(r["cpu"])
    if "ember_min" in row and "torch_min" in row:
        row["ratio_min"] = row["ember_rate"] / row["torch_rate"]
        e, t = res["ember"], res["torch"]
        row["ratio_med"] = statistics.median((e["samples"] / te) / (t["samples"] / tt)
                                             for te, tt in zip(e["times"], t["times"]))
        row["ok"] = row["ratio_min"] >= TARGET
        if "ember_cpu" in row and "torch_cpu" in row:
            row["cpu_ratio"] = row["torch_cpu"] / row["ember_cpu"]
    return row


def print_table(rows: list, threads: int) -> None:
    print()
    print(f"Summary (BLAS/OpenMP threads pinned to {threads} for both frameworks; s/epoch min / median; "
          f"ratio = ember samples/s / torch samples/s, target >= {TARGET})")
    head = (f"{'case':<10} {'ember s/epoch':>15} {'torch s/epoch':>15} {'ember samples/s':>16} "
            f"{'torch samples/s':>16} {'ratio min/med':>14} {'ok':>4} {'CPU s ember/torch':>18} {'CPU ratio':>9}")
    print(head)
    print("-" * len(head))
    for r in rows:
        if "ratio_min" not in r:
            errs = "; ".join(f"{fw}: {r[fw + '_error']}" for fw in FRAMEWORKS if fw + "_error" in r)
            print(f"{r['case']:<10} error: {errs}")
            continue
        cpu = (f" {r['ember_cpu']:8.3f}/{r['torch_cpu']:<9.3f} {r['cpu_ratio']:9.2f}" if "cpu_ratio" in r
               else f" {'-':>18} {'-':>9}")
        print(f"{r['case']:<10} {r['ember_min']:7.3f}/{r['ember_med']:<7.3f} {r['torch_min']:7.3f}/{r['torch_med']:<7.3f}"
              f" {r['ember_rate']:16.0f} {r['torch_rate']:16.0f} {r['ratio_min']:6.2f}/{r['ratio_med']:<7.2f}"
              f" {'yes' if r['ok'] else 'NO':>4}" + cpu)
    print("\nratio: from the minimum epoch times / median of the per-round (paired) ratios; judged on the minima.")
    print("CPU: minimum CPU seconds per epoch (process + DataLoader workers); CPU ratio = torch / ember (>= 1: "
          "ember does less work per epoch).")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                   help="BLAS/OpenMP threads for both frameworks (default: the machine's core count)")
    p.add_argument("--quick", action="store_true", help=f"{ROUNDS['quick']} timed epochs instead of "
                                                        f"{ROUNDS['default']}")
    p.add_argument("--cases", default=",".join(CASES), help="comma-separated subset of " + ",".join(CASES))
    p.add_argument("--check", action="store_true", help="exit 1 when a ratio is below the target")
    p.add_argument("--json", help="also write the rows to this file")
    p.add_argument("--worker", nargs=2, metavar=("FRAMEWORK", "CASE"), help=argparse.SUPPRESS)
    p.add_argument("--data-dir", default="", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.worker:
        worker(*args.worker, args.threads, args.data_dir)
        return 0

    cases = [c for c in args.cases.split(",") if c]
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        p.error(f"unknown case(s) {unknown}; choose from {list(CASES)}")
    rounds = ROUNDS["quick" if args.quick else "default"]
    print(f"ember vs torch DataLoader throughput; threads pinned: {', '.join(THREAD_VARS)} = {args.threads}; "
          f"{rounds} timed epochs per framework after one warm-up epoch")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load > 0.5:
        print(f"WARNING: 1-minute load average is {load:.1f}: other processes compete for the cores; "
              f"the alternating rounds share the disturbance, but absolute numbers are unreliable")
    t_start = time.perf_counter()
    tmp = tempfile.mkdtemp(prefix="ember_dataloader_bench_")
    rows = []
    try:
        if any(c.startswith("folder") for c in cases):
            make_image_folder(tmp)
        for case in cases:
            row = summarize(case, run_case(case, args.threads, rounds, tmp))
            rows.append(row)
            line = "  ".join(f"{fw} " + (f"{row[fw + '_min']:.3f}/{row[fw + '_med']:.3f} s"
                                         if fw + "_min" in row else "ERROR " + row[fw + "_error"])
                             for fw in FRAMEWORKS)
            print(f"{case:<10} {CASES[case]}\n{'':<10} {line}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(rows, args.threads)
    print(f"total wall time {time.perf_counter() - t_start:.0f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    if args.check:
        return 0 if all(r.get("ok") for r in rows) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
