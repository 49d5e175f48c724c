"""Builds the optional C extension ``ember_cext._lib`` (all metadata lives in pyproject.toml).

Set ``EMBER_NO_CEXT=1`` to skip it.  A failed compile (or no compiler) warns and the
installation goes on: the ``c_ext`` backend then reports itself unavailable.
"""
import os

from setuptools import setup
from setuptools.command.build_ext import build_ext

BUILD_ERRORS = (OSError, ImportError)
try:  # setuptools vendors distutils; the exception classes live in one of these
    from setuptools.errors import CCompilerError, CompileError, ExecError, LinkError, PlatformError
    BUILD_ERRORS += (CCompilerError, CompileError, ExecError, LinkError, PlatformError)
except ImportError:  # pragma: no cover - old setuptools
    from distutils.errors import CCompilerError, CompileError, DistutilsExecError, DistutilsPlatformError, LinkError
    BUILD_ERRORS += (CCompilerError, CompileError, DistutilsExecError, DistutilsPlatformError, LinkError)

WARNING = ("\n*** ember: the C extension ember_cext._lib could not be built ({}).\n"
           "*** Installation continues without it; the 'c_ext' backend will report itself unavailable.\n"
           "*** Install a C compiler with OpenMP (e.g. gcc) and reinstall to enable it.\n")


class OptionalBuildExt(build_ext):
    """build_ext that turns a compiler/linker failure into a warning."""

    def run(self):
        try:
            super().run()
        except BUILD_ERRORS as e:
            self.warn(WARNING.format(f"{type(e).__name__}: {e}"))

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except BUILD_ERRORS as e:
            self.warn(WARNING.format(f"{type(e).__name__}: {e}"))


if os.environ.get("EMBER_NO_CEXT") == "1":
    setup()
else:
    setup(cffi_modules=["backends/c_ext/_build.py:ffibuilder"], cmdclass={"build_ext": OptionalBuildExt})
