"""Change one setting in a settings file (pelicanconf.py, publishconf.py) the way the owner would
by hand: only that assignment's value is rewritten, every other line and comment stays, and the
result is parsed back before it replaces the file.

The file is Python, so it is read with `ast`: an assignment is found by its name, whatever its
layout. A value written as `os.environ.get("X") or "default"` keeps its first part and gets a new
default. A setting that is not in the file is added at its end.
"""

from __future__ import annotations

import ast
import json
import pprint
from pathlib import Path
from typing import Any

from pln_site.errors import Location, SiteError
from pln_site.files import write_atomically


class SettingsFileError(SiteError):
    """A settings file that cannot be edited safely; the message says which and why."""

    exit_code = 2


def set_settings(path: Path, values: dict[str, Any]) -> None:
    """Give each setting of `values` its new value in the file at `path`, in one write."""
    source = path.read_text(encoding="utf-8")
    for name, value in values.items():
        source = with_setting(source, name, value, path)
    write_atomically(path, source)


def with_setting(source: str, name: str, value: Any, path: Path) -> str:
    """`source` with the value of the top-level assignment `name = ...` replaced by `value`."""
    literal = _literal(name, value)
    data = source.encode("utf-8")  # ast's column offsets count UTF-8 bytes
    node = _assigned_value(_parse(source, path), name)
    if node is None:
        edited = source.rstrip("\n") + f"\n{name} = {literal}\n"
    else:
        start = _offset(data, node.lineno, node.col_offset)
        end = _offset(data, node.end_lineno or node.lineno, node.end_col_offset or 0)
        edited = (data[:start] + literal.encode("utf-8") + data[end:]).decode("utf-8")
    _check(edited, name, value, path)
    return edited


def _parse(source: str, path: Path) -> ast.Module:
    try:
        return ast.parse(source, filename=str(path))
    except SyntaxError as error:
        raise SettingsFileError(
            f"cannot be read as Python: {error.msg}",
            location=Location(path, error.lineno or 0),
            hint="fix the file (or restore it with git), then run this again",
        ) from None


def _assigned_value(tree: ast.Module, name: str) -> ast.expr | None:
    """The value of the last top-level `name = ...` (the one that counts), or its default when
    that value is `something or "default"`."""
    found: ast.expr | None = None
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in statement.targets
        ):
            found = statement.value
    if isinstance(found, ast.BoolOp) and isinstance(found.op, ast.Or):
        return found.values[-1]
    return found


def _literal(name: str, value: Any) -> str:
    """`value` as Python source, in the file's own style: double quotes, and a tuple of pairs
    (SOCIAL, LINKS) one pair a line."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a Python string literal
    if isinstance(value, tuple) and value and all(_is_pair(item) for item in value):
        rows = [f"    ({_literal(name, a)}, {_literal(name, b)})," for a, b in value]
        return "(\n" + "\n".join(rows) + "\n)"
    return pprint.pformat(value, width=100 - len(name) - 3)


def _is_pair(item: Any) -> bool:
    return isinstance(item, tuple) and len(item) == 2 and all(isinstance(x, str) for x in item)


def _offset(data: bytes, line: int, column: int) -> int:
    lines = data.splitlines(keepends=True)
    return sum(len(text) for text in lines[: line - 1]) + column


def _check(edited: str, name: str, value: Any, path: Path) -> None:
    """The edited text parses, and now assigns `value` to `name` (else nothing is written)."""
    node = _assigned_value(_parse(edited, path), name)
    try:
        written = ast.literal_eval(node) if node is not None else None
    except ValueError:
        written = None
    if written != value:
        raise SettingsFileError(
            f"{name} could not be changed safely",
            location=Location(path),
            hint=f"set {name} by hand",
        )
