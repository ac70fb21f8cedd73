"""The typed records that cross the store's boundary.

In: a `FeedUpdate`, everything one fetch of one feed tells the store, in one of three kinds
(`FeedChanged`, `FeedUnchanged`, `FeedFailed`), with the `Retention` that bounds what is kept;
modelled on lemon24/reader's FeedUpdateIntent / EntryUpdateIntent. Out: the `FeedState` the
fetcher decides with, the `FeedHealth` that `invoke status` and the build show, and the entries
(pln_site.entries.StoredEntry). `Sites` says whose site is whose, for choosing which copy of a
shared link is shown; `bounded_categories` is the cap on what one entry may carry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from pln_site.entries import FeedSource, ParsedEntry
from pln_site.urls import site_host


@dataclass(frozen=True)
class FeedState:
    """What the fetcher needs to know about a feed before fetching it."""

    url: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    gone: bool
    retry_after: dt.datetime | None
    moved_to: str | None
    consecutive_failures: int


@dataclass(frozen=True)
class FeedHealth:
    """One feed's state, for `invoke status` and the build's per-member notes."""

    url: str
    member_id: str
    last_attempt: dt.datetime | None
    last_success: dt.datetime | None
    status: int | None
    consecutive_failures: int
    last_error: str | None
    moved_to: str | None
    gone: bool
    retry_after: dt.datetime | None
    entry_count: int
    title: str | None = None
    html_url: str | None = None
    # How many answers in a row came through a permanent redirect to moved_to (store/writes.py
    # counts them); `invoke fix-feeds` trusts a move after several.
    moved_streak: int = 0


@dataclass(frozen=True)
class Retention:
    """How much of each feed the store keeps: its newest `max_entries` entries, none older than
    `max_age_days` (0: no age limit)."""

    max_entries: int
    max_age_days: int


@dataclass(frozen=True, kw_only=True)
class FeedUpdate:
    """What one fetch of a feed tells the store; always one of the three kinds below.

    `at` is when the fetch ended: the feed's last attempt (and, when it worked, its last
    success), and the moment its new entries are first seen.
    """

    source: FeedSource
    at: dt.datetime
    status: int | None  # the last HTTP status; None when no answer came
    moved_to: str | None = None  # where permanent redirects from the source's URL lead


@dataclass(frozen=True, kw_only=True)
class FeedChanged(FeedUpdate):
    """The feed sent a body unlike the last one, and it parsed: its entries are stored (new
    ones added, known ones refreshed) and its HTTP state replaced."""

    etag: str | None
    last_modified: str | None
    body_hash: str
    title: str | None  # plain text
    html_url: str | None
    entries: tuple[ParsedEntry, ...]
    # entry key -> the links it cites (feeds/links.py), stored with the entry and dropped
    # with it; an entry not named here cites nothing.
    links: Mapping[str, tuple[EntryLink, ...]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class FeedUnchanged(FeedUpdate):
    """The feed answered with nothing new (304, or the same body as last time): its entries,
    body hash and title stay; a validator the answer did not repeat stays too."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, kw_only=True)
class FeedFailed(FeedUpdate):
    """The attempt failed: the failure is counted and worded, and the feed's stored entries
    stay as they were. A moved_to already known stays when this answer names none."""

    error: str  # in words, as the report shows it
    retry_after: dt.datetime | None = None  # when the server asked to be asked again
    gone: bool = False  # HTTP 410: not fetched again until the member file names another URL


@dataclass(frozen=True)
class EntryUpdate:
    """One entry as the store writes it: the parsed entry, when it was first seen, the date it
    is shown and sorted by (see pln_site.entries.display_date), and whether it is an undated
    old post (StoredEntry.undated)."""

    entry: ParsedEntry
    first_seen: dt.datetime
    date: dt.datetime
    undated: bool = False


@dataclass(frozen=True)
class EntryLink:
    """One link an entry cites: its absolute URL, its anchor text and a short quote of the
    text around it (both plain text, from the entry's sanitized HTML)."""

    url: str
    text: str
    quote: str


@dataclass(frozen=True)
class StoredLink:
    """A link as the build reads it: what the entry (feed_url, key) of a member, shown on
    `date`, cites."""

    feed_url: str
    key: str
    member_id: str
    date: dt.datetime
    url: str
    text: str
    quote: str


@dataclass(frozen=True)
class KnownEntry:
    """What the store already holds of one of a feed's entries, for its next fetch."""

    first_seen: dt.datetime
    undated: bool


# One entry's categories, at most: a feed that sends thousands per entry would otherwise
# repeat them in every output feed (one such feed grew a site twelvefold).
MAX_CATEGORIES = 20
MAX_CATEGORY_CHARS = 100


def bounded_categories(categories: Iterable[str]) -> list[str]:
    """The first MAX_CATEGORIES distinct categories, each cut to MAX_CATEGORY_CHARS."""
    kept: list[str] = []
    for category in categories:
        cut = str(category)[:MAX_CATEGORY_CHARS].strip()
        if cut and cut not in kept:
            kept.append(cut)
            if len(kept) == MAX_CATEGORIES:
                break
    return kept


@dataclass(frozen=True)
class EntryHead:
    """Which entry a listing shows, without its text: `revision` changes with every write that
    changes the entry (schema 7), so a build can tell an entry it shaped before from a changed
    one."""

    rowid: int
    feed_url: str
    key: str
    member_id: str
    revision: int


@dataclass(frozen=True)
class Sites:
    """Whose site is whose: host -> the members whose own site is on it (their `url` and their
    feeds, as the member files name them; never what a feed says of itself). Usually one
    member a host; several when they share one, such as a blog platform's."""

    members_by_host: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # How a URL's host is found (urls.site_host); a build passes one that remembers its answers
    # from the last build (shapedcache.Remembered), the same for every URL.
    host_of: Callable[[str], str | None] = field(default=site_host, compare=False, repr=False)

    @classmethod
    def of(cls, urls_by_member: Mapping[str, Iterable[str | None]]) -> Sites:
        found: dict[str, set[str]] = {}
        for member_id, urls in urls_by_member.items():
            for url in urls:
                host = site_host(url)
                if host:
                    found.setdefault(host, set()).add(member_id)
        return cls({host: frozenset(members) for host, members in found.items()})

    def owners(self, url: str | None) -> frozenset[str]:
        """The members on whose own site `url` is; empty when it is on nobody's."""
        host = self.host_of(url) if url else None
        return self.members_by_host.get(host, frozenset()) if host else frozenset()


@dataclass(frozen=True)
class WebmentionTry:
    """The last try of a Webmention from the owner's post `source` to the page `target`.

    `sent_at` is set once an endpoint accepted it (a 2xx `status` from `endpoint`); it is then
    not sent again unless asked. Else `error` says why not (no endpoint is an error too), and
    the next run tries again, after the pairs never tried."""

    source: str
    target: str
    tried_at: dt.datetime
    endpoint: str | None = None
    status: int | None = None
    sent_at: dt.datetime | None = None
    error: str | None = None

    @property
    def sent(self) -> bool:
        return self.sent_at is not None
