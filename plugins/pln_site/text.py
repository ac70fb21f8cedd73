"""Plain text, one rule each: feed or page HTML as text, control characters, cutting text to a
length, and initials for a name. Titles, names and categories are plain text everywhere; the
templates escape them like any other string."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import nh3

PLAIN_TEXT_MAX_CHARS = 300
#: HTML nested deeper than this is an attack, not writing: the HTML5 tree builder's work grows
#: with the square of the depth (50,000 nested <div>s take seconds, nested lists over a minute),
#: so such HTML is kept as its text, without building a tree at all.
MAX_NESTING = 512
# Elements that never hold others, or whose end tag is optional: they add no depth to count.
_FLAT_ELEMENTS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody",
        "tfoot", "option", "optgroup", "rb", "rt", "rp", "rtc", "colgroup", "caption", "html",
        "head", "body",
    }
)  # fmt: skip
_TAG_START = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
_ANY_TAG = re.compile(r"<[^>]*>")

_WHITESPACE = re.compile(r"\s+")

# C0 controls other than tab/newline are never meaningful in text (often pasted garbage);
# C1 controls in real feeds are nearly always windows-1252 punctuation decoded as Latin-1
# ("don\x92t"), so they become the character that was meant. A regex rather than
# str.translate: almost no text has any, and searching is much faster than mapping.
_CONTROL_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _meant_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x80:
        return ""
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return ""


def strip_control_chars(text: str) -> str:
    """`text` without control characters (C1 ones read as the windows-1252 they meant)."""
    return _CONTROL_CHAR.sub(_meant_char, text)


def too_deep(value: str, limit: int = MAX_NESTING) -> bool:
    """True when elements in `value` nest more than `limit` deep (counted from the tags alone)."""
    if value.count("<") <= limit:  # cannot nest that deep: the common case costs one count
        return False
    return nesting_exceeds(
        (
            bool(match.group(1))
            for match in _TAG_START.finditer(value)
            if match.group(2).lower() not in _FLAT_ELEMENTS
        ),
        limit,
    )


def nesting_exceeds(end_tags: Iterable[bool], limit: int) -> bool:
    """True when tags, in order (True for an end tag, False for a start tag), nest more than
    `limit` deep. A stray end tag never takes the depth below zero."""
    depth = 0
    for is_end in end_tags:
        if is_end:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > limit:
                return True
    return False


def text_without_tags(value: str) -> str:
    """The text of `value` with every tag dropped, without parsing it."""
    # A regular expression, not a parser: no tree is built, so nothing grows with the depth.
    return html.unescape(_ANY_TAG.sub(" ", value))


def plain_text(
    value: str | None, max_chars: int = PLAIN_TEXT_MAX_CHARS, *, is_html: bool = True
) -> str:
    """Feed text (titles, names, categories) as plain text.

    Tags are stripped, character references decoded once, whitespace collapsed, and the result
    cut to `max_chars` at a word boundary with an ellipsis. With `is_html=False` the value is
    already text (a feed said so): "<" and "&" in it are kept as the characters they are.
    """
    if not value:
        return ""
    if is_html and too_deep(value):
        value = text_without_tags(value)
    elif is_html and ("<" in value or "&" in value):
        # nh3 drops every tag (and script/style content) and returns escaped text; unescaping
        # that once decodes the input's own references exactly once.
        value = html.unescape(nh3.clean(value, tags=set()))
    text = _WHITESPACE.sub(" ", strip_control_chars(value)).strip()
    return truncate_text(text, max_chars)


def truncate_text(text: str, max_chars: int) -> str:
    """`text` cut to at most `max_chars` characters at a word boundary, with an ellipsis."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space > max_chars // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def initials(name: str) -> str:
    """Up to two letters for the avatar fallback: "Amara Okafor" -> "AO", "Chen" -> "C"."""
    words = [word for word in name.replace("-", " ").split() if word[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()
