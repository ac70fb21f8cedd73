"""`invoke fix-feeds`: member files that follow their feeds' moves and mark the gone ones.

What the store learned from the fetches is written back into the member files: a feed that
answered through a permanent redirect to the same new address on `after` fetches in a row
(one redirect could be a hijacked server's, so one is not enough) gets that address, and a feed
that answered 410 Gone gets `gone: <today>`, which stops its fetching and takes it off the
pages while its stored entries stay. Each file is edited only where the change is
(members/feedfix.py). With `dry_run`, the diffs are printed and nothing is written.

The store is only read: the next fetch carries a moved feed's stored entries over to its new
address (feeds/update.py), whenever and however the file changed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from pln_site.commands.settings import checked_inputs
from pln_site.files import write_atomically
from pln_site.members import memberfile
from pln_site.members.feedfix import FeedFix, FeedFixError, FeedGone, FeedMoved, fixed_text
from pln_site.members.loader import member_file_of
from pln_site.members.model import Member
from pln_site.members.problems import MemberFilesInvalid
from pln_site.messages import display_path, terminal_text
from pln_site.settings import SettingsInvalid, store_path
from pln_site.store import FeedHealth, Store, StoreUnavailable
from pln_site.urls import same_url_key

DEFAULT_AFTER = 3  # fetches in a row that must agree on a move


@dataclass(frozen=True)
class PlannedFix:
    """One change to one member's file, and why, in the report's words."""

    member_id: str
    fix: FeedFix
    why: str


def run_fix_feeds(
    settings: dict[str, Any],
    *,
    dry_run: bool = False,
    after: int = DEFAULT_AFTER,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Rewrite the member files of moved and gone feeds (or, `dry_run`, show the diffs).

    Exit codes: 0 when the run completed (a file it could not edit safely is reported, and left
    as it was), 2 for bad settings, a bad `after` or bad member files, 3 when the store cannot
    be read.
    """
    out, err = out or sys.stdout, err or sys.stderr
    wrong_after = [] if after >= 1 else [f"--after must be 1 or more fetches in a row, not {after}"]
    try:
        settings, members = checked_inputs(settings, *wrong_after)
    except (SettingsInvalid, MemberFilesInvalid) as refused:
        _say(err, refused.report())
        return 2
    path = store_path(settings)
    if not Path(path).exists():
        _say(err, f"No store at {display_path(path)} yet: run `invoke fetch` first.")
        return 0
    try:
        with Store(path, read_only=True) as store:
            health = store.feed_health()
    except StoreUnavailable as trouble:
        _say(err, f"Not fixing feeds: {trouble}")
        return trouble.exit_code
    today = dt.datetime.now(dt.UTC).date().isoformat()
    planned, waiting = plan_fixes(members, health, after, today)
    network = memberfile.network_dir(settings)
    changed = 0
    for member_id, fixes in _by_member(planned).items():
        changed += _fix_file(network, member_id, fixes, dry_run, out, err)
    for line in waiting:
        _say(out, line)
    _say(out, _summary(changed, len(planned), dry_run))
    return 0


def plan_fixes(
    members: Sequence[Member], health: Sequence[FeedHealth], after: int, today: str
) -> tuple[list[PlannedFix], list[str]]:
    """The fixes the store's record calls for, and a line for each move not trusted yet."""
    stored = {feed.url: feed for feed in health}
    owners = {same_url_key(ref.url): member.id for member in members for ref in member.feeds}
    planned: list[PlannedFix] = []
    waiting: list[str] = []
    for member in members:
        for ref in member.live_feeds:
            feed = stored.get(ref.url)
            if feed is None:
                continue
            if feed.gone:
                why = f"answered HTTP 410 Gone (asked {_day(feed.last_attempt)})"
                planned.append(PlannedFix(member.id, FeedGone(ref.url, today), why))
            elif feed.moved_to and feed.moved_to != ref.url:
                moves = f"answered a permanent redirect to {feed.moved_to}"
                if feed.moved_streak < after:
                    waiting.append(
                        f"{member.id}: {ref.url} {moves} on {feed.moved_streak} of the "
                        f"{after} fetches in a row that a move needs: left as it is for now"
                    )
                elif owner := owners.get(same_url_key(feed.moved_to)):
                    waiting.append(
                        f"{member.id}: {ref.url} {moves}, which is already a feed of "
                        f"{owner}: left as it is (remove one of the two by hand)"
                    )
                else:
                    why = f"{moves} on {feed.moved_streak} fetches in a row"
                    planned.append(PlannedFix(member.id, FeedMoved(ref.url, feed.moved_to), why))
    return planned, waiting


def _fix_file(
    network: Path,
    member_id: str,
    planned: list[PlannedFix],
    dry_run: bool,
    out: TextIO,
    err: TextIO,
) -> int:
    """Edit (or, dry run, show) one member file; 1 when it changed (or would), else 0."""
    path = member_file_of(network, member_id)
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
        new_text = fixed_text(text, [fix.fix for fix in planned])
        if problems := memberfile.validate(member_id, yaml.safe_load(new_text)):
            raise FeedFixError(
                "the new file would not pass the check: " + "; ".join(problems),
                hint="edit the feed by hand",
            )
    except (OSError, FeedFixError) as error:
        why = error.strerror if isinstance(error, OSError) else str(error)
        _say(err, f"{shown}: not changed: {why}")
        return 0
    if new_text == text:
        return 0
    for fix in planned:
        _say(out, f"{shown}: {_change(fix.fix)}: {fix.why}")
    if dry_run:
        diff = difflib.unified_diff(
            text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"a/{shown}",
            tofile=f"b/{shown}",
        )
        out.write(terminal_text("".join(diff), lines=True))
        out.write("\n")
    else:
        write_atomically(path, new_text)
    return 1


def _by_member(planned: list[PlannedFix]) -> Mapping[str, list[PlannedFix]]:
    grouped: dict[str, list[PlannedFix]] = {}
    for fix in planned:
        grouped.setdefault(fix.member_id, []).append(fix)
    return grouped


def _change(fix: FeedFix) -> str:
    if isinstance(fix, FeedMoved):
        return f"feed {fix.url} -> {fix.new_url}"
    return f"feed {fix.url} marked gone ({fix.since})"


def _summary(changed: int, fixes: int, dry_run: bool) -> str:
    if not fixes:
        return "No member file to fix: no feed has moved for sure, none is gone."
    files = f"{changed} member file{'s' if changed != 1 else ''}"
    if dry_run:
        return f"Would rewrite {files} (dry run: nothing written)."
    return f"Rewrote {files}."


def _day(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).date().isoformat() if moment else "never"


def _say(stream: TextIO, text: str) -> None:
    print(terminal_text(text, lines=True), file=stream)
