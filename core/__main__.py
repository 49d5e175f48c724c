"""The ``ember`` command line: ``ember backends [--ops]`` and ``ember train [options]``."""
from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ember", description="ember: a PyTorch-compatible framework")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("backends", help="list backends, the default one and their kernel coverage")
    p.add_argument("--ops", action="store_true", help="also print the per-op coverage table")
    from .cli import train
    train.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "backends":
        from .backends.__main__ import main as backends_main
        return backends_main(["--ops"] if args.ops else [])
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
