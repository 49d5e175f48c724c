#!/usr/bin/env bash
# The CuPy backend's GPU check: one command on a machine with an NVIDIA GPU, CuPy, PyTorch CUDA and pytest-xdist.
#
#   scripts/gpu_check.sh                 # on the GPU machine (installs nothing from the network)
#   GPU_CHECK_CPU=1 scripts/gpu_check.sh # dry run of the plumbing on CPU: simgpu for cupy, tiny CPU benchmarks
#
# Stages, each under its own timeout so a hang cannot eat the 8-minute budget:
#   1. install ember editable without the C extension (no network, no build isolation)
#   2. probe: ember.cuda must see the GPU (prints the backend's reason otherwise and stops)
#   3. the whole conformance suite on the cupy backend (pytest -n 8)
#   4. tests/backends/cupy: device semantics, dlpack, and the numpy-vs-cupy model check (MLP, CNN, ResNet-18,
#      LSTM, Transformer: outputs, gradients, 3 optimizer steps)
#   5. benchmarks/gpu.py: ResNet-18 b128, Transformer, MLP training vs PyTorch CUDA
# Logs go to $OUT (or ./gpu_check_out); the summary table is printed last.  Exit status 0 when every stage
# passed and every target was met.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT_DIR="${OUT:-$PWD/gpu_check_out}"
mkdir -p "$OUT_DIR"
PY="${PYTHON:-python3}"
START=$(date +%s)
export PYTHONWARNINGS=ignore

if [[ "${GPU_CHECK_CPU:-0}" == "1" ]]; then
    BACKEND=simgpu
    PLUGIN=(-p tests.backends.cupy.simgpu)
    CONF_EXTRA=(--ember-dtypes float32)
    XDIST=()
    CROSS_FILTER=(-k simgpu)
    BENCH=(--device cpu --smoke)
else
    BACKEND=cupy
    PLUGIN=()
    CONF_EXTRA=()
    XDIST=(-n 8)
    CROSS_FILTER=()
    BENCH=()
fi

declare -A STATUS
stage() {  # stage NAME TIMEOUT_S CMD...: run CMD with a timeout, log it, record ok/FAILED/TIMEOUT
    local name=$1 limit=$2
    shift 2
    echo "== $name (limit ${limit}s): $*"
    local rc=0
    timeout "$limit" "$@" >"$OUT_DIR/$name.log" 2>&1 || rc=$?
    if [[ $rc -eq 0 ]]; then STATUS[$name]=ok
    elif [[ $rc -eq 124 ]]; then STATUS[$name]=TIMEOUT
    else STATUS[$name]="FAILED (rc $rc)"; fi
    echo "   ${STATUS[$name]} after $(( $(date +%s) - START ))s total; log $OUT_DIR/$name.log"
    tail -n 3 "$OUT_DIR/$name.log" | sed 's/^/   | /'
}

if [[ "${GPU_CHECK_CPU:-0}" != "1" ]]; then
    stage install 60 env EMBER_NO_CEXT=1 "$PY" -m pip install --no-deps --no-build-isolation --no-index -e .
fi
stage probe 30 "$PY" -c "
import ember, ember.backends as eb
b = eb.all_backends()['$BACKEND'] if '$BACKEND' in eb.all_backends() else None
if b is None:
    from tests.backends.cupy import simgpu; b = simgpu.register()
print('backend', b)
assert b.available, b.why_unavailable()
print('device', ember.cuda.get_device_name() if '$BACKEND' == 'cupy' else 'cpu (simgpu)')
"
if [[ "${STATUS[probe]}" != ok ]]; then
    cat "$OUT_DIR/probe.log"
    echo "GPU check stopped: the $BACKEND backend is not available (see above)"
    exit 1
fi

rm -f "$OUT_DIR/cross.jsonl"
stage conformance 210 env EMBER_BACKEND="$BACKEND" "$PY" -m pytest --pyargs ember.testing --ember-backend "$BACKEND" \
    "${PLUGIN[@]}" --ember-xfail tests/backends/cupy/xfails.txt "${CONF_EXTRA[@]}" "${XDIST[@]}" -q \
    -p no:cacheprovider --junitxml "$OUT_DIR/conformance.xml"
stage cupy_tests 80 env EMBER_CROSS_REPORT="$OUT_DIR/cross.jsonl" "$PY" -m pytest tests/backends/cupy \
    "${CROSS_FILTER[@]}" "${XDIST[@]}" -q -p no:cacheprovider -rs --junitxml "$OUT_DIR/cupy_tests.xml"
stage benchmarks 90 "$PY" benchmarks/gpu.py "${BENCH[@]}" --json "$OUT_DIR/bench.json"

"$PY" - "$OUT_DIR" "$BACKEND" "$(( $(date +%s) - START ))" "${STATUS[conformance]}" "${STATUS[cupy_tests]}" \
    "${STATUS[benchmarks]}" <<'EOF'
import json, os, sys
import xml.etree.ElementTree as ET

out, backend, elapsed, *status = sys.argv[1:]

def junit(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return "no result"
    s = ET.parse(path).getroot()
    s = s if s.tag == "testsuite" else s.find("testsuite")
    n, f, e, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    return f"{n - f - e - sk} passed, {f} failed, {e} errors, {sk} skipped/xfailed"

print("\n" + "=" * 78)
print(f"GPU CHECK SUMMARY (backend {backend}, {elapsed}s)")
print("=" * 78)
bench = {}
if os.path.exists(os.path.join(out, "bench.json")):
    bench = json.load(open(os.path.join(out, "bench.json")))
print(f"GPU: {bench.get('device', '?')}")
print(f"{'conformance suite':<28}{status[0]:<18}{junit('conformance.xml')}")
print(f"{'tests/backends/cupy':<28}{status[1]:<18}{junit('cupy_tests.xml')}")
print(f"\n{'cross-backend model':<20}{'output':>12}{'gradient':>12}{'param@3':>12}   (max rel. error vs numpy)")
cross = os.path.join(out, "cross.jsonl")
for line in (open(cross) if os.path.exists(cross) else []):
    r = json.loads(line)
    if r["backend"] == backend:
        print(f"{r['model']:<20}{r['output']:>12.2e}{r['gradient']:>12.2e}{r['parameter']:>12.2e}")
print(f"\n{'benchmark':<22}{'ember ms':>10}{'torch ms':>10}{'ratio':>8}  (target >= 0.5)   [{status[2]}]")
for r in bench.get("rows", []):
    print(f"{r['workload']:<22}{r['ember_ms']:>10.2f}{r['torch_ms']:>10.2f}{r['ratio']:>8.2f}  "
          f"{'ok' if r['ratio'] >= 0.5 else 'BELOW TARGET'}")
EOF

for s in "${STATUS[@]}"; do [[ "$s" == ok ]] || exit 1; done
