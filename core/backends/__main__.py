"""``python -m ember.backends [--ops] [--matrix [--run] ...]``: installed backends, the default, kernel coverage
and the ops x backends x dtypes coverage matrix."""
from __future__ import annotations

import argparse
import sys


def add_arguments(parser) -> None:
    """The options shared by ``python -m ember.backends`` and ``ember backends``."""
    parser.add_argument("--ops", action="store_true", help="also print the per-op coverage table")
    parser.add_argument("--matrix", action="store_true",
                        help="print the coverage matrix: ops x backends, per dtype native/inherited/decomposed/missing")
    parser.add_argument("--run", action="store_true",
                        help="with --matrix: run the conformance suite and show pass/fail/xfail per cell "
                             "(exit status 1 when a test fails)")
    parser.add_argument("--format", choices=("text", "markdown", "html"), default="text",
                        help="matrix output format (default: text)")
    parser.add_argument("--backend", default=None, metavar="NAME[,NAME]",
                        help="matrix columns: these backends only (default: all installed)")
    parser.add_argument("--dtypes", default=None, metavar="DTYPE[,DTYPE]", help="matrix dtypes (default: all)")
    parser.add_argument("--family", default=None, metavar="FAMILY[,FAMILY]",
                        help="matrix rows (and tests run): ops of these families only, e.g. activation,reduce")
    parser.add_argument("--xfail", default=None, metavar="FILE",
                        help="with --run: extra expected failures, lines 'kind op dtype  # reason'")


def run(args) -> int:
    if not args.matrix:
        for flag in ("run", "backend", "dtypes", "family", "xfail"):
            if getattr(args, flag):
                print(f"ember backends: --{flag} needs --matrix", file=sys.stderr)
                return 2
        from . import report
        print(report(show_ops=args.ops))
        return 0
    if args.xfail and not args.run:
        print("ember backends: --xfail needs --run", file=sys.stderr)
        return 2
    from ._matrix import build_matrix
    from ._report import render_matrix

    def names(text):
        return [n.strip() for n in text.split(",") if n.strip()] if text else None
    try:
        matrix = build_matrix(names(args.backend), names(args.dtypes), names(args.family), run=args.run,
                              xfail_file=args.xfail)
    except (ValueError, RuntimeError, OSError) as e:  # unknown backend / dtype / family, unreadable xfail file
        print(f"ember backends --matrix: {e}", file=sys.stderr)
        return 2
    print(render_matrix(matrix, args.format), end="" if args.format != "text" else "\n")
    return 1 if matrix.failures() else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ember.backends",
                                     description="List ember's backends, the default one and their kernel coverage.")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
