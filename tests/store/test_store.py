"""The Store through the real fetch path: what a fetch keeps, the dates it shows, entries read
back once each, and the lock between two fetches. Its parts alone: test_schema, test_lock,
test_reads, test_writes, test_errors."""

from __future__ import annotations

import datetime as dt
import os

import pytest

import pln_site.store.lock
from pln_site.devserver import Route
from pln_site.entries import FeedSource
from pln_site.errors import SiteError
from pln_site.feeds.update import fetch_all
from pln_site.store import FetchLocked, Store
from tests.support.fetching import BASE_SETTINGS, atom_entry, atom_feed, days_ago, simple_feed

UTC = dt.UTC


def test_only_the_newest_entries_of_a_feed_are_kept(server, fetch, store):
    server.route("/feed.xml", Route(body=simple_feed(10)))
    feed = fetch(server.url("/feed.xml"), PLANET_MAX_ENTRIES_PER_FEED=3).feeds[0]
    assert feed.new_entries == 3
    assert [entry.title for entry in store.entries()] == ["Post 0", "Post 1", "Post 2"]
    # The same feed again, one post newer: the old ones do not come back as "new".
    server.route(
        "/feed.xml",
        Route(
            body=atom_feed(
                atom_entry("https://ada.example/fresh", "Fresh", days_ago(0.5)),
                *[
                    atom_entry(f"https://ada.example/post-{n}", f"Post {n}", days_ago(n + 1))
                    for n in range(10)
                ],
            )
        ),
    )
    again = fetch(server.url("/feed.xml"), PLANET_MAX_ENTRIES_PER_FEED=3).feeds[0]
    assert again.new_entries == 1
    assert [entry.title for entry in store.entries()] == ["Fresh", "Post 0", "Post 1"]


def test_entries_older_than_the_age_limit_are_dropped(server, fetch, store):
    body = atom_feed(
        atom_entry("urn:new", "New", days_ago(10)),
        atom_entry("urn:old", "Old", days_ago(400)),
    )
    server.route("/feed.xml", Route(body=body))
    fetch(server.url("/feed.xml"), PLANET_MAX_AGE_DAYS=365)
    assert [entry.title for entry in store.entries()] == ["New"]


def test_an_age_limit_of_zero_keeps_everything(server, fetch, store):
    body = atom_feed(atom_entry("urn:ancient", "Ancient", days_ago(5000)))
    server.route("/feed.xml", Route(body=body))
    fetch(server.url("/feed.xml"), PLANET_MAX_AGE_DAYS=0)
    assert [entry.title for entry in store.entries()] == ["Ancient"]


def test_dates_fall_back_and_the_future_is_not_believed(server, fetch, store):
    future = dt.datetime.now(UTC) + dt.timedelta(days=30)
    # Computed once: two calls to days_ago() can straddle a second.
    published, updated_only = days_ago(3), days_ago(2)
    body = atom_feed(
        atom_entry("urn:published", "Published", published, updated=days_ago(1)),
        atom_entry("urn:updated", "Updated only", None, updated=updated_only),
        atom_entry("urn:future", "From the future", future),
    )
    server.route("/feed.xml", Route(body=body))
    before = dt.datetime.now(UTC)
    fetch(server.url("/feed.xml"))
    after = dt.datetime.now(UTC)
    entries = {entry.title: entry for entry in store.entries()}
    assert entries["Published"].date == published
    assert entries["Updated only"].date == updated_only
    shown = entries["From the future"]
    assert shown.date == shown.first_seen and before <= shown.date <= after
    # A month ahead is no date: met in the feed's first fetch, it is an undated old post,
    # listed after the dated ones rather than leading as news.
    assert shown.undated and not entries["Published"].undated
    assert [entry.title for entry in store.entries()] == [
        "Updated only",
        "Published",
        "From the future",
    ]


def test_a_failed_feed_leaves_its_entries_untouched(server, fetch, store):
    server.route("/feed.xml", Route(body=simple_feed(2)))
    fetch(server.url("/feed.xml"))
    before = store.entries()
    server.route("/feed.xml", Route(status=502))
    fetch(server.url("/feed.xml"))
    assert store.entries() == before


def test_the_same_post_in_two_feeds_appears_once_from_the_first_that_had_it(server, store):
    link = "https://ada.example/shared-post"
    server.route(
        "/ada.xml", Route(body=atom_feed(atom_entry("urn:a", "Shared", days_ago(1), link=link)))
    )
    server.route(
        "/bea.xml",
        Route(
            body=atom_feed(
                atom_entry("urn:b", "Shared (reblogged)", days_ago(1), link=link),
                atom_entry("urn:c", "Bea's own", days_ago(2), link="https://bea.example/own"),
            )
        ),
    )
    fetch_all([FeedSource("ada", server.url("/ada.xml"))], store, BASE_SETTINGS)
    fetch_all([FeedSource("bea", server.url("/bea.xml"))], store, BASE_SETTINGS)
    entries = store.entries()
    assert [(entry.member_id, entry.title) for entry in entries] == [
        ("ada", "Shared"),
        ("bea", "Bea's own"),
    ]


def test_entries_can_be_read_per_member_and_limited(server, store):
    server.route("/ada.xml", Route(body=simple_feed(3, prefix="a", site="https://ada.example/")))
    server.route("/bea.xml", Route(body=simple_feed(2, prefix="b", site="https://bea.example/")))
    fetch_all(
        [FeedSource("ada", server.url("/ada.xml")), FeedSource("bea", server.url("/bea.xml"))],
        store,
        BASE_SETTINGS,
    )
    assert {entry.member_id for entry in store.entries(member_ids=["bea"])} == {"bea"}
    assert len(store.entries(member_ids=["bea"])) == 2
    assert store.entries(member_ids=[]) == []
    newest = store.entries(limit=2)
    assert len(newest) == 2 and all(newest[0].date >= e.date for e in newest)
    assert newest[0].date.tzinfo is not None
    assert [e.title for e in store.entries(limit=2)] == [e.title for e in store.entries()[:2]]


def test_a_second_fetch_waits_then_stops_with_a_clear_message(server, store_path, monkeypatch):
    monkeypatch.setattr(pln_site.store.lock, "LOCK_WAIT_SECONDS", 0.3)
    server.route("/feed.xml", Route(body=simple_feed(1)))
    with Store(store_path) as first, Store(store_path) as second:
        with first.fetch_lock():
            with pytest.raises(FetchLocked) as locked:
                fetch_all([FeedSource("ada", server.url("/feed.xml"))], second, BASE_SETTINGS)
        assert str(locked.value) == (
            f"another fetch is running (pid {os.getpid()}); try again when it has finished"
        )
        assert locked.value.pid == str(os.getpid())
        assert isinstance(locked.value, SiteError) and locked.value.exit_code == 1
        assert server.requests == []
        # Once the first is done, the second runs.
        report = fetch_all([FeedSource("ada", server.url("/feed.xml"))], second, BASE_SETTINGS)
        assert report.feeds[0].new_entries == 1
