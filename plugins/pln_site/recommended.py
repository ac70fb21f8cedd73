"""The records of the members' blogrolls: a person one of them recommends, and what the store
keeps of one blogroll between runs of `invoke suggest`. Here, below both, so that the reader
(discover.blogrolls) and the store pass them without importing each other."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: How a blogroll is written: a homepage (its h-feed of h-cards and its XFN links, and the
#: blogroll links it declares), OPML, or Ghost's recommendations JSON.
HOMEPAGE, OPML, JSON = "homepage", "opml", "json"


@dataclass(frozen=True)
class Recommendation:
    """One person a blogroll names: their site and feed (at least one of the two), their name
    and the member's words about them, all plain text from a page that may be hostile."""

    url: str | None
    feed_url: str | None = None
    name: str | None = None
    description: str | None = None
    topics: tuple[str, ...] = ()  # OPML's category, an h-card's p-category


@dataclass(frozen=True)
class BlogrollState:
    """One blogroll URL of one member as last read: the validators to ask conditionally with,
    the people of the last good copy (kept when a later read fails), and for a homepage the
    blogroll URLs it declared."""

    url: str
    member_id: str
    form: str  # HOMEPAGE, OPML or JSON
    last_attempt: dt.datetime
    etag: str | None = None
    last_modified: str | None = None
    last_success: dt.datetime | None = None
    last_error: str | None = None  # None: the last attempt worked (200 or 304)
    status: int | None = None
    people: tuple[Recommendation, ...] = ()
    declares: tuple[str, ...] = ()
