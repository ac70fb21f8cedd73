"""The shortcuts that keep an unchanged feed cheap to fetch, and what they must not change.

Each test fails if an httpx or httpcore upgrade quietly undoes one of them: cookies kept again,
or a 304 that costs the connection.
"""

from __future__ import annotations

import asyncio

import httpx

from pln_site.devserver import Route
from pln_site.feeds.http.guard import GuardedBackend, guarded_client
from pln_site.feeds.update import Outcome
from tests.support.fetching import simple_feed


def requests_for(server, path: str) -> list:
    return [request for request in server.requests if request.path == path]


def test_a_feed_cookie_is_never_sent_back(server, fetch):
    cookie = {"Set-Cookie": "session=from-a; Path=/"}
    server.route("/a.xml", Route.feed(simple_feed(1, prefix="a"), headers=cookie))
    server.route("/moved.xml", Route(status=302, headers={"Location": "/b.xml", **cookie}))
    server.route("/b.xml", Route.feed(simple_feed(1, prefix="b")))
    feeds = [server.url("/a.xml"), server.url("/moved.xml")]
    # One at a time: the same client, and the same connection, serve both feeds.
    first = fetch(*feeds, PLANET_CONCURRENCY=1)
    again = fetch(*feeds, PLANET_CONCURRENCY=1)
    assert [feed.outcome for feed in first.feeds + again.feeds] == [Outcome.ok] * 2 + [
        Outcome.not_modified
    ] * 2
    # Not to another feed of the host, not to a redirect's next hop, not to the feed itself.
    assert all("Cookie" not in request.headers for request in server.requests)
    assert len(server.requests) == 6


def test_unchanged_feeds_keep_reusing_one_connection(server, fetch):
    paths = [f"/f-{n}.xml" for n in range(3)]
    for n, path in enumerate(paths):
        server.route(path, Route.feed(simple_feed(1, prefix=f"f{n}")))
    urls = [server.url(path) for path in paths]
    assert fetch(*urls, PLANET_CONCURRENCY=1).counts["ok"] == 3
    assert server.connections_opened == 1
    warm = fetch(*urls, PLANET_CONCURRENCY=1)
    assert warm.counts["not modified"] == 3
    # The warm run opens one connection of its own: each 304 was read to its end, so the
    # connection went back to the pool for the next feed instead of being closed.
    assert server.connections_opened == 2
    for path in paths:
        conditional = requests_for(server, path)[-1]
        assert conditional.headers.get("If-None-Match")
        assert conditional.headers.get("If-Modified-Since")


def client_for_test() -> httpx.AsyncClient:
    return guarded_client(
        allow_private=True,
        resolve=None,
        connect_timeout=3,
        read_timeout=7,
        max_connections=1,
        headers={"User-Agent": "planet-test", "Accept": "application/atom+xml"},
    )


def test_the_client_keeps_no_cookies():
    client = client_for_test()
    request = client.build_request("GET", "http://feeds.example/a.xml")
    answer = httpx.Response(200, headers={"Set-Cookie": "session=1; Path=/"}, request=request)
    client.cookies.extract_cookies(answer)
    assert not client.cookies
    assert "Cookie" not in client.build_request("GET", "http://feeds.example/b.xml").headers
    asyncio.run(client.aclose())


def test_an_empty_write_sends_nothing_and_a_real_one_goes_out():
    async def scenario() -> bytes:
        received = asyncio.get_running_loop().create_future()

        async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            received.set_result(await reader.read(100))
            writer.close()

        listener = await asyncio.start_server(accept, "127.0.0.1", 0)
        port = listener.sockets[0].getsockname()[1]
        stream = await GuardedBackend(allow_private=True).connect_tcp("127.0.0.1", port)
        await stream.write(b"")
        await stream.write(b"GET / HTTP/1.1\r\n")
        data = await asyncio.wait_for(received, 5)
        await stream.aclose()
        listener.close()
        return data

    assert asyncio.run(scenario()) == b"GET / HTTP/1.1\r\n"
