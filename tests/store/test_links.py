"""The links each entry cites (schema 3): written with their entry in one transaction, replaced
when the entry changes, dropped with it; a store of schema 2 is migrated and keeps its entries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pln_site.entries import FeedSource, ParsedEntry
from pln_site.store import EntryLink, FeedChanged, Retention, Store
from pln_site.store.schema import MIGRATIONS
from tests.support.old_stores import store_of_schema

UTC = dt.UTC
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
ADA = FeedSource("ada", "https://ada.example/feed.xml")
KEEP_ALL = Retention(max_entries=50, max_age_days=0)
STORY = EntryLink("https://news.example/story", "the story", "Read the story today.")
OTHER = EntryLink("https://other.example/", "other", "And other things.")


def entry(key: str, days_old: int = 1) -> ParsedEntry:
    return ParsedEntry(
        key=key,
        link=f"https://ada.example/{key}",
        title=key.title(),
        author=None,
        content_html="<p>Text.</p>",
        summary_html="",
        published=NOW - dt.timedelta(days=days_old),
        updated=None,
    )


def changed(*entries: ParsedEntry, links: dict, body: str = "b1", at: dt.datetime = NOW):
    return FeedChanged(
        source=ADA,
        at=at,
        status=200,
        etag=None,
        last_modified=None,
        body_hash=body,
        title=None,
        html_url=None,
        entries=entries,
        links=links,
    )


def cited(store: Store, days: int = 30) -> list[tuple[str, str]]:
    return [(link.key, link.url) for link in store.links_since(NOW - dt.timedelta(days=days))]


def test_links_are_stored_with_their_entry_and_read_back_newest_entry_first(tmp_path: Path):
    with Store(tmp_path / "s.sqlite3") as store:
        store.save(
            changed(entry("one", 2), entry("two", 1), links={"one": (STORY,), "two": (OTHER,)}),
            KEEP_ALL,
        )
        [first, second] = store.links_since(NOW - dt.timedelta(days=30))
    assert (first.key, first.url, first.text, first.quote) == ("two", *vars(OTHER).values())
    assert (second.member_id, second.date) == ("ada", NOW - dt.timedelta(days=2))


def test_links_since_leaves_out_entries_shown_before_the_moment(tmp_path: Path):
    with Store(tmp_path / "s.sqlite3") as store:
        store.save(
            changed(entry("old", 20), entry("new", 1), links={"old": (STORY,), "new": (STORY,)}),
            KEEP_ALL,
        )
        assert cited(store, days=7) == [("new", STORY.url)]


def test_an_edited_entry_cites_what_its_new_text_cites(tmp_path: Path):
    with Store(tmp_path / "s.sqlite3") as store:
        store.save(changed(entry("one"), links={"one": (STORY, OTHER)}), KEEP_ALL)
        store.save(changed(entry("one"), links={"one": (OTHER,)}, body="b2"), KEEP_ALL)
        assert cited(store) == [("one", OTHER.url)]


def test_links_go_with_their_entry_by_retention_and_by_pruning(tmp_path: Path):
    with Store(tmp_path / "s.sqlite3") as store:
        store.save(
            changed(entry("a", 3), entry("b", 2), links={"a": (STORY,), "b": (OTHER,)}),
            KEEP_ALL,
        )
        store.save(
            changed(entry("c", 1), links={"c": (STORY,)}, body="b2"),
            Retention(max_entries=2, max_age_days=0),
        )
        assert sorted(cited(store)) == [("b", OTHER.url), ("c", STORY.url)]
        store.prune(1, NOW)  # "b" is two days old
        assert cited(store) == [("c", STORY.url)]
        left = store._open_db.execute("SELECT count(*) FROM entry_links").fetchone()[0]
    assert left == 1


def test_a_store_of_schema_2_is_migrated_and_keeps_its_entries(tmp_path: Path):
    path = store_of_schema(tmp_path / "planet.sqlite3", 2, feed=ADA.url)
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert [entry.title for entry in store.entries()] == ["Kept"]
        assert cited(store) == [], "an entry stored before cites nothing yet"
        store.save(changed(entry("k"), links={"k": (STORY,)}), KEEP_ALL)
        assert cited(store) == [("k", STORY.url)]
