"""Build the minusma-data tables from the verbatim source and the curated facts.

`scripts/build.py` is the command; the modules here each do one step:
spec (read the schema), curated (read the fact files), spans (find quotes),
dates and numbers (parse values), tables (assemble rows), checks (prove the
rows), render and publish (write the files, atomically).
"""
