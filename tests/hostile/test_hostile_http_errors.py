"""Issue item 7: HTTP errors, refused connections, names that do not resolve and bad TLS
certificates are reported with a reason, and the feed's last good entries stay, in the store
and on the built reading page.

Already proven in tests/planet/test_fetch.py: 404 and 500 (test_http_errors_are_reported_and_the_last_good_entries_stay),
connection refused, a name that does not resolve, an untrusted certificate (each on a fresh
store); tests/planet/test_update.py: 410 Gone and 429/503 Retry-After. Here every kind runs after
a good fetch, and the entries are checked in the store and in the built site.
"""

from __future__ import annotations

import datetime as dt
import socket
from html.parser import HTMLParser

import pytest

import pln_site.feeds.http.guard as netguard
from pln_site.devserver import LocalFeedServer, Route
from pln_site.entries import FeedSource
from pln_site.feeds.parse.feed import parse_feed
from pln_site.feeds.update import fetch_all
from pln_site.store import FeedChanged, Retention, Store
from tests.support.hostile_sites import (
    FETCH_SETTINGS,
    build,
    member_file,
    recent,
    rfc822,
    rss,
    rss_item,
    write_site,
)
from tests.support.processes import free_port

GOOD = rss([rss_item(f"g{n}", f"Good post {n}", date=rfc822(recent(n + 1))) for n in range(3)])

HTTP_FAILURES = {
    "400": (Route(status=400), "HTTP 400 Bad Request"),
    "401": (Route(status=401), "HTTP 401 Unauthorized"),
    "403": (Route(status=403), "HTTP 403 Forbidden"),
    "404": (Route(status=404), "HTTP 404 Not Found"),
    "410": (Route(status=410), "HTTP 410 Gone"),
    "429-retry-after": (
        Route(status=429, headers={"Retry-After": "120"}),
        "HTTP 429 Too Many Requests; next try after",
    ),
    "429-bad-retry-after": (
        Route(status=429, headers={"Retry-After": "soon, maybe"}),
        "HTTP 429 Too Many Requests",
    ),
    "451": (Route(status=451), "HTTP 451 Unavailable For Legal Reasons"),
    "500": (Route(status=500), "HTTP 500 Internal Server Error"),
    "502": (Route(status=502), "HTTP 502 Bad Gateway"),
    "503-retry-after-date": (
        Route(status=503, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}),
        "HTTP 503 Service Unavailable; next try after",
    ),
    "599-unknown": (Route(status=599), "HTTP 599"),
    "204-no-content": (Route(status=204, content_type=None), "HTTP 204 No Content"),
    "200-empty": (Route(status=200, body=b""), "not a feed: the body is empty"),
}


def refused_url(_server) -> str:
    return f"http://127.0.0.1:{free_port()}/feed.xml"


@pytest.mark.parametrize("case", HTTP_FAILURES)
def test_a_failure_after_a_good_fetch_keeps_the_entries(server, fetch, store, case):
    route, reason = HTTP_FAILURES[case]
    server.route("/feed.xml", Route.feed(GOOD))
    assert fetch(server.url("/feed.xml")).feeds[0].new_entries == 3
    server.route("/feed.xml", route)
    (feed,) = fetch(server.url("/feed.xml")).feeds
    assert feed.outcome in ("failed", "gone")
    assert reason in feed.reason, feed.reason
    assert sorted(entry.title for entry in store.entries()) == [f"Good post {n}" for n in range(3)]
    (health,) = store.feed_health()
    assert health.entry_count == 3 and health.last_error


def seed(store: Store, source: FeedSource, body: bytes) -> None:
    """Store `body`'s entries as the feed's last good fetch, as an earlier run would have."""
    parsed = parse_feed(body, url=source.url)
    seeded = FeedChanged(
        source=source, at=dt.datetime.now(dt.UTC), status=200, etag=None, last_modified=None,
        body_hash="seeded", title=parsed.title, html_url=parsed.html_url,
        entries=tuple(parsed.entries),
    )  # fmt: skip
    store.save(seeded, Retention(max_entries=50, max_age_days=365))


def test_network_failures_after_a_good_fetch_keep_the_entries(
    tmp_path, server, monkeypatch, self_signed
):
    sources = [
        FeedSource("refused", "http://refused.example/feed.xml"),
        FeedSource("nodns", "http://nodns.example/feed.xml"),
        FeedSource("badtls", "https://badtls.example/feed.xml"),
    ]
    store_file = tmp_path / "cache" / "planet.sqlite3"

    async def no_such_name(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(netguard.anyio, "getaddrinfo", no_such_name)
    with LocalFeedServer(tls=self_signed) as tls_server, Store(store_file) as store:
        for source in sources:
            seed(store, source, GOOD)
        resolve = {
            "refused.example": refused_url(server).split("/")[2],
            "badtls.example": tls_server.address,
        }
        report = fetch_all(sources, store, {**FETCH_SETTINGS, "PLANET_RESOLVE": resolve})
        reasons = {f.member_id: f.reason for f in report.feeds}
        counts = {h.member_id: h.entry_count for h in store.feed_health()}
    assert reasons["refused"] == "connection refused"
    assert reasons["nodns"] == "name does not resolve: nodns.example"
    assert reasons["badtls"].startswith("TLS certificate not trusted")
    assert counts == {"refused": 3, "nodns": 3, "badtls": 3}

    # The built reading page still shows every member's last good entries.
    content = write_site(
        tmp_path / "content",
        {s.member_id: member_file(s.member_id.title(), [(s.url, None)]) for s in sources},
    )
    build(content, tmp_path / "output", store_file)
    titles = river_titles((tmp_path / "output" / "reading" / "index.html").read_text("utf-8"))
    assert sorted(titles) == sorted([f"Good post {n}" for n in range(3)] * 3)


class _Titles(HTMLParser):
    def __init__(self):
        super().__init__()
        self.titles: list[str] = []
        self._in = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if "river-entry__title" in classes:
            self._in = 1
            self.titles.append("")
        elif self._in:
            self._in += 1

    def handle_endtag(self, tag):
        if self._in:
            self._in -= 1

    def handle_data(self, data):
        if self._in:
            self.titles[-1] += data


def river_titles(page: str) -> list[str]:
    parser = _Titles()
    parser.feed(page)
    return [title.strip() for title in parser.titles]
