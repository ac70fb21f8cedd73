"""Update the store from every feed: fetch concurrently, parse what changed, save per feed.

One bad feed never stops the run: each feed ends in exactly one `FeedOutcome`, with the reason
in words when it did not simply work.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import ssl
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

import httpx

from pln_site.entries import FeedParseError, FeedSource, ParsedFeed
from pln_site.feeds.decide import Outcome, ParseBody, Skip, after_fetch, after_parse, before_fetch
from pln_site.feeds.http.clients import ClientSet
from pln_site.feeds.http.fetch import ACCEPT, FetchResult, Limits, fetch_feed
from pln_site.feeds.http.guard import guarded_client
from pln_site.feeds.imagefolder import ImageFolder
from pln_site.feeds.images import ImageReport, bring_home, wanted_images
from pln_site.feeds.links import with_links
from pln_site.feeds.parse.feed import parse_feed
from pln_site.feeds.parse.pools import ParsePools
from pln_site.settings import images_path, user_agent, with_defaults
from pln_site.store import FeedChanged, Retention, Store, StoreUnavailable

log = logging.getLogger(__name__)

UTC = dt.UTC

# Parsing is pure-Python CPU work. Measured on two cores over the 74-feed corpus served three
# times, two spawned worker processes parse about 1.6x faster than one thread and keep the event
# loop free (largest stall ~60 ms against 160-700 ms). Worker processes are also where a parse
# that outlasts its budget can be stopped (feeds/parse/pools.py), so the commands parse in them
# whatever the run's size: two for a run of fewer feeds than this (about 0.2 s of CPU each,
# started at the first body to parse), up to four for larger runs, which start them while the
# first answers are still on their way when they will parse at least this many (see bench/).
PROCESS_POOL_MIN_FEEDS = 40
SMALL_RUN_WORKERS = 2
LARGE_RUN_WORKERS = 4


@dataclass
class FeedOutcome:
    """How one feed fared in one run."""

    member_id: str
    url: str
    outcome: Outcome
    new_entries: int = 0
    reason: str | None = None
    status: int | None = None  # the last HTTP status, when there was an answer
    parsed: bool = False  # whether the body went through the parser
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["outcome"] = str(self.outcome)
        return data


@dataclass
class FetchReport:
    """Every feed's outcome, in the order of the sources."""

    feeds: list[FeedOutcome]
    started: dt.datetime
    seconds: float
    images: ImageReport | None = None  # None: PLANET_IMAGES is off

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(str(feed.outcome) for feed in self.feeds)
        return {str(outcome): found.get(str(outcome), 0) for outcome in Outcome}

    @property
    def new_entries(self) -> int:
        return sum(feed.new_entries for feed in self.feeds)

    @property
    def parsed(self) -> int:
        return sum(feed.parsed for feed in self.feeds)

    def to_dict(self) -> dict[str, object]:
        return {
            "started": self.started.isoformat(),
            "seconds": round(self.seconds, 3),
            "counts": self.counts,
            "new_entries": self.new_entries,
            "parsed": self.parsed,
            "images": self.images.to_dict() if self.images else None,
            "feeds": [feed.to_dict() for feed in self.feeds],
        }


Progress = Callable[[FeedOutcome], None]


def fetch_all(
    sources: list[FeedSource],
    store: Store,
    settings: dict[str, Any],
    progress: Progress | None = None,
    *,
    parse_processes: bool = False,
) -> FetchReport:
    """Fetch every source into `store`; `progress` is called as each feed finishes.

    Each feed's parse has PLANET_PARSE_TIMEOUT seconds; one that takes longer fails alone (and
    keeps its last good entries). With `parse_processes` feeds are parsed in worker processes,
    where such a parse is stopped; without, in one thread, where it fails but runs on. Worker
    processes import the `__main__` module afresh, so only a program whose main module is
    guarded by `if __name__ == "__main__":` (a console script such as `invoke`) may ask for them.
    Raises store.FetchLocked when another fetch holds the store.

    What to do with each feed is decided in feeds/decide.py; this module does the I/O around it.
    """
    settings = with_defaults(settings)
    with store.fetch_lock():
        return asyncio.run(_fetch_all(sources, store, settings, progress, parse_processes))


def _never_parsed(sources: list[FeedSource], store: Store) -> int:
    """How many sources have no parsed body on record: each of them will surely be parsed."""
    count = 0
    for source in sources:
        state = store.feed_state(source.url)
        count += state is None or not state.body_hash
    return count


async def _fetch_all(
    sources: list[FeedSource],
    store: Store,
    settings: dict[str, Any],
    progress: Progress | None,
    use_processes: bool,
) -> FetchReport:
    started = dt.datetime.now(UTC)
    clock = time.monotonic()
    carry_over_moves(sources, store)
    updater = _Updater(store, settings, progress)
    # Parsing is pure-Python CPU work: workers (processes, or one thread) keep the event loop
    # answering sockets while a big feed parses (see bench/ for threads vs processes).
    large = len(sources) >= PROCESS_POOL_MIN_FEEDS
    workers = min(os.cpu_count() or 1, LARGE_RUN_WORKERS if large else SMALL_RUN_WORKERS)
    with ParsePools(use_processes=use_processes, workers=workers) as pools:
        if use_processes and large and _never_parsed(sources, store) >= PROCESS_POOL_MIN_FEEDS:
            pools.start_processes()  # a first run: the workers start during the first round trip
        updater.pools = pools
        async with updater.clients():
            outcomes = await asyncio.gather(*(updater.update(source) for source in sources))
            images = await updater.bring_images_home(sources)
    store.prune(updater.retention.max_age_days, dt.datetime.now(UTC))
    return FetchReport(list(outcomes), started, time.monotonic() - clock, images)


def carry_over_moves(sources: list[FeedSource], store: Store) -> None:
    """A feed that the member file now names at the address its old URL moved to (`invoke
    fix-feeds` rewrote it, or the owner did) takes over the old URL's stored feed: its entries
    stay on the river with the day they were first seen, and its first fetch is conditional.
    An old URL that a member file still names keeps its own."""
    named = {source.url for source in sources}
    for source in sources:
        if store.feed_state(source.url) is not None:
            continue
        for old_url in store.feeds_moved_to(source.url, source.member_id):
            if old_url not in named and store.move_feed(old_url, source.url):
                log.info("%s: carried the stored feed of %s over", source.url, old_url)
                break


class _Updater:
    def __init__(self, store: Store, settings: dict[str, Any], progress: Progress | None):
        self.store = store
        self.settings = settings
        self.progress = progress
        self.limits = Limits(
            connect_timeout=float(settings["PLANET_CONNECT_TIMEOUT"]),
            timeout=float(settings["PLANET_TIMEOUT"]),
            max_redirects=int(settings["PLANET_MAX_REDIRECTS"]),
            max_bytes=int(settings["PLANET_MAX_BYTES"]),
        )
        self.retention = Retention(
            max_entries=int(settings["PLANET_MAX_ENTRIES_PER_FEED"]),
            max_age_days=int(settings["PLANET_MAX_AGE_DAYS"]),
        )
        self.slots = asyncio.Semaphore(int(settings["PLANET_CONCURRENCY"]))
        self.pools: ParsePools | None = None
        self.parse_budget = float(settings["PLANET_PARSE_TIMEOUT"])
        self.http: ClientSet | None = None

    def clients(self) -> ClientSet:
        concurrency = int(self.settings["PLANET_CONCURRENCY"])
        self.http = ClientSet(concurrency, partial(self._client, httpx.create_ssl_context()))
        return self.http

    def _client(self, ssl_context: ssl.SSLContext, max_connections: int) -> httpx.AsyncClient:
        return guarded_client(
            ssl_context=ssl_context,
            allow_private=bool(self.settings["PLANET_ALLOW_PRIVATE_ADDRESSES"]),
            resolve=self.settings["PLANET_RESOLVE"],
            connect_timeout=self.limits.connect_timeout,
            read_timeout=self.limits.timeout,
            max_connections=max_connections,
            headers={
                "User-Agent": user_agent(self.settings),
                "Accept": ACCEPT,
                "Accept-Encoding": "gzip, deflate",
            },
        )

    async def bring_images_home(self, sources: list[FeedSource]) -> ImageReport | None:
        """The pictures of the newest entries of these members, fetched once each."""
        if not self.settings["PLANET_IMAGES"]:
            return None
        assert self.http is not None
        members = {source.member_id for source in sources}
        per_run = int(self.settings["PLANET_IMAGES_PER_RUN"])
        newest = (
            entry.content_html or entry.summary_html
            for entry in self.store.iter_entries(members, limit=per_run)
        )
        wanted = wanted_images(newest, int(self.settings["PLANET_IMAGES_PER_ENTRY"]), per_run)
        folder = ImageFolder(images_path(self.settings, self.store.path))
        return await bring_home(wanted, folder, self.http, self.settings, self.slots)

    async def update(self, source: FeedSource) -> FeedOutcome:
        clock = time.monotonic()
        try:
            outcome = await self._update(source)
        except StoreUnavailable:
            raise  # the store, not this feed, is broken: the whole run stops with its message
        except Exception as error:  # noqa: BLE001 - a bug with one feed must not end the run
            log.exception("updating %s failed", source.url)
            outcome = FeedOutcome(
                source.member_id,
                source.url,
                Outcome.failed,
                reason=f"unexpected error: {type(error).__name__}: {error}",
            )
        outcome.seconds = round(time.monotonic() - clock, 3)
        if self.progress is not None:
            self.progress(outcome)
        return outcome

    async def _update(self, source: FeedSource) -> FeedOutcome:
        state = self.store.feed_state(source.url)
        plan = before_fetch(state, dt.datetime.now(UTC))
        if isinstance(plan, Skip):
            return FeedOutcome(source.member_id, source.url, plan.outcome, reason=plan.reason)
        assert self.http is not None
        async with self.slots, self.http.borrow() as client:
            result = await fetch_feed(client, source.url, plan, self.limits)
        verdict = after_fetch(source, state, result, dt.datetime.now(UTC))
        parsed = False
        if isinstance(verdict, ParseBody):
            parsed = True
            try:
                feed: ParsedFeed | FeedParseError = await self._parse(result, source)
            except FeedParseError as error:
                feed = error
            verdict = after_parse(source, result, verdict.body_hash, feed, dt.datetime.now(UTC))
        update = verdict.update
        if isinstance(update, FeedChanged):  # what its entries cite, stored with them
            update = await asyncio.to_thread(with_links, update)
        new = self.store.save(update, self.retention)
        return FeedOutcome(
            source.member_id,
            source.url,
            verdict.outcome,
            new_entries=new,
            reason=verdict.reason,
            status=verdict.status,
            parsed=parsed,
        )

    async def _parse(self, result: FetchResult, source: FeedSource) -> ParsedFeed:
        assert result.body is not None and self.pools is not None
        job = partial(
            parse_feed,
            result.body,
            url=result.final_url,
            content_type=result.content_type,
            languages=source.languages,
        )
        return await self.pools.parse(job, self.parse_budget, size=len(result.body))
