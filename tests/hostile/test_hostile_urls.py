"""Issue item 3: feed URLs and redirects to file:, ftp:, data:, a bare path, or (with blocking on)
a private, loopback or link-local address are refused, with the reason in the report.

Already proven in tests/planet/test_fetch.py: file:/ftp:/data: feed URLs
(test_only_http_and_https_are_fetched), a redirect to file: (test_a_redirect_to_a_local_file_is_refused),
127.0.0.1 and localhost refused by default (test_private_addresses_are_refused_by_default), a
redirect to 10.0.0.1 (test_a_redirect_to_a_private_address_is_refused), the address kinds and
DNS rebinding (test_address_kinds, test_every_address_of_a_name_is_checked). Member files with
non-http URLs are refused by tests/network/test_validation.py (test_urls_must_be_absolute_http).
Here: more spellings of each, all through the real fetch path and the printed report.
"""

from __future__ import annotations

import io

import pytest
from rich.console import Console

import pln_site.feeds.http.guard as netguard
from pln_site.commands.report import print_fetch_report
from pln_site.devserver import Route

REFUSED_URLS = {
    "file": ("file:///etc/passwd", "not file:"),
    "file-host": ("file://localhost/etc/passwd", "not file:"),
    "ftp": ("ftp://ftp.example/feed.xml", "not ftp:"),
    "data": ("data:application/rss+xml,<rss/>", "not data:"),
    "javascript": ("javascript:alert(1)", "not javascript:"),
    "bare-path": ("/etc/passwd", "not none:"),
    "relative": ("feed.xml", "not none:"),
    "no-host": ("http:///feed.xml", "not http:"),
    "gopher": ("gopher://x.example/", "not gopher:"),
}


@pytest.mark.parametrize("url", ["http://[::1/feed.xml", "http://x.example:99999/", "http://a b/"])
def test_a_feed_url_that_is_not_a_url_is_reported(fetch, url):
    (feed,) = fetch(url).feeds
    assert feed.outcome == "failed"
    assert feed.reason.startswith(("not a URL", "name does not resolve")), feed.reason


@pytest.mark.parametrize("case", REFUSED_URLS, ids=list(REFUSED_URLS))
def test_a_feed_url_that_is_not_http_is_refused(fetch, case):
    url, reason = REFUSED_URLS[case]
    (feed,) = fetch(url).feeds
    assert feed.outcome == "failed"
    assert feed.reason.startswith("only http and https URLs are fetched")
    assert feed.reason.endswith(reason)


# With blocking on (the default), addresses that are not public are refused before connecting.
PRIVATE_TARGETS = {
    "loopback": "http://127.0.0.1:{port}/feed.xml",
    "loopback-other": "http://127.8.9.10:{port}/feed.xml",
    "ipv6-loopback": "http://[::1]:{port}/feed.xml",
    "ipv4-mapped": "http://[::ffff:127.0.0.1]:{port}/feed.xml",
    "decimal-ip": "http://2130706433:{port}/feed.xml",
    "short-ip": "http://127.1:{port}/feed.xml",
    "unspecified": "http://0.0.0.0:{port}/feed.xml",
    "private-10": "http://10.0.0.1/feed.xml",
    "private-192": "http://192.168.1.1/feed.xml",
    "private-172": "http://172.16.0.1/feed.xml",
    "metadata": "http://169.254.169.254/latest/meta-data/",
    "link-local-v6": "http://[fe80::1]/feed.xml",
    "unique-local-v6": "http://[fd00::1]/feed.xml",
    "cgnat": "http://100.64.0.1/feed.xml",
}


@pytest.mark.parametrize("case", PRIVATE_TARGETS, ids=list(PRIVATE_TARGETS))
def test_a_private_address_is_refused_with_blocking_on(server, fetch, case):
    server.route("/feed.xml", Route.feed(b"<rss/>"))
    url = PRIVATE_TARGETS[case].format(port=server.port)
    (feed,) = fetch(url, PLANET_ALLOW_PRIVATE_ADDRESSES=False).feeds
    assert feed.outcome == "failed"
    assert "refused (PLANET_ALLOW_PRIVATE_ADDRESSES is off)" in feed.reason, feed.reason
    assert server.requests == []


def test_resolve_to_a_private_address_is_refused_with_blocking_on(server, fetch):
    server.route("/feed.xml", Route.feed(b"<rss/>"))
    (feed,) = fetch(
        "http://ada.example/feed.xml",
        PLANET_ALLOW_PRIVATE_ADDRESSES=False,
        PLANET_RESOLVE={"ada.example": server.address},
    ).feeds
    assert feed.reason == (
        "ada.example resolves to loopback address 127.0.0.1: refused "
        "(PLANET_ALLOW_PRIVATE_ADDRESSES is off)"
    )
    assert server.requests == []


REDIRECT_TARGETS = {
    "file": ("file:///etc/passwd", "only http and https URLs are fetched, not file:"),
    "ftp": ("ftp://ftp.example/feed.xml", "only http and https URLs are fetched, not ftp:"),
    "data": ("data:text/xml,<rss/>", "only http and https URLs are fetched, not data:"),
    "javascript": ("javascript:alert(1)", "only http and https URLs are fetched, not javascript:"),
    "private": ("http://192.168.0.10/feed.xml", "private address 192.168.0.10: refused"),
    "metadata": ("http://169.254.169.254/latest/", "link-local address 169.254.169.254: refused"),
    "ipv6-loopback": ("http://[::1]/feed.xml", "loopback address ::1: refused"),
    "decimal-ip": ("http://2130706433/feed.xml", "loopback address 127.0.0.1: refused"),
}


@pytest.mark.parametrize("case", REDIRECT_TARGETS, ids=list(REDIRECT_TARGETS))
def test_a_redirect_to_a_refused_target_is_refused_and_reported(server, fetch, monkeypatch, case):
    # The first connection (to the test server on 127.0.0.1) passes as public; every later
    # address is judged for real, so that only the redirect's target is on trial.
    real_kind = netguard.refusal_kind
    judged: list[str] = []

    def first_passes(address):
        judged.append(str(address))
        return None if len(judged) == 1 else real_kind(address)

    monkeypatch.setattr(netguard, "refusal_kind", first_passes)
    target, reason = REDIRECT_TARGETS[case]
    server.route("/feed.xml", Route.redirect(target, status=302))
    report = fetch(server.url("/feed.xml"), PLANET_ALLOW_PRIVATE_ADDRESSES=False)
    (feed,) = report.feeds
    assert server.hits("/feed.xml") == 1
    assert feed.outcome == "failed"
    assert reason in feed.reason, feed.reason
    printed = io.StringIO()
    print_fetch_report(report, Console(file=printed, width=400, color_system=None))
    assert reason in printed.getvalue(), "the reason is in the report people read"
