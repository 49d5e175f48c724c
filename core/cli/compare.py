"""``ember compare``: run a model on several backends and diff everything against a float64 reference.

    ember compare mlp                                  # every available backend against NumPy float64
    ember compare resnet18 --backends c_ext --steps 2  # forward, backward and two SGD steps
    ember compare mypkg.nets:make_net --input-shape 8,32
    ember compare cnn --json report.json

Prints the table of :func:`ember.testing.compare_backends` (per output, gradient and parameter the max
abs/rel error, and the first module whose activations diverge) and exits 0 when every backend agrees,
1 when one diverges or fails to run, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import os
import sys

BUILTIN = ("mlp", "cnn", "resnet18", "lstm", "transformer")
DTYPES = ("float32", "float64", "float16", "bfloat16")

_EPILOG = """\
MODEL is a built-in model (mlp, cnn, resnet18, lstm, transformer: small versions of the benchmark
workloads) or module:callable, where callable is
  - an nn.Module instance or subclass (instantiated without arguments),
  - a function without required arguments returning an nn.Module, or a tuple (model, inputs),
  - any other function fn(*inputs), compared with its input gradients.
Random standard-normal inputs come from --input-shape (one per input) unless the callable returns inputs.
Models run in eval mode unless --train. Prefer --optimizer sgd to compare backends: Adam turns the rounding
noise of a gradient that is zero in exact arithmetic (e.g. an attention key bias) into a full-size step, so
such a parameter differs after one step even between correct backends. Tolerance: a tensor agrees when
max|actual - reference| <= atol + rtol * max|reference| (defaults by dtype: float32 rtol 1e-4, atol 1e-5).

exit status: 0 every backend agrees, 1 a backend diverges or fails to run, 2 bad usage
"""


class CompareError(Exception):
    """A user-facing error: printed as ``ember compare: error: ...`` without a traceback."""


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``compare`` subcommand to ``sub`` (an ``add_subparsers()`` result)."""
    p = sub.add_parser("compare", help="diff a model's outputs, gradients and steps across backends",
                       description=__doc__.replace("``", ""), epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", metavar="MODEL", help=f"{', '.join(BUILTIN)}, or module:callable")
    p.add_argument("--backends", default=None, metavar="A,B",
                   help="comma-separated backends to compare (default: every available one)")
    p.add_argument("--reference", default="numpy", help="backend of the float64 reference (default: numpy)")
    p.add_argument("--dtype", choices=DTYPES, default="float32", help="dtype under test (default: float32)")
    p.add_argument("--input-shape", action="append", default=None, metavar="N,M,...", type=_shape,
                   help="shape of a random input; repeat for several inputs (default: the built-in model's)")
    p.add_argument("--steps", type=_non_negative, default=0, help="optimizer steps to compare (default: 0)")
    p.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd", help="optimizer for --steps (default: sgd)")
    p.add_argument("--lr", type=float, default=0.01, help="learning rate for --steps (default: 0.01)")
    p.add_argument("--no-backward", action="store_true", help="compare the forward pass only")
    p.add_argument("--train", action="store_true", help="training mode (dropout on, seeded identically per run)")
    p.add_argument("--rtol", type=float, default=None, help="relative tolerance (with --atol)")
    p.add_argument("--atol", type=float, default=None, help="absolute tolerance (with --rtol)")
    p.add_argument("--seed", type=int, default=0, help="seed of the weights and random inputs (default: 0)")
    p.add_argument("--json", default=None, metavar="PATH", help="also write the report as JSON to PATH")
    p.set_defaults(handler=main)
    return p


def _shape(text: str) -> tuple:
    try:
        shape = tuple(int(s) for s in text.replace("x", ",").split(",") if s.strip())
    except ValueError:
        shape = ()
    if not shape or any(n < 0 for n in shape):
        raise argparse.ArgumentTypeError(f"expected comma-separated non-negative sizes like 8,32, received {text!r}")
    return shape


def _non_negative(text: str) -> int:
    v = int(text)
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, received {text}")
    return v


def main(args: argparse.Namespace) -> int:
    """Run ``ember compare`` with parsed ``args``; returns the exit status."""
    try:
        report = _compare(args)
    except CompareError as e:
        print(f"ember compare: error: {e}", file=sys.stderr)
        return 2
    print(report)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(report.to_json(indent=1))
    return 0 if report.ok else 1


def _compare(args):
    import ember
    from ember.testing import compare_backends
    if (args.rtol is None) != (args.atol is None):
        raise CompareError("pass both --rtol and --atol, or neither")
    backends = None if args.backends is None else [b.strip() for b in args.backends.split(",") if b.strip()]
    for name in (backends or []) + [args.reference]:
        _check_backend(name)
    with ember.random.fork_rng():
        target, inputs, expected_shapes = _load(args.model, args.input_shape, args.seed)
    optimizer = _optimizer(args.optimizer, args.lr)
    try:
        return compare_backends(target, inputs, backends, backward=not args.no_backward, steps=args.steps,
                                rtol=args.rtol, atol=args.atol, reference=args.reference, dtype=args.dtype,
                                optimizer=optimizer, train=args.train, seed=args.seed)
    except (TypeError, ValueError, RuntimeError, IndexError) as e:
        if expected_shapes is None or args.input_shape is None or e.__cause__ is None:
            raise CompareError(str(e)) from None
        # the reference run rejected --input-shape: say what the built-in model takes instead
        raise CompareError(f"model {args.model!r} takes inputs of shape "
                           f"{', '.join(str(s) for s in expected_shapes)}, received --input-shape "
                           f"{', '.join(str(s) for s in args.input_shape)}: {e.__cause__}") from None


def _check_backend(name: str) -> None:
    import ember
    try:
        ember.backends.get_backend(name)
    except Exception as e:  # noqa: BLE001 - unknown or unavailable: list what can be used instead
        available = ", ".join(ember.backends.available_backends()) or "none"
        raise CompareError(f"cannot use backend {name!r}: {e}. Available backends: {available}") from None


def _optimizer(kind: str, lr: float):
    import ember
    if not lr > 0:
        raise CompareError(f"--lr must be positive, received {lr}")
    cls = ember.optim.SGD if kind == "sgd" else ember.optim.Adam
    return lambda params: cls(params, lr=lr)


def _load(spec: str, shapes, seed: int) -> tuple:
    """(model or function, inputs, the built-in model's input shapes or None) for MODEL ``spec``."""
    import ember
    from ember.testing.models import MODELS
    if spec in MODELS:
        builtin = MODELS[spec]
        model, inputs = builtin.build(None if shapes is None else tuple(shapes), seed=seed)
        return model, inputs, builtin.input_shapes
    if ":" not in spec:
        raise CompareError(f"unknown model {spec!r}: expected one of {', '.join(BUILTIN)}, or module:callable")
    obj = _import(spec)
    ember.manual_seed(seed)
    target, inputs = _resolve(spec, obj)
    if inputs is None:
        if shapes is None:
            raise CompareError(f"{spec} needs inputs: pass --input-shape (once per input), e.g. --input-shape 8,32")
        inputs = tuple(ember.randn(*shape) for shape in shapes)
    elif shapes is not None:
        raise CompareError(f"{spec} returned its own inputs; --input-shape cannot replace them")
    return target, inputs, None


def _import(spec: str):
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise CompareError(f"expected module:callable, received {spec!r}")
    if os.getcwd() not in sys.path:  # as `python -m`: modules in the current directory are importable
        sys.path.insert(0, os.getcwd())
    try:
        obj = importlib.import_module(module_name)
    except Exception as e:  # noqa: BLE001 - a missing module or one that fails while importing
        raise CompareError(f"cannot import module {module_name!r} ({type(e).__name__}: {e})") from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise CompareError(f"module {module_name!r} has no attribute {attr!r}")
        obj = getattr(obj, part)
    return obj


def _resolve(spec: str, obj) -> tuple:
    """(model or function, inputs or None) from the object ``spec`` names."""
    import ember
    Module = ember.nn.Module
    if isinstance(obj, Module):
        return obj, None
    if not callable(obj):
        raise CompareError(f"{spec} is a {type(obj).__name__}, not an nn.Module or a callable")
    if isinstance(obj, type) and not issubclass(obj, Module):
        raise CompareError(f"{spec} is a class but not an nn.Module subclass")
    if not isinstance(obj, type) and _takes_arguments(obj):
        return obj, None  # a plain function fn(*inputs)
    try:
        made = obj()
    except Exception as e:  # noqa: BLE001 - the user's factory failed
        raise CompareError(f"{spec}() raised {type(e).__name__}: {e}") from None
    if isinstance(made, Module):
        return made, None
    if isinstance(made, tuple) and len(made) == 2 and callable(made[0]):
        return made
    raise CompareError(f"{spec}() returned {type(made).__name__}; expected an nn.Module or a tuple (model, inputs)")


def _takes_arguments(fn) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
               for p in params)
