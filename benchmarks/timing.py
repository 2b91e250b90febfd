"""Timing helpers: medians over repeated runs, fresh child processes, and
the facts about the machine that every figure depends on."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def wall(args: Sequence[str | Path], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    """Seconds a whole child process takes, start to exit; it must succeed."""
    began = time.perf_counter()
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, args))} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return elapsed


def child_output(code: str, *, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    """What `python -c code` prints, in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"child failed ({done.returncode}):\n{code}\n{done.stderr[-2000:]}")
    return done.stdout.strip()


def timed_in_child(body: str, *, env: dict[str, str] | None = None) -> float:
    """Seconds `body` takes in a fresh interpreter, measured inside it, so the
    figure includes the imports `body` does but not the interpreter's start."""
    code = f"import time\n_t = time.perf_counter()\n{body}\nprint(time.perf_counter() - _t)"
    return float(child_output(code, env=env).splitlines()[-1])


def machine() -> dict[str, str]:
    """Cores, CPU, OS and the versions the figures were measured with."""
    info = {
        "cores": str(os.cpu_count()),
        "cpu": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }
    for package in ("pandas", "pyarrow", "frictionless"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = "not installed"
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
