"""What `invoke fetch` and `invoke status` print: a table for people at a terminal, one
tab-separated line per feed where there is no terminal (a scheduled job's log, a pipe), JSON for
scripts.

Every cell is a `rich.text.Text` of `terminal_text`: URLs, reasons and notes come from member
files and servers ("HTTP 404 Not [/] Found"), and neither rich markup nor a terminal's control
sequences in them may do anything but show. In a log a table would wrap each URL over several
lines at the log's width; a line per feed keeps every URL whole, ready to copy or grep.
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


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    justify: str = "left"  # "right" for counts
    wraps: bool = False  # a long text folds in the table; short ones never wrap


@dataclasses.dataclass(frozen=True)
class Report:
    """A titled table of cells, printed as a rich table or as plain lines (`print_report`)."""

    title: str
    columns: tuple[Column, ...]
    rows: Sequence[tuple[Text, ...]]


FETCH_COLUMNS = (
    Column("Member"),
    Column("Feed", wraps=True),
    Column("Outcome"),
    Column("New", justify="right"),
    Column("Reason", wraps=True),
)
STATUS_COLUMNS = (
    Column("Member"),
    Column("Feed", wraps=True),
    Column("State"),
    Column("Last success"),
    Column("Failures", justify="right"),
    Column("Entries", justify="right"),
    Column("Note", wraps=True),
)


def table_of(report: Report) -> Table:
    table = Table(title=report.title, title_justify="left", show_lines=False)
    for column in report.columns:
        table.add_column(
            column.name,
            justify="right" if column.justify == "right" else "left",
            overflow="fold" if column.wraps else "ellipsis",
            no_wrap=not column.wraps,
        )
    for row in report.rows:
        table.add_row(*row)
    return table


def plain_lines(report: Report) -> list[str]:
    """The report as a log shows it: its title, a header line, then one line per row, the
    cells separated by tabs and never cut or wrapped (a tab inside a cell becomes a space)."""
    lines = [report.title, "\t".join(column.name for column in report.columns)]
    for row in report.rows:
        lines.append("\t".join(cell.plain.replace("\t", " ") for cell in row))
    return lines


def print_report(report: Report, console: Console) -> None:
    """A rich table at a terminal; elsewhere one plain line per row, whatever the width."""
    if console.is_terminal:
        console.print(table_of(report))
        return
    for line in plain_lines(report):
        print(line, file=console.file)


def fetch_rows(report: FetchReport) -> Report:
    rows = [
        (
            shown(feed.member_id),
            shown(feed.url),
            Text(str(feed.outcome), style=OUTCOME_STYLES[feed.outcome]),
            Text(str(feed.new_entries)),
            shown(feed.reason or ""),
        )
        for feed in report.feeds
    ]
    return Report("Feeds fetched", FETCH_COLUMNS, rows)


def fetch_table(report: FetchReport) -> Table:
    return table_of(fetch_rows(report))


def fetch_summary(report: FetchReport) -> str:
    counts = ", ".join(f"{count} {name}" for name, count in report.counts.items() if count)
    feeds = len(report.feeds)
    pictures = ""
    if report.images and (report.images.kept or report.images.refused):
        pictures = f"; pictures: {report.images.kept} brought home, {report.images.refused} refused"
    return (
        f"{feeds} feed{'s' if feeds != 1 else ''}: {counts or 'none'}; "
        f"{report.new_entries} new entr{'ies' if report.new_entries != 1 else 'y'}"
        f"{pictures} in {report.seconds:.1f} s"
    )


def print_fetch_report(report: FetchReport, console: Console, *, as_json: bool = False) -> None:
    if as_json:
        print(json.dumps(report.to_dict(), indent=2), file=console.file)
        return
    if report.feeds:
        print_report(fetch_rows(report), console)
    console.print(fetch_summary(report), highlight=False, soft_wrap=True)


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


def status_rows(feeds: Sequence[FeedHealth], now: dt.datetime) -> Report:
    rows = []
    for feed in feeds:
        state = health_state(feed, now)
        note = feed.last_error or ""
        if state == "moved":
            note = f"moved to {feed.moved_to}: update the member file"
        elif state == "waiting" and feed.retry_after is not None:
            note = f"waiting until {feed.retry_after:%Y-%m-%d %H:%M} UTC; {note}".rstrip("; ")
        rows.append(
            (
                shown(feed.member_id),
                shown(feed.url),
                Text(state),
                Text(_ago(feed.last_success, now)),
                Text(str(feed.consecutive_failures)),
                Text(str(feed.entry_count)),
                shown(note),
            )
        )
    return Report("Feed health", STATUS_COLUMNS, rows)


def status_table(feeds: Sequence[FeedHealth], now: dt.datetime) -> Table:
    return table_of(status_rows(feeds, now))


def print_status(feeds: Sequence[FeedHealth], console: Console, *, as_json: bool = False) -> None:
    now = dt.datetime.now(dt.UTC)
    if as_json:
        print(json.dumps([health_dict(feed, now) for feed in feeds], indent=2), file=console.file)
        return
    if not feeds:
        console.print("No feeds in the store yet.")
        return
    print_report(status_rows(feeds, now), console)


def _ago(moment: dt.datetime | None, now: dt.datetime) -> str:
    if moment is None:
        return "never"
    seconds = max(0, int((now - moment).total_seconds()))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"
