"""`python -m bench [--quick]`: run the benchmarks, print the table, write bench/results/."""

from __future__ import annotations

import sys

from .run import main

if __name__ == "__main__":
    sys.exit(main())
