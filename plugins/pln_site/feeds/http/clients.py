"""Several guarded HTTP clients used as one, so that no connection pool grows large.

httpcore's pool looks at every connection, and for each idle one counts the idle ones again,
whenever a request starts or ends: its cost grows with the square of the pool's size. In one
pool of 100 connections that bookkeeping took 9 s of CPU for 500 feeds that all answered 304;
in pools of 16 about 0.2 s, in pools of 8 less again (bench/); pools of 4 took another tenth
off the whole warm run's CPU (0.82 s to 0.72 s), pools of 2 no more. So up to 100 feeds fetched
at once are spread over pools of at most 4 connections. A request goes to the first pool with a
free connection, so a small run uses one pool and keeps reusing its connections; further pools
are opened only when needed.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import AsyncIterator, Callable

import httpx

POOL_CONNECTIONS = 4


class ClientSet:
    """`concurrency` connections in pools of at most POOL_CONNECTIONS each.

    `make_client(max_connections)` makes one pool's client. The caller keeps at most
    `concurrency` requests in flight (a semaphore), so some pool always has room.
    """

    def __init__(self, concurrency: int, make_client: Callable[[int], httpx.AsyncClient]):
        self.pools = max(1, math.ceil(concurrency / POOL_CONNECTIONS))
        self.per_pool = math.ceil(concurrency / self.pools)
        self._make_client = make_client
        self._clients: list[httpx.AsyncClient] = []
        self._busy: list[int] = []
        self._stack = contextlib.AsyncExitStack()

    async def __aenter__(self) -> ClientSet:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._stack.aclose()

    @contextlib.asynccontextmanager
    async def borrow(self) -> AsyncIterator[httpx.AsyncClient]:
        """A client with a free connection, for one feed (its redirects included)."""
        index = next((i for i, busy in enumerate(self._busy) if busy < self.per_pool), None)
        if index is None:
            index = await self._open_pool()
        self._busy[index] += 1
        try:
            yield self._clients[index]
        finally:
            self._busy[index] -= 1

    async def _open_pool(self) -> int:
        if len(self._clients) >= self.pools:  # more requests than promised: share the least busy
            return min(range(len(self._busy)), key=self._busy.__getitem__)
        client = await self._stack.enter_async_context(self._make_client(self.per_pool))
        self._clients.append(client)
        self._busy.append(0)
        return len(self._clients) - 1
