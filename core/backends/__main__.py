"""``python -m ember.backends [--ops]``: installed backends, the default and kernel coverage."""
from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ember.backends",
                                     description="List ember's backends, the default one and their kernel coverage.")
    parser.add_argument("--ops", action="store_true", help="also print the per-op coverage table")
    args = parser.parse_args(argv)
    from . import report
    print(report(show_ops=args.ops))
    return 0


if __name__ == "__main__":
    sys.exit(main())
