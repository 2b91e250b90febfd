"""`python -m minusma_data` runs the `minusma-data` command."""

from .cli import main

raise SystemExit(main())
