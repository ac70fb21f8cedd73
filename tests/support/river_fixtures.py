"""A small network with feeds in three formats, and HTML helpers, for the reading-site tests.

Four members: ada (RSS, with a hostile entry and a titleless note), bea (Atom, dormant, with a
long entry to cut), cy (JSON Feed) and dov (archived; his entries were fetched while he was
still listed and must not appear anywhere). Entry dates are hours before the moment the module
is imported, so that the store's age limit keeps them all.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import shutil
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from pln_site.devserver import LocalFeedServer
from pln_site.entries import FeedSource
from pln_site.feeds.update import fetch_all
from pln_site.store import Store
from tests.support.theme_html import VOID

UTC = dt.UTC
NOW = dt.datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
AVATAR = (
    Path(__file__).resolve().parent / "site" / "content" / "images" / "avatars" / "amara-okafor.png"
)

LONG_TEXT = " ".join(["Spaced repetition works when the questions are good."] * 30)


@dataclass(frozen=True)
class Post:
    member: str
    title: str  # "" for a titleless note
    link: str
    html: str
    hours_ago: int

    @property
    def date(self) -> dt.datetime:
        return NOW - dt.timedelta(hours=self.hours_ago)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    topics: tuple[str, ...]
    feed_url: str
    feed_title: str
    status: str = "active"
    avatar: bool = False


PEOPLE = {
    "ada": Person(
        "ada",
        "Ada Quill",
        ("Python", "Teaching"),
        "http://ada.example/feed.xml",
        "Ada's notebook",
        avatar=True,
    ),
    "bea": Person(
        "bea",
        "Bea Lund",
        ("Teaching",),
        "http://bea.example/atom.xml",
        "Bea writes",
        status="dormant",
    ),
    "cy": Person("cy", "Cy Okoro", ("Python", "Data"), "http://cy.example/feed.json", "Cy's log"),
    "dov": Person(
        "dov",
        "Dov Archived",
        ("Python",),
        "http://dov.example/rss.xml",
        "Dov's old blog",
        status="archived",
    ),
}

POSTS = [
    Post(
        "ada",
        "Q&A: teaching with notebooks",
        "http://ada.example/qa",
        "<p>Questions & answers.</p>",
        1,
    ),
    Post(
        "ada",
        "A post that tries things",
        "http://ada.example/hostile",
        '<p>Hello</p><script>alert("feed")</script><img src="x" onerror="alert(1)">'
        '<a href="javascript:alert(2)">click</a>',
        20,
    ),
    Post(
        "ada",
        "",
        "http://ada.example/note-1",
        "<p>Just a short note about tests today, nothing more.</p>",
        30,
    ),
    Post(
        "bea",
        "Spaced repetition, again",
        "http://bea.example/spaced",
        f"<p><em>{LONG_TEXT}</em> <a href='http://bea.example/more'>more {LONG_TEXT}</a></p>",
        5,
    ),
    Post("bea", "Rubrics", "http://bea.example/rubrics", "<p>On <strong>rubrics</strong>.</p>", 26),
    Post(
        "bea",
        "Office hours",
        "http://bea.example/office",
        "<p>Office hours <code>moved</code>.</p>",
        53,
    ),
    Post("bea", "Peer review", "http://bea.example/peer", "<ul><li>one</li><li>two</li></ul>", 80),
    Post("cy", "Dataframes & me", "http://cy.example/df", "<p>Notes on <b>dataframes</b>.</p>", 50),
    Post("cy", "Plotting", "http://cy.example/plot", "<p>Plots.</p>", 75),
    Post("cy", "Tidy data", "http://cy.example/tidy", "<p>Tidy.</p>", 100),
    Post("dov", "Dov's last post", "http://dov.example/last", "<p>Archived words.</p>", 3),
    Post("dov", "Dov's first post", "http://dov.example/first", "<p>Older words.</p>", 40),
]


def posts_of(*member_ids: str) -> list[Post]:
    return sorted((p for p in POSTS if p.member in member_ids), key=lambda p: p.hours_ago)


LISTED = ("ada", "bea", "cy")


# -- feed documents ------------------------------------------------------------------------------


def rss_document(person: Person, posts: list[Post]) -> str:
    items = []
    for post in posts:
        title = f"<title>{escape(post.title)}</title>" if post.title else ""
        items.append(
            f"<item>{title}<link>{post.link}</link><guid>{post.link}</guid>"
            f"<pubDate>{email.utils.format_datetime(post.date)}</pubDate>"
            f"<description>{escape(post.html)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(person.feed_title)}</title><link>http://{person.id}.example/</link>"
        f"<description>d</description>{''.join(items)}</channel></rss>\n"
    )


def atom_document(person: Person, posts: list[Post]) -> str:
    entries = []
    for post in posts:
        entries.append(
            f"<entry><title>{escape(post.title)}</title><id>{post.link}</id>"
            f'<link rel="alternate" href="{post.link}"/>'
            f"<published>{post.date.isoformat()}</published><updated>{post.date.isoformat()}</updated>"
            f'<content type="html">{escape(post.html)}</content></entry>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(person.feed_title)}</title><id>{person.feed_url}</id>"
        f'<link rel="alternate" href="http://{person.id}.example/"/>'
        f"<updated>{NOW.isoformat()}</updated><author><name>{escape(person.name)}</name></author>"
        f"{''.join(entries)}</feed>\n"
    )


def json_document(person: Person, posts: list[Post]) -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": person.feed_title,
            "home_page_url": f"http://{person.id}.example/",
            "items": [
                {
                    "id": p.link,
                    "url": p.link,
                    "title": p.title,
                    "content_html": p.html,
                    "date_published": p.date.isoformat(),
                }
                for p in posts
            ],
        }
    )


def write_feeds(root: Path) -> None:
    """The feeds as files under `root/<host>/<path>`, for LocalFeedServer(root, by_host=True)."""
    writers = {"ada": rss_document, "bea": atom_document, "cy": json_document, "dov": rss_document}
    for member_id, person in PEOPLE.items():
        host_and_path = person.feed_url.removeprefix("http://")
        target = root / host_and_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(writers[member_id](person, posts_of(member_id)), encoding="utf-8")


def fetched_site(root: Path) -> Path:
    """`root/feeds` and `root/content` written, every member's feed (dov's too: he was fetched
    while he was still listed) served from 127.0.0.1 and fetched through the real fetcher into
    `root/cache/planet.sqlite3`; returns the store's path."""
    write_feeds(root / "feeds")
    write_content(root / "content")
    sources = [FeedSource(p.id, p.feed_url, p.feed_title) for p in PEOPLE.values()]
    store_file = root / "cache" / "planet.sqlite3"
    with LocalFeedServer(root / "feeds", by_host=True) as server:
        settings = {
            "PLANET_ALLOW_PRIVATE_ADDRESSES": True,
            "PLANET_RESOLVE": {f"{member_id}.example": server.address for member_id in PEOPLE},
        }
        with Store(store_file) as store:
            report = fetch_all(sources, store, settings)
    assert [feed.outcome for feed in report.feeds] == ["ok"] * len(PEOPLE), report.to_dict()
    return store_file


def write_content(content: Path) -> None:
    """A site's content folder: one post, and the four member files."""
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "hello.md").write_text(
        "Title: Hello\nDate: 2024-01-01\n\nHello.\n", encoding="utf-8"
    )
    (content / "network").mkdir()
    avatars = content / "images" / "avatars"
    avatars.mkdir(parents=True)
    for person in PEOPLE.values():
        lines = [
            f"name: {person.name}",
            f"url: http://{person.id}.example/",
            "why: Writes well.",
            "since: 2020",
            f"topics: [{', '.join(person.topics)}]",
            f"status: {person.status}",
            "feeds:",
            f"  - url: {person.feed_url}",
            f"    title: {person.feed_title}",
        ]
        if person.avatar:
            shutil.copy(AVATAR, avatars / f"{person.id}.png")
            lines.append(f"avatar: {person.id}.png")
        (content / "network" / f"{person.id}.yaml").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )


# -- reading HTML ----------------------------------------------------------------------------------


class BalanceChecker(HTMLParser):
    """Records every end tag that does not close the element opened last (broken nesting)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def nesting_problems(html: str) -> list[str]:
    checker = BalanceChecker()
    checker.feed(html)
    checker.close()
    return checker.problems + [f"<{tag}> never closed" for tag in checker.stack]


def resolve(page_file: Path, output: Path, href: str) -> Path:
    """The output file a relative link on `page_file` points to."""
    page_url = "http://site.test/" + page_file.relative_to(output).as_posix()
    target = urljoin(page_url, href).removeprefix("http://site.test/")
    path = output / target
    return path / "index.html" if target.endswith("/") or not target else path
