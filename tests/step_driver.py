"""Runs the build's command line, stopped at one publishing step, many times
over without paying for Python's start-up and a full rebuild each time.

    python tests/step_driver.py OUTPUTS

OUTPUTS is a pickled `BuildResult`, produced once by the test. The driver
imports the build, then reads requests on stdin, one JSON object a line:
{"root": ..., "step": k, "action": "SIGKILL" | "SIGTERM" | "SIGINT" | "ENOSPC" | "none"}.
For each it forks; the child runs `cli.main(["--root", root, "--quiet"])`
exactly as scripts/build.py does, except that `produce` returns OUTPUTS, and
before publishing step k it ends itself with the real signal (or gets the
real full-disk error). The parent waits for the child and answers with one
JSON line: {"returncode": ..., "stdout": ..., "stderr": ..., "steps": [[operation, path], ...]},
the return code as subprocess reports it (-9 for SIGKILL).
"""

from __future__ import annotations

import errno
import json
import os
import pickle
import signal
import sys
import tempfile
import traceback

import pyarrow.parquet  # noqa: F401 (publishing compares Parquet files: imported once, not in every child)

from minusma_build import cli, publish


def child(request: dict, result: object, out: int, err: int, steps: int) -> int:
    """In the forked child: run the command line with the fault at step k."""
    os.dup2(out, 1)
    os.dup2(err, 2)
    k, action = request["step"], request["action"]
    seen: list[list[str]] = []

    def hook(step: int, operation: str, path: object) -> None:
        seen.append([operation, str(path)])
        os.pwrite(steps, (json.dumps(seen) + "\n").encode(), 0)  # kept even if the next line kills us
        if step != k:
            return
        if action == "SIGKILL":
            os.kill(os.getpid(), signal.SIGKILL)
        elif action in ("SIGTERM", "SIGINT"):
            os.kill(os.getpid(), getattr(signal, action))
        elif action == "ENOSPC":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    publish.STEPS.hook = hook
    cli.produce = lambda root: result
    return cli.main(["--root", request["root"], "--quiet"])


def serve(result: object) -> None:
    for line in sys.stdin:
        request = json.loads(line)
        with tempfile.TemporaryFile() as o, tempfile.TemporaryFile() as e, tempfile.TemporaryFile() as s:
            files = (o, e, s)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                code = 70
                try:
                    code = child(request, result, o.fileno(), e.fileno(), s.fileno())
                except BaseException:
                    traceback.print_exc()
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            _, status = os.waitpid(pid, 0)
            returncode = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            texts = []
            for f in files:
                f.seek(0)
                texts.append(f.read().decode("utf-8", "replace"))
        record = texts[2].strip()
        reply = {
            "returncode": returncode,
            "stdout": texts[0],
            "stderr": texts[1],
            "steps": json.loads(record.splitlines()[0]) if record else [],
        }
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def warm_up(result: object) -> None:
    """Compare one Parquet file with itself, so that what pyarrow imports
    on first use is imported here once rather than in every child."""
    parquet = next(data for rel, data in result.outputs.items() if rel.endswith(".parquet"))
    assert publish.same_parquet(parquet, parquet)


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as fh:
        outputs = pickle.load(fh)
    warm_up(outputs)
    serve(outputs)
