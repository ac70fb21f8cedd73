"""The fetch cycle across runs: conditional requests, moved, gone, Retry-After, failures."""

from __future__ import annotations

import email.utils
import time

from pln_site.devserver import Route
from pln_site.entries import FeedSource
from pln_site.feeds.update import Outcome
from tests.support.fetching import atom_entry, atom_feed, days_ago, simple_feed


def only(report):
    (feed,) = report.feeds
    return feed


def test_a_304_answer_costs_no_parsing(server, fetch, parse_calls):
    server.route("/feed.xml", Route.feed(simple_feed(2)))
    assert only(fetch(server.url("/feed.xml"))).new_entries == 2
    feed = only(fetch(server.url("/feed.xml")))
    assert (feed.outcome, feed.status, feed.parsed) == (Outcome.not_modified, 304, False)
    assert len(parse_calls) == 1
    second = server.requests[-1].headers
    first_answer_etag = second["If-None-Match"]
    assert first_answer_etag.startswith('"') and "If-Modified-Since" in second


def test_an_unchanged_body_costs_no_parsing(server, fetch, parse_calls):
    # No ETag, no Last-Modified: the body's hash tells that nothing changed.
    server.route("/feed.xml", Route(body=simple_feed(2)))
    fetch(server.url("/feed.xml"))
    feed = only(fetch(server.url("/feed.xml")))
    assert (feed.outcome, feed.reason) == (Outcome.not_modified, "unchanged (same content)")
    assert "If-None-Match" not in server.requests[-1].headers
    assert len(parse_calls) == 1


def test_a_second_fetch_of_unchanged_feeds_parses_nothing(server, fetch, parse_calls):
    urls = []
    for n in range(5):
        conditional = n % 2 == 0  # some answer 304, the others send the same body again
        body = simple_feed(2, prefix=f"f{n}")
        server.route(f"/{n}.xml", Route(body=body, conditional=conditional))
        urls.append(server.url(f"/{n}.xml"))
    assert fetch(*urls).parsed == 5
    parse_calls.clear()
    report = fetch(*urls)
    assert report.parsed == 0 and parse_calls == []
    assert report.counts["not modified"] == 5


def test_a_changed_feed_is_parsed_and_only_new_entries_count(server, fetch):
    server.route("/feed.xml", Route.feed(simple_feed(2)))
    fetch(server.url("/feed.xml"))
    server.route("/feed.xml", Route.feed(simple_feed(3)))
    feed = only(fetch(server.url("/feed.xml")))
    assert (feed.outcome, feed.new_entries, feed.parsed) == (Outcome.ok, 1, True)


def test_a_permanent_redirect_is_followed_remembered_and_reported(server, fetch, store):
    server.route("/new.xml", Route.feed(simple_feed(2)))
    server.route("/old.xml", Route.redirect(server.url("/new.xml"), status=301))
    feed = only(fetch(server.url("/old.xml")))
    expected = f"moved to {server.url('/new.xml')}: update the member file"
    assert (feed.outcome, feed.reason, feed.new_entries) == (Outcome.moved, expected, 2)
    (health,) = store.feed_health()
    assert (health.url, health.moved_to) == (server.url("/old.xml"), server.url("/new.xml"))
    assert only(fetch(server.url("/old.xml"))).outcome is Outcome.moved  # until the file changes


def test_308_counts_as_moved_and_a_temporary_redirect_does_not(server, fetch, store):
    server.route("/new.xml", Route.feed(simple_feed(1)))
    server.route("/perm.xml", Route.redirect("/new.xml", status=308))
    server.route("/temp.xml", Route.redirect("/new.xml", status=302))
    report = fetch(server.url("/perm.xml"), server.url("/temp.xml"))
    assert [feed.outcome for feed in report.feeds] == [Outcome.moved, Outcome.ok]
    moved = {health.url: health.moved_to for health in store.feed_health()}
    assert moved == {server.url("/perm.xml"): server.url("/new.xml"), server.url("/temp.xml"): None}


def test_a_gone_feed_is_not_fetched_again_until_its_url_changes(server, fetch, store):
    server.route("/feed.xml", Route.feed(simple_feed(2)))
    fetch(server.url("/feed.xml"))
    server.route("/feed.xml", Route(status=410))
    feed = only(fetch(server.url("/feed.xml")))
    assert feed.outcome is Outcome.gone and "410" in feed.reason
    requests_so_far = server.hits("/feed.xml")
    again = only(fetch(server.url("/feed.xml")))
    assert again.outcome is Outcome.gone
    assert server.hits("/feed.xml") == requests_so_far  # not asked again
    (health,) = store.feed_health()
    assert health.gone and health.entry_count == 2  # the entries stay
    server.route("/moved-on.xml", Route.feed(simple_feed(1, prefix="n")))
    assert only(fetch(server.url("/moved-on.xml"))).outcome is Outcome.ok


def test_retry_after_in_seconds_is_honoured_on_the_next_run(server, fetch, store):
    server.route("/feed.xml", Route(status=429, headers={"Retry-After": "1"}))
    feed = only(fetch(server.url("/feed.xml")))
    assert feed.outcome is Outcome.failed
    assert feed.reason.startswith("HTTP 429 Too Many Requests; next try after ")
    waiting = only(fetch(server.url("/feed.xml")))
    assert waiting.outcome is Outcome.waiting and waiting.reason.startswith("waiting until ")
    assert server.hits("/feed.xml") == 1
    time.sleep(1.1)
    server.route("/feed.xml", Route.feed(simple_feed(1)))
    assert only(fetch(server.url("/feed.xml"))).outcome is Outcome.ok
    (health,) = store.feed_health()
    assert health.retry_after is None and health.consecutive_failures == 0


def test_retry_after_as_an_http_date(server, fetch, store):
    later = email.utils.formatdate(time.time() + 3600, usegmt=True)
    server.route("/feed.xml", Route(status=503, headers={"Retry-After": later}))
    assert "HTTP 503 Service Unavailable" in only(fetch(server.url("/feed.xml"))).reason
    (health,) = store.feed_health()
    assert abs(health.retry_after.timestamp() - (time.time() + 3600)) < 5
    assert only(fetch(server.url("/feed.xml"))).outcome is Outcome.waiting


def test_not_a_feed_is_reported_and_keeps_the_last_entries(server, fetch, store):
    server.route("/feed.xml", Route.feed(simple_feed(2)))
    fetch(server.url("/feed.xml"))
    server.route("/feed.xml", Route(body=b"\x00\x01binary junk", content_type="image/png"))
    feed = only(fetch(server.url("/feed.xml")))
    assert feed.outcome is Outcome.failed and feed.reason.startswith("not a feed: ")
    assert len(store.entries()) == 2


def test_failures_count_up_and_a_success_resets_them(server, fetch, store):
    server.route("/feed.xml", Route(status=500))
    fetch(server.url("/feed.xml"))
    fetch(server.url("/feed.xml"))
    assert store.feed_health()[0].consecutive_failures == 2
    server.route("/feed.xml", Route.feed(simple_feed(1)))
    fetch(server.url("/feed.xml"))
    (health,) = store.feed_health()
    assert (health.consecutive_failures, health.last_error, health.status) == (0, None, 200)
    assert health.last_success is not None


def test_a_crash_while_parsing_one_feed_does_not_stop_the_others(server, fetch, monkeypatch):
    import pln_site.feeds.update

    real = pln_site.feeds.update.parse_feed

    def fragile(body, *, url, content_type=None, languages=()):
        if url.endswith("/bad.xml"):
            raise RuntimeError("boom")
        return real(body, url=url, content_type=content_type, languages=languages)

    monkeypatch.setattr(pln_site.feeds.update, "parse_feed", fragile)
    server.route("/bad.xml", Route.feed(simple_feed(1, prefix="b")))
    server.route("/good.xml", Route.feed(simple_feed(1, prefix="g")))
    report = fetch(server.url("/bad.xml"), server.url("/good.xml"))
    assert [feed.outcome for feed in report.feeds] == [Outcome.failed, Outcome.ok]
    assert report.feeds[0].reason == "unexpected error: RuntimeError: boom"


def test_progress_hears_of_every_feed(server, store):
    from pln_site.feeds.update import fetch_all

    server.route("/a.xml", Route.feed(simple_feed(1, prefix="a")))
    seen = []
    sources = [FeedSource("ada", server.url("/a.xml")), FeedSource("bea", "ftp://x.example/")]
    fetch_all(sources, store, {"PLANET_ALLOW_PRIVATE_ADDRESSES": True}, progress=seen.append)
    assert sorted(outcome.member_id for outcome in seen) == ["ada", "bea"]


def test_feed_title_and_site_are_remembered(server, fetch, store):
    body = atom_feed(
        atom_entry("urn:1", "One", days_ago(1)), title="Ada's notes", site="https://ada.example/"
    )
    server.route("/feed.xml", Route.feed(body))
    fetch(server.url("/feed.xml"))
    (health,) = store.feed_health()
    assert (health.title, health.html_url) == ("Ada's notes", "https://ada.example/")
