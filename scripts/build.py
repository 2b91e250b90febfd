#!/usr/bin/env python3
"""Build the published tables and datapackage.json from the curated facts.

    python scripts/build.py            # build; writes only when every check passes
    python scripts/build.py --check    # exit 1, naming the files, if the committed files are stale
    python scripts/build.py --json     # the outcome as one JSON object, for CI annotations

The same as `python -m minusma_build`; the code lives in src/minusma_build/.
This script builds the checkout it lies in, with that checkout's own code:
its src/ comes first on the import path, whichever checkout the environment's
editable install points at (a copied checkout keeps the original's .venv).
"""

import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
if (CHECKOUT / "src" / "minusma_build").is_dir():
    sys.path.insert(0, str(CHECKOUT / "src"))

try:
    from minusma_build.cli import main
except ModuleNotFoundError as exc:
    sys.exit(f"{exc.name} is not installed: run `make data`, or `pip install -e .` in this checkout")

sys.exit(main(checkout=CHECKOUT))
