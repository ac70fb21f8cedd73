"""The one base of every error a user is shown: what went wrong, where, and how to fix it.

Commands catch `SiteError` alone and print its text; each kind says its own exit code. A
problem that has a place in a file reads `file:line: field: message (hint: ...)`, the way
compilers and linters report, so that editors can jump to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pln_site.messages import display_path


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a file, a line in it (1-based; 0 when the whole file is meant), and
    a field (a dotted path such as "met[0].kind"; "-" for the file as a whole)."""

    path: Path
    line: int = 0
    field: str = "-"

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line:
            where += f":{self.line}"
        return f"{where}: {self.field}" if self.field != "-" or self.line else where


class SiteError(Exception):
    """An error meant for the person who runs the command: its text is the whole report.

    `message` says what is wrong in words; `hint` how to fix it; `location` where, when the
    problem is in a file. `exit_code` is what a command exits with when this stops it.
    """

    exit_code = 1

    def __init__(
        self, message: str, *, hint: str | None = None, location: Location | None = None
    ) -> None:
        self.message = message
        self.hint = hint
        self.location = location
        super().__init__(self.report())

    def report(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text} (hint: {self.hint})" if self.hint else text
