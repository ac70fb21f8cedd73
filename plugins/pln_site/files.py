"""Writing a file whole or not at all: the one rule for every file the project replaces.

The new content goes to a temporary file beside the target, which then takes the target's
place in one step (a rename): a reader, a crash or a kill sees the old file or the new one,
never half of one. The rename also makes a new file, so a target that was a link (a static file
Pelican linked to content/) is replaced, not written through.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(
    path: Path, data: bytes | str | Callable[[BinaryIO], None], *, mode: int | None = None
) -> None:
    """Put `data` (text is written as UTF-8, line ends as given) at `path`, creating its
    folder; a function instead writes the new file's bytes itself (a large file, never whole
    in memory). `mode`: the new file's permissions (None: the old file's, else 0o644)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            if callable(data):
                data(out)
            else:
                out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
