"""Benchmarks: the project side by side with the tools people would use instead.

`invoke bench` (or `python -m bench`) runs every scenario at every size; `--quick` runs the
smallest size of each. See bench/README.md.
"""
