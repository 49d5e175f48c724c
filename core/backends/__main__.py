"""``python -m ember.backends [--ops]``: list backends, default and coverage."""
import sys

from . import report

if __name__ == "__main__":
    print(report(show_ops="--ops" in sys.argv[1:]))
