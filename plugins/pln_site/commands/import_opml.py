"""`invoke import-opml FILE`: a feed reader's subscriptions as member files, one per person.

listparser reads the subscriptions (feeds, titles, folders and categories, in any OPML dialect
readers write). It drops each feed's htmlUrl and the line it came from, so a second, small pass
over the same outlines recovers those for grouping and for the report.
"""

from __future__ import annotations

import codecs
import logging
import re
import sys
import xml.parsers.expat
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import listparser

from pln_site.commands.opml_people import (
    OpmlFeed,
    group_by_site,
    home_of_feed,
    known_topics,
    name_from_title,
    topic_spelling,
    topics_of,
)
from pln_site.members import memberfile
from pln_site.messages import display_path, terminal_text
from pln_site.text import plain_text
from pln_site.urls import is_http_url, same_url_key

log = logging.getLogger(__name__)

MAX_OPML_BYTES = 10 * 1024 * 1024
TEXT_MAX = 300
# Byte order marks, longest first (UTF-32's little-endian mark begins with UTF-16's).
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']""")


@dataclass
class Outline:
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
    text = decode_opml(data)
    try:
        # UTF-8 bytes: listparser reads bytes as UTF-8 whatever the file declares, and never
        # takes bytes for a URL to fetch.
        safe = text if well_formed(text) else readable_in_linear_time(text)
        parsed = listparser.parse(safe.encode("utf-8"))
        if not parsed.get("version", "").startswith("opml"):
            raise OpmlUnreadable("it is not OPML (hint: export your subscriptions as OPML)")
        outlines, failures = _outlines(safe)
    except AssertionError as error:  # html.parser's word for a malformed "<![...]>" section
        raise OpmlUnreadable(f"it is not well-formed: {error}") from None
    feeds: list[OpmlFeed] = []
    by_key: dict[str, OpmlFeed] = {}
    for raw in parsed["feeds"]:
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
    read = {raw.get("url", "").strip() for raw in parsed["feeds"]}
    for url, outline in outlines.items():
        if url not in read:  # an outline with a feed URL that listparser did not take as a feed
            failures.append(
                f"line {outline.line}: {outline.title or 'untitled'}: {url!r} was not read as a "
                "feed (hint: check the outline's attributes)"
            )
    return feeds, sorted(failures, key=_line_number)


def _folded(names: list[str]) -> set[str]:
    return {name.casefold() for name in names}


def decode_opml(data: bytes) -> str:
    """The file's text in the encoding it declares: a byte order mark, else the XML
    declaration's `encoding`, else UTF-8 (XML's default)."""
    encoding = next((name for mark, name in _BYTE_ORDER_MARKS if data.startswith(mark)), None)
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


class _OutlineReader(HTMLParser):
    """Each feed outline's htmlUrl and line, and every outline that is no feed and no folder
    (no xmlUrl, and no outlines inside it): none is left out without a word."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.by_url: dict[str, Outline] = {}
        self.failures: list[str] = []
        # The open outlines: (line, title, whether it is a feed, whether it holds outlines).
        self._open: list[list] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "outline":
            return
        values = {name: (value or "").strip() for name, value in attrs}
        line = self.getpos()[0]
        title = plain_text(values.get("text") or values.get("title") or "", 80, is_html=False)
        if self._open:
            self._open[-1][3] = True
        url = values.get("xmlurl")
        if url:
            html_url = values.get("htmlurl")
            known = self.by_url.get(url)
            if known is None:
                self.by_url[url] = Outline(html_url if is_http_url(html_url) else None, line, title)
            else:
                known.again.append(line)
        self._open.append([line, title, bool(url), False])

    def handle_endtag(self, tag: str) -> None:
        if tag == "outline" and self._open:
            self._report_if_empty(*self._open.pop())

    def close(self) -> None:
        super().close()
        while self._open:  # outlines a malformed file never closes
            self._report_if_empty(*self._open.pop())

    def _report_if_empty(self, line: int, title: str, is_feed: bool, has_children: bool) -> None:
        if not is_feed and not has_children:
            self.failures.append(f"line {line}: {title or 'untitled'}: no feed URL (xmlUrl)")


def _outlines(text: str) -> tuple[dict[str, Outline], list[str]]:
    reader = _OutlineReader()
    reader.feed(text)
    reader.close()
    return reader.by_url, reader.failures


# --- reading a malformed file in linear time -----------------------------------------------------

# listparser and _OutlineReader read with the standard library's HTMLParser. On a construct that
# never ends (a tag, a comment, a "<![CDATA[" with no end), HTMLParser searches to the end of
# the file from it, takes a few characters as text, and searches again from the next one: the
# square of the file (100 KB of "<a" took 20 s). A well-formed file has no such construct, so it
# is read as it is; in a malformed one, each construct that never ends becomes text, and each
# start tag is written again with its attributes quoted (its own quoting may be what never ends).
_CONSTRUCT_START = re.compile(r"<(?:!--|!\[|[!?]|/?[A-Za-z])")
_COMMENT_END = re.compile(r"--\s*>")  # HTMLParser's own ends of a comment and marked sections
_MARKED_SECTION_END = re.compile(r"]\s*]\s*>")
_MS_MARKED_SECTION_END = re.compile(r"]\s*>")
_MARKED_SECTION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*")
_MARKED_SECTION_ENDS = {
    **dict.fromkeys(("temp", "cdata", "ignore", "include", "rcdata"), _MARKED_SECTION_END),
    **dict.fromkeys(("if", "else", "endif"), _MS_MARKED_SECTION_END),
}
# A start tag: it ends at ">", and never ends if a "<" or the end of the file comes first
# (outside its quoted values, which are read whole). Possessive: read once, without backtracking.
_START_TAG = re.compile(
    r"""<([A-Za-z][^\s/<>]*+)((?:[^<>"'=]++|=\s*+(?:"[^"]*+"|'[^']*+')?+|["'])*+)(>?)"""
)
_ATTRIBUTE = re.compile(
    r"""([^\s"'=/>][^\s=/>]*+)(?:\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s>]*+)))?+"""
)


def well_formed(text: str) -> bool:
    """Whether `text` is well-formed XML (expat: linear, and it never fetches a DTD)."""
    parser = xml.parsers.expat.ParserCreate("utf-8")
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True


def _last_start(pattern: re.Pattern[str], text: str) -> int:
    last = -1
    for match in pattern.finditer(text):
        last = match.start()
    return last


def readable_in_linear_time(text: str) -> str:
    """`text` as HTMLParser reads it, but with nothing it would search to the end again and
    again: constructs that never end are text, start tags are written again. Lines stay where
    they were (the report names them)."""
    last_gt = text.rfind(">")
    last_end = {
        pattern: _last_start(pattern, text)
        for pattern in (_COMMENT_END, _MARKED_SECTION_END, _MS_MARKED_SECTION_END)
    }
    kept: list[str] = []
    position = 0
    while match := _CONSTRUCT_START.search(text, position):
        start, opening = match.start(), match.group()
        kept.append(text[position:start])
        end = -1  # where a construct that ends ends; -1: it never does
        if opening == "<!--":
            if last_end[_COMMENT_END] >= start + 4:
                end = _COMMENT_END.search(text, start + 4).end()  # type: ignore[union-attr]
        elif opening == "<![":
            name = _MARKED_SECTION_NAME.match(text, start + 3)
            closing = _MARKED_SECTION_ENDS.get(name.group().lower()) if name else None
            if closing is None:  # HTMLParser says why it cannot read this: keep it
                kept.append(opening)
                position = match.end()
                continue
            if last_end[closing] >= start + 3:
                end = closing.search(text, start + 3).end()  # type: ignore[union-attr]
        elif opening[-1].isalpha() and opening[1] != "/":
            tag = _START_TAG.match(text, start)
            assert tag is not None
            if tag.group(3):
                kept.append(_start_tag(tag.group(1), tag.group(2), text[start : tag.end()]))
            else:  # it never ends: all of it is text (each "<" in it too, read once)
                kept.append(text[start : tag.end()].replace("<", "&lt;"))
            position = tag.end()
            continue
        elif last_gt > start:  # an end tag, "<?...", "<!DOCTYPE...", "<!...": up to a ">"
            end = text.find(">", start) + 1
        if end < 0:
            kept.append("&lt;")  # it never ends: it is text, as HTMLParser would end up reading it
            position = start + 1
        else:
            kept.append(text[start:end])
            position = end
    kept.append(text[position:])
    return "".join(kept)


def _start_tag(name: str, attributes: str, original: str) -> str:
    """A start tag written again: every value in double quotes, the tag's lines kept."""
    written = [f"<{name}"]
    for attribute in _ATTRIBUTE.finditer(attributes):
        value = next((v for v in attribute.group(2, 3, 4) if v is not None), None)
        if value is None:
            written.append(f" {attribute.group(1)}")
        else:
            written.append(f' {attribute.group(1)}="{value.replace(chr(34), "&quot;")}"')
    tag = "".join(written)
    closing = "/>" if attributes.rstrip().endswith("/") else ">"
    return tag + "\n" * (original.count("\n") - tag.count("\n")) + closing


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
