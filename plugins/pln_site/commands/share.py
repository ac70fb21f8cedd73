"""`invoke share URL`: a draft post that answers an entry of the reading feed.

The entry's title and text come from someone else's feed, and the draft is Markdown that the
build renders as the owner's own, trusted HTML. So every piece of feed text is written as
literal text: HTML-escaped (a "<script>" in a title stays text) and with Markdown's punctuation
backslash-escaped (a "[link](javascript:...)" in a quote stays text too).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from pelican.utils import slugify

from pln_site.commands.settings import fetched_store_or_report, members_or_report
from pln_site.datetext import moment_text, site_timezone
from pln_site.entries import StoredEntry
from pln_site.messages import display_path, terminal_text
from pln_site.site.reading.river import member_sites
from pln_site.store import Store, StoreUnavailable
from pln_site.text import truncate_text
from pln_site.urls import same_url_key

QUOTE_CHARS = 280
TITLE_CHARS = 120

# Python-Markdown's backslash escapes (every character it lets a backslash make literal).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


def share_entry(
    link: str,
    settings: dict,
    *,
    now: dt.datetime | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Write a draft post about the stored entry whose link is `link`.

    Exit codes: 0 written, 1 no such entry (or no store yet, or one that cannot be read), 2 the
    member files are broken.
    """
    out, err = out or sys.stdout, err or sys.stderr
    path = fetched_store_or_report(settings, err)
    if path is None:
        return 1
    every_member = members_or_report(settings, err)
    if every_member is None:
        return 2
    members = {member.id: member for member in every_member}
    try:
        # Read-only: sharing only reads the store; it never creates, migrates or locks it.
        # With whose site is whose, so that a copy of a member's link is never taken for theirs.
        with Store(path, read_only=True) as store:
            entry = find_entry(store.entries(sites=member_sites(members.values())), link)
    except StoreUnavailable as trouble:
        print(terminal_text(f"No draft: {trouble}", lines=True), file=err)
        return 1
    if entry is None:
        print(
            terminal_text(
                f"No entry of the reading feed links to {link} (hint: copy the link from the "
                "reading page; run `invoke fetch` if the post is new)."
            ),
            file=err,
        )
        return 1
    member = members.get(entry.member_id)
    existing = existing_draft(_posts_folder(settings), entry)
    if existing is not None:
        print(
            terminal_text(
                f"{display_path(existing)} is a draft about this entry already: write your part "
                "there (or delete it to start again)."
            ),
            file=out,
        )
        return 0
    tz = site_timezone(settings.get("TIMEZONE"))
    text = draft_post(entry, member, now or dt.datetime.now(), tz=tz)
    target = _free_path(_posts_folder(settings), _slug(entry, settings))
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as handle:
        handle.write(text)
    print(
        terminal_text(
            f"Wrote {display_path(target)} (Status: draft): write your part, then publish."
        ),
        file=out,
    )
    if member is None:
        print(
            terminal_text(
                f"  {entry.member_id!r} is no longer a member, so the draft has no Mentions line."
            ),
            file=out,
        )
    return 0


def find_entry(entries: list[StoredEntry], link: str) -> StoredEntry | None:
    """The entry whose link is `link`: exactly, else the same URL written a little differently."""
    wanted = link.strip()
    for entry in entries:
        if entry.link == wanted:
            return entry
    loose = same_url_key(wanted)
    return next((e for e in entries if e.link and same_url_key(e.link) == loose), None)


def draft_post(entry: StoredEntry, member, now: dt.datetime, tz: dt.tzinfo = dt.UTC) -> str:
    """The draft's Markdown: metadata, a link to the original, a short quote, the credit."""
    author = member.name if member is not None else (entry.author or entry.member_id)
    title = one_line(entry.title) or f"A note by {author}"
    quote = quote_markdown(entry.content_html or entry.summary_html, QUOTE_CHARS)
    headers = [
        f"Title: {one_line(truncate_text(title, TITLE_CHARS))}",
        f"Date: {now.strftime('%Y-%m-%d %H:%M')}",
        "Category: Notes",
        "Tags:",
    ]
    if member is not None:
        headers.append(f"Mentions: {member.id}")
    headers.append("Status: draft")
    credit_url = member.url if member is not None else None
    lines = [
        *headers,
        "",
        f"[{markdown_text(title)}]({markdown_url(entry.link)})"
        + (f" by [{markdown_text(author)}]({markdown_url(credit_url)})" if credit_url else "")
        + (f", {moment_text(entry.date, tz)}" if entry.date else "")  # as the pages show it
        + ":",
        "",
    ]
    if quote:
        lines += [f"> {line}".rstrip() for line in quote.split("\n")] + [""]
    lines += ["Write here: what it made you think, and what you would add.", ""]
    return "\n".join(lines)


# Elements that start a paragraph of the quote (lists are read on their own).
_BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "aside", "figure", "figcaption",
    "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "table", "tr",
}  # fmt: skip
_LISTS = {"ul", "ol"}


def quote_markdown(html: str | None, max_chars: int) -> str:
    """The start of an entry's (sanitized) HTML as Markdown: its paragraphs and lists, each
    piece of text literal (`markdown_text`), about `max_chars` characters of text in all."""
    blocks: list[str] = []  # paragraphs, and lists of "- item" lines
    left = max_chars
    was_item = False
    for marker, text in _text_blocks(BeautifulSoup(html or "", "html.parser")):
        if left < 20:  # too little room for another piece to say anything
            if blocks and not blocks[-1].endswith("…"):
                blocks[-1] += "…"
            break
        text = truncate_text(text, left)
        left -= len(text)
        line = markdown_text(text) if marker is None else f"{marker} {markdown_text(text)}"
        if marker is not None and was_item:
            blocks[-1] += "\n" + line  # the next item of the same list
        else:
            blocks.append(line)
        was_item = marker is not None
    return "\n\n".join(blocks)


def _text_blocks(node: Tag) -> Iterator[tuple[str | None, str]]:
    """(list marker or None, plain text) for each paragraph and list item under `node`."""
    run: list[str] = []

    def flush() -> Iterator[tuple[str | None, str]]:
        text = " ".join("".join(run).split())
        run.clear()
        if text:
            yield None, text

    for child in node.children:
        if isinstance(child, Tag) and child.name in _LISTS:
            yield from flush()
            items = child.find_all("li", recursive=False)
            for number, item in enumerate(items, 1):
                text = " ".join(item.get_text(" ").split())
                if text:
                    yield (f"{number}." if child.name == "ol" else "-"), text
        elif isinstance(child, Tag) and child.name in _BLOCKS:
            yield from flush()
            yield from _text_blocks(child)
        elif isinstance(child, Tag):
            run.append(child.get_text(" " if child.name == "br" else ""))
        elif isinstance(child, NavigableString) and not isinstance(child, Comment):
            run.append(str(child))
    yield from flush()


def existing_draft(folder: Path, entry: StoredEntry) -> Path | None:
    """A draft post in `folder` that links `entry` already, as a shared draft does."""
    if not folder.is_dir() or not entry.link:
        return None
    link = f"]({markdown_url(entry.link)})"
    for path in sorted(folder.rglob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        header = text.split("\n\n", 1)[0]
        if link in text and any(
            line.lower().replace(" ", "") == "status:draft" for line in header.splitlines()
        ):
            return path
    return None


def one_line(text: str | None) -> str:
    """Text for a metadata line: no line breaks (a newline would start another header)."""
    return " ".join((text or "").split())


def markdown_text(text: str) -> str:
    """Feed text as literal Markdown: HTML escaped, Markdown punctuation backslash-escaped."""
    escaped = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def markdown_url(url: str | None) -> str:
    """An http(s) URL for a Markdown link: spaces, brackets and quotes percent-encoded."""
    return quote(url or "", safe=":/?#@!$&'*+,;=%-._~")


def _posts_folder(settings: dict) -> Path:
    return Path(settings["PATH"]) / (settings.get("ARTICLE_PATHS") or ["posts"])[0]


def _slug(entry: StoredEntry, settings: dict) -> str:
    base = slugify(
        one_line(entry.title) or f"note-{entry.member_id}",
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
    )
    return base[:60].rstrip("-") or "shared-post"


def _free_path(folder: Path, slug: str) -> Path:
    """`folder/slug.md`, or slug-2.md, slug-3.md...: a draft never replaces a post."""
    candidate, number = folder / f"{slug}.md", 2
    while candidate.exists():
        candidate, number = folder / f"{slug}-{number}.md", number + 1
    return candidate
