"""Per-op dispatch overhead: ember vs PyTorch vs plain NumPy, in one run.

    python benchmarks/dispatch.py [--backend NAME] [--repeat 7] [--check]

Two workloads on 16-element float32 tensors:
  add        ``a + b``
  fwd+bwd    ``y = (a * b + a).sum(); y.backward()`` with a, b requiring grad
Each time is the minimum over ``--repeat`` timeit runs, in microseconds per
iteration.  Targets on the NumPy backend: ember/torch <= 2.0 for add and
<= 1.0 for fwd+bwd; ``--check`` exits 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import os
import sys
import timeit

TARGETS = {"add": 2.0, "fwd+bwd": 1.0}  # max ember/torch ratio


def measure(fns, repeat):
    """Minimum µs per call of each function, over ``repeat`` rounds of auto-sized loops (~0.2 s each).

    The rounds interleave the implementations, so a load change on the machine hits all of them alike.
    """
    timers = {key: timeit.Timer(fn) for key, fn in fns.items()}
    numbers = {key: max(t.autorange()[0], 1000) for key, t in timers.items()}
    best = {key: float("inf") for key in fns}
    for _ in range(repeat):
        for key, t in timers.items():
            best[key] = min(best[key], t.timeit(numbers[key]) / numbers[key] * 1e6)
    return best


def ember_cases(backend):
    import ember
    a = ember.arange(16, dtype=ember.float32, device=backend)
    b = ember.ones(16, dtype=ember.float32, device=backend)
    ga = a.clone().requires_grad_()
    gb = b.clone().requires_grad_()

    def fwd_bwd():
        y = (ga * gb + ga).sum()
        y.backward()

    return {"add": lambda: a + b, "fwd+bwd": fwd_bwd}


def torch_cases():
    try:
        import torch
    except ImportError:
        return None
    a = torch.arange(16, dtype=torch.float32)
    b = torch.ones(16, dtype=torch.float32)
    ga = a.clone().requires_grad_()
    gb = b.clone().requires_grad_()

    def fwd_bwd():
        y = (ga * gb + ga).sum()
        y.backward()

    return {"add": lambda: a + b, "fwd+bwd": fwd_bwd}


def numpy_cases():
    import numpy as np
    a = np.arange(16, dtype=np.float32)
    b = np.ones(16, dtype=np.float32)
    return {"add": lambda: a + b}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backend", default=None, help="ember backend (default: EMBER_BACKEND or ember's default)")
    p.add_argument("--repeat", type=int, default=7, help="timeit runs per measurement; the minimum is reported")
    p.add_argument("--check", action="store_true", help="exit 1 when ember misses a target ratio")
    args = p.parse_args(argv)

    import ember
    backend = args.backend or ember.get_default_device().backend
    impls = {"ember": ember_cases(backend), "torch": torch_cases(), "numpy": numpy_cases()}
    fns = {(impl, case): fn for impl, cases in impls.items() for case, fn in (cases or {}).items()}
    for fn in fns.values():
        fn()  # warm up (first-use loading, caches)
    results = measure(fns, args.repeat)

    print(f"ember dispatch overhead: backend {backend!r}, 16-element float32, min of {args.repeat} runs "
          f"(python {sys.version.split()[0]}, pid {os.getpid()})")
    header = f"{'workload':<10} {'ember µs':>10} {'torch µs':>10} {'numpy µs':>10} {'ember/torch':>12} " \
             f"{'ember/numpy':>12} {'target':>8}"
    print(header)
    print("-" * len(header))
    missed = []
    for case in ("add", "fwd+bwd"):
        e, t, n = results.get(("ember", case)), results.get(("torch", case)), results.get(("numpy", case))
        r_t = e / t if t else None
        r_n = e / n if n else None
        fmt = lambda v, spec: format(v, spec) if v is not None else format("-", ">" + spec.split(".")[0])  # noqa: E731
        ok = r_t is None or r_t <= TARGETS[case]
        if not ok:
            missed.append(case)
        print(f"{case:<10} {fmt(e, '10.2f')} {fmt(t, '10.2f')} {fmt(n, '10.2f')} {fmt(r_t, '12.2f')} "
              f"{fmt(r_n, '12.2f')} {'<= ' + str(TARGETS[case]):>8}{'' if ok else '  MISSED'}")
    if impls["torch"] is None:
        print("torch is not installed: no ember/torch ratios")
    if missed and args.check:
        print(f"targets missed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
