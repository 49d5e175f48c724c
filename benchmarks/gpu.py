"""GPU training benchmarks: ember on its GPU backend vs PyTorch CUDA, in the same process.

    python benchmarks/gpu.py                   # cuda: ResNet-18 b128 32x32, Transformer encoder, MLP
    python benchmarks/gpu.py --device cpu --smoke   # tiny sizes on the CPU (ember numpy vs torch cpu)

The models are ``benchmarks/models.py``'s, built for both frameworks from the same code; ResNet-18 runs at
batch 128 here.  Each step is timed with the device synchronised; the ratio is ember's throughput over
PyTorch's (target >= 0.5 on the GPU).  ``--json PATH`` writes the rows for scripts/gpu_check.sh.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import CASES, Case, _resnet18, _train_step  # noqa: E402

TARGET = 0.5


def resnet18_train(torch, batch=128, size=32) -> Case:
    """ResNet-18 (CIFAR variant) training step at ``batch`` x 3 x ``size`` x ``size``, SGD(momentum=0.9)."""
    F = torch.nn.functional
    torch.manual_seed(0)
    model = _resnet18(torch).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(batch, 3, size, size)
    y = torch.randint(0, 10, (batch,))
    return Case(_train_step(model, opt, F.cross_entropy, x, y),
                f"ResNet-18 ({size}x{size}) train, SGD(momentum=0.9), batch {batch}", batch, model)


WORKLOADS = {
    "resnet18_train_b128": lambda torch, smoke: resnet18_train(torch, 2 if smoke else 128, 16 if smoke else 32),
    "transformer_train": lambda torch, smoke: CASES["transformer"](torch),
    "mlp_train": lambda torch, smoke: CASES["mlp"](torch),
}


def _with_default_device(fw, device, build):
    """Build a case with ``device`` as the default device, so the model, data and optimizer state live there."""
    fw.set_default_device(device)
    try:
        return build()
    finally:
        fw.set_default_device("cpu")


def time_steps(fw, device, build, warmup, steps):
    """Seconds per step of ``build()``'s case on ``device``, after ``warmup`` untimed steps."""
    case = _with_default_device(fw, device, build)
    sync = fw.cuda.synchronize if device != "cpu" else (lambda: None)
    for _ in range(warmup):
        case.step()
    sync()
    t0 = time.perf_counter()
    for _ in range(steps):
        case.step()
    sync()
    return (time.perf_counter() - t0) / steps


def run(device="cuda", smoke=False, warmup=3, steps=10, names=None) -> list:
    import ember
    import torch
    rows = []
    for name in names or WORKLOADS:
        make = WORKLOADS[name]
        e = time_steps(ember, device, lambda: make(ember, smoke), warmup, steps)
        t = time_steps(torch, device, lambda: make(torch, smoke), warmup, steps)
        rows.append({"workload": name, "ember_ms": e * 1e3, "torch_ms": t * 1e3, "ratio": t / e,
                     "ember_backend": ember.device(device).backend})
    return rows


def device_name(device):
    import torch
    return torch.cuda.get_device_name() if device != "cpu" and torch.cuda.is_available() else "cpu"


def print_table(rows, device) -> None:
    print(f"\nGPU benchmarks on {device_name(device)} (ember backend {rows[0]['ember_backend'] if rows else '?'} "
          f"vs torch {device}); ratio = ember throughput / torch throughput, target >= {TARGET}")
    print(f"{'workload':<22}{'ember ms/step':>15}{'torch ms/step':>15}{'ratio':>8}  verdict")
    for r in rows:
        verdict = "ok" if r["ratio"] >= TARGET else "BELOW TARGET"
        print(f"{r['workload']:<22}{r['ember_ms']:>15.2f}{r['torch_ms']:>15.2f}{r['ratio']:>8.2f}  {verdict}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--device", default="cuda", help="cuda (default) or cpu")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, 1 warmup + 1 timed step (plumbing check)")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--only", default=None, help="comma-separated workloads (default: all)")
    ap.add_argument("--json", default=None, help="also write the rows to this JSON file")
    args = ap.parse_args(argv)
    warmup, steps = (1, 1) if args.smoke else (args.warmup, args.steps)
    names = args.only.split(",") if args.only else None
    rows = run(args.device, args.smoke, warmup, steps, names)
    print_table(rows, args.device)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": device_name(args.device), "rows": rows}, f, indent=1)
    return 0 if args.smoke or all(r["ratio"] >= TARGET for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
