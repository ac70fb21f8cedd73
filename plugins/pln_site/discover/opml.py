"""The one OPML reader: the feeds an OPML file lists, and every outline in it with its line.

listparser finds the feeds (titles, folders and categories, in any OPML dialect readers write).
It drops each outline's other attributes (htmlUrl, description), the line it came from, and the
outlines that are no feed, so a second pass over the same text gives every outline.

Two readers use it, each with the reading it needs:

- strict (`tolerant=False`): a blogroll from someone's site (discover.blogrolls), hostile text.
  Only well-formed XML is read: expat reads the outlines, in linear time, and never fetches a DTD.
- tolerant: a feed reader's export that the owner imports (commands.import_opml), as readers
  write them, malformed ones too. HTMLParser reads the outlines, over a text made readable in
  linear time where it is malformed (discover.linear).
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import listparser

from pln_site.discover.linear import readable_in_linear_time, well_formed


class OpmlError(Exception):
    """The text is no OPML this reader reads; each of its users words the why its own way."""


class NotWellFormed(OpmlError):
    """The markup cannot be read; the message is the parser's."""


class NotOpml(OpmlError):
    """The markup is read, but it is not OPML."""


@dataclass
class Outline:
    """One `<outline>` as written: its attributes (names in lowercase, values as they are) and
    the line its tag starts on."""

    attributes: dict[str, str]
    line: int
    holds_outlines: bool = False  # a folder, when it has no feed of its own


@dataclass(frozen=True)
class Opml:
    feeds: list[dict[str, Any]]  # listparser's: url, title, categories, tags
    outlines: list[Outline]  # every outline, in the order they start


def parse_opml(text: str, *, tolerant: bool = False) -> Opml:
    """The feeds and outlines of the OPML `text`. Raises NotWellFormed (strict: it is not
    well-formed XML; tolerant: HTMLParser gave up on it) or NotOpml."""
    if tolerant:
        try:
            readable = text if well_formed(text) else readable_in_linear_time(text)
            feeds = _listparser_feeds(readable)
            outlines = _tolerant_outlines(readable)
        except AssertionError as error:  # html.parser's word for a malformed "<![...]>" section
            raise NotWellFormed(str(error)) from None
        return Opml(feeds, outlines)
    outlines = _strict_outlines(text)
    return Opml(_listparser_feeds(text), outlines)


def _listparser_feeds(text: str) -> list[dict[str, Any]]:
    # UTF-8 bytes: listparser reads bytes as UTF-8 whatever the file declares, and never takes
    # bytes for a URL to fetch.
    parsed = listparser.parse(text.encode("utf-8"))
    if not str(parsed.get("version", "")).startswith("opml"):
        raise NotOpml("not OPML")
    return list(parsed.get("feeds", []))


@dataclass
class _Outlines:
    """The outlines seen so far, and the ones still open (the innermost last)."""

    found: list[Outline] = field(default_factory=list)
    open: list[Outline] = field(default_factory=list)

    def start(self, attributes: dict[str, str], line: int) -> None:
        if self.open:
            self.open[-1].holds_outlines = True
        outline = Outline(attributes, line)
        self.found.append(outline)
        self.open.append(outline)

    def end(self) -> None:
        if self.open:  # a malformed file may close more than it opened
            self.open.pop()


def _strict_outlines(text: str) -> list[Outline]:
    outlines = _Outlines()
    parser = xml.parsers.expat.ParserCreate()

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "outline":
            lowered = {key.lower(): value for key, value in attrs.items()}
            outlines.start(lowered, parser.CurrentLineNumber)

    def end(name: str) -> None:
        if name == "outline":
            outlines.end()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError as error:
        raise NotWellFormed(str(error)) from None
    return outlines.found


class _TolerantReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.outlines = _Outlines()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "outline":  # HTMLParser gives names in lowercase
            attributes = {name: value or "" for name, value in attrs}
            self.outlines.start(attributes, self.getpos()[0])

    def handle_endtag(self, tag: str) -> None:
        if tag == "outline":
            self.outlines.end()


def _tolerant_outlines(text: str) -> list[Outline]:
    reader = _TolerantReader()
    reader.feed(text)
    reader.close()  # the outlines a malformed file never closes stay as they were read
    return reader.outlines.found
