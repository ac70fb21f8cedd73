"""What is written to the store: one fetch's `FeedUpdate` per transaction, the pruning of
entries past the age limit, and a moved feed's carrying over to its new address. Every function
here runs inside the caller's transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Mapping, Sequence

from pln_site.entries import FeedSource, ParsedEntry, display_date
from pln_site.recommended import BlogrollState
from pln_site.store.records import (
    EntryUpdate,
    FeedChanged,
    FeedFailed,
    FeedUnchanged,
    FeedUpdate,
    KnownEntry,
    Retention,
    WebmentionTry,
    bounded_categories,
)
from pln_site.store.timestamps import to_column


def save(db: sqlite3.Connection, update: FeedUpdate, retention: Retention) -> int:
    """Write what one fetch learned about a feed; returns how many of its entries are new."""
    _ensure_feed(db, update.source)
    match update:
        case FeedChanged():
            return _save_changed(db, update, retention)
        case FeedUnchanged():
            _save_unchanged(db, update)
        case FeedFailed():
            _save_failed(db, update)
        case _:
            raise TypeError(f"not a kind of FeedUpdate: {type(update).__name__}")
    return 0


def prune(db: sqlite3.Connection, max_age_days: int, now: dt.datetime) -> int:
    """Drop entries older than the age limit from every feed; returns how many went."""
    if not max_age_days:
        return 0
    cutoff = to_column(now - dt.timedelta(days=max_age_days))
    return db.execute("DELETE FROM entries WHERE date < ?", (cutoff,)).rowcount


def save_blogroll(db: sqlite3.Connection, state: BlogrollState) -> None:
    """Replace what is kept of one blogroll URL with `state`."""
    db.execute(
        "INSERT OR REPLACE INTO blogrolls (url, member_id, form, etag, last_modified, "
        "last_attempt, last_success, last_error, status, people, declares) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            state.url,
            state.member_id,
            state.form,
            state.etag,
            state.last_modified,
            to_column(state.last_attempt),
            to_column(state.last_success),
            state.last_error,
            state.status,
            json.dumps([dataclasses.asdict(person) for person in state.people]),
            json.dumps(list(state.declares)),
        ),
    )


def record_webmention(db: sqlite3.Connection, tried: WebmentionTry) -> None:
    """Remember a Webmention's last try. A failed try never forgets an earlier success (a
    `--resend` that fails leaves it sent)."""
    db.execute(
        "INSERT INTO webmentions (source, target, tried_at, endpoint, status, sent_at, error) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, target) DO UPDATE SET "
        "tried_at = excluded.tried_at, error = excluded.error, "
        "endpoint = CASE WHEN excluded.sent_at IS NULL AND sent_at IS NOT NULL "
        "THEN endpoint ELSE excluded.endpoint END, "
        "status = CASE WHEN excluded.sent_at IS NULL AND sent_at IS NOT NULL "
        "THEN status ELSE excluded.status END, "
        "sent_at = coalesce(excluded.sent_at, sent_at)",
        (
            tried.source,
            tried.target,
            to_column(tried.tried_at),
            tried.endpoint,
            tried.status,
            to_column(tried.sent_at),
            tried.error,
        ),
    )


def entry_updates(
    entries: Sequence[ParsedEntry],
    known: Mapping[str, KnownEntry],
    now: dt.datetime,
    retention: Retention,
) -> list[EntryUpdate]:
    """The entries worth writing, dated ones newest first, then the undated old posts, with
    their first sighting and shown date.

    `known` holds what the store has of the feed's entries, by key. Entries seen for the first
    time in one fetch keep the feed's order: each one is "first seen" a microsecond before the
    one above it. An entry the feed gives no date is news only when it sits above an entry
    already stored (feeds add new posts at the top): then it is dated when first seen. In the
    feed's first fetch, or below a known entry (an old post the store had let go), it is an
    undated old post (EntryUpdate.undated). Only the entries within the retention are written
    (rather than writing all and trimming), which keeps an old entry that the feed still lists
    from coming back as "new" on every fetch.
    """
    first_known = next(
        (position for position, entry in enumerate(entries) if entry.key in known), None
    )
    updates = []
    for position, entry in enumerate(entries):
        stored = known.get(entry.key)
        seen = stored.first_seen if stored else now - dt.timedelta(microseconds=position)
        if entry.published or entry.updated:
            undated = False
        elif stored is not None:
            undated = stored.undated
        else:
            undated = first_known is None or position > first_known
        date = display_date(entry.published, entry.updated, seen, now)
        updates.append(EntryUpdate(entry, seen, date, undated))
    if retention.max_age_days:
        cutoff = now - dt.timedelta(days=retention.max_age_days)
        updates = [update for update in updates if update.date >= cutoff]
    updates.sort(key=lambda update: (not update.undated, update.date, update.first_seen))
    updates.reverse()
    return updates[: retention.max_entries]


# feeds.moved_streak, counted in the statement that replaces moved_to (the right-hand sides
# read the row as it was): how many answers in a row came through a permanent redirect to the
# same place. An answer (200 or 304) by way of a permanent redirect adds one when it leads where
# the last one did, and starts at 1 when it leads elsewhere; an answer at the feed's own address
# (directly, or through a temporary redirect) makes it 0. A failure (no answer, a timeout, an
# HTTP error, not a feed) says nothing sure about where the feed lives: the streak stays, unless
# its redirect led to a new place, which no answer has confirmed yet (0). Parameters: moved_to
# twice.
_STREAK_OF_AN_ANSWER = """moved_streak = CASE WHEN ? IS NULL THEN 0
                   WHEN moved_to IS ? THEN moved_streak + 1 ELSE 1 END"""
_STREAK_OF_A_FAILURE = """moved_streak = CASE WHEN ? IS NOT NULL AND moved_to IS NOT ? THEN 0
                   ELSE moved_streak END"""


def move_feed(db: sqlite3.Connection, old_url: str, new_url: str) -> bool:
    """Give the stored feed at `old_url` the address `new_url`, with its entries, their links
    and its HTTP state, as the member file now names it; its move is then done (moved_to and
    the streak cleared). False, and nothing changed, when `old_url` is not stored or `new_url`
    already is (the two feeds' entries then stay apart, and repeats show once)."""
    taken = db.execute("SELECT 1 FROM feeds WHERE url = ?", (new_url,)).fetchone()
    if taken or not db.execute("SELECT 1 FROM feeds WHERE url = ?", (old_url,)).fetchone():
        return False
    # The three tables name the feed's URL; the keys are checked at commit, once all agree.
    db.execute("PRAGMA defer_foreign_keys = ON")
    db.execute(
        "UPDATE feeds SET url = ?, moved_to = NULL, moved_streak = 0 WHERE url = ?",
        (new_url, old_url),
    )
    db.execute("UPDATE entries SET feed_url = ? WHERE feed_url = ?", (new_url, old_url))
    db.execute("UPDATE entry_links SET feed_url = ? WHERE feed_url = ?", (new_url, old_url))
    return True


def _ensure_feed(db: sqlite3.Connection, source: FeedSource) -> None:
    db.execute(
        "INSERT INTO feeds (url, member_id) VALUES (?, ?) "
        "ON CONFLICT (url) DO UPDATE SET member_id = excluded.member_id",
        (source.url, source.member_id),
    )


def _save_changed(db: sqlite3.Connection, update: FeedChanged, retention: Retention) -> int:
    source, now = update.source, update.at
    known = {
        key: KnownEntry(dt.datetime.fromisoformat(first_seen), bool(undated))
        for key, first_seen, undated in db.execute(
            "SELECT key, first_seen, undated FROM entries WHERE feed_url = ?", (source.url,)
        )
    }
    rows = entry_updates(update.entries, known, now, retention)
    db.executemany(
        """INSERT INTO entries (feed_url, key, member_id, link, title, author, content_html,
               summary_html, published, updated, first_seen, date, categories, language,
               undated)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (feed_url, key) DO UPDATE SET
               member_id = excluded.member_id, link = excluded.link,
               title = excluded.title, author = excluded.author,
               content_html = excluded.content_html, summary_html = excluded.summary_html,
               published = excluded.published, updated = excluded.updated,
               date = excluded.date, categories = excluded.categories,
               language = excluded.language, undated = excluded.undated""",
        [
            (
                source.url,
                row.entry.key,
                source.member_id,
                row.entry.link,
                row.entry.title,
                row.entry.author,
                row.entry.content_html,
                row.entry.summary_html,
                to_column(row.entry.published),
                to_column(row.entry.updated),
                to_column(row.first_seen),
                to_column(row.date),
                json.dumps(bounded_categories(row.entry.categories)),
                row.entry.language,
                int(row.undated),
            )
            for row in rows
        ],
    )
    _save_links(db, source.url, [row.entry.key for row in rows], update)
    _apply_retention(db, source.url, retention, now)
    kept = {
        key for (key,) in db.execute("SELECT key FROM entries WHERE feed_url = ?", (source.url,))
    }
    db.execute(
        f"""UPDATE feeds SET etag = ?, last_modified = ?, body_hash = ?, status = ?,
               last_attempt = ?, last_success = ?, consecutive_failures = 0,
               last_error = NULL, moved_to = ?, retry_after = NULL,
               title = coalesce(?, title), html_url = coalesce(?, html_url),
               {_STREAK_OF_AN_ANSWER}
           WHERE url = ?""",
        (
            update.etag,
            update.last_modified,
            update.body_hash,
            update.status,
            to_column(now),
            to_column(now),
            update.moved_to,
            update.title,
            update.html_url,
            update.moved_to,
            update.moved_to,
            source.url,
        ),
    )
    return len(kept - set(known))


def _save_links(
    db: sqlite3.Connection, feed_url: str, keys: Sequence[str], update: FeedChanged
) -> None:
    """Each written entry's links, as this fetch found them (an edit may drop some)."""
    db.executemany(
        "DELETE FROM entry_links WHERE feed_url = ? AND key = ?", [(feed_url, key) for key in keys]
    )
    db.executemany(
        "INSERT INTO entry_links (feed_url, key, position, url, text, quote) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (feed_url, key, position, link.url, link.text, link.quote)
            for key in keys
            for position, link in enumerate(update.links.get(key, ()))
        ],
    )


def _save_unchanged(db: sqlite3.Connection, update: FeedUnchanged) -> None:
    db.execute(
        f"""UPDATE feeds SET etag = coalesce(?, etag),
               last_modified = coalesce(?, last_modified), status = ?,
               last_attempt = ?, last_success = ?, consecutive_failures = 0,
               last_error = NULL, moved_to = ?, retry_after = NULL,
               {_STREAK_OF_AN_ANSWER}
           WHERE url = ?""",
        (
            update.etag,
            update.last_modified,
            update.status,
            to_column(update.at),
            to_column(update.at),
            update.moved_to,
            update.moved_to,
            update.moved_to,
            update.source.url,
        ),
    )


def _save_failed(db: sqlite3.Connection, update: FeedFailed) -> None:
    db.execute(
        f"""UPDATE feeds SET status = ?, last_attempt = ?,
               consecutive_failures = consecutive_failures + 1, last_error = ?,
               retry_after = ?, gone = ?, moved_to = coalesce(?, moved_to),
               {_STREAK_OF_A_FAILURE}
           WHERE url = ?""",
        (
            update.status,
            to_column(update.at),
            update.error,
            to_column(update.retry_after),
            int(update.gone),
            update.moved_to,
            update.moved_to,
            update.moved_to,
            update.source.url,
        ),
    )


def _apply_retention(
    db: sqlite3.Connection, feed_url: str, retention: Retention, now: dt.datetime
) -> None:
    db.execute(
        """DELETE FROM entries WHERE feed_url = ? AND key NOT IN (
               SELECT key FROM entries WHERE feed_url = ?
               ORDER BY undated, date DESC, first_seen DESC LIMIT ?)""",
        (feed_url, feed_url, retention.max_entries),
    )
    if retention.max_age_days:
        cutoff = to_column(now - dt.timedelta(days=retention.max_age_days))
        db.execute("DELETE FROM entries WHERE feed_url = ? AND date < ?", (feed_url, cutoff))
