"""The ``ember`` command line: ``ember backends [--ops | --matrix [--run] ...]``, ``ember train [options]`` and
``ember compare MODEL [options]``."""
from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ember", description="ember: a PyTorch-compatible framework")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("backends", help="list backends, the default one, their kernel coverage and the "
                                        "coverage matrix")
    from .backends.__main__ import add_arguments
    from .backends.__main__ import run as run_backends
    add_arguments(p)
    from .cli import compare, train
    train.add_parser(sub)
    compare.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "backends":
        return run_backends(args)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
