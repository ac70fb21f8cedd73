"""`invoke import-opml FILE`: a feed reader's subscriptions as member files, one per person.

The OPML reader (pln_site.discover.opml, tolerant: exports as readers write them, malformed
ones too, in linear time) gives the subscriptions and every outline with its line; here they
become feeds with their htmlUrl and line, for grouping and for the report, and every outline
that is not imported as it is gets its reason.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from pln_site.commands.opml_people import (
    OpmlFeed,
    group_by_site,
    home_of_feed,
    known_topics,
    name_from_title,
    topic_spelling,
    topics_of,
)
from pln_site.discover.opml import NotOpml, NotWellFormed, Outline, parse_opml
from pln_site.members import memberfile
from pln_site.messages import display_path, terminal_text
from pln_site.text import plain_text
from pln_site.urls import is_http_url, same_url_key
from pln_site.xmltext import BYTE_ORDER_MARKS

log = logging.getLogger(__name__)

MAX_OPML_BYTES = 10 * 1024 * 1024
TEXT_MAX = 300
_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']""")


@dataclass
class FeedOutline:
    """What listparser leaves out of a feed's outline: its htmlUrl, its line, its title."""

    html_url: str | None
    line: int
    title: str = ""
    again: list[int] = field(default_factory=list)  # the lines that list the same URL again


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class OpmlUnreadable(Exception):
    """The file is not an OPML subscription list; the message says why."""


def import_opml(
    path: str | Path, settings: dict, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Create a member file for every site in the OPML file that is not in the network yet.

    Exit codes: 0 the file was read (failed outlines are listed), 2 it could not be read.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        feeds, skipped = read_opml(Path(path))
    except OpmlUnreadable as error:
        print(terminal_text(f"Cannot import {path}: {error}"), file=err)
        return 2
    report = ImportReport(skipped=skipped)
    roster = memberfile.read_roster(memberfile.network_dir(settings))
    topics = known_topics(roster)
    for group in group_by_site(feeds):
        _import_group(group, roster, topics, report, source=Path(path).name)
    _print_report(report, out)
    return 0


def read_opml(path: Path) -> tuple[list[OpmlFeed], list[str]]:
    """The feeds of an OPML file, and every outline that is not imported as it is, with why
    ("line N: title: no feed URL (xmlUrl)", "...: the same feed as line M")."""
    try:
        size = path.stat().st_size
        if size > MAX_OPML_BYTES:
            raise OpmlUnreadable(f"the file is {size:,} bytes; more than an OPML export has")
        data = path.read_bytes()
    except OSError as error:
        raise OpmlUnreadable(error.strerror or str(error)) from None
    try:
        opml = parse_opml(decode_opml(data), tolerant=True)
    except NotOpml:
        raise OpmlUnreadable("it is not OPML (hint: export your subscriptions as OPML)") from None
    except NotWellFormed as error:
        raise OpmlUnreadable(f"it is not well-formed: {error}") from None
    outlines, failures = _feed_outlines(opml.outlines)
    feeds: list[OpmlFeed] = []
    by_key: dict[str, OpmlFeed] = {}
    for raw in opml.feeds:
        url = feed_url(raw.get("url", ""))
        outline = outlines.get(raw.get("url", "").strip())
        line = outline.line if outline else None
        title = plain_text(raw.get("title") or "", TEXT_MAX, is_html=False)
        where = f"line {line}" if line else "an outline"
        if url is None:
            failures.append(
                f"{where}: {title or 'untitled'}: {raw.get('url')!r} is not an http(s) URL"
            )
            continue
        topics = topics_of(raw.get("categories", []))
        for again in outline.again if outline else []:
            failures.append(
                f"line {again}: {title or 'untitled'}: the same feed as line {line}; "
                "one member, with the folders of both as topics"
            )
        first = by_key.get(same_url_key(url))
        if first is not None:  # the same feed written another way (http:, www., a slash...)
            failures.append(
                f"{where}: {title or 'untitled'}: the same feed as "
                f"{f'line {first.line}' if first.line else first.url}, written differently; "
                "one member, with the folders of both as topics"
            )
            first.topics += [t for t in topics if t.casefold() not in _folded(first.topics)]
            continue
        html_url = outline.html_url if outline else None
        by_key[same_url_key(url)] = feed = OpmlFeed(url, title, html_url, topics, line)
        feeds.append(feed)
    read = {raw.get("url", "").strip() for raw in opml.feeds}
    for url, outline in outlines.items():
        if url not in read:  # an outline with a feed URL that listparser did not take as a feed
            failures.append(
                f"line {outline.line}: {outline.title or 'untitled'}: {url!r} was not read as a "
                "feed (hint: check the outline's attributes)"
            )
    return feeds, sorted(failures, key=_line_number)


def _feed_outlines(outlines: list[Outline]) -> tuple[dict[str, FeedOutline], list[str]]:
    """Each feed outline's htmlUrl and line (by its feed URL), and every outline that is no feed
    and no folder (no xmlUrl, and no outlines inside it): none is left out without a word."""
    by_url: dict[str, FeedOutline] = {}
    failures: list[str] = []
    for outline in outlines:
        values = {name: value.strip() for name, value in outline.attributes.items()}
        title = plain_text(values.get("text") or values.get("title") or "", 80, is_html=False)
        url = values.get("xmlurl")
        if url:
            html_url = values.get("htmlurl")
            known = by_url.get(url)
            if known is None:
                home = html_url if is_http_url(html_url) else None
                by_url[url] = FeedOutline(home, outline.line, title)
            else:
                known.again.append(outline.line)
        elif not outline.holds_outlines:
            failures.append(f"line {outline.line}: {title or 'untitled'}: no feed URL (xmlUrl)")
    return by_url, failures


def _folded(names: list[str]) -> set[str]:
    return {name.casefold() for name in names}


def decode_opml(data: bytes) -> str:
    """The file's text in the encoding it declares: a byte order mark, else the XML
    declaration's `encoding`, else UTF-8 (XML's default)."""
    encoding = next((name for mark, name in BYTE_ORDER_MARKS if data.startswith(mark)), None)
    if encoding is None:
        declared = _DECLARED_ENCODING.match(data[:200].lstrip())
        encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding)
    except LookupError:  # an unknown name, or a codec that is not a text encoding (base64)
        raise OpmlUnreadable(f"it declares an encoding that cannot be read: {encoding!r}") from None
    except UnicodeDecodeError as error:
        raise OpmlUnreadable(
            f"it is not valid {encoding}: byte {data[error.start]:#04x} at position "
            f"{error.start:,} (hint: save it as UTF-8, or declare its encoding)"
        ) from None


def feed_url(value: str) -> str | None:
    """An http(s) URL; the old feed: scheme ("feed://host/x", "feed:https://...") is undone."""
    value = value.strip()
    if value.lower().startswith("feed:"):
        rest = value[5:]
        value = rest if rest.lower().startswith(("http:", "https:")) else "http:" + rest
    if not is_http_url(value) or len(value) > 2000 or any(ch.isspace() for ch in value):
        return None
    return value


def _line_number(failure: str) -> int:
    match = re.match(r"line (\d+)", failure)
    return int(match.group(1)) if match else 0


# --- writing ----------------------------------------------------------------------------------


def _import_group(
    group: list[OpmlFeed],
    roster: memberfile.Roster,
    topics_known: dict[str, str],
    report: ImportReport,
    source: str,
) -> None:
    first = group[0]
    home = next((f.html_url for f in group if f.html_url), None) or home_of_feed(first.url)
    named = next(((f.title, n) for f in group if (n := name_from_title(f.title))), None)
    title, name = named or (first.title, urlsplit(home).hostname or home)
    where = f"line {first.line}" if first.line else "outline"
    if owner := roster.owner_of(home, *(f.url for f in group)):
        report.skipped.append(
            f"{where}: {name}: in your network already ({display_path(roster.path_for(owner))})"
        )
        return
    topics: list[str] = []
    for feed in group:
        for topic in feed.topics:
            spelling = topic_spelling(topic, topics_known)
            if spelling not in topics:
                topics.append(spelling)
    data = memberfile.draft_data(name, home, topics)
    data["feeds"] = [_feed_ref(feed) for feed in group]
    member_id = memberfile.propose_id(name, home, roster.ids)
    problems = memberfile.validate(member_id, data)
    if problems:
        report.failed.append(f"{where}: {name}: {'; '.join(problems)}")
        return
    path = roster.path_for(member_id)
    header = [f"Imported from {source} with `invoke import-opml` on {memberfile.today()}."]
    if named and title == name:
        check = f"the name is the feed's title {title!r}: is it theirs?"
    elif named:
        check = f"the name is taken from the feed's title {title!r}: is it theirs?"
    else:
        check = f"the feed's title {title!r} names no one: the name is the site's address"
    try:
        memberfile.write_new_file(path, memberfile.member_yaml(data, header, {"name": check}))
    except FileExistsError:
        report.skipped.append(f"{where}: {name}: exists ({display_path(path)})")
        return
    roster.add(member_id, [home, *(f.url for f in group)])
    count = f"{len(group)} feeds" if len(group) > 1 else "1 feed"
    report.created.append(f"{display_path(path)}: {name} ({count})")


def _feed_ref(feed: OpmlFeed) -> dict[str, str]:
    ref = {"url": feed.url}
    if feed.title:
        ref["title"] = feed.title
    if feed.html_url:
        ref["html_url"] = feed.html_url
    return ref


def _print_report(report: ImportReport, out: TextIO) -> None:
    print(
        f"Created {len(report.created)} member files, skipped {len(report.skipped)} "
        f"(each with its reason below), {len(report.failed)} failed.",
        file=out,
    )
    for label, lines in (
        ("created", report.created),
        ("skipped", report.skipped),
        ("failed", report.failed),
    ):
        for line in lines:
            print(f"  {label}: {terminal_text(line)}", file=out)  # names from the file, shown
    if report.created:
        print(memberfile.NEXT_STEP, file=out)
