#!/usr/bin/env python3
"""Build the published tables and datapackage.json from the curated facts.

    python scripts/build.py            # build; writes only when every check passes
    python scripts/build.py --check    # exit 1, naming the files, if the committed files are stale
    python scripts/build.py --json     # problems as JSON lines, for CI annotations

The same as `python -m minusma_build`; the code lives in src/minusma_build/.
"""

import sys

try:
    from minusma_build.cli import main
except ModuleNotFoundError as exc:
    if exc.name not in ("minusma_build", "minusma_build.cli"):
        raise
    sys.exit("scripts/build.py: the build package minusma_build is not installed; "
             'run `make data`, or `pip install -e ".[validate]"` in this checkout')

if __name__ == "__main__":
    sys.exit(main())
