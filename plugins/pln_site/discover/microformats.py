"""The microformats2 JSON that mf2py returns, as types, and the one call that gets it.

mf2py ships no types; the shapes here are those of the microformats2 parsing spec
(microformats.org/wiki/microformats2-parsing). Every key may be missing on a hostile page, so
each is optional and read with `.get`.
"""

from __future__ import annotations

from typing import TypedDict

import mf2py


class Item(TypedDict, total=False):
    """A microformat (h-card, h-entry...), or the {"value": ...} form of an embedded one."""

    type: list[str]
    properties: dict[str, list[Value]]
    children: list[Item]
    value: str  # an embedded item's text, or a u-photo's URL when it has alt text
    html: str  # an e-* property's markup
    alt: str


# A property's value: text, or a nested item, or the dict form of e-* and u-photo values.
Value = str | Item


class RelUrl(TypedDict, total=False):
    """What a page says about one linked URL (<link> and <a> with rel=)."""

    rels: list[str]
    type: str
    title: str
    text: str
    media: str
    hreflang: str


# The whole document. "rel-urls" is no Python name, hence the functional form.
Document = TypedDict(
    "Document",
    {"items": list[Item], "rels": dict[str, list[str]], "rel-urls": dict[str, RelUrl]},
    total=False,
)


def string_values(values: list[Value] | None) -> list[str]:
    """A property's values as text: the strings, and the text value of embedded items."""
    found = []
    for value in values or []:
        text = value.get("value") if isinstance(value, dict) else value
        if isinstance(text, str):
            found.append(text)
    return found


def parse_microformats(text: str, url: str) -> Document:
    """The microformats of the page `text` fetched from `url` (relative URLs made absolute)."""
    document: Document = mf2py.parse(doc=text, url=url)  # mf2py returns a plain, untyped dict
    return document
