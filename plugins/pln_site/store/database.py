"""`Store`: one SQLite file with each feed's HTTP state and the entries it gave.

`invoke fetch` writes it (one transaction per feed, under a lock file so that two fetches cannot
interleave); the build, `invoke status` and `invoke share` only read it. The parts live beside
this module: schema (tables, migrations), connection, lock, reads, writes, records, errors.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import ParamSpec, TypeVar

from pln_site.entries import StoredEntry
from pln_site.recommended import BlogrollState
from pln_site.store import reads, writes
from pln_site.store.connection import connect, reading, transaction
from pln_site.store.errors import StoreUnavailable, is_storage_trouble
from pln_site.store.lock import fetch_lock
from pln_site.store.records import (
    EntryHead,
    FeedHealth,
    FeedState,
    FeedUpdate,
    Retention,
    Sites,
    StoredLink,
    WebmentionTry,
)
from pln_site.store.schema import MIGRATIONS, migrate, schema_version
from pln_site.urls import same_url_key

P = ParamSpec("P")
T = TypeVar("T")


def _as_list(method: Callable[P, Iterator[T]]) -> Callable[P, list[T]]:
    """A method that returns a list of what `method` yields, with the same parameters."""

    @functools.wraps(method)
    def listing(*args: P.args, **kwargs: P.kwargs) -> list[T]:
        return list(method(*args, **kwargs))

    listing.__name__ = listing.__qualname__ = method.__name__.removeprefix("iter_")
    listing.__doc__ = f"{method.__name__}(), as a list."
    return listing


class Store:
    """The SQLite store; a context manager. Creates its folder and schema on first use.

    With `read_only`, nothing is created or changed (`invoke status`, the build): the file must
    exist, and it may sit in a folder the process cannot write. A store made by older code is
    brought up to date first when this process may write it, so that pulling new code does not
    stop the next build; one it may not write is refused with a hint.
    Every trouble with the file itself (missing folder, no permission, a full disk, a damaged
    file) raises StoreUnavailable, whose message names the file, says what failed and hints why.
    """

    def __init__(self, path: Path | str, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._db: sqlite3.Connection | None = None
        try:
            self._db = connect(self.path, read_only=read_only)
            if read_only and _older_but_writable(self._db, self.path):
                _upgrade(self.path)
            migrate(self._db, self.path, read_only=read_only)
        except StoreUnavailable:
            self.close()
            raise
        except (sqlite3.Error, OSError) as error:
            self.close()
            if isinstance(error, sqlite3.Error) and not is_storage_trouble(error):
                raise
            raise StoreUnavailable(self.path, "opened", error) from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def _open_db(self) -> sqlite3.Connection:
        if self._db is None:  # closed: say it as sqlite3 says it of a closed connection
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return self._db

    @property
    def schema_version(self) -> int:
        return schema_version(self._open_db)

    def fetch_lock(self, wait: float | None = None) -> AbstractContextManager[None]:
        """Hold the fetch lock; waits up to `wait` seconds (lock.LOCK_WAIT_SECONDS), then raises
        FetchLocked naming the process that holds it."""
        return fetch_lock(self.path, wait)

    # -- what the fetcher reads and writes -----------------------------------------------------
    def feed_state(self, url: str) -> FeedState | None:
        with reading(self._open_db, self.path) as db:
            return reads.feed_state(db, url)

    def save(self, update: FeedUpdate, retention: Retention) -> int:
        """Write what one fetch learned about a feed, in one transaction; returns how many of
        its entries are new (only a FeedChanged brings any)."""
        with transaction(self._open_db, self.path) as db:
            return writes.save(db, update, retention)

    def feeds_moved_to(self, url: str, member_id: str) -> list[str]:
        """The member's stored feeds that moved to `url` (reads.feeds_moved_to)."""
        with reading(self._open_db, self.path) as db:
            return reads.feeds_moved_to(db, url, member_id)

    def move_feed(self, old_url: str, new_url: str) -> bool:
        """Carry the stored feed at `old_url` (entries, links, HTTP state) over to `new_url`,
        in one transaction (writes.move_feed); False when there is nothing to carry or
        `new_url` is stored already."""
        with transaction(self._open_db, self.path) as db:
            return writes.move_feed(db, old_url, new_url)

    def prune(self, max_age_days: int, now: dt.datetime) -> int:
        """Drop entries older than the age limit from every feed; returns how many went."""
        if not max_age_days:
            return 0
        with transaction(self._open_db, self.path) as db:
            return writes.prune(db, max_age_days, now)

    # -- what the build, `invoke status` and `invoke share` read --------------------------------
    def iter_entries(
        self,
        member_ids: Iterable[str] | None = None,
        limit: int | None = None,
        sites: Sites | None = None,
    ) -> Iterator[StoredEntry]:
        """Entries newest first (undated old posts last), each post once: with `sites` (whose
        site is whose), under the name of the member who wrote it; without, an entry that
        several feeds carry (same link) appears once, from the feed that had it first
        (reads.iter_entries).

        One at a time, straight from the database: a caller that keeps only what it shows of
        each entry never holds every entry's HTML at once (20,000 entries' HTML is 150 MB of
        memory). Consume it while the store is open; `entries()` gives them as a list."""
        with reading(self._open_db, self.path) as db:
            yield from reads.iter_entries(db, member_ids, limit, sites)

    entries = _as_list(iter_entries)

    def shown_heads(
        self,
        member_ids: Iterable[str] | None = None,
        sites: Sites | None = None,
        link_key: Callable[[str], str] = same_url_key,
    ) -> list[EntryHead]:
        """Which entries `iter_entries` gives, in its order, without their text: a caller that
        kept what it made of them can read again only the new and changed ones. `link_key`
        decides which links are one post (urls.same_url_key, or one remembering its answers)."""
        with reading(self._open_db, self.path) as db:
            return reads.shown_heads(db, member_ids, sites, link_key)

    def iter_member_entries(self, member_id: str, rowids: Iterable[int]) -> Iterator[StoredEntry]:
        """One member's entries of `shown_heads`, whole, one at a time (consume it while the
        store is open)."""
        with reading(self._open_db, self.path) as db:
            yield from reads.member_entries(db, member_id, rowids)

    def links_since(self, since: dt.datetime) -> list[StoredLink]:
        """The links that entries shown since `since` cite (the reading's hot links)."""
        with reading(self._open_db, self.path) as db:
            return reads.links_since(db, since)

    def feed_health(self) -> list[FeedHealth]:
        with reading(self._open_db, self.path) as db:
            return reads.feed_health(db)

    # -- what `invoke webmentions` reads and writes ---------------------------------------------
    def webmention_tries(self) -> dict[tuple[str, str], WebmentionTry]:
        """The last try of every Webmention so far, by (source, target)."""
        with reading(self._open_db, self.path) as db:
            return reads.webmention_tries(db)

    def record_webmention(self, tried: WebmentionTry) -> None:
        with transaction(self._open_db, self.path) as db:
            writes.record_webmention(db, tried)

    # -- what `invoke suggest` reads and writes -------------------------------------------------
    def blogrolls(self) -> dict[str, BlogrollState]:
        """Every member's blogroll as last read, by URL."""
        with reading(self._open_db, self.path) as db:
            return reads.blogrolls(db)

    def save_blogrolls(self, states: Iterable[BlogrollState]) -> None:
        """Keep what one run of `invoke suggest` read, in one transaction."""
        with transaction(self._open_db, self.path) as db:
            for state in states:
                writes.save_blogroll(db, state)


def _older_but_writable(db: sqlite3.Connection, path: Path) -> bool:
    """Whether `path` is a store from older code (not an empty file: that is no store yet)
    that this process may migrate."""
    version = schema_version(db)
    return (
        0 < version < len(MIGRATIONS)
        and os.access(path, os.W_OK)
        and os.access(path.parent, os.W_OK)
    )


def _upgrade(path: Path) -> None:
    db = connect(path, read_only=False)
    try:
        migrate(db, path, read_only=False)
    finally:
        db.close()
