"""Edit the feeds of a member file in place: a feed's new URL, or a feed marked gone.

The text is changed only where the change is: YAML's composer gives the place of every feed's
`url` value in the file (line, column and offset), and the edit replaces those characters (a
moved feed) or adds one `gone:` key beside them (a gone feed). Every other character stays as
the owner wrote it: comments, blank lines, key order, quoting, indentation, line ends. A
round-trip library would re-emit the whole file instead, with its own indentation and line
breaks. The result is read back and must give the file's data with exactly these changes, or
nothing is edited.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from pln_site.errors import SiteError


@dataclass(frozen=True)
class FeedMoved:
    """The feed at `url` lives at `new_url` now."""

    url: str
    new_url: str


@dataclass(frozen=True)
class FeedGone:
    """The feed at `url` is gone (HTTP 410), found so on `since` (YYYY-MM-DD)."""

    url: str
    since: str


FeedFix = FeedMoved | FeedGone


class FeedFixError(SiteError):
    """The file cannot be edited safely; the message says why, the hint what to do."""


@dataclass(frozen=True)
class _Edit:
    start: int  # offsets into the text
    end: int
    text: str


def fixed_text(text: str, fixes: Sequence[FeedFix]) -> str:
    """`text` (a member file) with each fix applied to the feed of `feeds:` it names.

    A feed already marked gone stays as it is. Raises FeedFixError when a fix names no feed of
    the file, or when the edited text would not read back as the same data with these changes.
    """
    urls = _feed_urls(text)
    edits = []
    for fix in fixes:
        if fix.url not in urls:
            raise FeedFixError(
                f"no feed of the file has the URL {fix.url}",
                hint="the file changed since the store saw the feed: fetch again first",
            )
        key, value, item = urls[fix.url]
        if isinstance(fix, FeedMoved):
            rendered = _scalar(fix.new_url, value.style, in_flow=bool(item.flow_style))
            edits.append(_Edit(value.start_mark.index, value.end_mark.index, rendered))
        elif not _has_key(item, "gone"):
            edits.append(_gone_edit(text, key, value, item, fix.since))
    new_text = text
    for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
        new_text = new_text[: edit.start] + edit.text + new_text[edit.end :]
    _check_reads_back(text, new_text, fixes)
    return new_text


def _feed_urls(text: str) -> dict[str, tuple[yaml.ScalarNode, yaml.ScalarNode, yaml.MappingNode]]:
    """feed URL -> its `url` key and value nodes and the feed's mapping node."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise FeedFixError(
            f"the file is not valid YAML: {error}", hint="run `invoke check`"
        ) from None
    found: dict[str, tuple[yaml.ScalarNode, yaml.ScalarNode, yaml.MappingNode]] = {}
    feeds = _value_of(root, "feeds") if isinstance(root, yaml.MappingNode) else None
    if not isinstance(feeds, yaml.SequenceNode):
        return found
    for item in feeds.value:
        if not isinstance(item, yaml.MappingNode):
            continue
        for key, value in item.value:
            if key.value == "url" and isinstance(value, yaml.ScalarNode):
                found.setdefault(value.value, (key, value, item))
    return found


def _value_of(mapping: yaml.MappingNode, name: str) -> yaml.Node | None:
    return next((value for key, value in mapping.value if key.value == name), None)


def _has_key(mapping: yaml.MappingNode, name: str) -> bool:
    return any(key.value == name for key, _ in mapping.value)


def _gone_edit(
    text: str, key: yaml.ScalarNode, value: yaml.ScalarNode, item: yaml.MappingNode, since: str
) -> _Edit:
    """`gone: <since>` beside the url: after it in a flow mapping (`{url: ..., gone: ...}`),
    else on a line of its own below the url's line (after any comment there), at its indent."""
    end = value.end_mark.index
    if item.flow_style:
        return _Edit(end, end, f", gone: {since}")
    line_end = len(text)
    for ending in ("\n", "\r"):
        found = text.find(ending, end)
        if found != -1:
            line_end = min(line_end, found)
    newline = "\r\n" if text[line_end : line_end + 2] == "\r\n" else "\n"
    added = " " * key.start_mark.column + f"gone: {since}"
    if line_end == len(text):  # the url is on the file's last line, which has no line end
        return _Edit(line_end, line_end, newline + added)
    after = line_end + len(newline)
    return _Edit(after, after, added + newline)


# A URL that reads back as itself without quotes: printable ASCII without spaces, not ending in
# ":" (which would make it a key); in a flow mapping no "," "[" "]" "{" "}" either.
_PLAIN = re.compile(r"[a-z][a-z0-9+.-]*:[!-~]*(?<!:)", re.IGNORECASE)
_FLOW_INDICATORS = frozenset(",[]{}")


def _scalar(value: str, style: str | None, *, in_flow: bool) -> str:
    """`value` written in the style of the value it replaces, where that style can hold it."""
    if style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    plain = _PLAIN.fullmatch(value) and not (in_flow and _FLOW_INDICATORS & set(value))
    if style is None and plain:
        return value
    return json.dumps(value)  # a JSON string is a YAML double-quoted scalar, escapes and all


def _check_reads_back(text: str, new_text: str, fixes: Sequence[FeedFix]) -> None:
    """The edit changed exactly what the fixes say, and nothing else. Both texts are read with
    every value as text (BaseLoader), so that `gone: 2024-05-01` is compared as written."""
    expected = _with_fixes(yaml.load(text, Loader=yaml.BaseLoader), fixes)
    try:
        found = yaml.load(new_text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as error:
        found = error
    if found != expected:
        raise FeedFixError(
            "the edit would not read back as the file with only its feeds changed",
            hint="edit the feed by hand, as the report says",
        )


def _with_fixes(data: Any, fixes: Sequence[FeedFix]) -> Any:  # Any: a YAML document
    moved = {fix.url: fix.new_url for fix in fixes if isinstance(fix, FeedMoved)}
    gone = {fix.url: fix.since for fix in fixes if isinstance(fix, FeedGone)}
    feeds = []
    for feed in data["feeds"]:
        if isinstance(feed, dict) and feed.get("url") in moved:
            feed = {**feed, "url": moved[feed["url"]]}
        elif isinstance(feed, dict) and feed.get("url") in gone and "gone" not in feed:
            feed = {**feed, "gone": gone[feed["url"]]}
        feeds.append(feed)
    return {**data, "feeds": feeds}
