"""The build of minusma-data: curated facts in, published tables out.

    python -m minusma_build            # or: python scripts/build.py
    python -m minusma_build --check

Steps, one module each: read (curated, spec, sources), normalise, check,
render, publish. Not part of the wheel: it runs in a checkout.
"""
