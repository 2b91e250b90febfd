"""Benchmarks of the loader and the build; `python benchmarks/run.py` prints them.

Speed targets are checked by these figures, not by timed unit tests.
"""
