"""What `invoke fetch` and `invoke status` print: a table for people, JSON for scripts.

Every cell is a `rich.text.Text` of `terminal_text`: URLs, reasons and notes come from member
files and servers ("HTTP 404 Not [/] Found"), and neither rich markup nor a terminal's control
sequences in them may do anything but show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pln_site.feeds.decide import Outcome
from pln_site.feeds.update import FetchReport
from pln_site.messages import terminal_text
from pln_site.store import FeedHealth

OUTCOME_STYLES = {
    Outcome.ok: "green",
    Outcome.not_modified: "dim",
    Outcome.moved: "yellow",
    Outcome.gone: "red",
    Outcome.waiting: "yellow",
    Outcome.failed: "bold red",
}


def shown(value: str) -> Text:
    """A table cell of text from outside: shown as it is, never read as markup or controls."""
    return Text(terminal_text(value))


def fetch_table(report: FetchReport) -> Table:
    table = Table(title="Feeds fetched", title_justify="left", show_lines=False)
    table.add_column("Member", no_wrap=True)
    table.add_column("Feed", overflow="fold")
    table.add_column("Outcome", no_wrap=True)
    table.add_column("New", justify="right")
    table.add_column("Reason", overflow="fold")
    for feed in report.feeds:
        table.add_row(
            shown(feed.member_id),
            shown(feed.url),
            Text(str(feed.outcome), style=OUTCOME_STYLES[feed.outcome]),
            str(feed.new_entries),
            shown(feed.reason or ""),
        )
    return table


def fetch_summary(report: FetchReport) -> str:
    counts = ", ".join(f"{count} {name}" for name, count in report.counts.items() if count)
    feeds = len(report.feeds)
    return (
        f"{feeds} feed{'s' if feeds != 1 else ''}: {counts or 'none'}; "
        f"{report.new_entries} new entr{'ies' if report.new_entries != 1 else 'y'} "
        f"in {report.seconds:.1f} s"
    )


def print_fetch_report(report: FetchReport, console: Console, *, as_json: bool = False) -> None:
    if as_json:
        print(json.dumps(report.to_dict(), indent=2), file=console.file)
        return
    if report.feeds:
        console.print(fetch_table(report))
    console.print(fetch_summary(report), highlight=False)


def health_state(feed: FeedHealth, now: dt.datetime) -> str:
    """One word for a feed's state: ok, failing, moved, gone or waiting."""
    if feed.gone:
        return "gone"
    if feed.retry_after is not None and feed.retry_after > now:
        return "waiting"
    if feed.consecutive_failures:
        return "failing"
    if feed.moved_to:
        return "moved"
    return "ok" if feed.last_success else "never fetched"


def health_dict(feed: FeedHealth, now: dt.datetime) -> dict:
    data = dataclasses.asdict(feed)
    for name, value in data.items():
        if isinstance(value, dt.datetime):
            data[name] = value.isoformat()
    data["state"] = health_state(feed, now)
    return data


def status_table(feeds: Sequence[FeedHealth], now: dt.datetime) -> Table:
    table = Table(title="Feed health", title_justify="left")
    table.add_column("Member", no_wrap=True)
    table.add_column("Feed", overflow="fold")
    table.add_column("State", no_wrap=True)
    table.add_column("Last success", no_wrap=True)
    table.add_column("Failures", justify="right")
    table.add_column("Entries", justify="right")
    table.add_column("Note", overflow="fold")
    for feed in feeds:
        state = health_state(feed, now)
        note = feed.last_error or ""
        if state == "moved":
            note = f"moved to {feed.moved_to}: update the member file"
        elif state == "waiting" and feed.retry_after is not None:
            note = f"waiting until {feed.retry_after:%Y-%m-%d %H:%M} UTC; {note}".rstrip("; ")
        table.add_row(
            shown(feed.member_id),
            shown(feed.url),
            state,
            _ago(feed.last_success, now),
            str(feed.consecutive_failures),
            str(feed.entry_count),
            shown(note),
        )
    return table


def print_status(feeds: Sequence[FeedHealth], console: Console, *, as_json: bool = False) -> None:
    now = dt.datetime.now(dt.UTC)
    if as_json:
        print(json.dumps([health_dict(feed, now) for feed in feeds], indent=2), file=console.file)
        return
    if not feeds:
        console.print("No feeds in the store yet.")
        return
    console.print(status_table(feeds, now))


def _ago(moment: dt.datetime | None, now: dt.datetime) -> str:
    if moment is None:
        return "never"
    seconds = max(0, int((now - moment).total_seconds()))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"
