"""Helpers for the hostile-input tests: feeds, member files, and a site built from a real fetch.

Every feed is served by a LocalFeedServer on 127.0.0.1; member feeds use `*.example` host names
that PLANET_RESOLVE maps to that server, the way `invoke demo` does.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from pln_site.entries import FeedSource
from pln_site.feeds.update import FetchReport, fetch_all
from pln_site.store import Store
from tests.support.fetching import BASE_SETTINGS
from tests.support.project import build_site

UTC = dt.UTC

FETCH_SETTINGS = BASE_SETTINGS


def recent(hours: float = 1) -> dt.datetime:
    return (dt.datetime.now(UTC) - dt.timedelta(hours=hours)).replace(microsecond=0)


def rss_item(guid: str | None, title: str, *, link: str | None = None, date: str | None = None,
             description: str = "<p>Words.</p>") -> str:  # fmt: skip
    parts = ["<item>"]
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{escape(guid)}</guid>')
    if link:
        parts.append(f"<link>{escape(link)}</link>")
    parts.append(f"<title>{escape(title)}</title>")
    if date:
        parts.append(f"<pubDate>{escape(date)}</pubDate>")
    parts.append(f"<description>{escape(description)}</description></item>")
    return "".join(parts)


def rss(
    items: Iterable[str], *, title: str = "A blog", site: str = "http://blog.example/"
) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(site)}</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def rfc822(moment: dt.datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


def member_file(
    name: str,
    feeds: Iterable[tuple[str, str | None]] = (),
    *,
    why: str = "Writes well.",
    topics: Iterable[str] = ("testing",),
    **extra,
) -> str:
    """A member file as YAML text; values go through the YAML dumper, so any text is safe."""
    data = {
        "name": name,
        "url": "https://member.example/",
        "why": why,
        "since": "2020",
        "topics": list(topics),
        "feeds": [
            {"url": url, **({"title": title} if title is not None else {})} for url, title in feeds
        ],
        **extra,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_site(content: Path, members: Mapping[str, str]) -> Path:
    """A content folder with one post and the given member files (id -> YAML text)."""
    (content / "posts").mkdir(parents=True, exist_ok=True)
    (content / "posts" / "hello.md").write_text(
        "Title: Hello\nDate: 2024-01-01\n\nHello.\n", encoding="utf-8"
    )
    (content / "network").mkdir(exist_ok=True)
    (content / "images" / "avatars").mkdir(parents=True, exist_ok=True)
    for member_id, text in members.items():
        (content / "network" / f"{member_id}.yaml").write_text(text, encoding="utf-8")
    return content


def fetch_into(
    store_file: Path, sources: list[FeedSource], resolve: Mapping[str, str], **overrides
) -> FetchReport:
    with Store(store_file) as store:
        return fetch_all(
            sources, store, {**FETCH_SETTINGS, "PLANET_RESOLVE": dict(resolve), **overrides}
        )


def build(content: Path, output: Path, store_file: Path, **overrides) -> dict:
    return build_site(content, output, PLANET_STORE_PATH=str(store_file), **overrides)


def integrity(store_file: Path) -> str:
    """SQLite's own verdict on the file: "ok" when every page and index is sound."""
    with sqlite3.connect(store_file) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def entry_keys(store_file: Path) -> dict[str, set[str]]:
    """The stored entry keys of every feed, read straight from the file."""
    found: dict[str, set[str]] = {}
    with sqlite3.connect(store_file) as db:
        for feed_url, key in db.execute("SELECT feed_url, key FROM entries"):
            found.setdefault(feed_url, set()).add(key)
    return found
