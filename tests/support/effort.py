"""How much work a block of code did, in CPU seconds.

A bound on hostile input ("a bomb is refused without much work") is a bound on work: CPU time
stays the same however busy the machine is, while wall-clock time grows with the load of
everything else running on it (other tests, other people's), and would fail for that alone.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Effort:
    seconds: float = 0.0  # CPU seconds, user and system; set when the block ends


@contextmanager
def cpu_seconds() -> Iterator[Effort]:
    """The CPU seconds spent inside the block by this process (all its threads) and by the
    child processes that ended in it (with the children they waited for)."""
    effort = Effort()
    start = _spent()
    try:
        yield effort
    finally:
        effort.seconds = _spent() - start


def _spent() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
