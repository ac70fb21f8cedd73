"""What to do with a feed, decided without I/O: whether to fetch it, what to ask, and what the
answer means for the report and for the store.

Pure functions of the stored `FeedState`, the fetch's `FetchResult` (and the parsed feed) and
`now`, so that each case is tested alone (tests/feeds/test_decide.py); feeds/update.py does the
fetching, parsing and saving around them. One run of one feed:

    before_fetch(state, now)       -> Skip (gone, waiting) | Conditions to send
    after_fetch(..., result, now)  -> Verdict (failed, gone, not modified) | ParseBody
    after_parse(..., parsed, now)  -> Verdict (ok, or not a feed)

Every Verdict carries the one `FeedUpdate` the store is told; `feed_update` is the one place a
fetch result becomes such a record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict

from pln_site.entries import FeedParseError, FeedSource, ParsedFeed
from pln_site.feeds.http.fetch import Conditions, FetchResult
from pln_site.store.records import FeedChanged, FeedFailed, FeedState, FeedUnchanged, FeedUpdate


class Outcome(StrEnum):
    ok = "ok"
    not_modified = "not modified"
    moved = "moved"
    gone = "gone"
    waiting = "waiting"
    failed = "failed"


@dataclass(frozen=True)
class Skip:
    """Do not fetch the feed this run; the report shows the outcome and the reason."""

    outcome: Outcome
    reason: str


@dataclass(frozen=True)
class ParseBody:
    """The body differs from the last one stored: parse it, then ask after_parse."""

    body_hash: str


@dataclass(frozen=True)
class Verdict:
    """How the fetch ended: what the report shows, and what the store is told."""

    outcome: Outcome
    reason: str | None
    status: int | None  # the last HTTP status, when there was an answer
    update: FeedUpdate


def before_fetch(state: FeedState | None, now: dt.datetime) -> Skip | Conditions:
    """Skip a gone feed, and one whose server asked to wait past `now`; otherwise fetch it,
    conditionally when a body of it is stored (its validators would be pointless without)."""
    if state is None:
        return Conditions()
    if state.gone:
        return Skip(
            Outcome.gone, "gone (HTTP 410): not fetched until the member file names another URL"
        )
    if state.retry_after is not None and state.retry_after > now:
        return Skip(
            Outcome.waiting,
            f"waiting until {when(state.retry_after)}, as the server asked (Retry-After)",
        )
    if state.body_hash:
        return Conditions(state.etag, state.last_modified)
    return Conditions()


def after_fetch(
    source: FeedSource, state: FeedState | None, result: FetchResult, now: dt.datetime
) -> Verdict | ParseBody:
    """What the answer means: a failure (410: gone), nothing new (304, or the body stored
    last time), or a new body to parse."""
    if result.error is not None:
        return _failed(source, result, result.error, now)
    if result.not_modified:
        return _answered(source, result, Outcome.not_modified, "unchanged (HTTP 304)", now)
    assert result.body is not None  # no error and no 304: the body was read in full
    body_hash = hashlib.sha256(result.body).hexdigest()
    if state is not None and state.body_hash == body_hash:
        return _answered(source, result, Outcome.not_modified, "unchanged (same content)", now)
    return ParseBody(body_hash)


def after_parse(
    source: FeedSource,
    result: FetchResult,
    body_hash: str,
    parsed: ParsedFeed | FeedParseError,
    now: dt.datetime,
) -> Verdict:
    """A new body parsed into a feed (ok, with the parser's warning), or it is not a feed."""
    if isinstance(parsed, FeedParseError):
        return _failed(source, result, f"not a feed: {parsed}", now)
    update = feed_update(source, result, now, body_hash=body_hash, feed=parsed)
    return _moved_or(source, result, Verdict(Outcome.ok, parsed.warning, result.status, update))


def feed_update(
    source: FeedSource,
    result: FetchResult,
    now: dt.datetime,
    *,
    error: str | None = None,
    body_hash: str | None = None,
    feed: ParsedFeed | None = None,
) -> FeedUpdate:
    """The store's record of one fetch: failed when `error` is given, changed when the parsed
    `feed` (and its body's hash) is, unchanged otherwise."""
    if error is not None:
        return FeedFailed(
            source=source,
            at=now,
            status=result.status,
            moved_to=result.moved_to,
            error=error,
            retry_after=result.retry_after,
            gone=result.gone,
        )
    answered = _Answered(
        source=source,
        at=now,
        status=result.status or 200,
        moved_to=result.moved_to,
        etag=result.etag,
        last_modified=result.last_modified,
    )
    if feed is None:
        return FeedUnchanged(**answered)
    assert body_hash is not None
    return FeedChanged(
        **answered,
        body_hash=body_hash,
        title=feed.title,
        html_url=feed.html_url,
        entries=tuple(feed.entries),
    )


class _Answered(TypedDict):
    """What every answer that worked tells the store, changed or not."""

    source: FeedSource
    at: dt.datetime
    status: int
    moved_to: str | None
    etag: str | None
    last_modified: str | None


def when(moment: dt.datetime) -> str:
    """A moment as the report words it."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _answered(
    source: FeedSource, result: FetchResult, outcome: Outcome, reason: str, now: dt.datetime
) -> Verdict:
    update = feed_update(source, result, now)
    return _moved_or(source, result, Verdict(outcome, reason, result.status, update))


def _failed(source: FeedSource, result: FetchResult, error: str, now: dt.datetime) -> Verdict:
    update = feed_update(source, result, now, error=error)
    if result.gone:
        reason = (
            "HTTP 410 Gone: the feed was removed; it is not fetched again "
            "until the member file names another URL"
        )
        return Verdict(Outcome.gone, reason, result.status, update)
    if result.retry_after is not None:
        error += f"; next try after {when(result.retry_after)}"
    return Verdict(Outcome.failed, error, result.status, update)


def _moved_or(source: FeedSource, result: FetchResult, verdict: Verdict) -> Verdict:
    """A feed that answered through a permanent redirect is reported as moved, until the member
    file names the new URL."""
    if result.moved_to and result.moved_to != source.url:
        reason = f"moved to {result.moved_to}: update the member file"
        return Verdict(Outcome.moved, reason, verdict.status, verdict.update)
    return verdict
