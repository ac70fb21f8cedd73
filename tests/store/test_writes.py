"""Writing the store: one FeedUpdate per fetch, retention, first sightings and shown dates."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from pln_site.entries import FeedSource, ParsedEntry, display_date
from pln_site.store import FeedChanged, FeedFailed, FeedUnchanged, Retention, Store
from pln_site.store.records import KnownEntry
from pln_site.store.writes import entry_updates

UTC = dt.UTC
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
ADA = FeedSource("ada", "https://ada.example/feed.xml")
KEEP_ALL = Retention(max_entries=50, max_age_days=0)


def entry(key: str, published: dt.datetime | None = None, **fields) -> ParsedEntry:
    return ParsedEntry(
        key=key,
        link=fields.pop("link", f"https://ada.example/{key}"),
        title=fields.pop("title", key.title()),
        author=None,
        content_html="<p>Words.</p>",
        summary_html="",
        published=published,
        updated=fields.pop("updated", None),
        **fields,
    )


def changed(*entries: ParsedEntry, at: dt.datetime = NOW, **fields) -> FeedChanged:
    return FeedChanged(
        source=fields.pop("source", ADA),
        at=at,
        status=200,
        etag=fields.pop("etag", '"v1"'),
        last_modified=fields.pop("last_modified", "Sat, 01 Jun 2024 10:00:00 GMT"),
        body_hash=fields.pop("body_hash", "hash-1"),
        title=fields.pop("title", "Ada's notes"),
        html_url=fields.pop("html_url", "https://ada.example/"),
        entries=entries,
        **fields,
    )


def feed_row(store: Store, url: str = ADA.url) -> sqlite3.Row:
    with sqlite3.connect(store.path) as db:
        db.row_factory = sqlite3.Row
        return db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()


# -- each kind of FeedUpdate, written to a real store ---------------------------------------


def test_a_changed_feed_stores_its_entries_and_its_http_state(store):
    new = store.save(changed(entry("one", NOW - dt.timedelta(days=1)), entry("two")), KEEP_ALL)
    assert new == 2
    row = feed_row(store)
    assert (row["etag"], row["last_modified"], row["body_hash"], row["status"]) == (
        '"v1"',
        "Sat, 01 Jun 2024 10:00:00 GMT",
        "hash-1",
        200,
    )
    assert (row["title"], row["html_url"], row["member_id"]) == (
        "Ada's notes",
        "https://ada.example/",
        "ada",
    )
    (health,) = store.feed_health()
    assert health.last_attempt == health.last_success == NOW and health.entry_count == 2
    # "Two" has no date and came in the feed's first fetch: an old post, listed after "One".
    assert [(e.title, e.undated) for e in store.entries()] == [("One", False), ("Two", True)]
    # The same entries again, one changed: nothing is new, the change is kept.
    later = NOW + dt.timedelta(hours=1)
    again = changed(entry("one", NOW - dt.timedelta(days=1), title="One, edited"), at=later)
    assert store.save(again, KEEP_ALL) == 0
    titles = {e.key: (e.title, e.first_seen) for e in store.entries()}
    assert titles["one"] == ("One, edited", NOW)  # first seen stays the first sighting


def test_an_unchanged_feed_keeps_its_body_title_and_validators_it_did_not_repeat(store):
    store.save(changed(entry("one", NOW - dt.timedelta(days=1))), KEEP_ALL)
    store.save(FeedFailed(source=ADA, at=NOW, status=500, error="HTTP 500"), KEEP_ALL)
    later = NOW + dt.timedelta(hours=2)
    unchanged = FeedUnchanged(source=ADA, at=later, status=304, etag='"v2"')
    assert store.save(unchanged, KEEP_ALL) == 0
    row = feed_row(store)
    assert (row["etag"], row["last_modified"]) == ('"v2"', "Sat, 01 Jun 2024 10:00:00 GMT")
    assert (row["body_hash"], row["title"], row["status"]) == ("hash-1", "Ada's notes", 304)
    (health,) = store.feed_health()
    assert (health.consecutive_failures, health.last_error, health.last_success) == (0, None, later)
    assert health.entry_count == 1


def test_a_failure_counts_up_and_keeps_what_it_does_not_know(store):
    store.save(changed(entry("one", NOW - dt.timedelta(days=1))), KEEP_ALL)
    moved = FeedUnchanged(source=ADA, at=NOW, status=200, moved_to="https://ada.example/new")
    store.save(moved, KEEP_ALL)
    wait = NOW + dt.timedelta(minutes=5)
    for minutes in (1, 2):
        failure = FeedFailed(
            source=ADA,
            at=NOW + dt.timedelta(minutes=minutes),
            status=429,
            error="HTTP 429 Too Many Requests",
            retry_after=wait,
        )
        assert store.save(failure, KEEP_ALL) == 0
    (health,) = store.feed_health()
    assert (health.consecutive_failures, health.last_error, health.status) == (
        2,
        "HTTP 429 Too Many Requests",
        429,
    )
    assert (health.retry_after, health.moved_to, health.gone) == (
        wait,
        "https://ada.example/new",
        False,
    )
    assert health.last_success == NOW and health.last_attempt == NOW + dt.timedelta(minutes=2)
    assert feed_row(store)["body_hash"] == "hash-1" and health.entry_count == 1
    gone = FeedFailed(source=ADA, at=NOW, status=410, error="HTTP 410 Gone", gone=True)
    store.save(gone, KEEP_ALL)
    state = store.feed_state(ADA.url)
    assert state.gone and state.retry_after is None and state.consecutive_failures == 3


def test_a_feed_update_of_no_known_kind_is_refused(store):
    from pln_site.store import FeedUpdate

    with pytest.raises(TypeError, match="not a kind of FeedUpdate"):
        store.save(FeedUpdate(source=ADA, at=NOW, status=200), KEEP_ALL)
    assert store.feed_health() == []  # the transaction was rolled back


def test_prune_drops_old_entries_of_every_feed(store):
    bea = FeedSource("bea", "https://bea.example/feed.xml")
    old, fresh = NOW - dt.timedelta(days=40), NOW - dt.timedelta(days=1)
    store.save(changed(entry("a-old", old), entry("a-new", fresh)), KEEP_ALL)
    store.save(changed(entry("b-old", old), source=bea), KEEP_ALL)
    assert store.prune(0, NOW) == 0
    assert store.prune(30, NOW) == 2
    assert [e.key for e in store.entries()] == ["a-new"]


# -- the pure parts ---------------------------------------------------------------------------


def test_new_entries_are_first_seen_in_the_feeds_order():
    updates = entry_updates([entry("top"), entry("middle"), entry("bottom")], {}, NOW, KEEP_ALL)
    assert [u.entry.key for u in updates] == ["top", "middle", "bottom"]
    assert [u.first_seen for u in updates] == [
        NOW,
        NOW - dt.timedelta(microseconds=1),
        NOW - dt.timedelta(microseconds=2),
    ]
    assert all(u.date == u.first_seen for u in updates)  # undated: shown as first seen


def test_a_known_entry_keeps_its_first_sighting():
    seen = NOW - dt.timedelta(days=3)
    known = {"known": KnownEntry(seen, undated=False)}
    (update,) = entry_updates([entry("known")], known, NOW, KEEP_ALL)
    assert (update.first_seen, update.date, update.undated) == (seen, seen, False)


def test_only_entries_within_the_retention_are_written_newest_first():
    entries = [entry(f"e{n}", NOW - dt.timedelta(days=n)) for n in (5, 1, 40, 3)]
    updates = entry_updates(entries, {}, NOW, Retention(max_entries=2, max_age_days=30))
    assert [u.entry.key for u in updates] == ["e1", "e3"]
    assert len(entry_updates(entries, {}, NOW, Retention(max_entries=9, max_age_days=0))) == 4


def test_the_shown_date_is_published_else_updated_else_first_seen_never_the_future():
    seen, earlier, later = NOW, NOW - dt.timedelta(days=2), NOW - dt.timedelta(days=1)
    future = NOW + dt.timedelta(seconds=1)
    assert display_date(earlier, later, seen, NOW) == earlier
    assert display_date(None, later, seen, NOW) == later
    assert display_date(None, None, seen, NOW) == seen
    assert display_date(future, later, seen, NOW) == seen  # a future date is not believed
    assert display_date(None, future, seen, NOW) == seen
    assert display_date(NOW, None, seen - dt.timedelta(days=9), NOW) == NOW  # now is not future


def test_a_body_without_a_title_keeps_the_feeds_last_known_title(store):
    store.save(changed(entry("one", NOW - dt.timedelta(days=1))), KEEP_ALL)
    later = NOW + dt.timedelta(hours=1)
    store.save(changed(at=later, body_hash="hash-2", title=None, html_url=None), KEEP_ALL)
    (health,) = store.feed_health()
    assert (health.title, health.html_url) == ("Ada's notes", "https://ada.example/")
