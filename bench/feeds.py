"""The farm's feeds: N files made from the real-world corpus, and edits that add an entry.

The corpus (../shared/corpus/feeds next to the project) has feeds of varied sizes and formats;
when N is larger, files are reused under new names. Without the corpus, synthetic RSS feeds of
a realistic size stand in (and the run says so).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import random
from pathlib import Path

from .paths import CORPUS

log = logging.getLogger(__name__)

FEED_SUFFIXES = (".xml", ".atom", ".rss", ".rdf", ".json")


def corpus_feeds() -> list[tuple[str, bytes]]:
    """(suffix, bytes) of every corpus feed, sorted by name; empty when the corpus is absent."""
    if not CORPUS.is_dir():
        return []
    return [
        (path.suffix.lower(), path.read_bytes())
        for path in sorted(CORPUS.iterdir())
        if path.suffix.lower() in FEED_SUFFIXES and path.is_file()
    ]


def synthetic_feed(index: int, entries: int = 20) -> bytes:
    """An RSS 2.0 feed with `entries` posts of a few paragraphs each."""
    rng = random.Random(index)
    words = "open learning network notes reading feed practice garden community archive".split()
    items = []
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for number in range(entries):
        paragraphs = "".join(
            "<p>" + " ".join(rng.choice(words) for _ in range(60)) + "</p>" for _ in range(4)
        )
        date = email.utils.format_datetime(base - dt.timedelta(days=number * 3 + index % 7))
        items.append(
            f"<item><title>Post {number} of feed {index}</title>"
            f"<link>https://feed{index}.example/posts/{number}</link>"
            f"<guid>https://feed{index}.example/posts/{number}</guid>"
            f"<pubDate>{date}</pubDate>"
            f"<description><![CDATA[{paragraphs}]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {index}</title><link>https://feed{index}.example/</link>"
        "<description>synthetic</description>" + "".join(items) + "</channel></rss>"
    ).encode()


def write_feeds(folder: Path, count: int) -> tuple[list[str], str]:
    """Write `count` feed files into `folder`; returns their names and where they came from."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = corpus_feeds()
    names = []
    for index in range(count):
        if corpus:
            suffix, body = corpus[index % len(corpus)]
        else:
            suffix, body = ".xml", synthetic_feed(index)
        name = f"{index:04d}{suffix}"
        (folder / name).write_bytes(body)
        names.append(name)
    origin = (
        f"{len(corpus)} real-world feeds from {CORPUS}"
        if corpus
        else f"synthetic feeds: the corpus is absent at {CORPUS}"
    )
    return names, origin


def with_new_entry(body: bytes, suffix: str, tag: str) -> bytes:
    """The feed with one more (newest) entry, as a blog that just posted would serve it."""
    now = dt.datetime.now(dt.UTC)
    link = f"https://bench.example/new/{tag}"
    text = f"<p>A new post, {tag}. " + "More words in the new post. " * 40 + "</p>"
    if suffix == ".json" or body.lstrip()[:1] == b"{":
        try:
            document = json.loads(body)
            document.setdefault("items", []).insert(
                0,
                {
                    "id": link,
                    "url": link,
                    "title": f"New {tag}",
                    "content_html": text,
                    "date_published": now.isoformat(),
                },
            )
            return json.dumps(document).encode()
        except (ValueError, AttributeError):
            return body + b" "
    for marker, item in (
        (
            b"<item",
            f"<item><title>New {tag}</title><link>{link}</link><guid>{link}</guid>"
            f"<pubDate>{email.utils.format_datetime(now)}</pubDate>"
            f"<description><![CDATA[{text}]]></description></item>",
        ),
        (
            b"<entry",
            f'<entry><title>New {tag}</title><link href="{link}"/><id>{link}</id>'
            f"<updated>{now.isoformat()}</updated>"
            f'<content type="html"><![CDATA[{text}]]></content></entry>',
        ),
    ):
        position = body.find(marker)
        if position != -1:
            return body[:position] + item.encode() + body[position:]
    return body + b"\n<!-- " + tag.encode() + b" -->\n"


def change_share(folder: Path, names: list[str], share: float, tag: str) -> list[str]:
    """Add an entry to `share` of the feeds (spread evenly); returns the changed names."""
    if share <= 0:
        return []
    step = max(1, round(1 / share))
    changed = names[::step]
    for name in changed:
        path = folder / name
        path.write_bytes(with_new_entry(path.read_bytes(), path.suffix.lower(), tag))
    return changed
