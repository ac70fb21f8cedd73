"""Problems found in member files, reported all at once as `path:line: field: what (hint)`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pln_site.errors import SiteError
from pln_site.messages import display_path, terminal_text


@dataclass(frozen=True, order=True)
class Problem:
    path: Path
    line: int
    field: str  # dotted location, e.g. "met[0].kind"; "-" for the file as a whole
    message: str

    def __str__(self) -> str:
        # A file name or an unknown key can be any text (YAML escapes write ESC, newlines,
        # U+202E): shown, never obeyed, and the problem stays on its one line.
        return terminal_text(f"{display_path(self.path)}:{self.line}: {self.field}: {self.message}")


class MemberFilesInvalid(SiteError):
    """One or more member files are broken; `problems` lists every one of them."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        files = len({p.path for p in self.problems})
        lines = [str(p) for p in self.problems]
        noun = "problem" if count == 1 else "problems"
        lines.append(f"{count} {noun} in {files} member file{'s' if files != 1 else ''}.")
        return "\n".join(lines)
