"""`invoke feeds ID`: the public feeds of a member's profiles, found, verified and offered;
with `--write`, added under `feeds:` in their file by a text edit that touches no other line,
so that the owner's comments and layout stay as they wrote them."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, TextIO

import yaml

from pln_site.discover.pages import PageFetcher
from pln_site.discover.platform_feeds import PlatformFeed, ProfileRef, find_platform_feeds
from pln_site.files import write_atomically
from pln_site.members import memberfile
from pln_site.members.loader import member_file_of
from pln_site.members.model import ID_PATTERN
from pln_site.messages import display_path, terminal_text


class FeedLinesError(Exception):
    """The file's `feeds:` is written in a way a line edit cannot extend safely."""


def platform_feeds(
    member_id: str,
    settings: dict,
    *,
    write: bool = False,
    allow_private: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print the verified feeds of the member's profiles; `write` adds them to the file.

    Exit codes: 0 done (found feeds, or written), 1 nothing to offer or the file cannot be
    changed (the message says why; the file is as it was), 2 bad arguments.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    if not ID_PATTERN.fullmatch(member_id):
        print(terminal_text(f"{member_id!r} is not a member id (their file's name)"), file=err)
        return 2
    path = member_file_of(memberfile.network_dir(settings), member_id)
    if not path.is_file():
        print(f"No member file {display_path(path)} (hint: `invoke check` lists them)", file=err)
        return 1
    text = path.read_text(encoding="utf-8")
    data = _valid_data(member_id, path, text, err)
    if data is None:
        return 1
    profiles = [ProfileRef(p["platform"], p["url"]) for p in data.get("profiles") or []]
    if not profiles:
        print(f"{display_path(path)} lists no `profiles`: no platform to look at", file=err)
        return 1
    if allow_private:
        settings = {**settings, "PLANET_ALLOW_PRIVATE_ADDRESSES": True}
    own = [feed["url"] for feed in data.get("feeds") or []]
    search = find_platform_feeds(profiles, PageFetcher(settings), known_feeds=own)
    roster = memberfile.read_roster(path.parent)
    offered: list[PlatformFeed] = []
    taken: list[str] = []
    for found in search.found:
        owner = roster.owner_of(found.feed.url)
        if owner is not None and owner != member_id:
            taken.append(f"{found.feed.url}: in {display_path(roster.path_for(owner))} already")
        else:
            offered.append(found)
    _print_report(out, offered, search.known, taken, search.failures + search.no_feed)
    if any("PLANET_ALLOW_PRIVATE_ADDRESSES" in line for line in search.failures):
        print("  (hint: for test pages on this machine, add --allow-private)", file=out)
    if not offered:
        return 1
    if not write:
        print(f"Add them to {display_path(path)} with: invoke feeds {member_id} --write", file=out)
        return 0
    refs = [_feed_ref(found) for found in offered]
    try:
        new_text = with_feeds_appended(text, refs)
    except FeedLinesError as problem:
        print(f"{display_path(path)} not changed: {problem}", file=err)
        return 1
    if problem_text := _changed_only_feeds(member_id, data, new_text, refs):
        print(f"{display_path(path)} not changed: {problem_text}", file=err)
        return 1
    write_atomically(path, new_text)
    print(f"Added {len(refs)} feed(s) to {display_path(path)}", file=out)
    return 0


def _valid_data(member_id: str, path: Path, text: str, err: TextIO) -> dict[str, Any] | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        print(f"{display_path(path)} is not valid YAML: {error}", file=err)
        return None
    problems = memberfile.validate(member_id, data) if isinstance(data, dict) else ["not a map"]
    if problems:
        print(f"{display_path(path)} has problems; fix them first (`invoke check`):", file=err)
        for problem in problems:
            print(terminal_text(f"  {problem}"), file=err)
        return None
    return data


def _feed_ref(found: PlatformFeed) -> dict[str, str]:
    ref = {"url": found.feed.url}
    if found.feed.title:
        ref["title"] = found.feed.title[:300]
    if found.feed.html_url:
        ref["html_url"] = found.feed.html_url
    ref["platform"] = found.platform
    return ref


def _print_report(
    out: TextIO, offered: list[PlatformFeed], known: list[str], taken: list[str], failed: list[str]
) -> None:
    # URLs and titles come from their pages and feeds: shown, never obeyed.
    if offered:
        print("Verified feeds:", file=out)
    for found in offered:
        feed = found.feed
        title = f" {feed.title!r}" if feed.title else ""
        print(
            terminal_text(
                f"  {found.platform}: {feed.url}{title} ({feed.kind}, {feed.entry_count} "
                f"entries; from {found.profile_url})"
            ),
            file=out,
        )
    if not offered:
        print("No new feed found on their profiles.", file=out)
    for url in known:
        print(terminal_text(f"  in their file already: {url}"), file=out)
    if taken or failed:
        print("Not offered:", file=out)
    for line in taken + failed:
        print(terminal_text(f"  {line}"), file=out)


# --- the text edit -----------------------------------------------------------------------------

_FEEDS_BLOCK = re.compile(r"^feeds:[ \t]*(#.*)?$")
_FEEDS_EMPTY = re.compile(r"^feeds:[ \t]*\[[ \t]*\][ \t]*(#.*)?$")
_ITEM_INDENT = re.compile(r"^([ \t]*)- ")


def with_feeds_appended(text: str, refs: list[dict[str, str]]) -> str:
    """`text` with `refs` as new items at the end of its top-level `feeds:` list (or a new
    `feeds:` at the end of the file); every other line stays as it was."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    starts = [n for n, line in enumerate(lines) if line.startswith("feeds:")]
    if not starts:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        return "".join(lines) + "feeds:" + newline + _items(refs, "  ", newline)
    start = starts[0]
    head = lines[start].rstrip("\r\n")
    if _FEEDS_EMPTY.match(head):
        comment = head[head.index("]") + 1 :].strip()
        lines[start] = "feeds:" + (f"  {comment}" if comment else "") + newline
    elif not _FEEDS_BLOCK.match(head):
        raise FeedLinesError(
            "its `feeds:` is written on one line; write it as a list (`feeds:` then `- url: ...` "
            "lines) or add the feeds by hand"
        )
    last, indent = start, None
    for number in range(start + 1, len(lines)):
        line = lines[number]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue  # blank lines and comments go with what follows them
        if not line[0].isspace() and not line.startswith("- "):
            break  # the next top-level key
        if indent is None and (item := _ITEM_INDENT.match(line)):
            indent = item.group(1)
        last = number
    if not lines[last].endswith(("\n", "\r")):
        lines[last] += newline
    lines.insert(last + 1, _items(refs, indent if indent is not None else "  ", newline))
    return "".join(lines)


def _items(refs: list[dict[str, str]], indent: str, newline: str) -> str:
    # safe_dump quotes whatever a feed said (colons, "#", quotes) so it reads back the same.
    dumped = yaml.safe_dump(refs, sort_keys=False, allow_unicode=True, width=100)
    return "".join(indent + line + newline for line in dumped.splitlines())


def _changed_only_feeds(
    member_id: str, data: dict[str, Any], new_text: str, refs: list[dict[str, str]]
) -> str | None:
    """Why the edited text is not the old file plus `refs` under `feeds`, if it is not."""
    try:
        new = yaml.safe_load(new_text)
    except yaml.YAMLError as error:
        return f"the edit would not read back as YAML ({error}); add the feeds by hand"
    expected = {**data, "feeds": [*(data.get("feeds") or []), *refs]}
    if new != expected:
        return "the edit would change more than `feeds`; add the feeds by hand"
    if problems := memberfile.validate(member_id, new):
        return "the new feeds do not pass the check: " + "; ".join(problems)
    return None
