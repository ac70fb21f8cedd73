"""How a command ends when its terminal goes away: stopped by Ctrl-C, or writing into a pipe
whose reader has finished (`invoke status --json | head -1`). Both are the user's choice, not a
fault, so each ends with at most one short line and the exit code shells expect, never a
traceback. `tasks.py` and `pln-site` run every command inside `ended_quietly()`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a command stopped by Ctrl-C
PIPE_CLOSED = 1  # what Python's own documentation suggests for a closed pipe (see below)


@contextmanager
def ended_quietly() -> Iterator[None]:
    """Run a command; turn Ctrl-C and a closed output pipe into a quiet exit."""
    try:
        yield
        sys.stdout.flush()  # here, not at exit, where a closed pipe cannot be caught any more
    except KeyboardInterrupt:
        print("\nStopped (Ctrl-C).", file=sys.stderr)
        raise SystemExit(INTERRUPTED) from None
    except BrokenPipeError:
        # The reader is gone: point stdout at /dev/null so that the interpreter's own flush at
        # exit does not fail again (the recipe of Python's documentation, "Note on SIGPIPE").
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(PIPE_CLOSED) from None
