"""The planet's commands, `invoke fetch` and `invoke status`; tasks.py calls these."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Iterable
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pln_site.commands.examples import on_example_host
from pln_site.commands.report import print_fetch_report, print_status
from pln_site.commands.settings import checked_inputs
from pln_site.entries import FeedSource
from pln_site.feeds.decide import Outcome
from pln_site.feeds.update import FeedOutcome, FetchReport, fetch_all
from pln_site.members.loader import members_from_settings
from pln_site.members.model import Member
from pln_site.members.problems import MemberFilesInvalid
from pln_site.messages import display_path, terminal_text
from pln_site.settings import SettingsInvalid, store_path, with_defaults
from pln_site.store import FetchLocked, Store, StoreUnavailable

log = logging.getLogger(__name__)


def feed_sources(members: Iterable[Member]) -> list[FeedSource]:
    """Every feed of every listed member; archived members and feeds marked gone are not
    fetched."""
    return [
        FeedSource(member.id, feed.url, feed.title, feed.html_url, tuple(member.languages))
        for member in members
        if member.is_listed
        for feed in member.live_feeds
    ]


def run_fetch(settings: dict, *, as_json: bool = False, explain_examples: bool = True) -> int:
    """Fetch every member's feeds into the store and print a report; when only the example
    members' feeds failed, say why (`explain_examples`; the demo, which serves them, does not).

    Exit codes: 0 when the run completed (even if some feeds failed), 1 when another fetch holds
    the store, 2 for bad settings or member files (the problems are printed), 3 when the store
    cannot be opened or written (a read-only or full disk, a damaged file: the message says).
    """
    out, err = Console(), Console(stderr=True)
    try:
        settings, members = checked_inputs(settings)
    except (SettingsInvalid, MemberFilesInvalid) as refused:
        say(err, refused.report())
        return 2
    sources = feed_sources(members)
    path = store_path(settings)
    # Big runs parse in worker processes: these commands run under `invoke`, whose main module
    # is import-safe, as worker processes need.
    try:
        with Store(path) as store:
            if as_json or not err.is_terminal:
                report = fetch_all(sources, store, settings, parse_processes=True)
            else:
                report = _fetch_with_progress(sources, store, settings, err)
    except FetchLocked as locked:
        say(err, f"Not fetching: {locked}")
        return locked.exit_code
    except StoreUnavailable as trouble:
        say(err, f"Fetch stopped: {trouble}")
        return trouble.exit_code
    print_fetch_report(report, out, as_json=as_json)
    if explain_examples and only_example_feeds_failed(report):
        say(err, EXAMPLE_FEEDS_HINT)
    return 0


# The example members' sites are on `.example` hosts, which exist nowhere on the internet.
EXAMPLE_FEEDS_HINT = (
    "The feeds that failed are the example members' (their hosts end in .example): they exist "
    "only inside `invoke demo`, which serves them from this machine. To make the site your own "
    "(your details, no example members, an empty store), run `invoke init`."
)


def only_example_feeds_failed(report: FetchReport) -> bool:
    """Whether some feeds could not be fetched, and every one of them is an example member's."""
    failing = [feed for feed in report.feeds if feed.outcome in (Outcome.failed, Outcome.waiting)]
    return bool(failing) and all(on_example_host(feed.url) for feed in failing)


def _fetch_with_progress(sources: list[FeedSource], store: Store, settings: dict, console: Console):
    columns = (
        TextColumn("Fetching feeds"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=len(sources))

        def advance(outcome: FeedOutcome) -> None:
            # The description is rich markup: a member id is shown, never read as markup.
            description = escape(terminal_text(f"{outcome.member_id}: {outcome.outcome}"))
            progress.update(task, advance=1, description=description)

        return fetch_all(sources, store, settings, progress=advance, parse_processes=True)


def run_status(settings: dict, *, as_json: bool = False, html: str | None = None) -> int:
    """Print each feed's health from the store; touches no network and changes nothing. With
    `html`, write the owner's health page to that file instead (commands/health.py).

    Exit codes: 0, 2 for bad member files or an `html` file where the site would publish it,
    or 3 when the store cannot be read (the message says why).
    """
    if html is not None:
        return run_health_page(settings, Path(html))
    out = Console()
    path = store_path(with_defaults(settings))
    if not Path(path).exists():
        if as_json:
            print("[]")
        else:
            first = "run `invoke fetch` (or `pln-site fetch`) first"
            print(terminal_text(f"No store at {path} yet: {first}."), file=sys.stderr)
        return 0
    try:
        with Store(path, read_only=True) as store:
            health = store.feed_health()
    except StoreUnavailable as trouble:
        say(Console(stderr=True), f"No status: {trouble}")
        return trouble.exit_code
    print_status(health, out, as_json=as_json)
    return 0


def run_health_page(settings: dict, target: Path) -> int:
    """`invoke status --html FILE`: write the health page to `target` and say where.

    Exit codes: 0; 2 for a `target` inside OUTPUT_PATH or PATH, or bad member files; 3 when
    the store cannot be read or `target` cannot be written (the message says why).
    """
    # Imported here: only this page needs jinja2 and the reading plugin's rule of whose site is
    # whose (which imports Pelican); `invoke fetch` starts without them.
    from pln_site.commands.health import (
        HealthPageRefused,
        health_page,
        refuse_public_place,
        render,
        write_page,
    )
    from pln_site.site.reading.river import member_sites

    err = Console(stderr=True)
    settings = with_defaults(settings)
    try:
        refuse_public_place(target, settings)
        members = members_from_settings(settings)
    except (HealthPageRefused, MemberFilesInvalid) as refused:
        say(err, str(refused))
        return 2
    path = store_path(settings)
    now = dt.datetime.now(dt.UTC)
    page = health_page(settings, members, [], [], now)
    if Path(path).exists():
        try:
            with Store(path, read_only=True) as store:
                # Entries one at a time: the page keeps a few of each feed, not every body.
                entries = store.iter_entries(sites=member_sites(members))
                page = health_page(settings, members, store.feed_health(), entries, now)
        except StoreUnavailable as trouble:
            say(err, f"No health page: {trouble}")
            return trouble.exit_code
    try:
        write_page(target, render(page))
    except OSError as error:
        say(err, f"Could not write the health page to {display_path(target)}: {error.strerror}")
        return 3
    rows = sum(len(category.rows) for category in page.categories)
    say(Console(), f"Wrote the health page ({rows} rows to look at) to {display_path(target)}.")
    if not Path(path).exists():
        say(err, f"No store at {path} yet: run `invoke fetch` first.")
    return 0


def say(console: Console, text: str) -> None:
    """A message to the user as plain text: never read as rich markup, controls made visible,
    and soft-wrapped so that a long path stays whole on one line, ready to copy."""
    console.print(terminal_text(text, lines=True), highlight=False, markup=False, soft_wrap=True)
