"""Fetching pages, feeds and photos for the commands, with the reading feed's own safe fetcher.

The planet's guarded client and `fetch_feed` do the work: the same address checks (no private
addresses unless PLANET_ALLOW_PRIVATE_ADDRESSES), PLANET_RESOLVE, timeouts, redirect limit and
size cap. This module only makes them callable from a plain, synchronous command.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from pln_site.feeds.http.fetch import ACCEPT as FEED_ACCEPT
from pln_site.feeds.http.fetch import Conditions, FetchResult, Limits, fetch_feed
from pln_site.feeds.http.guard import guarded_client
from pln_site.settings import user_agent, with_defaults

HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
IMAGE_ACCEPT = "image/avif, image/webp, image/png, image/jpeg, image/*;q=0.8"

__all__ = [
    "FEED_ACCEPT",
    "HTML_ACCEPT",
    "IMAGE_ACCEPT",
    "Conditions",
    "FetchResult",
    "PageFetcher",
]


class PageFetcher:
    """GET one or several URLs through the planet's fetcher, configured from PLANET_* settings."""

    def __init__(self, settings: dict[str, Any], *, concurrency: int = 4):
        self.settings = with_defaults(settings)
        self.concurrency = concurrency
        self.limits = Limits(
            connect_timeout=float(self.settings["PLANET_CONNECT_TIMEOUT"]),
            timeout=float(self.settings["PLANET_TIMEOUT"]),
            max_redirects=int(self.settings["PLANET_MAX_REDIRECTS"]),
            max_bytes=int(self.settings["PLANET_MAX_BYTES"]),
        )

    def get(self, url: str, accept: str = HTML_ACCEPT) -> FetchResult:
        """The answer for `url`; failures come back in `result.error`, never raised."""
        return self.get_all([url], accept)[0]

    def get_all(
        self,
        urls: Sequence[str],
        accept: str = HTML_ACCEPT,
        conditions: Sequence[Conditions] | None = None,
    ) -> list[FetchResult]:
        """The answers for `urls`, in their order, fetched a few at a time; with `conditions`
        (one per URL), each asked conditionally (a 304 then has no body)."""
        if not urls:
            return []
        asked = list(conditions) if conditions is not None else [Conditions()] * len(urls)
        return asyncio.run(self._get_all(list(urls), accept, asked))

    async def _get_all(
        self, urls: list[str], accept: str, conditions: list[Conditions]
    ) -> list[FetchResult]:
        slots = asyncio.Semaphore(self.concurrency)
        client = guarded_client(
            allow_private=bool(self.settings["PLANET_ALLOW_PRIVATE_ADDRESSES"]),
            resolve=self.settings["PLANET_RESOLVE"],
            connect_timeout=self.limits.connect_timeout,
            read_timeout=self.limits.timeout,
            max_connections=self.concurrency,
            headers={
                "User-Agent": user_agent(self.settings),
                "Accept": accept,
                "Accept-Encoding": "gzip, deflate",
            },
        )

        async def one(url: str, asked: Conditions) -> FetchResult:
            async with slots:
                return await fetch_feed(client, url, asked, self.limits)

        async with client:
            answers = (one(url, asked) for url, asked in zip(urls, conditions, strict=True))
            return list(await asyncio.gather(*answers))
