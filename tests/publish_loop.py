"""Publishes two versions of a package in turn, as a stream of builds would,
until its stdin closes (or COUNT publishes, when given).

    python tests/publish_loop.py ROOT VERSIONS [COUNT]

VERSIONS is a pickled list of two {path: bytes} dicts (the published files of
each version). Each publish takes the build's exclusive lock and goes through
the build's own `publish`, exactly as scripts/build.py does; the loop prints
one line per publish ("published N"), so a test can wait for the stream to run.
"""

from __future__ import annotations

import pickle
import select
import sys
from pathlib import Path

from minusma_build.publish import build_lock, publish


def main() -> None:
    root = Path(sys.argv[1])
    versions = pickle.loads(Path(sys.argv[2]).read_bytes())
    count = int(sys.argv[3]) if len(sys.argv) > 3 else None
    done = 0
    while count is None or done < count:
        if select.select([sys.stdin], [], [], 0)[0] and not sys.stdin.read(1):
            break  # the test closed our stdin: stop
        with build_lock(root):
            publish(root, versions[done % 2])
        done += 1
        print(f"published {done}", flush=True)


if __name__ == "__main__":
    main()
