"""The SAX reader feedparser uses here: Python's expat reader with character data buffered.

Without buffering, expat reports the text of an element in many small pieces (one per line and
per entity reference, and escaped HTML is mostly entity references), and feedparser does
dictionary work in Python for every piece. Buffered, each run of text arrives whole: the same
document and result, with about a fifth less parsing time over the real-world feeds (bench/).

feedparser asks `xml.sax.make_parser` for the readers named in its `PREFERRED_XML_PARSERS`
first; `use_with_feedparser()` puts this module's name at the front of that list.
"""

from __future__ import annotations

from xml.sax.expatreader import ExpatParser

import feedparser.api

TEXT_BUFFER_BYTES = 1 << 20  # text runs up to this long arrive in one piece


class BufferedExpatParser(ExpatParser):
    def reset(self) -> None:
        super().reset()  # creates a new expat parser for each document
        self._parser.buffer_text = True
        self._parser.buffer_size = TEXT_BUFFER_BYTES


def create_parser(*args, **kwargs) -> BufferedExpatParser:
    """The factory `xml.sax.make_parser` looks for in a module it is given by name."""
    return BufferedExpatParser(*args, **kwargs)


def use_with_feedparser() -> None:
    if __name__ not in feedparser.api.PREFERRED_XML_PARSERS:
        feedparser.api.PREFERRED_XML_PARSERS.insert(0, __name__)
