"""Fetching over HTTP: concurrency, limits, errors in words, and where the fetcher may connect."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import ipaddress
import socket
import time

import pytest

from pln_site.devserver import LocalFeedServer, Route
from pln_site.entries import FeedSource
from pln_site.feeds.http import guard as netguard
from pln_site.feeds.http.guard import AddressRefused, GuardedBackend, refusal_kind
from pln_site.feeds.update import Outcome
from pln_site.store import FeedUnchanged, Retention
from tests.support.fetching import simple_feed
from tests.support.processes import free_port


def only(report):
    (feed,) = report.feeds
    return feed


def test_feeds_are_fetched_concurrently(server, fetch):
    # Each answer waits, so requests sent together are seen together by the server.
    urls = []
    for n in range(8):
        server.route(f"/slow-{n}.xml", Route.feed(simple_feed(1, prefix=f"s{n}"), delay=0.5))
        urls.append(server.url(f"/slow-{n}.xml"))
    report = fetch(*urls)
    assert [feed.outcome for feed in report.feeds] == [Outcome.ok] * 8
    assert server.most_requests_at_once == 8, "the 8 feeds were not all asked for at once"


def test_concurrency_is_bounded(server, fetch):
    for n in range(4):
        server.route(f"/slow-{n}.xml", Route.feed(simple_feed(1, prefix=f"s{n}"), delay=0.3))
    report = fetch(*(server.url(f"/slow-{n}.xml") for n in range(4)), PLANET_CONCURRENCY=2)
    assert report.counts["ok"] == 4
    assert len(server.requests) == 4
    # Two at a time: never more, and the two slots are used together (two rounds of two).
    assert server.most_requests_at_once == 2


def test_requests_name_the_project_and_ask_for_feeds(server, fetch):
    server.route("/feed.xml", Route.feed(simple_feed()))
    fetch(server.url("/feed.xml"))
    (request,) = server.requests
    assert request.headers["User-Agent"] == "pln-site/0.1 (+https://robin.example)"
    assert "application/atom+xml" in request.headers["Accept"]
    assert "gzip" in request.headers["Accept-Encoding"]


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error")]
)
def test_http_errors_are_reported_and_the_last_good_entries_stay(
    server, fetch, store, status, reason
):
    server.route("/feed.xml", Route.feed(simple_feed(3)))
    assert only(fetch(server.url("/feed.xml"))).new_entries == 3
    server.route("/feed.xml", Route(status=status, body=b"oops", content_type="text/plain"))
    feed = only(fetch(server.url("/feed.xml")))
    assert (feed.outcome, feed.reason) == (Outcome.failed, reason)
    assert len(store.entries()) == 3
    (health,) = store.feed_health()
    assert (health.consecutive_failures, health.last_error, health.entry_count) == (1, reason, 3)


def test_connection_refused(fetch):
    feed = only(fetch(f"http://127.0.0.1:{free_port()}/feed.xml"))
    assert (feed.outcome, feed.reason) == (Outcome.failed, "connection refused")


@pytest.mark.parametrize(
    "route",
    [
        Route.feed(simple_feed(), delay=5),  # answers too late
        Route(hang=True),  # never answers
        Route.feed(simple_feed(), trickle=0.2),  # answers a byte at a time, forever
    ],
    ids=["slow", "hang", "trickle"],
)
def test_the_deadline_covers_the_whole_fetch(server, fetch, route):
    server.route("/slow.xml", route)
    started = time.monotonic()
    feed = only(fetch(server.url("/slow.xml"), PLANET_TIMEOUT=1))
    assert (feed.outcome, feed.reason) == (Outcome.failed, "timed out after 1 s")
    assert time.monotonic() - started < 3


def test_a_body_cut_short_is_reported(server, fetch):
    server.route("/cut.xml", Route.feed(simple_feed(5), close_after=200))
    feed = only(fetch(server.url("/cut.xml")))
    assert feed.outcome is Outcome.failed
    assert feed.reason == "the server closed the connection before the whole feed arrived"


def test_a_body_over_the_cap_is_cut(server, fetch, store):
    server.route("/big.xml", Route(body=b"<rss>" + b" " * (5 * 1024 * 1024)))
    feed = only(fetch(server.url("/big.xml")))
    assert (feed.outcome, feed.reason) == (Outcome.failed, "body larger than 5 MiB, cut")
    assert store.entries() == []


def test_a_gzip_bomb_is_cut_at_the_decompressed_size(server, fetch):
    bomb = gzip.compress(b"<rss>" + b" " * (64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100 * 1024  # small on the wire
    server.route("/bomb.xml", Route(body=bomb, headers={"Content-Encoding": "gzip"}))
    feed = only(fetch(server.url("/bomb.xml")))
    assert (feed.outcome, feed.reason) == (Outcome.failed, "body larger than 5 MiB, cut")


def test_a_gzipped_feed_is_read(server, fetch, store):
    server.route("/feed.xml", Route.feed(simple_feed(2), gzip=True))
    feed = only(fetch(server.url("/feed.xml")))
    assert (feed.outcome, feed.new_entries) == (Outcome.ok, 2)
    assert server.requests[0].path == "/feed.xml"


def test_redirects_are_followed_up_to_the_limit(server, fetch):
    server.route("/feed.xml", Route.feed(simple_feed(1)))
    for n in range(6):
        target = "/feed.xml" if n == 0 else f"/hop-{n - 1}"
        server.route(f"/hop-{n}", Route.redirect(server.url(target), status=302))
    assert only(fetch(server.url("/hop-4"))).outcome is Outcome.ok  # 5 redirects
    feed = only(fetch(server.url("/hop-5")))  # 6 redirects
    assert (feed.outcome, feed.reason) == (Outcome.failed, "more than 5 redirects")


def test_a_redirect_loop_is_refused(server, fetch):
    server.route("/a", Route.redirect("/b", status=302))
    server.route("/b", Route.redirect("/a", status=307))
    feed = only(fetch(server.url("/a")))
    assert feed.outcome is Outcome.failed
    assert feed.reason.startswith("redirect loop")
    assert server.hits("/a") == 1 and server.hits("/b") == 1


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("file:///etc/passwd", "file"),
        ("ftp://ftp.example/feed.xml", "ftp"),
        ("data:,hello", "data"),
    ],
)
def test_only_http_and_https_are_fetched(fetch, url, scheme):
    feed = only(fetch(url))
    assert feed.outcome is Outcome.failed
    assert feed.reason == f"only http and https URLs are fetched, not {scheme}:"


def test_a_redirect_to_a_local_file_is_refused(server, fetch):
    server.route("/feed.xml", Route.redirect("file:///etc/passwd", status=302))
    feed = only(fetch(server.url("/feed.xml")))
    assert feed.reason == "only http and https URLs are fetched, not file:"


def test_private_addresses_are_refused_by_default(server, fetch):
    server.route("/feed.xml", Route.feed(simple_feed()))
    direct = only(fetch(server.url("/feed.xml"), PLANET_ALLOW_PRIVATE_ADDRESSES=False))
    assert direct.outcome is Outcome.failed
    assert direct.reason == (
        "127.0.0.1 resolves to loopback address 127.0.0.1: refused "
        "(PLANET_ALLOW_PRIVATE_ADDRESSES is off)"
    )
    by_name = only(
        fetch(f"http://localhost:{server.port}/feed.xml", PLANET_ALLOW_PRIVATE_ADDRESSES=False)
    )
    assert by_name.outcome is Outcome.failed and "loopback address" in by_name.reason
    assert server.requests == []  # refused before connecting


def test_a_redirect_to_a_private_address_is_refused(server, fetch, monkeypatch):
    # Let the test server's loopback address pass as public, so that only the hop matters.
    real_kind = netguard.refusal_kind
    monkeypatch.setattr(netguard, "refusal_kind", lambda a: None if a.is_loopback else real_kind(a))
    server.route("/feed.xml", Route.redirect("http://10.0.0.1/feed.xml", status=302))
    feed = only(fetch(server.url("/feed.xml"), PLANET_ALLOW_PRIVATE_ADDRESSES=False))
    assert server.hits("/feed.xml") == 1  # the first hop went through
    assert feed.reason == (
        "10.0.0.1 resolves to private address 10.0.0.1: refused "
        "(PLANET_ALLOW_PRIVATE_ADDRESSES is off)"
    )


def test_resolve_maps_a_host_to_the_local_server(tmp_path, fetch):
    (tmp_path / "ada.example").mkdir()
    (tmp_path / "ada.example" / "feed.xml").write_bytes(simple_feed(2))
    with LocalFeedServer(tmp_path, by_host=True) as hosts:
        feed = only(
            fetch(
                "http://ada.example/feed.xml",
                PLANET_RESOLVE={"ada.example": hosts.address},
            )
        )
        assert (feed.outcome, feed.new_entries) == (Outcome.ok, 2)
        assert hosts.requests[0].host == "ada.example"


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("93.184.215.14", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_kinds(address, kind):
    assert refusal_kind(ipaddress.ip_address(address)) == kind


def test_every_address_of_a_name_is_checked():
    class TwoFaced(GuardedBackend):
        async def _lookup(self, host, port):  # a public address first, then a private one
            return [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.0.0.7")]

    with pytest.raises(AddressRefused, match="private address 10.0.0.7"):
        asyncio.run(TwoFaced().connect_tcp("rebind.example", 80))


def test_a_name_that_does_not_resolve(fetch, monkeypatch):
    async def no_such_name(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(netguard.anyio, "getaddrinfo", no_such_name)
    feed = only(fetch("http://nowhere.example/feed.xml"))
    assert (feed.outcome, feed.reason) == (Outcome.failed, "name does not resolve: nowhere.example")


def test_an_untrusted_certificate_is_reported(fetch, self_signed):
    with LocalFeedServer(tls=self_signed) as tls_server:
        tls_server.route("/feed.xml", Route.feed(simple_feed()))
        feed = only(fetch(tls_server.url("/feed.xml")))
    assert feed.outcome is Outcome.failed
    assert feed.reason.startswith("TLS certificate not trusted")


def test_one_bad_feed_never_stops_the_run(server, fetch):
    server.route("/good.xml", Route.feed(simple_feed(2)))
    server.route("/bad.xml", Route(status=500))
    server.route("/hang.xml", Route(hang=True))
    report = fetch(
        FeedSource("ada", server.url("/bad.xml")),
        FeedSource("ada", "ftp://nope.example/"),
        FeedSource("ada", server.url("/hang.xml")),
        FeedSource("bea", server.url("/good.xml")),
        PLANET_TIMEOUT=3,  # the hanging feed's end; the good one's time on a busy machine
    )
    outcomes = [(feed.url, feed.outcome, feed.reason) for feed in report.feeds]
    assert [feed.outcome for feed in report.feeds] == [Outcome.failed] * 3 + [Outcome.ok], outcomes
    assert all(feed.reason for feed in report.feeds[:3])


# -- validators the server sends that cannot be sent back ---------------------------------------


def test_a_non_ascii_etag_never_fails_the_next_fetch(server, fetch, store):
    # obs-text in an ETag is legal HTTP, but httpx sends request headers as ASCII: a stored
    # '"café"' made every later fetch of the feed an "unexpected error".
    headers = {"ETag": '"caf\xe9"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT \xe9"}
    server.route("/feed.xml", Route(body=simple_feed(2), headers=headers))
    first = only(fetch(server.url("/feed.xml")))
    second = only(fetch(server.url("/feed.xml")))
    assert (first.outcome, first.new_entries) == (Outcome.ok, 2)
    assert (second.outcome, second.reason) == (Outcome.not_modified, "unchanged (same content)")
    state = store.feed_state(server.url("/feed.xml"))
    assert (state.etag, state.last_modified) == (None, None)  # dropped, not kept to fail later
    assert [r.headers.get("If-None-Match") for r in server.requests] == [None, None]


def test_a_stored_etag_that_cannot_be_sent_is_left_out(server, fetch, store):
    # A store written before validators were checked holds one: the feed still works.
    url = server.url("/feed.xml")
    server.route("/feed.xml", Route.feed(simple_feed(2)))
    assert only(fetch(url)).outcome is Outcome.ok
    earlier = FeedUnchanged(
        source=FeedSource("ada", url), at=dt.datetime.now(dt.UTC), status=304,
        etag='"caf\xe9"', last_modified="\u20ac",
    )  # fmt: skip
    store.save(earlier, Retention(max_entries=50, max_age_days=0))
    feed = only(fetch(url))
    assert feed.outcome is Outcome.not_modified, feed.reason
    assert "If-None-Match" not in server.requests[-1].headers
