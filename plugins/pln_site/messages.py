"""Wording shared by every message: paths as the user typed them, "did you mean" hints, and
text from outside (a feed, a server, a member file) made safe to show in a terminal."""

from __future__ import annotations

import difflib
import os
import re
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
    return suggestion(close[0]) if close else ""


def suggestion(choice: str) -> str:
    """The ` (did you mean 'x'?)` suffix for a choice found another way than by spelling."""
    return f" (did you mean {choice!r}?)"


# What a terminal acts on instead of showing: C0 controls (ESC starts colour, title and
# hyperlink sequences; CR rewrites a line), DEL, C1 controls (U+009B is a one-character CSI),
# the line and paragraph separators, the bidi controls that make text read in another order
# than it is stored (U+202E...), and lone surrogates, which cannot even be printed.
_TERMINAL_CONTROLS = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2066-\u2069\ud800-\udfff]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ESC is shown as "␛"
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def terminal_text(text: object, *, lines: bool = False) -> str:
    """`text` as a terminal shows it, never as a command to the terminal: control and bidi
    characters become visible stand-ins ("\\x1b" is "␛", U+202E is "<U+202E>").

    With `lines`, line breaks are kept (a report of many lines); otherwise they are shown too,
    so that one value stays on its line. The result is plain text: printed with rich it still
    needs `rich.text.Text` or `rich.markup.escape`, since "[" means markup there.
    """
    value = str(text)
    if lines:
        return "\n".join(_TERMINAL_CONTROLS.sub(_visible, line) for line in value.split("\n"))
    return _TERMINAL_CONTROLS.sub(_visible, value)
