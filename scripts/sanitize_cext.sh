#!/usr/bin/env bash
# Build ember_cext._lib with AddressSanitizer + UndefinedBehaviorSanitizer into a temporary directory and run
# the c_ext conformance suite (and the c_ext differential tests) against that build.  Exit status 0 = clean.
#
#   scripts/sanitize_cext.sh [extra pytest args]      (PYTHON=... selects the interpreter)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

EMBER_CEXT_SANITIZE=1 "$PY" "$REPO/backends/c_ext/_build.py" --outdir "$OUT" >/dev/null
# The sanitized module shadows the installed one: a copy of the package with the new _lib, first on PYTHONPATH.
cp "$REPO"/backends/c_ext/*.py "$OUT/ember_cext/"

export PYTHONPATH="$OUT${PYTHONPATH:+:$PYTHONPATH}"
export LD_PRELOAD="$(gcc -print-file-name=libasan.so)"
export ASAN_OPTIONS=detect_leaks=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export EMBER_CEXT_MIN_NATIVE=0   # every size takes the native path, so the suite's small samples reach C

where=$("$PY" -c "import ember_cext._lib as m; print(m.__file__)")
case "$where" in
  "$OUT"/*) echo "sanitized build: $where" ;;
  *) echo "error: the sanitized build is not the one imported ($where)" >&2; exit 2 ;;
esac

cd "$REPO"
LOG="$OUT/pytest.log"
set +e
"$PY" -m pytest -q -p no:warnings -n 2 --pyargs ember.testing --ember-backend c_ext "$@" 2>&1 | tee "$LOG" | tail -5
suite=${PIPESTATUS[0]}
"$PY" -m pytest -q -p no:warnings tests/backends/c_ext -m "not slow" 2>&1 | tee -a "$LOG" | tail -3
tests=${PIPESTATUS[0]}
set -e
if grep -qE "ERROR: AddressSanitizer|runtime error:" "$LOG"; then
  echo "sanitizer reports found:" >&2
  grep -E -A20 "ERROR: AddressSanitizer|runtime error:" "$LOG" | head -60 >&2
  exit 1
fi
echo "sanitizer: no reports (conformance exit $suite, c_ext tests exit $tests)"
[ "$suite" -eq 0 ] && [ "$tests" -eq 0 ]
