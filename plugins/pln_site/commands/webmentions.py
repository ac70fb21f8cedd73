"""`invoke webmentions`: tell the members' pages that the owner's posts link to them.

The posts and their targets come from the publishing build's output (webmention_posts). Each
(source, target) pair is sent once: the store remembers what an endpoint accepted, so a post
edited later is not sent again unless the owner asks (`resend`). At most
WEBMENTION_MAX_PER_RUN pairs are tried per run; the rest wait for the next. Nothing is sent
unless WEBMENTION_SEND is True. A target without an endpoint, or whose endpoint fails, is
reported and tried again next run; it never stops the others.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pln_site.commands.settings import checked_settings, members_or_report
from pln_site.commands.webmention_posts import iter_targets, published_posts
from pln_site.datetext import moment_text, site_timezone
from pln_site.discover.webmention import discover_endpoint, send_webmention
from pln_site.errors import SiteError
from pln_site.feeds.http.fetch import Limits
from pln_site.feeds.http.guard import guarded_client
from pln_site.messages import display_path, terminal_text
from pln_site.settings import SettingsInvalid, store_path, user_agent
from pln_site.site.reading.river import member_sites
from pln_site.store import Store, StoreUnavailable, WebmentionTry

SENT, SKIPPED, FAILED = "sent", "skipped", "failed"


class NoSiteAddress(SiteError):
    """A Webmention's source must be the post's public address."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one (source, target) pair, in the report's words."""

    kind: str  # SENT, SKIPPED or FAILED (dry run: SENT means "would send")
    source: str
    target: str
    detail: str


def run_webmentions(
    settings: dict[str, Any],
    *,
    dry_run: bool = False,
    resend: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> int:
    """Send the Webmentions of the built site; print what was sent, skipped and failed.

    Exit codes: 0 all well (or off), 1 a send failed or the store cannot be used, 2 the
    settings or the member files are broken.
    """
    out, err = out or sys.stdout, err or sys.stderr
    try:
        settings = checked_settings(settings)
    except SettingsInvalid as refused:
        print(terminal_text(refused.report(), lines=True), file=err)
        return 2
    if not settings["WEBMENTION_SEND"] and not dry_run:
        print(
            "Webmentions are off: set WEBMENTION_SEND = True in publishconf.py to send them "
            "(`invoke webmentions --dry-run` lists what would be sent).",
            file=out,
        )
        return 0
    site_url = str(settings.get("SITEURL") or "").rstrip("/")
    if not site_url.startswith(("http://", "https://")):
        raise NoSiteAddress(
            f"SITEURL is {site_url or 'empty'!r}: a Webmention's source must be the post's "
            "public address (hint: run with the publishing settings, -s publishconf.py)"
        )
    output = Path(settings["OUTPUT_PATH"])
    if not output.is_dir():
        print(
            f"No built site at {display_path(output)}: build it with the same settings first "
            "(`invoke publish` does).",
            file=err,
        )
        return 1
    every_member = members_or_report(settings, err)
    if every_member is None:
        return 2
    members = [member for member in every_member if member.is_listed]
    posts = published_posts(
        output, site_url, members, member_sites(members), settings["NETWORK_MEMBER_URL"]
    )
    pairs = list(iter_targets(posts))
    try:
        with _open_store(settings, dry_run) as store:
            outcomes = _run(pairs, store, settings, dry_run=dry_run, resend=resend, now=now)
    except StoreUnavailable as trouble:
        print(terminal_text(f"No Webmentions sent: {trouble}", lines=True), file=err)
        return 1
    print_report(outcomes, len(posts), dry_run=dry_run, out=out)
    return 1 if any(o.kind == FAILED for o in outcomes) else 0


class _NoStore:
    """A dry run before any store exists: nothing was sent yet, and nothing is written."""

    def __enter__(self) -> _NoStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def webmention_tries(self) -> dict[tuple[str, str], WebmentionTry]:
        return {}


def _open_store(settings: dict[str, Any], dry_run: bool) -> Store | _NoStore:
    path = store_path(settings)
    if dry_run and not path.exists():
        return _NoStore()
    return Store(path)  # for writing: it migrates an older file, keeping its entries


def _run(
    pairs: list[tuple[str, str]],
    store: Store | _NoStore,
    settings: dict[str, Any],
    *,
    dry_run: bool,
    resend: bool,
    now: Callable[[], dt.datetime] | None,
) -> list[Outcome]:
    tries = store.webmention_tries()
    tz = site_timezone(settings.get("TIMEZONE"))
    cap = int(settings["WEBMENTION_MAX_PER_RUN"])
    outcomes: list[Outcome] = []
    waiting: list[tuple[str, str]] = []
    for source, target in pairs:
        before = tries.get((source, target))
        if before is not None and before.sent_at is not None and not resend:
            when = moment_text(before.sent_at, tz)
            outcomes.append(Outcome(SKIPPED, source, target, f"already sent on {when}"))
        else:
            waiting.append((source, target))
    # Pairs never tried go first, then those tried longest ago: a target that keeps failing
    # cannot hold the cap's places for ever.
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    waiting.sort(key=lambda pair: _tried_at(tries.get(pair)) or never)
    to_send, over = waiting[:cap], waiting[cap:]
    detail = f"over the cap of {cap} this run (WEBMENTION_MAX_PER_RUN): tried next run"
    outcomes += [Outcome(SKIPPED, s, t, detail) for s, t in over]
    if dry_run:
        outcomes += [Outcome(SENT, s, t, "would be sent") for s, t in to_send]
    elif to_send:
        for outcome, record in asyncio.run(_send_all(to_send, settings, now)):
            outcomes.append(outcome)
            if isinstance(store, Store):
                store.record_webmention(record)
    order = {pair: n for n, pair in enumerate(pairs)}
    return sorted(outcomes, key=lambda o: order[(o.source, o.target)])


def _tried_at(tried: WebmentionTry | None) -> dt.datetime | None:
    return None if tried is None else tried.tried_at


async def _send_all(
    pairs: list[tuple[str, str]],
    settings: dict[str, Any],
    now: Callable[[], dt.datetime] | None,
) -> list[tuple[Outcome, WebmentionTry]]:
    limits = Limits(
        connect_timeout=float(settings["PLANET_CONNECT_TIMEOUT"]),
        timeout=float(settings["PLANET_TIMEOUT"]),
        max_redirects=int(settings["PLANET_MAX_REDIRECTS"]),
        max_bytes=int(settings["PLANET_MAX_BYTES"]),
    )
    client = guarded_client(
        allow_private=bool(settings["PLANET_ALLOW_PRIVATE_ADDRESSES"]),
        resolve=settings["PLANET_RESOLVE"],
        connect_timeout=limits.connect_timeout,
        read_timeout=limits.timeout,
        max_connections=4,
        headers={"User-Agent": user_agent(settings), "Accept-Encoding": "gzip, deflate"},
    )
    results: list[tuple[Outcome, WebmentionTry]] = []
    clock = now or _utc_now
    async with client:
        # One at a time: a run sends a handful, and receivers fetch the source in return.
        for source, target in pairs:
            found = await discover_endpoint(client, target, limits)
            if found.error is not None or found.endpoint is None:
                kind, reason = (
                    (FAILED, f"no endpoint found: {found.error}")
                    if found.error is not None
                    else (SKIPPED, "no Webmention endpoint")
                )
                record = WebmentionTry(source, target, clock(), error=reason)
                results.append((Outcome(kind, source, target, reason), record))
                continue
            delivery = await send_webmention(client, found.endpoint, source, target, limits)
            moment = clock()
            if not delivery.accepted:
                reason = f"{delivery.error} (endpoint {found.endpoint})"
                record = WebmentionTry(
                    source, target, moment, found.endpoint, delivery.status, error=reason
                )
                results.append((Outcome(FAILED, source, target, reason), record))
                continue
            record = WebmentionTry(
                source, target, moment, found.endpoint, delivery.status, sent_at=moment
            )
            detail = f"HTTP {delivery.status} from {found.endpoint}"
            results.append((Outcome(SENT, source, target, detail), record))
    return results


def print_report(outcomes: list[Outcome], post_count: int, *, dry_run: bool, out: TextIO) -> None:
    """One block per post, one line per target, then the counts."""
    label = {SENT: "would send" if dry_run else "sent", SKIPPED: "skipped", FAILED: "failed"}
    width = max(len(word) for word in label.values())
    source = None
    for outcome in outcomes:
        if outcome.source != source:
            source = outcome.source
            print(terminal_text(f"{source}"), file=out)
        line = f"  {label[outcome.kind]:<{width}}  {outcome.target}: {outcome.detail}"
        print(terminal_text(line), file=out)
    counts = {kind: sum(o.kind == kind for o in outcomes) for kind in (SENT, SKIPPED, FAILED)}
    print(
        f"Webmentions{' (dry run)' if dry_run else ''}: {counts[SENT]} "
        f"{label[SENT]}, {counts[SKIPPED]} skipped, {counts[FAILED]} failed "
        f"(from {post_count} posts).",
        file=out,
    )


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
