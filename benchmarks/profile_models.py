"""cProfile ember's step for the issue-3 models (``benchmarks/models.py``).

    python benchmarks/profile_models.py [--models mlp,cnn,...] [--steps 3] [--top 20] [--threads N]
                                        [--sort tottime|cumtime] [--kernels]

Pins the BLAS threads like ``nn_training.py`` (set before NumPy is imported), warms
up two steps, then profiles ``--steps`` steps and prints the top functions by own
time.  ``--kernels`` adds a per-kernel table: time spent inside each NumPy backend
kernel (by op name), the dispatch overhead around kernels is what is left over.
"""
from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def kernel_timer(ember):
    """Wrap every kernel in the NumPy backend's table with a timer; returns the stats dict."""
    import time
    table = ember.ones(1)._backend.table
    stats = {}

    def wrap(name, fn):
        def timed(*args):
            t0 = time.perf_counter()
            try:
                return fn(*args)
            finally:
                s = stats.setdefault(name, [0, 0.0])
                s[0] += 1
                s[1] += time.perf_counter() - t0
        return timed

    for name, fn in list(table.items()):
        table[name] = wrap(name, fn)
    return stats


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default="mlp,cnn,resnet18_infer,resnet18_train,lstm,transformer")
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--sort", default="tottime")
    p.add_argument("--kernels", action="store_true", help="also time each backend kernel by op name")
    args = p.parse_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)

    import cProfile
    import pstats
    import time
    import warnings
    warnings.filterwarnings("ignore")
    sys.path.insert(0, HERE)
    import ember

    from models import CASES

    stats = kernel_timer(ember) if args.kernels else None
    for name in args.models.split(","):
        case = CASES[name](ember)
        case.step()
        case.step()
        if stats is not None:
            stats.clear()
        t0 = time.perf_counter()
        for _ in range(args.steps):
            case.step()
        plain = (time.perf_counter() - t0) / args.steps
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.steps):
            case.step()
        prof.disable()
        print(f"\n===== {name}: {case.description}  ({plain * 1e3:.1f} ms/step unprofiled, "
              f"threads {args.threads})")
        if stats is not None:
            steps = 2 * args.steps
            total = sum(t for _, t in stats.values()) / steps
            print(f"kernels: {total * 1e3:.1f} ms/step in backend kernels "
                  f"({100 * total / plain:.0f}% of the unprofiled step)")
            for op, (n, t) in sorted(stats.items(), key=lambda kv: -kv[1][1])[:args.top]:
                print(f"  {op:<28} {n / steps:6.1f} calls/step {t / steps * 1e3:9.2f} ms/step")
        pstats.Stats(prof).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
