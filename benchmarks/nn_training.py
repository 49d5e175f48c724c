"""Model benchmarks: ember (on each CPU backend) vs PyTorch CPU, side by side in one run.

    python benchmarks/nn_training.py [--quick] [--threads N] [--models mlp,cnn,...] [--backends numpy,c_ext]
                                     [--check]

Each (framework, model) pair runs in its own worker subprocess with OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS and MKL_NUM_THREADS set to the same N before numpy/torch are
imported (and ``set_num_threads(N)``), so both frameworks get the same BLAS threads
and each peak RSS (VmHWM: ``ru_maxrss`` without the part that survives exec) belongs
to one framework and one model.  Both workers of a model build it and warm up, then
the driver has them run single steps in alternation (ember, torch, torch, ember, ...)
for 20 rounds (5 with ``--quick``) or until the time budget is spent (never fewer than
3): a change of load on a shared machine hits both alike.  Reported: min and median ms/step, throughput ratio ember/torch (torch time /
ember time) from the minima and as the median of the per-round ratios, peak RSS of
each process and its ratio, and for ember the tracemalloc peak of one step (NumPy
reports its buffers to tracemalloc).
``--backends`` runs ember once per backend named (default: every available one among numpy and c_ext;
each worker gets ``EMBER_BACKEND``), all in the same alternation; the ember-vs-torch table is printed per
backend, followed by a table of torch / ember-<backend> throughputs and the c_ext/numpy and c_ext/torch
ratios.
``--check`` exits 1 when a throughput or memory target is missed; ``--verify`` first
checks that both frameworks build the same networks (state_dict keys and shapes, and
equal eval outputs with torch's weights loaded into ember).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

from _worker import THREAD_VARS, WorkerProcess  # benchmarks/ is the script's directory

HERE = os.path.dirname(os.path.abspath(__file__))
CPU_BACKENDS = ("numpy", "c_ext")  # the ember backends --backends may name
# (warm-up steps, max timed rounds, seconds of timed steps per framework) for each mode
PLANS = {"default": (2, 20, 12.0), "quick": (1, 5, 4.0)}


# --------------------------------------------------------------------------- worker (one subprocess)

def _rss_mib() -> float:
    """Peak RSS of this process in MiB: VmHWM on Linux, else ``ru_maxrss``.

    ``getrusage(RUSAGE_SELF).ru_maxrss`` survives exec on Linux, so a worker would inherit the driver's
    peak at spawn time; VmHWM belongs to the process's own address space."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, kilobytes elsewhere


def worker(framework: str, model: str, threads: int, warmup: int) -> None:
    """Build ``model`` and answer the driver: one JSON line per command read from stdin.

    ``step`` -> {"t": seconds of one step}; ``done`` -> peak RSS (and for ember the tracemalloc peak
    of one more step), then exit.  The first line, written after the warm-up, reports the RSS so far.
    """
    import warnings
    warnings.filterwarnings("ignore")
    sys.path.insert(0, HERE)
    from models import CASES

    def reply(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    fw = __import__(framework)
    fw.set_num_threads(threads)
    rss_import = _rss_mib()
    case = CASES[model](fw)
    rss_built = _rss_mib()
    for _ in range(warmup):
        case.step()
    info = {"rss_import": rss_import, "rss_built": rss_built, "description": case.description,
            "batch": case.batch, "threads": fw.get_num_threads()}
    if framework == "ember":
        info["backend"] = fw.backends.default_backend().name
    reply(info)
    for line in sys.stdin:
        if line.strip() == "step":
            t0 = time.perf_counter()
            case.step()
            reply({"t": time.perf_counter() - t0})
            continue
        result = {"rss_peak": _rss_mib()}
        if framework == "ember":  # torch's allocator is invisible to tracemalloc, so ember only
            import tracemalloc
            tracemalloc.start()
            case.step()
            result["traced_peak"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        reply(result)
        return


# --------------------------------------------------------------------------- driver

# a small input for each model, for the parity check
PARITY_INPUTS = {"mlp": (4, 784), "cnn": (4, 1, 28, 28), "resnet18_infer": (2, 3, 32, 32),
                 "resnet18_train": (2, 3, 32, 32), "lstm": (2, 50, 128), "transformer": (2, 64, 256)}


def verify_parity(models, atol=1e-4) -> bool:
    """Check that ember and torch build the same networks: equal state_dict keys and shapes, and with
    torch's weights loaded into ember, equal eval-mode outputs (within ``atol``).  One process, both
    frameworks: a correctness check, not a measurement."""
    import warnings
    warnings.filterwarnings("ignore")
    import ember
    import numpy as np
    import torch

    from models import CASES

    ok = True
    for name in models:
        e, t = CASES[name](ember).model, CASES[name](torch).model
        keys_e = [(k, tuple(v.shape)) for k, v in e.state_dict().items()]
        keys_t = [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
        e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
        e.eval()
        t.eval()
        x = np.random.default_rng(0).standard_normal(PARITY_INPUTS[name]).astype(np.float32)
        with torch.no_grad():
            out_t = t(torch.from_numpy(x)).numpy()
        with ember.no_grad():
            out_e = e(ember.tensor(x)).numpy()
        diff = float(np.abs(out_t - out_e).max())
        good = keys_e == keys_t and diff <= atol
        ok &= good
        print(f"parity {name:<15} {len(keys_e)} state_dict entries {'equal' if keys_e == keys_t else 'DIFFER'}, "
              f"max |ember - torch| of eval outputs {diff:.2e}  {'ok' if good else 'FAILED'}")
    return ok


def runner_names(backends) -> list:
    """The workers of one model: ``ember-<backend>`` for each backend, then ``torch``."""
    return [f"ember-{b}" for b in backends] + ["torch"]


def available_backends() -> list:
    """The backends of CPU_BACKENDS that are installed and available, in that order."""
    import warnings
    from ember.backends import all_backends
    with warnings.catch_warnings():  # a broken third-party plugin warns here; the workers would say the same
        warnings.simplefilter("ignore")
        found = all_backends()
    return [b for b in CPU_BACKENDS if b in found and found[b].available]


class Worker(WorkerProcess):
    """A worker subprocess for one runner (``torch`` or ``ember-<backend>``) and model, with the thread
    variables pinned."""

    def __init__(self, runner: str, model: str, threads: int, warmup: int):
        framework, _, backend = runner.partition("-")
        super().__init__(__file__, [framework, model, "--warmup", str(warmup)], threads,
                         env={"EMBER_BACKEND": backend} if backend else None)
        if backend and self.info.get("backend") != backend:
            self.close()
            raise RuntimeError(f"asked for ember backend {backend!r}, the worker runs {self.info.get('backend')!r}")


def run_model(model: str, threads: int, plan: str, runners=("ember", "torch")) -> dict:
    """Time ``model`` with every runner, alternating single steps (ember, torch, torch, ember, ...).

    All workers stay alive, but only one computes at a time; a change of load on the machine
    then hits every runner alike, and each round gives paired time ratios.
    """
    warmup, max_steps, budget = PLANS[plan]
    res, workers = {}, {}
    try:
        for fw in runners:  # start one after the other: imports and warm-ups are not timed
            try:
                workers[fw] = Worker(fw, model, threads, warmup)
                res[fw] = dict(workers[fw].info, times=[])
            except RuntimeError as err:
                res[fw] = {"error": str(err)}
        live = list(workers)
        start = time.perf_counter()
        rounds = 0
        while live and rounds < max_steps and (rounds < 3 or time.perf_counter() - start < 2 * budget):
            for fw in (live if rounds % 2 == 0 else live[::-1]):
                res[fw]["times"].append(workers[fw].ask("step")["t"])
            rounds += 1
        for fw in live:
            res[fw].update(workers[fw].ask("done"))
    except RuntimeError as err:  # a worker died mid-run: no comparison for this model
        for fw, w in workers.items():
            res[fw] = {"error": str(err) if w.proc.poll() is not None else "stopped: the other worker failed"}
    finally:
        for w in workers.values():
            w.close()
    return res


def summarize(model: str, res: dict, ember: str = "ember") -> dict:
    """The ember-vs-torch row of ``model``; ``ember`` names the ember runner (``ember-<backend>``)."""
    from models import MEMORY_TARGET, TARGETS
    res = {"ember": res[ember], "torch": res["torch"]}
    e, t = res["ember"], res["torch"]
    row = {"model": model, "target": TARGETS[model], "backend": ember.partition("-")[2] or None}
    for fw, r in res.items():
        if "error" in r:
            continue
        row[fw + "_min"] = min(r["times"]) * 1e3
        row[fw + "_med"] = statistics.median(r["times"]) * 1e3
        row[fw + "_n"] = len(r["times"])
        row[fw + "_rss"] = r["rss_peak"]
        row[fw + "_rss_step"] = r["rss_peak"] - r["rss_built"]
    if "error" not in e and "error" not in t:
        row["ratio_min"] = row["torch_min"] / row["ember_min"]
        row["ratio_med"] = statistics.median(te / ee for te, ee in zip(t["times"], e["times"]))
        row["mem_ratio"] = row["ember_rss"] / row["torch_rss"]
        row["mem_step_ratio"] = row["ember_rss_step"] / max(row["torch_rss_step"], 1.0)
        row["traced_peak"] = e.get("traced_peak")
        row["ok_speed"] = row["ratio_min"] >= TARGETS[model]
        row["ok_mem"] = row["mem_ratio"] <= MEMORY_TARGET
    return row


def print_table(rows: list, threads: int) -> None:
    from models import MEMORY_TARGET
    print()
    backend = rows[0].get("backend") if rows else None
    on = f" on the {backend} backend" if backend else ""
    print(f"Summary: ember{on} vs torch (BLAS/OpenMP threads pinned to {threads} for both frameworks; ms/step min / "
          f"median; ratio = ember throughput / torch throughput; memory = peak RSS of each subprocess)")
    head = (f"{'model':<15} {'ember ms':>17} {'torch ms':>17} {'ratio':>11} {'target':>6}  "
            f"{'RSS MiB e/t':>13} {'mem':>5} {'step-RSS e/t':>13} {'ok':>4}")
    print(head)
    print("-" * len(head))
    for r in rows:
        if "ratio_min" not in r:
            print(f"{r['model']:<15} error: " + "; ".join(
                f"{fw}: {res['error']}" for fw, res in r["_raw"].items() if "error" in res
                and (fw == "torch" or fw.partition("-")[2] == (r.get("backend") or ""))))
            continue
        ok = "yes" if r["ok_speed"] and r["ok_mem"] else ("spd" if not r["ok_speed"] else "") + \
             ("mem" if not r["ok_mem"] else "")
        print(f"{r['model']:<15} {r['ember_min']:8.1f}/{r['ember_med']:8.1f} "
              f"{r['torch_min']:8.1f}/{r['torch_med']:8.1f} "
              f"{r['ratio_min']:5.2f}/{r['ratio_med']:<5.2f} {r['target']:>6.1f}  "
              f"{r['ember_rss']:6.0f}/{r['torch_rss']:<6.0f} {r['mem_ratio']:5.2f} "
              f"{r['ember_rss_step']:6.0f}/{r['torch_rss_step']:<6.0f} {'yes' if ok == 'yes' else 'NO:' + ok:>4}")
    print("\nratio: from the min step times / median of the per-round (paired) ratios; targets: MLP >= 0.8, "
          f"others >= 0.4 (judged on the min); memory <= {MEMORY_TARGET}x torch's peak RSS.")
    print("step-RSS: peak RSS minus RSS after building the model (the training step's own working memory); "
          "torch's import alone costs more RSS than ember's, which flatters the whole-process ratio.")
    traced = [f"{r['model']} {r['traced_peak']:.0f}" for r in rows if r.get("traced_peak") is not None]
    if traced:
        print("ember tracemalloc peak of one step (MiB): " + ", ".join(traced))


def print_backend_table(results: dict, backends: list, threads: int) -> None:
    """One line per model: min ms/step of torch and of ember on each backend, then the c_ext/numpy and
    c_ext/torch throughput ratios (from the minima / median of the per-round paired ratios)."""
    def ms(r):
        return f"{min(r['times']) * 1e3:9.1f}" if r.get("times") else f"{'error':>9}"

    def ratio(slow, fast):  # throughput of `fast` over `slow`: slow's time / fast's time
        if not (slow.get("times") and fast.get("times")):
            return f"{'-':>11}"
        paired = statistics.median(s / f for s, f in zip(slow["times"], fast["times"]))
        return f"{min(slow['times']) / min(fast['times']):5.2f}/{paired:<5.2f}"

    print()
    print(f"Backends (threads {threads}; ms/step min; ratios = throughput ratios, from the min / median of the "
          f"paired per-round ratios)")
    names = runner_names(backends)
    head = f"{'model':<15} {'torch':>9} " + " ".join(f"{n:>12}" for n in names[:-1])
    pairs = [("c_ext/numpy", "ember-numpy", "ember-c_ext"), ("c_ext/torch", "torch", "ember-c_ext")]
    pairs = [p for p in pairs if p[1] in names and p[2] in names]
    head += "".join(f" {label:>11}" for label, _, _ in pairs)
    print(head)
    print("-" * len(head))
    for model, res in results.items():
        line = f"{model:<15} {ms(res['torch'])} " + " ".join(f"{ms(res[n]):>12}" for n in names[:-1])
        line += "".join(f" {ratio(res[slow], res[fast])}" for _, slow, fast in pairs)
        print(line)


def main(argv=None) -> int:
    from models import CASES
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                   help="BLAS/OpenMP threads for both frameworks (default: the machine's core count)")
    p.add_argument("--quick", action="store_true", help="fewer warm-up and timed steps")
    p.add_argument("--models", default=",".join(CASES), help="comma-separated subset of " + ",".join(CASES))
    p.add_argument("--backends", default=None,
                   help="comma-separated ember backends to run, among " + ",".join(CPU_BACKENDS) +
                        " (default: every available one)")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("--json", help="also write the rows to this file")
    p.add_argument("--verify", action="store_true",
                   help="first check that both frameworks build the same networks (state_dict, outputs)")
    p.add_argument("--worker", nargs=2, metavar=("FRAMEWORK", "MODEL"), help=argparse.SUPPRESS)
    p.add_argument("--warmup", type=int, default=2, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.worker:
        worker(*args.worker, args.threads, args.warmup)
        return 0

    models = [m for m in args.models.split(",") if m]
    unknown = [m for m in models if m not in CASES]
    if unknown:
        p.error(f"unknown model(s) {unknown}; choose from {list(CASES)}")
    plan = "quick" if args.quick else "default"
    backends = available_backends() if args.backends is None else [b for b in args.backends.split(",") if b]
    bad = [b for b in backends if b not in CPU_BACKENDS]
    if bad or not backends:
        p.error(f"--backends: expected a comma-separated subset of {list(CPU_BACKENDS)}, got {args.backends!r}")
    runners = runner_names(backends)
    if args.verify and not verify_parity(models):
        print("parity check failed: the two frameworks do not run the same networks")
        return 1
    print(f"ember ({', '.join(backends)} backend{'s' if len(backends) > 1 else ''}) vs torch CPU; threads pinned: {', '.join(THREAD_VARS)} = {args.threads}, "
          f"torch.set_num_threads({args.threads}); plan {plan} {PLANS[plan]} "
          f"(warm-up, max rounds, s budget per framework)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if args.threads > 1 and load > 0.5:
        print(f"WARNING: 1-minute load average is {load:.1f}: other processes compete for the cores, and "
              f"multi-threaded BLAS/OpenMP calls then stall on waking their threads (ms per call); "
              f"timings are unreliable, compare with --threads 1")
    rows, results = {b: [] for b in backends}, {}
    t_start = time.perf_counter()
    for model in models:
        res = results[model] = run_model(model, args.threads, plan, runners)
        for b in backends:
            row = summarize(model, res, f"ember-{b}")
            row["_raw"] = res
            rows[b].append(row)
        desc = next((r["description"] for r in res.values() if "description" in r), model)
        line = "  ".join(f"{fw} " + (f"{min(res[fw]['times']) * 1e3:.1f}/"
                                     f"{statistics.median(res[fw]['times']) * 1e3:.1f} ms (n={len(res[fw]['times'])})"
                                     if "error" not in res[fw] else "ERROR " + res[fw]["error"])
                         for fw in runners)
        print(f"{model:<15} {desc}\n{'':<15} {line}", flush=True)
    for b in backends:
        print_table(rows[b], args.threads)
    print_backend_table(results, backends, args.threads)
    print(f"total wall time {time.perf_counter() - t_start:.0f} s")
    rows = [r for b in backends for r in rows[b]]
    if args.json:
        with open(args.json, "w") as f:
            json.dump([{k: v for k, v in r.items()} for r in rows], f, indent=1)
    if args.check:
        return 0 if all(r.get("ok_speed") and r.get("ok_mem") for r in rows) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
