"""Entries a feed gives no date, fetched for real from 127.0.0.1 into a real store: an old post
met in the feed's first fetch is not news; one that appears in a later fetch is."""

from __future__ import annotations

import datetime as dt

from pln_site.devserver import Route
from pln_site.store import Store
from pln_site.store.schema import MIGRATIONS
from tests.support.fetching import atom_entry, atom_feed, days_ago
from tests.support.old_stores import store_of_schema

UTC = dt.UTC


def undated(entry_id: str, title: str) -> str:
    return atom_entry(entry_id, title, None, link=f"https://ada.example/{entry_id}")


def dated(entry_id: str, title: str, days: float) -> str:
    return atom_entry(entry_id, title, days_ago(days), link=f"https://ada.example/{entry_id}")


def test_undated_posts_of_a_first_fetch_are_old_and_listed_after_dated_ones(server, fetch, store):
    # As an old Movable Type export: the newest posts dated, posts from 2011 not.
    server.route(
        "/feed.xml",
        Route(
            body=atom_feed(
                undated("from-2011", "From 2011"),
                dated("last-week", "Last week", 7),
                undated("from-2012", "From 2012"),
                dated("last-month", "Last month", 30),
            )
        ),
    )
    fetch(server.url("/feed.xml"))
    listed = store.entries()
    assert [(entry.title, entry.undated) for entry in listed] == [
        ("Last week", False),
        ("Last month", False),
        ("From 2011", True),
        ("From 2012", True),
    ]
    old = listed[2]
    assert old.date == old.first_seen  # when we met it: the only moment we know


def test_an_undated_post_that_appears_in_a_later_fetch_is_news_dated_when_first_seen(
    server, fetch, store
):
    server.route("/feed.xml", Route(body=atom_feed(undated("old", "Old"), dated("d", "D", 3))))
    fetch(server.url("/feed.xml"))
    met = {entry.title: entry for entry in store.entries()}["Old"]

    server.route(
        "/feed.xml",
        Route(body=atom_feed(undated("new", "New"), undated("old", "Old"), dated("d", "D", 3))),
    )
    before = dt.datetime.now(UTC)
    fetch(server.url("/feed.xml"))
    listed = store.entries()
    assert [(entry.title, entry.undated) for entry in listed] == [
        ("New", False),
        ("D", False),
        ("Old", True),
    ]
    assert listed[0].date >= before  # dated when first seen: it tops the list
    assert listed[2].first_seen == met.first_seen  # the old one stays as it was met


def test_an_undated_post_below_known_ones_is_an_old_post_met_again(server, fetch, store):
    # The feed lists more than the store keeps; the one it let go comes back, still old.
    feed = atom_feed(dated("a", "A", 1), dated("b", "B", 2), undated("c", "C"))
    server.route("/feed.xml", Route(body=feed))
    fetch(server.url("/feed.xml"), PLANET_MAX_ENTRIES_PER_FEED=2)
    assert [entry.title for entry in store.entries()] == ["A", "B"]
    server.route("/feed.xml", Route(body=feed + b"<!-- changed -->"))
    fetch(server.url("/feed.xml"))
    assert [(entry.title, entry.undated) for entry in store.entries()] == [
        ("A", False),
        ("B", False),
        ("C", True),
    ]


def test_an_entry_keeps_its_language_and_a_feeds_shared_guid_keeps_both_posts(server, fetch, store):
    body = (
        '<rss version="2.0"><channel><title>Velho blog</title><language>pt-br</language>'
        "<item><title>Primeiro</title><link>https://velho.example/1</link><guid>post</guid>"
        "<pubDate>Seg, 24 Set 2018 10:00:00 -0300</pubDate></item>"
        "<item><title>Segundo</title><link>https://velho.example/2</link><guid>post</guid>"
        "<pubDate>Dom, 23 Set 2018 10:00:00 -0300</pubDate></item>"
        "</channel></rss>"
    ).encode("latin-1")
    server.route("/rss", Route(body=body))
    fetch(server.url("/rss"), PLANET_MAX_AGE_DAYS=0)
    listed = store.entries()
    assert [(entry.title, entry.language) for entry in listed] == [
        ("Primeiro", "pt-BR"),
        ("Segundo", "pt-BR"),
    ]
    assert listed[0].date == dt.datetime(2018, 9, 24, 13, tzinfo=UTC)


def test_a_store_of_schema_1_is_migrated_and_keeps_its_entries(tmp_path):
    path = store_of_schema(tmp_path / "planet.sqlite3", 1)
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        [entry] = store.entries()
    assert (entry.title, entry.language, entry.undated) == ("Kept", None, False)
