"""Benchmarks of the loader and the build; `python -m benchmarks.run` prints them.

Speed targets are checked by these figures, not by timed unit tests.
"""
