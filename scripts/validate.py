#!/usr/bin/env python3
"""Validate a built package quickly, to the same standard as frictionless.

    python scripts/validate.py             # this repository
    python scripts/validate.py --root DIR  # another tree laid out like it

The same as `python -m minusma_build.validate`; see src/minusma_build/twins.py.
"""

import sys

try:
    from minusma_build.validate import main
except ModuleNotFoundError as exc:
    sys.exit(f"{exc.name} is not installed: run `make data`, or `pip install -e .` in this checkout")

sys.exit(main())
