"""Webmention endpoint discovery, over real HTTP from 127.0.0.1: the Link header first, then the
first <link> or <a> in document order; relative endpoints resolved against the final URL."""

from __future__ import annotations

import asyncio

from pln_site.devserver import LocalFeedServer, Route
from pln_site.discover.webmention import (
    discover_endpoint,
    html_endpoint,
    link_header_endpoint,
)
from pln_site.feeds.http.fetch import Limits
from pln_site.feeds.http.guard import guarded_client

LIMITS = Limits(connect_timeout=2, timeout=5, max_redirects=3, max_bytes=1024 * 1024)


def discover(url: str, *, allow_private: bool = True):
    async def run():
        client = guarded_client(
            allow_private=allow_private,
            resolve={},
            connect_timeout=2,
            read_timeout=5,
            max_connections=2,
            headers={},
        )
        async with client:
            return await discover_endpoint(client, url, LIMITS)

    return asyncio.run(run())


def page(html: str, **headers: str) -> Route:
    return Route(body=html.encode(), content_type="text/html; charset=utf-8", headers=headers)


def test_each_way_of_naming_an_endpoint_is_found():
    routes = {
        "/header": page("<link rel=webmention href=/no>", Link='</hook?a=1>; rel="webmention"'),
        "/link": page('<a href="/x">x</a><link rel="webmention" href="wm/link">'),
        "/a": page('<p><a rel="nofollow webmention" href="https://wm.example/a">wm</a></p>'),
        "/first": page('<a rel="webmention" href="/first"></a><link rel="webmention" href="/2">'),
        "/empty": page('<link rel="webmention" href="">'),
        "/none": page('<a rel="me" href="/me">me</a><!-- <link rel="webmention" href="/c"> -->'),
        "/moved": Route.redirect("/notes/link", 302),
        "/notes/link": page('<link rel="webmention" href="../wm">'),
        "/missing": Route(status=404, body=b"no"),
    }
    with LocalFeedServer(routes=routes) as server:
        found = {path: discover(server.url(path)) for path in routes if path != "/notes/link"}
        base = server.base_url.rstrip("/")
    assert found["/header"].endpoint == f"{base}/hook?a=1"
    assert found["/link"].endpoint == f"{base}/wm/link"
    assert found["/a"].endpoint == "https://wm.example/a"
    assert found["/first"].endpoint == f"{base}/first"
    assert found["/empty"].endpoint == f"{base}/empty"  # the page itself
    assert found["/none"].endpoint is None and found["/none"].error is None
    assert found["/moved"].endpoint == f"{base}/wm"  # against /notes/link, not /moved
    assert found["/missing"].endpoint is None
    assert found["/missing"].error == "the page answered HTTP 404 Not Found"


def test_a_private_address_is_refused_like_any_fetch():
    with LocalFeedServer(routes={"/": page('<link rel="webmention" href="/wm">')}) as server:
        found = discover(server.url("/"), allow_private=False)
    assert found.endpoint is None
    assert "refused (PLANET_ALLOW_PRIVATE_ADDRESSES is off)" in (found.error or "")


def test_link_headers_are_read_as_rfc_8288_says():
    assert link_header_endpoint(['<https://a.example/wm>; rel="webmention other"']) == (
        "https://a.example/wm"
    )
    assert link_header_endpoint(
        ["<https://a.example/x>; rel=alternate", "<b>; rel=webmention"]
    ) == ("b")
    assert link_header_endpoint(['<https://a.example/x>; rel="webmentions"']) is None
    assert html_endpoint('<LINK REL="WebMention" HREF="/w">') == "/w"
    assert html_endpoint('<a rel="webmention">no href</a><a rel="webmention" href="/y">') == "/y"
