"""The records that move between the engine's steps: fetch > parse > clean > store > build.

Everything here is plain data. Text fields hold plain text (already unescaped, never HTML);
`*_html` fields hold HTML that has passed the sanitizer, and only those may be marked safe.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FeedSource:
    """One feed to fetch, as a member file names it."""

    member_id: str
    url: str
    title: str | None = None
    html_url: str | None = None
    # The languages the member writes in (their file): evidence for decoding a feed that
    # declares no encoding.
    languages: tuple[str, ...] = ()


@dataclass
class ParsedEntry:
    """One entry of a feed after parsing and cleaning."""

    key: str  # stable: the id, else the link, else a hash of the content
    link: str | None  # absolute http(s) URL of the original, or None
    title: str  # plain text; may be empty (titleless micro posts)
    author: str | None  # plain text
    content_html: str  # sanitized HTML (full content, else the summary)
    summary_html: str  # sanitized HTML (the summary, else empty)
    published: dt.datetime | None  # aware, UTC; None when the feed gives no date
    updated: dt.datetime | None  # aware, UTC
    categories: list[str] = field(default_factory=list)
    language: str | None = None  # BCP 47 ("pt-BR"): the entry's xml:lang, else the feed's


@dataclass
class ParsedFeed:
    """A whole feed after parsing and cleaning."""

    format: str  # "rss", "atom", "json" (feedparser's version string or "json1.0"/"json1.1")
    title: str | None  # plain text
    html_url: str | None  # the site the feed belongs to
    entries: list[ParsedEntry]
    warning: str | None = None  # recoverable trouble, e.g. "not well-formed XML, recovered"


@dataclass
class StoredEntry:
    """An entry as the build reads it from the store."""

    key: str
    feed_url: str
    member_id: str
    link: str | None
    title: str
    author: str | None
    content_html: str
    summary_html: str
    date: dt.datetime  # aware, UTC: published, else updated, else first seen (never in the future)
    first_seen: dt.datetime
    categories: list[str] = field(default_factory=list)
    language: str | None = None  # BCP 47 ("pt-BR"), from the entry or its feed; None: unknown
    # True: the feed gave no date, and the entry came in the feed's first fetch: an old post we
    # just met, not news. Its `date` is when it was met; the store lists it after every dated
    # entry (see docs/reading.md, "Dates").
    undated: bool = False

    def __build_digest__(self) -> str:
        """What a page can show of this entry, for the build cache (site/buildcache): its
        fields, all plain data, as their repr (cheaper than walking them one by one)."""
        return repr(self)

    def without_html(self) -> StoredEntry:
        """This entry with its HTML left out: what a build keeps once it has cut the title
        and excerpt its pages show (see river.EntryText)."""
        slim = copy.copy(self)  # dataclasses.replace costs several times more, per entry
        slim.content_html = slim.summary_html = ""
        return slim


def display_date(
    published: dt.datetime | None,
    updated: dt.datetime | None,
    first_seen: dt.datetime,
    now: dt.datetime,
) -> dt.datetime:
    """The date an entry is shown and sorted by (StoredEntry.date): published, else updated,
    else first seen; a date in the future is not believed."""
    claimed = published or updated
    if claimed is None or claimed > now:
        return first_seen
    return claimed


class FeedParseError(Exception):
    """The body is not a feed that can be read; the message says why, in words."""
