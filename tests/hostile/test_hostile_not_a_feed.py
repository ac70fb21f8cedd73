"""Issue item 8: bodies that are not feeds are reported as such, the feed keeps its last good
entries, and the rest of the run carries on; wrongly declared encodings are still read right.

Already proven in tests/planet/test_update.py (test_not_a_feed_is_reported_and_keeps_the_last_entries,
one HTML page) and tests/planet/test_parse.py (parsing bytes directly). Here a catalogue of bodies
goes through the real fetch path, each next to a good feed in the same run.
"""

from __future__ import annotations

import gzip
import json

import pytest

from pln_site.devserver import Route
from pln_site.entries import FeedSource
from tests.support.hostile_sites import recent, rfc822, rss, rss_item

GOOD = rss([rss_item("g1", "Last good", date=rfc822(recent(3)))])
TEXT = "Grüße, naïve café – “quotes”"

NOT_FEEDS = {
    "html-page": (b"<!doctype html><html><head><title>Blog</title></head><body>Hi</body></html>",
                  "text/html; charset=utf-8", "an HTML page, not a feed"),
    "html-as-xml": (b"<html><body><p>Hi</p></body></html>", "application/rss+xml",
                    "an HTML page, not a feed"),
    "empty": (b"", "application/rss+xml", "the body is empty"),
    "whitespace": (b" \r\n\t \n", "application/xml", "the body is empty"),
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "image/png", "binary data"),
    "nul-bytes": (b"\x00" * 512, "application/octet-stream", "binary data"),
    "pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + bytes(range(256)), "application/pdf", ""),
    "gzip-without-header": (gzip.compress(GOOD), "application/rss+xml", ""),
    "json-object": (b'{"hello": "world"}', "application/json", "not a JSON Feed"),
    "json-array": (b"[1, 2, 3]", "application/json", "not a JSON Feed"),
    "json-wrong-items": (json.dumps({"version": "https://jsonfeed.org/version/1.1",
                                     "title": "x", "items": {"a": 1}}).encode(),
                         "application/feed+json", "items is not a list"),
    "json-truncated": (b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
                       "application/feed+json", "not valid JSON"),
    "json-deep": (b"[" * 100_000 + b"]" * 100_000, "application/json", "not valid JSON"),
    "xml-not-a-feed": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
                       "application/xml", "XML but not a feed"),
    "truncated-before-entries": (b'<?xml version="1.0"?><rss version="2.0"><chan',
                                 "application/rss+xml", ""),
    "plain-text": (b"Just some words, no markup at all.\n", "text/plain", ""),
    "deeply-nested-xml": (b"<rss>" + b"<x>" * 50_000 + b"</x>" * 50_000 + b"</rss>",
                          "application/rss+xml", "nested more than"),
}  # fmt: skip


@pytest.mark.parametrize("case", NOT_FEEDS)
def test_not_a_feed_is_reported_and_the_run_carries_on(server, fetch, store, case):
    body, content_type, words = NOT_FEEDS[case]
    server.route("/feed.xml", Route.feed(GOOD))
    server.route("/other.xml", Route.feed(rss([rss_item("o1", "Other", date=rfc822(recent()))])))
    assert fetch(server.url("/feed.xml")).feeds[0].outcome == "ok"
    server.route("/feed.xml", Route(body=body, content_type=content_type))
    report = fetch(
        FeedSource("ada", server.url("/feed.xml")), FeedSource("bea", server.url("/other.xml"))
    )
    bad, other = report.feeds
    assert bad.outcome == "failed", bad
    assert bad.reason.startswith("not a feed: "), bad.reason
    assert words in bad.reason
    assert other.outcome == "ok"
    assert {entry.title for entry in store.entries()} == {"Last good", "Other"}


def test_truncated_xml_with_whole_entries_keeps_what_it_can(server, fetch, store):
    body = rss([rss_item(f"t{n}", f"Whole {n}", date=rfc822(recent(n + 1))) for n in range(3)])
    cut = body[: body.index(b"<item>", body.index(b"Whole 2") - 200) + 40]
    server.route("/feed.xml", Route(body=cut, content_type="application/rss+xml"))
    (feed,) = fetch(server.url("/feed.xml")).feeds
    assert feed.outcome == "ok" and feed.new_entries >= 2
    assert feed.reason.startswith("not well-formed XML, recovered")


def declared(encoding_declared: str, real_encoding: str, content_type: str) -> tuple[bytes, str]:
    document = (
        f'<?xml version="1.0" encoding="{encoding_declared}"?><rss version="2.0"><channel>'
        f"<title>{TEXT}</title><item><guid>e1</guid><title>{TEXT}</title>"
        f"<pubDate>{rfc822(recent())}</pubDate></item></channel></rss>"
    )
    return document.encode(real_encoding), content_type


ENCODINGS = {
    "declares-utf16-is-utf8": declared("utf-16", "utf-8", "application/rss+xml"),
    "declares-latin1-is-utf8": declared("iso-8859-1", "utf-8", "application/rss+xml"),
    "declares-nothing-is-cp1252": declared("", "cp1252", "application/rss+xml"),
    "header-says-ascii-is-utf8": declared("utf-8", "utf-8", "text/xml; charset=us-ascii"),
    "unknown-label": declared("x-klingon", "utf-8", "application/rss+xml"),
    "utf16-with-bom": declared("utf-16", "utf-16", "application/rss+xml"),
    "utf8-bom-declares-latin1": (
        b"\xef\xbb\xbf" + declared("iso-8859-1", "utf-8", "")[0],
        "application/rss+xml",
    ),
}


@pytest.mark.parametrize("case", ENCODINGS)
def test_a_wrong_declared_encoding_is_still_read(server, fetch, store, case):
    body, content_type = ENCODINGS[case]
    server.route("/feed.xml", Route(body=body, content_type=content_type))
    (feed,) = fetch(server.url("/feed.xml")).feeds
    assert feed.outcome == "ok", feed.reason
    (entry,) = store.entries()
    # Read right, or (undeclared 8-bit text: a guess) readable, without replacement or
    # control characters: never a failure.
    assert "\ufffd" not in entry.title
    assert all(ch >= " " for ch in entry.title)
    if case != "declares-nothing-is-cp1252":
        assert entry.title == TEXT
