"""Many feeds at once: the concurrency spread over small connection pools, sockets checked."""

from __future__ import annotations

import asyncio
import contextlib
import socket

from pln_site.devserver import Route
from pln_site.feeds.http.clients import POOL_CONNECTIONS, ClientSet
from pln_site.feeds.http.guard import GuardedBackend
from tests.support.fetching import simple_feed


def test_many_feeds_at_once_stay_within_the_concurrency(server, fetch):
    delay, feeds, concurrency = 0.5, 60, 40
    for n in range(feeds):
        server.route(f"/f-{n}.xml", Route.feed(simple_feed(1, prefix=f"f{n}"), delay=delay))
    report = fetch(
        *(server.url(f"/f-{n}.xml") for n in range(feeds)), PLANET_CONCURRENCY=concurrency
    )
    assert report.counts["ok"] == feeds
    assert len(server.requests) == feeds
    assert server.most_connections_at_once <= concurrency
    # 60 feeds, 40 at a time: the server answers exactly 40 at once at the peak, not more (too
    # many at once) nor fewer (the pools holding requests back).
    assert server.most_requests_at_once == concurrency
    # Connections are reused: no pool opens more than it may hold (10 pools of 4 here).
    assert server.connections_opened <= concurrency


class StandInClient:
    """Counts as one pool; ClientSet only opens and closes its clients."""

    def __init__(self, opened: list, max_connections: int):
        self.max_connections = max_connections
        opened.append(self)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_info):
        return None


def borrow_at_once(concurrency: int, count: int) -> tuple[list, list]:
    """Borrow `count` clients at once from a ClientSet; the pools opened, and who got which."""
    opened: list[StandInClient] = []

    async def scenario():
        async with ClientSet(concurrency, lambda size: StandInClient(opened, size)) as clients:
            async with contextlib.AsyncExitStack() as stack:
                return [await stack.enter_async_context(clients.borrow()) for _ in range(count)]

    return opened, asyncio.run(scenario())


def test_a_few_feeds_share_one_pool():
    opened, chosen = borrow_at_once(100, POOL_CONNECTIONS - 1)
    assert len(opened) == 1
    assert chosen == [opened[0]] * (POOL_CONNECTIONS - 1)


def test_a_full_load_is_spread_over_small_pools():
    opened, chosen = borrow_at_once(100, 100)
    assert len(opened) == -(-100 // POOL_CONNECTIONS)
    assert all(client.max_connections <= POOL_CONNECTIONS for client in opened)
    # No pool is asked for more requests than it has connections.
    assert all(chosen.count(client) <= client.max_connections for client in opened)
    assert len(chosen) == 100


def test_a_connection_the_server_closed_is_seen_as_unusable():
    async def scenario():
        with socket.create_server(("127.0.0.1", 0)) as listener:
            port = listener.getsockname()[1]
            stream = await GuardedBackend(allow_private=True).connect_tcp("127.0.0.1", port)
            accepted, _ = listener.accept()
            idle_while_open = stream.get_extra_info("is_readable")
            accepted.close()
            await asyncio.sleep(0.05)
            readable_when_closed = stream.get_extra_info("is_readable")
            await stream.aclose()
            return idle_while_open, readable_when_closed

    assert asyncio.run(scenario()) == (False, True)
