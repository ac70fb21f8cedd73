"""`invoke status --html FILE`: the owner's private health page, one self-contained HTML file.

The page is made from the member files (for the file and line of every feed) and the store
(each feed's HTTP state and its entries); `run_health_page` in commands/fetch.py reads them,
touches no network and changes nothing but FILE, written whole or not at all. It is never part of
the site: FILE may not be inside OUTPUT_PATH, where it would be published, nor inside PATH,
whose files a build reads. The page carries its CSS inline, no script and no address it loads.

What it names, each row with what to do: feeds failing (and since when), moved (a permanent
redirect recorded), gone (HTTP 410), quiet members (no post for NETWORK_QUIET_DAYS), feeds with
no post in a year, and feeds that send only summaries. How long each feed takes to fetch is not
stored (only `invoke fetch --json` reports it, per run), so the page says so instead of guessing.

A feed sends only summaries when each of its newest SUMMARY_SAMPLE entries (at least
SUMMARY_MIN_ENTRIES of them) has no content beyond its summary (the parser copies the summary
into the content when a feed has none) and fewer than SUMMARY_MAX_CHARS characters of text.
A microblog's short posts look the same: the page says to check before asking for more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from pln_site.datetext import moment_text, site_timezone
from pln_site.entries import StoredEntry
from pln_site.files import write_atomically
from pln_site.members.loader import Location, key_lines, member_file_of
from pln_site.members.model import Member, Status
from pln_site.messages import display_path
from pln_site.store import FeedHealth
from pln_site.text import text_without_tags

SUMMARY_SAMPLE = 10
SUMMARY_MIN_ENTRIES = 2
SUMMARY_MAX_CHARS = 400
SILENT_DAYS = 365
TEMPLATE = "health.html"


class HealthPageRefused(Exception):
    """FILE is somewhere the site would publish or read it; the message says where."""


@dataclass(frozen=True)
class Row:
    """One thing to look at: whose, where in their file, which feed, what is wrong, what to do."""

    member_id: str
    place: str  # "content/network/ada.yaml line 12"
    feed: str  # the feed's URL; empty for a row about a member
    problem: str
    action: str


@dataclass(frozen=True)
class Category:
    key: str  # the section's id in the page: failing, moved, gone, quiet, silent, summaries
    title: str
    about: str
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class HealthPage:
    made: str
    categories: list[Category]
    fix_feeds: list[Row]  # the edits a fix-feeds would make: moved and gone feeds
    notes: list[str]


@dataclass
class _FeedEntries:
    """What the page needs of one feed's stored entries, newest first."""

    newest: StoredEntry | None = None  # the newest dated entry
    sample: list[StoredEntry] = field(default_factory=list)

    def add(self, entry: StoredEntry) -> None:
        if not entry.undated and (self.newest is None or entry.date > self.newest.date):
            self.newest = entry
        if len(self.sample) < SUMMARY_SAMPLE:
            self.sample.append(entry)


def is_summary_only(entry: StoredEntry) -> bool:
    """No content beyond the summary, and the summary short (see the module's docstring)."""
    if entry.content_html != entry.summary_html:
        return False
    return len(text_without_tags(entry.content_html).strip()) < SUMMARY_MAX_CHARS


class _Places:
    """Each member's file and the line of each of its keys, read once per member."""

    def __init__(self, network_dir: Path) -> None:
        self.network_dir = network_dir
        self._lines: dict[str, tuple[Path, dict[Location, int]]] = {}

    def of(self, member_id: str, location: Location | None = None) -> str:
        if member_id not in self._lines:
            path = member_file_of(self.network_dir, member_id)
            self._lines[member_id] = (path, key_lines(path))
        path, lines = self._lines[member_id]
        line = lines.get(location) if location else None
        return f"{display_path(path)} line {line}" if line else display_path(path)


def health_page(
    settings: dict[str, Any],
    members: Sequence[Member],
    health: Iterable[FeedHealth],
    entries: Iterable[StoredEntry],
    now: dt.datetime,
) -> HealthPage:
    """Every category of the page, for the listed members' feeds as their files name them now
    (a URL the files no longer name is history, whatever the store still holds of it)."""
    tz = site_timezone(settings.get("TIMEZONE"))
    places = _Places(Path(settings["PATH"]) / settings["NETWORK_PATH"])
    by_url = {feed.url: feed for feed in health}
    per_feed: dict[str, _FeedEntries] = {}
    for entry in entries:
        per_feed.setdefault(entry.feed_url, _FeedEntries()).add(entry)

    def when(moment: dt.datetime | None) -> str:
        return moment_text(moment, tz) if moment else "never"

    failing = Category(
        "failing",
        "Failing feeds",
        "Feeds whose last fetches failed; their last good entries stay on the site.",
    )
    moved = Category(
        "moved",
        "Moved feeds",
        "Feeds that answer through a permanent redirect: the member file should name the "
        "new address.",
    )
    gone = Category(
        "gone", "Gone feeds", "Feeds whose server said 410 Gone: they are not fetched again."
    )
    quiet_days = int(settings["NETWORK_QUIET_DAYS"])
    quiet = Category(
        "quiet",
        "Quiet members",
        f"Members with no post in the last {quiet_days} days (NETWORK_QUIET_DAYS).",
    )
    silent = Category(
        "silent",
        "Feeds with no post in a year",
        f"Feeds whose newest post is more than {SILENT_DAYS} days old, or that hold none.",
    )
    summaries = Category(
        "summaries",
        "Feeds of summaries only",
        f"Feeds whose newest entries carry only a short summary (under {SUMMARY_MAX_CHARS} "
        "characters of text, and no content beyond it): the river can show no more of them.",
    )
    fix_feeds: list[Row] = []

    for member in members:
        if not member.is_listed:
            continue
        newest_of_member: StoredEntry | None = None
        for index, ref in enumerate(member.feeds):
            url = str(ref.url)
            place = places.of(member.id, ("feeds", index, "url"))
            feed = by_url.get(url)
            stored = per_feed.get(url, _FeedEntries())
            if stored.newest and (
                newest_of_member is None or stored.newest.date > newest_of_member.date
            ):
                newest_of_member = stored.newest
            if feed is None or ref.gone is not None:
                continue  # not fetched yet, or marked gone in the file: nothing to do
            if feed.gone:
                history = (
                    f"it last worked {when(feed.last_success)}"
                    if feed.last_success
                    else "it never worked"
                )
                action = (
                    f"remove this feed from {place}: their other feeds stay"
                    if len(member.feeds) > 1
                    else f"remove this feed from {place}, or, as it is their only one, set "
                    f"`status: archived` in {places.of(member.id, ('status',))}"
                )
                row = Row(
                    member.id,
                    place,
                    url,
                    f"HTTP 410 Gone (asked {when(feed.last_attempt)}); {history}",
                    action,
                )
                gone.rows.append(row)
                fix_feeds.append(row)
                continue
            if feed.consecutive_failures:
                failing.rows.append(_failing_row(member, place, feed, when, now))
            if feed.moved_to and feed.moved_to != url:
                row = Row(
                    member.id,
                    place,
                    url,
                    f"moved permanently to {feed.moved_to} (seen {when(feed.last_attempt)})",
                    f"update the feed URL in {place} to {feed.moved_to}",
                )
                moved.rows.append(row)
                fix_feeds.append(row)
            if feed.last_success is None:
                continue  # never read: silent or summary-only cannot be told
            if stored.newest is None or (now - stored.newest.date).days > SILENT_DAYS:
                last = (
                    f"newest post {when(stored.newest.date)}"
                    if stored.newest
                    else "no posts stored"
                )
                silent.rows.append(
                    Row(
                        member.id,
                        place,
                        url,
                        last,
                        f"look on {member.url} for a newer feed and update {place}, or "
                        "remove the feed if they post elsewhere now",
                    )
                )
            if len(stored.sample) >= SUMMARY_MIN_ENTRIES and all(
                is_summary_only(entry) for entry in stored.sample
            ):
                summaries.rows.append(
                    Row(
                        member.id,
                        place,
                        url,
                        f"each of its newest {len(stored.sample)} entries is a short summary",
                        "look on their site for a full-content feed and put it in "
                        f"{place}; a microblog's short posts look the same, so check first",
                    )
                )
        worked = any(
            (feed := by_url.get(str(ref.url))) is not None and feed.last_success is not None
            for ref in member.feeds
        )
        quiet_row = _quiet_row(member, newest_of_member, worked, settings, places, when, now)
        if quiet_row:
            quiet.rows.append(quiet_row)

    return HealthPage(
        made=when(now),
        categories=[failing, moved, gone, quiet, silent, summaries],
        fix_feeds=fix_feeds,
        notes=[
            "Slow feeds are not listed: the store does not record how long a feed takes. "
            "`invoke fetch --json` reports each feed's seconds for that run."
        ],
    )


def _failing_row(
    member: Member,
    place: str,
    feed: FeedHealth,
    when: Callable[[dt.datetime | None], str],
    now: dt.datetime,
) -> Row:
    failures = feed.consecutive_failures
    fetches = f"{failures} failed fetch{'es' if failures != 1 else ''} in a row"
    since = (
        f"{fetches} since it last worked {when(feed.last_success)}"
        if feed.last_success
        else f"{fetches}; it never worked"
    )
    problem = f"{since}; last tried {when(feed.last_attempt)}: {feed.last_error or 'no answer'}"
    if feed.retry_after and feed.retry_after > now:
        problem += f"; the server asked to wait until {when(feed.retry_after)}"
    status = feed.status
    if status in (404, 401, 403):
        action = (
            f"the feed is not at this address any more: find it on {member.url} and update "
            f"the feed URL in {place}, or remove the feed"
        )
    elif status is not None and 200 <= status < 300:
        action = (
            f"the address answers with something that is not a feed: find the feed on "
            f"{member.url} and update the feed URL in {place}"
        )
    else:
        action = (
            "wait: a server or the network may be down for a while; if it keeps failing for "
            f"weeks, ask {member.name} or remove the feed from {place}"
        )
    return Row(member.id, place, feed.url, problem, action)


def _quiet_row(
    member: Member,
    newest: StoredEntry | None,
    worked: bool,
    settings: dict[str, Any],
    places: _Places,
    when: Callable[[dt.datetime | None], str],
    now: dt.datetime,
) -> Row | None:
    """A row for a member with no post for NETWORK_QUIET_DAYS; None for one who posted since,
    or whose feeds never worked (they are in the failing rows instead)."""
    kept_days = int(settings["PLANET_MAX_AGE_DAYS"])
    if newest is not None:
        days = (now.astimezone(dt.UTC).date() - newest.date.astimezone(dt.UTC).date()).days
        if days <= int(settings["NETWORK_QUIET_DAYS"]):
            return None
        title = newest.title or "(untitled)"
        problem = f"quiet for {days} days; last post “{title}” on {when(newest.date)}"
    elif worked and kept_days:
        # The store keeps no entry older than PLANET_MAX_AGE_DAYS: older posts are not known.
        problem = (
            f"quiet for more than {kept_days} days: no post in the store (PLANET_MAX_AGE_DAYS)"
        )
    elif worked:
        problem = "no post at all: their feeds worked and were empty"
    else:
        return None
    status_place = places.of(member.id, ("status",))
    action = (
        f"nothing to change: already `status: dormant` in {status_place}"
        if member.status == Status.dormant
        else f"say hello to {member.name}; if they have stopped writing, set "
        f"`status: dormant` in {status_place}"
    )
    return Row(member.id, places.of(member.id), "", problem, action)


def render(page: HealthPage) -> str:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("pln_site", "commands/templates"),
        autoescape=True,  # every row holds text from member files and servers
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template(TEMPLATE).render(page=page)


def refuse_public_place(target: Path, settings: dict[str, Any]) -> None:
    """Raise HealthPageRefused when `target` is inside OUTPUT_PATH or PATH."""
    resolved = target.resolve()
    for name, what in (("OUTPUT_PATH", "published with the site"), ("PATH", "read by a build")):
        folder = settings.get(name)
        if folder and resolved.is_relative_to(Path(folder).resolve()):
            raise HealthPageRefused(
                f"Not writing the health page to {display_path(target)}: it is inside {name} "
                f"({display_path(folder)}), where it would be {what}; the page is for you "
                "alone (hint: write it elsewhere, e.g. --html health.html beside the settings)"
            )


def write_page(target: Path, html: str) -> None:
    """Write `html` to `target` whole or not at all: a failed write leaves the old file."""
    write_atomically(target, html)
