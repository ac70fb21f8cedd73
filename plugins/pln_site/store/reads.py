"""What is read from the store: a feed's state before fetching it, every feed's health, and
the entries, newest first, each post once and under the name of the member who wrote it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, cast

from pln_site.entries import StoredEntry
from pln_site.recommended import BlogrollState, Recommendation
from pln_site.store.records import (
    EntryHead,
    FeedHealth,
    FeedState,
    Sites,
    StoredLink,
    WebmentionTry,
    bounded_categories,
)
from pln_site.store.timestamps import from_column, to_column
from pln_site.urls import same_url_key


def feed_state(db: sqlite3.Connection, url: str) -> FeedState | None:
    row = db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
    return None if row is None else _record(FeedState, row)


def feed_health(db: sqlite3.Connection) -> list[FeedHealth]:
    rows = db.execute(
        """SELECT feeds.*,
               (SELECT count(*) FROM entries WHERE entries.feed_url = feeds.url)
               AS entry_count
           FROM feeds ORDER BY member_id, url"""
    ).fetchall()
    return [_record(FeedHealth, row) for row in rows]


def feeds_moved_to(db: sqlite3.Connection, url: str, member_id: str) -> list[str]:
    """The URLs of `member_id`'s stored feeds whose permanent redirects lead to `url`, the one
    that last worked first."""
    rows = db.execute(
        "SELECT url FROM feeds WHERE moved_to = ? AND member_id = ? AND url != ? "
        "ORDER BY last_success IS NULL, last_success DESC",
        (url, member_id, url),
    )
    return [row["url"] for row in rows]


def links_since(db: sqlite3.Connection, since: dt.datetime) -> list[StoredLink]:
    """The links cited by entries shown on or after `since`, newest entry first, each entry's
    in the order it cites them."""
    rows = db.execute(
        """SELECT entry_links.feed_url, entry_links.key, entries.member_id, entries.date,
               entry_links.url, entry_links.text, entry_links.quote
           FROM entry_links JOIN entries USING (feed_url, key)
           WHERE entries.date >= ?
           ORDER BY entries.date DESC, entry_links.feed_url, entry_links.key,
               entry_links.position""",
        (to_column(since),),
    ).fetchall()
    return [_record(StoredLink, row) for row in rows]


def webmention_tries(db: sqlite3.Connection) -> dict[tuple[str, str], WebmentionTry]:
    """The last try of every Webmention, by (source, target)."""
    rows = db.execute(
        "SELECT source, target, tried_at, endpoint, status, sent_at, error FROM webmentions"
    )
    return {
        (row["source"], row["target"]): WebmentionTry(
            row["source"],
            row["target"],
            cast(dt.datetime, from_column(row["tried_at"])),
            row["endpoint"],
            row["status"],
            from_column(row["sent_at"]),
            row["error"],
        )
        for row in rows
    }


def blogrolls(db: sqlite3.Connection) -> dict[str, BlogrollState]:
    """Every blogroll as `invoke suggest` last read it, by URL."""
    rows = db.execute("SELECT * FROM blogrolls ORDER BY member_id, url").fetchall()
    return {
        row["url"]: BlogrollState(
            url=row["url"],
            member_id=row["member_id"],
            form=row["form"],
            last_attempt=cast(dt.datetime, from_column(row["last_attempt"])),
            etag=row["etag"],
            last_modified=row["last_modified"],
            last_success=from_column(row["last_success"]),
            last_error=row["last_error"],
            status=row["status"],
            people=tuple(Recommendation(**_with_tuples(p)) for p in json.loads(row["people"])),
            declares=tuple(json.loads(row["declares"])),
        )
        for row in rows
    }


def _with_tuples(person: dict[str, Any]) -> dict[str, Any]:
    return {**person, "topics": tuple(person.get("topics", ()))}


# Undated old posts (StoredEntry.undated) after every dated entry, whatever their date.
_LISTING_ORDER = " ORDER BY undated, date DESC, first_seen DESC"


def iter_entries(
    db: sqlite3.Connection,
    member_ids: Iterable[str] | None = None,
    limit: int | None = None,
    sites: Sites | None = None,
) -> Iterator[StoredEntry]:
    """Entries newest first, one at a time, each post once (see `_shown`).

    Two passes: the first reads only each entry's link, member and first sighting to choose
    which to keep, the second reads the chosen rows whole, so that only one entry's HTML is
    held at once.
    """
    where, params = _members_where(member_ids)
    kept = [head.rowid for head in shown_heads(db, member_ids, sites)]
    if limit is not None:
        kept = kept[:limit]
    yield from _rows(db, where, params, set(kept))


def shown_heads(
    db: sqlite3.Connection,
    member_ids: Iterable[str] | None = None,
    sites: Sites | None = None,
    link_key: Callable[[str], str] = same_url_key,
) -> list[EntryHead]:
    """The entries `iter_entries` gives, in its order, without reading their text (`link_key`:
    urls.same_url_key, or one that remembers its answers)."""
    where, params = _members_where(member_ids)
    heads = db.execute(
        "SELECT rowid, feed_url, key, link, member_id, first_seen, revision "
        f"FROM entries{where}{_LISTING_ORDER}",
        params,
    ).fetchall()
    kept = set(_shown(heads, sites, link_key))
    return [
        EntryHead(head["rowid"], head["feed_url"], head["key"], head["member_id"], head["revision"])
        for head in heads
        if head["rowid"] in kept
    ]


def member_entries(
    db: sqlite3.Connection, member_id: str, rowids: Iterable[int]
) -> Iterator[StoredEntry]:
    """The entries of one member with the given rowids (from `shown_heads`), whole, in the
    listing's order, one at a time."""
    yield from _rows(db, " WHERE member_id = ?", [member_id], set(rowids))


def _members_where(member_ids: Iterable[str] | None) -> tuple[str, list[str]]:
    if member_ids is None:
        return "", []
    ids = list(member_ids)
    return f" WHERE member_id IN ({', '.join('?' for _ in ids)})", ids


def _rows(
    db: sqlite3.Connection, where: str, params: list[str], wanted: set[int]
) -> Iterator[StoredEntry]:
    if not wanted:
        return
    for row in db.execute(f"SELECT rowid, * FROM entries{where}{_LISTING_ORDER}", params):
        if row["rowid"] in wanted:
            yield _stored_entry(row)
            wanted.discard(row["rowid"])
            if not wanted:
                break


def _shown(
    heads: list[sqlite3.Row], sites: Sites | None, link_key: Callable[[str], str] = same_url_key
) -> list[int]:
    """The rowids to show, in order, of entries that share a link (the same page by
    urls.same_url_key: a re-post with a new id, or one post in two of a member's feeds).

    Knowing whose site is whose (`sites`, the build), a member's own copies are one post (the
    first seen shows), and one member's copy never hides another's: a link on a member's own
    site shows only as that member's post (a reblog or an impostor's copy of it goes), and a
    link on nobody's site shows once for each member who posted it. Without `sites` (a caller
    that knows no member files), the copy first seen shows, whoever posted it.
    """
    posts = [link_key(head["link"]) if head["link"] else None for head in heads]
    if sites is None:
        return _first_of_each_link(heads, posts)
    firsts: dict[tuple[str, str], sqlite3.Row] = {}  # (post, member) -> their first copy
    links: dict[str, str] = {}  # post -> a link to it, as an entry wrote it
    for head, post in zip(heads, posts, strict=True):
        if post:
            links.setdefault(post, head["link"])
            mine = (post, head["member_id"])
            if mine not in firsts or head["first_seen"] < firsts[mine]["first_seen"]:
                firsts[mine] = head
    posters: dict[str, set[str]] = {}
    for post, member_id in firsts:
        posters.setdefault(post, set()).add(member_id)
    # post -> the members whose post it is: its site's owners if one of them posted it.
    authors = {
        post: (sites.owners(links[post]) & members) or members for post, members in posters.items()
    }
    return [
        head["rowid"]
        for head, post in zip(heads, posts, strict=True)
        if not post
        or (head["member_id"] in authors[post] and firsts[post, head["member_id"]] is head)
    ]


def _first_of_each_link(heads: list[sqlite3.Row], posts: list[str | None]) -> list[int]:
    """The rowids to keep, in order: of entries of one post, the one first seen."""
    earliest: dict[str, sqlite3.Row] = {}
    for head, post in zip(heads, posts, strict=True):
        if post and (post not in earliest or head["first_seen"] < earliest[post]["first_seen"]):
            earliest[post] = head
    return [
        head["rowid"]
        for head, post in zip(heads, posts, strict=True)
        if not post or earliest[post] is head
    ]


def _stored_entry(row: sqlite3.Row) -> StoredEntry:
    return _record(StoredEntry, row)


R = TypeVar("R")

# How a column is read into a record's field, where it is not read as it is stored.
_COLUMN_READERS: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(
        ("date", "first_seen", "retry_after", "last_attempt", "last_success"), from_column
    ),
    "gone": bool,
    "undated": bool,
    # Rows stored before the cap may hold more than an entry may carry.
    "categories": lambda text: bounded_categories(json.loads(text)),
}


def _record(record_type: type[R], row: sqlite3.Row) -> R:
    """The record (FeedState, FeedHealth, StoredEntry) whose fields are the row's columns of
    the same names, each read as _COLUMN_READERS says."""
    columns = set(row.keys())
    values = {
        name: _COLUMN_READERS.get(name, _as_stored)(row[name])
        for name in (field.name for field in dataclasses.fields(cast(Any, record_type)))
        if name in columns
    }
    return record_type(**values)


def _as_stored(value: Any) -> Any:
    return value
