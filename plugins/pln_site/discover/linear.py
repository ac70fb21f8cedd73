"""Malformed markup that the standard library's HTMLParser reads in linear time.

HTMLParser (which listparser and the OPML outline pass read with, pln_site.discover.opml) is
linear on well-formed markup. On a construct that never ends (a tag, a comment, a "<![CDATA["
with no end), it searches to the end of the file from it, takes a few characters as text, and
searches again from the next one: the square of the file (100 KB of "<a" took 20 s). A
well-formed file has no such construct, so it is read as it is; in a malformed one, each construct
that never ends becomes text, and each start tag is written again with its attributes quoted (its
own quoting may be what never ends).
"""

from __future__ import annotations

import re
import xml.parsers.expat

_CONSTRUCT_START = re.compile(r"<(?:!--|!\[|[!?]|/?[A-Za-z])")
_COMMENT_END = re.compile(r"--\s*>")  # HTMLParser's own ends of a comment and marked sections
_MARKED_SECTION_END = re.compile(r"]\s*]\s*>")
_MS_MARKED_SECTION_END = re.compile(r"]\s*>")
_MARKED_SECTION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*")
_MARKED_SECTION_ENDS = {
    **dict.fromkeys(("temp", "cdata", "ignore", "include", "rcdata"), _MARKED_SECTION_END),
    **dict.fromkeys(("if", "else", "endif"), _MS_MARKED_SECTION_END),
}
# A start tag: it ends at ">", and never ends if a "<" or the end of the file comes first
# (outside its quoted values, which are read whole). Possessive: read once, without backtracking.
_START_TAG = re.compile(
    r"""<([A-Za-z][^\s/<>]*+)((?:[^<>"'=]++|=\s*+(?:"[^"]*+"|'[^']*+')?+|["'])*+)(>?)"""
)
_ATTRIBUTE = re.compile(
    r"""([^\s"'=/>][^\s=/>]*+)(?:\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s>]*+)))?+"""
)


def well_formed(text: str) -> bool:
    """Whether `text` is well-formed XML (expat: linear, and it never fetches a DTD)."""
    parser = xml.parsers.expat.ParserCreate("utf-8")
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True


def _last_start(pattern: re.Pattern[str], text: str) -> int:
    last = -1
    for match in pattern.finditer(text):
        last = match.start()
    return last


def readable_in_linear_time(text: str) -> str:
    """`text` as HTMLParser reads it, but with nothing it would search to the end again and
    again: constructs that never end are text, start tags are written again. Lines stay where
    they were (the report names them)."""
    last_gt = text.rfind(">")
    last_end = {
        pattern: _last_start(pattern, text)
        for pattern in (_COMMENT_END, _MARKED_SECTION_END, _MS_MARKED_SECTION_END)
    }
    kept: list[str] = []
    position = 0
    while match := _CONSTRUCT_START.search(text, position):
        start, opening = match.start(), match.group()
        kept.append(text[position:start])
        end = -1  # where a construct that ends ends; -1: it never does
        if opening == "<!--":
            if last_end[_COMMENT_END] >= start + 4:
                end = _COMMENT_END.search(text, start + 4).end()  # type: ignore[union-attr]
        elif opening == "<![":
            name = _MARKED_SECTION_NAME.match(text, start + 3)
            closing = _MARKED_SECTION_ENDS.get(name.group().lower()) if name else None
            if closing is None:  # HTMLParser says why it cannot read this: keep it
                kept.append(opening)
                position = match.end()
                continue
            if last_end[closing] >= start + 3:
                end = closing.search(text, start + 3).end()  # type: ignore[union-attr]
        elif opening[-1].isalpha() and opening[1] != "/":
            tag = _START_TAG.match(text, start)
            assert tag is not None
            if tag.group(3):
                kept.append(_start_tag(tag.group(1), tag.group(2), text[start : tag.end()]))
            else:  # it never ends: all of it is text (each "<" in it too, read once)
                kept.append(text[start : tag.end()].replace("<", "&lt;"))
            position = tag.end()
            continue
        elif last_gt > start:  # an end tag, "<?...", "<!DOCTYPE...", "<!...": up to a ">"
            end = text.find(">", start) + 1
        if end < 0:
            kept.append("&lt;")  # it never ends: it is text, as HTMLParser would end up reading it
            position = start + 1
        else:
            kept.append(text[start:end])
            position = end
    kept.append(text[position:])
    return "".join(kept)


def _start_tag(name: str, attributes: str, original: str) -> str:
    """A start tag written again: every value in double quotes, the tag's lines kept."""
    written = [f"<{name}"]
    for attribute in _ATTRIBUTE.finditer(attributes):
        value = next((v for v in attribute.group(2, 3, 4) if v is not None), None)
        if value is None:
            written.append(f" {attribute.group(1)}")
        else:
            written.append(f' {attribute.group(1)}="{value.replace(chr(34), "&quot;")}"')
    tag = "".join(written)
    closing = "/>" if attributes.rstrip().endswith("/") else ">"
    return tag + "\n" * (original.count("\n") - tag.count("\n")) + closing
