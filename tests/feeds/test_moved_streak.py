"""How many fetches in a row a feed moved to the same place (feeds.moved_streak), and the
carrying over of a moved feed's stored entries once its member file names the new address."""

from __future__ import annotations

from pln_site.devserver import Route
from pln_site.entries import FeedSource
from pln_site.feeds.update import Outcome
from tests.support.fetching import simple_feed


def streak(store, url: str) -> tuple[str | None, int]:
    (health,) = [feed for feed in store.feed_health() if feed.url == url]
    return health.moved_to, health.moved_streak


def fetched(fetch, url: str, times: int = 1) -> None:
    for _ in range(times):
        fetch(url)


def test_each_fetch_through_the_same_permanent_redirect_adds_one(server, fetch, store):
    server.route("/new.xml", Route.feed(simple_feed(2)))
    server.route("/old.xml", Route.redirect(server.url("/new.xml"), status=301))
    old = server.url("/old.xml")
    fetched(fetch, old)
    assert streak(store, old) == (server.url("/new.xml"), 1)
    fetched(fetch, old, times=2)  # the second and third answers are 304s, through the redirect
    assert server.requests[-1].headers.get("If-None-Match"), "asked conditionally"
    assert streak(store, old) == (server.url("/new.xml"), 3)


def test_a_redirect_to_another_place_starts_again_at_one(server, fetch, store):
    for path in ("/a.xml", "/b.xml"):
        server.route(path, Route.feed(simple_feed(1)))
    server.route("/old.xml", Route.redirect("/a.xml", status=308))
    old = server.url("/old.xml")
    fetched(fetch, old, times=2)
    server.route("/old.xml", Route.redirect("/b.xml", status=301))
    fetched(fetch, old)
    assert streak(store, old) == (server.url("/b.xml"), 1)


def test_an_answer_at_its_own_address_resets_the_streak(server, fetch, store):
    server.route("/new.xml", Route.feed(simple_feed(1)))
    server.route("/old.xml", Route.redirect("/new.xml", status=301))
    old = server.url("/old.xml")
    fetched(fetch, old, times=2)
    server.route("/old.xml", Route.feed(simple_feed(1)))  # it came back
    fetched(fetch, old)
    assert streak(store, old) == (None, 0)


def test_a_temporary_redirect_is_no_move(server, fetch, store):
    server.route("/new.xml", Route.feed(simple_feed(1)))
    server.route("/old.xml", Route.redirect("/new.xml", status=301))
    old = server.url("/old.xml")
    fetched(fetch, old, times=2)
    server.route("/old.xml", Route.redirect("/new.xml", status=302))
    fetched(fetch, old)
    assert streak(store, old) == (None, 0)


def test_a_failure_neither_adds_nor_resets(server, fetch, store):
    server.route("/new.xml", Route.feed(simple_feed(1)))
    server.route("/old.xml", Route.redirect("/new.xml", status=301))
    old = server.url("/old.xml")
    fetched(fetch, old, times=2)
    server.route("/old.xml", Route(status=503, body=b"down"))
    assert fetch(old).feeds[0].outcome is Outcome.failed
    assert streak(store, old) == (server.url("/new.xml"), 2)
    server.route("/new.xml", Route(status=500, body=b"broken"))  # moved, but the new place fails
    server.route("/old.xml", Route.redirect("/new.xml", status=301))
    fetched(fetch, old)
    assert streak(store, old) == (server.url("/new.xml"), 2)


def test_a_failed_redirect_to_a_new_place_starts_it_at_zero(server, fetch, store):
    server.route("/a.xml", Route.feed(simple_feed(1)))
    server.route("/b.xml", Route(status=500, body=b"broken"))
    server.route("/old.xml", Route.redirect("/a.xml", status=301))
    old = server.url("/old.xml")
    fetched(fetch, old, times=2)
    server.route("/old.xml", Route.redirect("/b.xml", status=301))
    fetched(fetch, old)
    assert streak(store, old) == (server.url("/b.xml"), 0), "no answer confirmed /b.xml yet"


def test_the_new_address_takes_over_the_old_ones_entries(server, fetch, store):
    server.route("/new.xml", Route.feed(simple_feed(2)))
    server.route("/old.xml", Route.redirect("/new.xml", status=301))
    old, new = server.url("/old.xml"), server.url("/new.xml")
    fetched(fetch, old, times=3)
    before = {(entry.key, entry.first_seen) for entry in store.entries()}
    asked = len(server.requests)
    report = fetch(new)  # the member file names the new address now
    assert (report.feeds[0].outcome, report.feeds[0].new_entries) == (Outcome.not_modified, 0)
    assert server.requests[asked].headers.get("If-None-Match"), "its first fetch is conditional"
    assert {(entry.key, entry.first_seen) for entry in store.entries()} == before
    assert {entry.feed_url for entry in store.entries()} == {new}
    assert [(feed.url, feed.moved_to, feed.moved_streak) for feed in store.feed_health()] == [
        (new, None, 0)
    ]


def test_an_old_address_still_named_keeps_its_own_entries(server, fetch, store):
    server.route("/new.xml", Route.feed(simple_feed(2, prefix="new")))
    server.route("/old.xml", Route.redirect("/new.xml", status=301))
    old, new = server.url("/old.xml"), server.url("/new.xml")
    fetched(fetch, old)
    fetch(old, new)  # the file names both
    assert {feed.url for feed in store.feed_health()} == {old, new}


def test_another_members_old_feed_is_not_taken(server, fetch, store):
    server.route("/new.xml", Route.feed(simple_feed(1)))
    server.route("/old.xml", Route.redirect("/new.xml", status=301))
    old, new = server.url("/old.xml"), server.url("/new.xml")
    fetched(fetch, old)
    fetch(FeedSource("bea", new))
    assert {(feed.url, feed.member_id) for feed in store.feed_health()} == {
        (old, "ada"),
        (new, "bea"),
    }
