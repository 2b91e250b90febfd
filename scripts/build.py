#!/usr/bin/env python3
"""Build the published tables and datapackage.json from the curated facts.

    python scripts/build.py            # build; writes only when every check passes
    python scripts/build.py --check    # exit 1, naming the files, if the committed files are stale
    python scripts/build.py --json     # the outcome as one JSON object, for CI annotations

The same as `python -m minusma_build`; the code lives in src/minusma_build/.
"""

import sys

try:
    from minusma_build.cli import main
except ModuleNotFoundError as exc:
    sys.exit(f"{exc.name} is not installed: run `make data`, or `pip install -e .` in this checkout")

sys.exit(main())
