"""Problems found in member files, reported all at once as `path:line: field: what (hint)`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pln_site.errors import SiteError
from pln_site.messages import display_path

# What a problem line never holds as it is: a file name or an unknown key can be any text (YAML
# escapes write ESC, newlines, U+202E): control characters would drive the terminal, line
# breaks split the line, bidi controls reorder it, and a lone surrogate cannot be printed.
_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def shown(text: str) -> str:
    """`text` with every character a terminal would act on written as its Python escape
    (ESC as "\\x1b", U+202E as "\\u202e"), as the `!r` quotes in the messages show them."""
    return _UNSHOWABLE.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


@dataclass(frozen=True, order=True)
class Problem:
    path: Path
    line: int
    field: str  # dotted location, e.g. "met[0].kind"; "-" for the file as a whole
    message: str

    def __str__(self) -> str:
        return shown(f"{display_path(self.path)}:{self.line}: {self.field}: {self.message}")


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
