"""cffi builder for ``ember_cext._lib`` (API / out-of-line mode).

Every ``csrc/*.h`` is concatenated into the cdef (plain C declarations only) and every
``csrc/*.c`` is compiled into the one extension module.  ``setup.py`` drives this through
``cffi_modules``; run it as a script to build in place during development::

    python backends/c_ext/_build.py            # writes backends/c_ext/_lib.*.so
    python backends/c_ext/_build.py --outdir D # writes D/ember_cext/_lib.*.so

``EMBER_CEXT_SANITIZE=1`` adds AddressSanitizer/UBSan instrumentation (see scripts/sanitize_cext.sh).
"""
from __future__ import annotations

import glob
import os
import sys

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
CSRC = os.path.join(HERE, "csrc")

# -fno-trapping-math: lets GCC if-convert (and so vectorise) the selects in the math helpers; the
# kernels never read floating-point exception flags, so results are unchanged.
CFLAGS = ["-O3", "-fopenmp", "-fno-trapping-math", "-fno-math-errno", "-Wall", "-Wextra", "-std=c99"]
LDFLAGS = ["-fopenmp"]
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer", "-g",
            "-DEC_NO_CLONES"]


def _rel(path: str, absolute: bool = False) -> str:
    """setuptools prefers source paths relative to the setup.py directory (the cwd)."""
    rel = os.path.relpath(path, os.getcwd())
    return path if absolute or rel.startswith("..") else rel


def _headers() -> list:
    return sorted(glob.glob(os.path.join(CSRC, "*.h")))


def make_ffibuilder(sanitize: bool = False, absolute: bool = False) -> FFI:
    builder = FFI()
    cdef = []
    for h in _headers():
        with open(h, encoding="utf-8") as f:
            cdef.append(f"/* {os.path.basename(h)} */\n" + f.read())
    builder.cdef("\n".join(cdef))
    includes = "#include <stdint.h>\n" + "".join(f'#include "{os.path.basename(h)}"\n' for h in _headers())
    cflags = CFLAGS + (SANITIZE if sanitize else [])
    ldflags = LDFLAGS + (SANITIZE if sanitize else [])
    builder.set_source("ember_cext._lib", includes,
                       sources=[_rel(c, absolute) for c in sorted(glob.glob(os.path.join(CSRC, "*.c")))],
                       include_dirs=[_rel(CSRC, absolute)], extra_compile_args=cflags, extra_link_args=ldflags,
                       depends=[_rel(h, absolute) for h in _headers() + glob.glob(os.path.join(CSRC, "internal", "*.h"))])
    return builder


ffibuilder = make_ffibuilder(sanitize=os.environ.get("EMBER_CEXT_SANITIZE") == "1")


def build(outdir: str | None = None, verbose: bool = False) -> str:
    """Compile the extension; in place (next to this file) unless ``outdir`` is given.  Returns the .so path."""
    import shutil
    import tempfile

    tmp = tempfile.mkdtemp(prefix="ember_cext_build_")
    try:
        builder = make_ffibuilder(sanitize=os.environ.get("EMBER_CEXT_SANITIZE") == "1", absolute=True)
        so = builder.compile(tmpdir=tmp, verbose=verbose)  # compiles from inside tmp: absolute paths
        dest_dir = HERE if outdir is None else os.path.join(outdir, "ember_cext")
        os.makedirs(dest_dir, exist_ok=True)
        for old in glob.glob(os.path.join(dest_dir, "_lib.*.so")):  # another ABI tag would shadow the new one
            os.remove(old)
        # the name setuptools gives it (cffi's generated C uses the limited API), so both builds replace each other
        dest = os.path.join(dest_dir, "_lib.abi3.so")
        shutil.copy2(so, dest)
        return dest
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    import argparse

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--outdir", default=None, help="write OUTDIR/ember_cext/_lib.*.so instead of building in place")
    p.add_argument("-v", "--verbose", action="store_true")
    a = p.parse_args()
    print(build(a.outdir, a.verbose))
    sys.exit(0)
