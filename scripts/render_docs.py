#!/usr/bin/env python3
"""Rewrite the generated parts of README.md and docs/ from the published data.

    python scripts/render_docs.py           # rewrite in place
    python scripts/render_docs.py --check   # exit 1 if any is stale

The same as `python -m minusma_build.docs`; see src/minusma_build/docs.py.
Like scripts/build.py, it works on the checkout it lies in, with that
checkout's own code first on the import path.
"""

import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
if (CHECKOUT / "src" / "minusma_build").is_dir():
    sys.path.insert(0, str(CHECKOUT / "src"))

try:
    from minusma_build.docs import main
except ModuleNotFoundError as exc:
    sys.exit(f"{exc.name} is not installed: run `make data`, or `pip install -e .` in this checkout")

sys.exit(main())
