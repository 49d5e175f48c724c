"""The driver side of a benchmark worker subprocess, shared by the side-by-side benchmarks.

The driver starts ``python SCRIPT --worker ...`` with the thread variables pinned, then talks to it one
JSON line per command: ``ask("step")`` writes a line to its stdin and returns the JSON line it answers.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
               "NUMEXPR_NUM_THREADS")


class WorkerProcess:
    """``script --worker *args`` in a subprocess with every THREAD_VARS set to ``threads``; ``info`` is its
    first JSON line (what it built)."""

    def __init__(self, script: str, args: list, threads: int, env: dict | None = None):
        full_env = dict(os.environ)
        full_env.update({var: str(threads) for var in THREAD_VARS})
        full_env["PYTHONWARNINGS"] = "ignore"
        full_env.update(env or {})
        cmd = [sys.executable, os.path.abspath(script), "--worker", *args, "--threads", str(threads)]
        self.proc = subprocess.Popen(cmd, env=full_env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.info = self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            tail = self.proc.stderr.read().strip().splitlines()[-1:] or ["(no output)"]
            raise RuntimeError(tail[0][:300])
        return json.loads(line)

    def ask(self, command: str) -> dict:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        """Let the worker finish on end of input (its DataLoader workers shut down too); kill it if it hangs."""
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc.wait()
