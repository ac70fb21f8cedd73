"""Issue item 5: servers that never answer, trickle, or hang up mid-body. Each feed has a total
deadline, and the run's time is bounded by the slowest allowed feed, not by their sum.

Already proven in tests/planet/test_fetch.py: one slow, hanging or trickling feed meets the
deadline (test_the_deadline_covers_the_whole_fetch), a body cut short
(test_a_body_cut_short_is_reported). Here: raw sockets that accept and say nothing (HTTP and
TLS), a listener that never accepts, headers then silence, many bad servers in one run.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from pln_site.devserver import Route
from pln_site.entries import FeedSource
from tests.support.hostile_sites import recent, rfc822, rss, rss_item

TIMEOUT = 1.0


class SilentServer:
    """A TCP listener that accepts (or not) and then says nothing, until stopped."""

    def __init__(self, *, accept: bool = True, greeting: bytes = b""):
        self.accept, self.greeting = accept, greeting
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self.sock.settimeout(0.05)
        while not self.stop.is_set():
            if not self.accept:
                time.sleep(0.05)
                continue
            try:
                connection, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.greeting:
                connection.sendall(self.greeting)
            self.held.append(connection)

    def __enter__(self) -> SilentServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop.set()
        self.thread.join()
        for connection in self.held:
            connection.close()
        self.sock.close()


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    with SilentServer() as running:
        yield running


SILENT_KINDS = {
    "accepts-and-says-nothing": ({}, "http"),
    "tls-handshake-never-ends": ({}, "https"),
    "never-accepts": ({"accept": False}, "http"),
    "headers-then-silence": (
        {"greeting": b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
                     b"Content-Length: 1000\r\n\r\n<rss>"},
        "http",
    ),
    "half-a-status-line": ({"greeting": b"HTTP/1.1 2"}, "http"),
}  # fmt: skip


@pytest.mark.parametrize("case", SILENT_KINDS)
def test_a_silent_server_meets_the_deadline(fetch, case):
    options, scheme = SILENT_KINDS[case]
    with SilentServer(**options) as quiet:
        started = time.monotonic()
        (feed,) = fetch(f"{scheme}://127.0.0.1:{quiet.port}/feed.xml", PLANET_TIMEOUT=TIMEOUT).feeds
        took = time.monotonic() - started
    assert feed.outcome == "failed"
    assert "timed out after" in feed.reason, feed.reason
    assert took < TIMEOUT + 1.5


@pytest.mark.parametrize(
    "route",
    [
        Route.feed(b"<rss>" + b" " * 400, delay=30),
        Route(hang=True),
        Route.feed(b"<rss>" + b" " * 400, trickle=0.5),
        Route.feed(b"<rss>" + b" " * 400, close_after=120),
    ],
    ids=["delay", "hang", "trickle", "cut"],
)
def test_the_run_takes_as_long_as_the_slowest_allowed_feed(server, fetch, store, route):
    # Twelve bad feeds and two good ones at once: the run ends a little after one deadline,
    # not after twelve, and the good feeds are read.
    good = rss([rss_item("g1", "Fine", date=rfc822(recent()))])
    server.route("/good.xml", Route.feed(good))
    sources = [FeedSource("bad", server.url(f"/bad{n}.xml")) for n in range(12)]
    for n in range(12):
        server.route(f"/bad{n}.xml", route)
    sources += [
        FeedSource("good", server.url("/good.xml")),
        FeedSource("ok", server.url("/good.xml?2")),
    ]
    started = time.monotonic()
    report = fetch(*sources, PLANET_TIMEOUT=TIMEOUT)
    took = time.monotonic() - started
    assert took < 2 * TIMEOUT + 1.5, f"the run took {took:.1f} s"
    outcomes = {feed.url: feed for feed in report.feeds}
    assert outcomes[server.url("/good.xml")].outcome == "ok"
    bad = [feed for feed in report.feeds if feed.member_id == "bad"]
    assert all(feed.outcome == "failed" and feed.reason for feed in bad)


def test_a_member_with_a_hanging_feed_keeps_its_last_good_entries(server, fetch, store):
    server.route("/feed.xml", Route.feed(rss([rss_item("g1", "Kept", date=rfc822(recent()))])))
    assert fetch(server.url("/feed.xml")).feeds[0].new_entries == 1
    server.route("/feed.xml", Route(hang=True))
    (feed,) = fetch(server.url("/feed.xml"), PLANET_TIMEOUT=TIMEOUT).feeds
    assert feed.reason == "timed out after 1 s"
    assert [entry.title for entry in store.entries()] == ["Kept"]
