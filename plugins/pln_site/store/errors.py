"""What the store says when it cannot do its job: the file is unusable, or a fetch holds it.

Both are `SiteError`s, so a command can print them as they are and exit with their code; the
wording names the file, says what failed and hints how to fix it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pln_site.errors import SiteError


class StoreUnavailable(SiteError, sqlite3.DatabaseError, RuntimeError):
    """The store file cannot be opened, read or written (permissions, a full disk, damage).

    A DatabaseError, so that code which already catches SQLite's errors still does.
    """

    exit_code = 3  # what `invoke fetch` and `invoke status` exit with (see README)

    def __init__(
        self, path: Path, action: str, cause: BaseException | str, *, hint: str | None = None
    ):
        self.path, self.action, self.cause = path, action, cause
        text = cause if isinstance(cause, str) else _cause_text(cause)
        SiteError.__init__(
            self,
            f"the store {path} cannot be {action}: {text}",
            hint=hint or _hint_for(path, cause),
        )


class FetchLocked(SiteError):
    """Another fetch holds the store's lock."""

    exit_code = 1  # what `invoke fetch` exits with when another fetch runs (see README)

    def __init__(self, pid: str | None):
        self.pid = pid
        who = f" (pid {pid})" if pid else ""
        super().__init__(f"another fetch is running{who}; try again when it has finished")


def is_storage_trouble(error: sqlite3.Error) -> bool:
    """Errors of the file and the disk, as opposed to mistakes in this code's SQL."""
    return isinstance(error, sqlite3.OperationalError) or type(error) is sqlite3.DatabaseError


def _cause_text(cause: BaseException) -> str:
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror.lower() + (f": {cause.filename}" if cause.filename else "")
    return str(cause) or type(cause).__name__


def _hint_for(path: Path, cause: BaseException | str) -> str | None:
    text = str(cause).lower()
    folder = path.parent
    if isinstance(cause, PermissionError) or "readonly" in text or "read-only" in text:
        return (
            f"make {folder} and the files in it writable, or point PLANET_STORE_PATH at a "
            "folder you can write"
        )
    if isinstance(cause, NotADirectoryError | FileExistsError):
        return f"{folder} must be a folder; move the file that is in the way"
    if "disk is full" in text or "i/o error" in text or "too large" in text:
        return "is the disk full? free some space, or point PLANET_STORE_PATH at another disk"
    if "not a database" in text or "malformed" in text:
        return "the file is damaged or not a store: move it away; `invoke fetch` makes a new one"
    if "unable to open" in text:
        return f"check that {folder} exists, is a folder and is writable"
    if "locked" in text:
        return "another program holds the store; try again when it has finished"
    return None
