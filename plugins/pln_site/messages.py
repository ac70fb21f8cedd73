"""Wording shared by every message: paths as the user typed them, and "did you mean" hints."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path


def display_path(path: Path | str) -> str:
    """The path as the user typed it: relative to the working folder when it is inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix for the closest choice, or an empty string."""
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
