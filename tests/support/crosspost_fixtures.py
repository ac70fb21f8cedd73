"""A member who posts everywhere, for the river's notes and cross-posts: Ada's blog (RSS, titled
posts), her Mastodon account (RSS with titleless items, as Mastodon writes them) and her Bluesky
account (RSS with titleless plain-text items, as Bluesky writes them); and Bea, who shares a
link and words with Ada but is another person. Written as a site folder whose feeds are served
by LocalFeedServer(by_host=True) on 127.0.0.1.

Dates are hours before the moment the module is imported, so that the store keeps them all.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass
from html import escape
from pathlib import Path

import yaml

from tests.support.hostile_sites import write_site

NOW = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)

BLOG = "http://ada.example/feed.xml"
MASTODON = "http://social.example/@ada.rss"
BLUESKY = "http://bsky.example/profile/ada.rss"
BEA = "http://bea.example/feed.xml"

BLOG_POST = "http://ada.example/2024/notebooks"
TOOT_OF_POST = "http://social.example/@ada/101"
SKEET_OF_POST = "http://bsky.example/profile/ada/post/201"
TOOT_SAME_TEXT = "http://social.example/@ada/102"
SKEET_SAME_TEXT = "http://bsky.example/profile/ada/post/202"
TOOT_ALONE = "http://social.example/@ada/103"
TOOT_LONG = "http://social.example/@ada/104"
BEA_NOTE = "http://bea.example/notes/7"

SAME_WORDS = "Reading the new paper on retrieval practice, it is good"
LONG_WORDS = " ".join(["A long thread about rubrics, written as one post without a title."] * 12)


@dataclass(frozen=True)
class Item:
    feed: str
    link: str
    html: str  # what the feed's <description> holds (escaped into it)
    hours_ago: float
    title: str = ""

    @property
    def date(self) -> dt.datetime:
        return NOW - dt.timedelta(hours=self.hours_ago)


ITEMS = [
    # The blog post, which names its copy on Mastodon (as the Syndication Links plugin does).
    Item(
        BLOG,
        BLOG_POST,
        "<p>How I teach with notebooks: small steps, many questions.</p>"
        f'<p>Also on <a class="u-syndication" href="{TOOT_OF_POST}">Mastodon</a></p>',
        3,
        title="Teaching with notebooks",
    ),
    # Its copies: a toot that links the post (before the blog's feed showed it) and a skeet
    # that marks the post as what it syndicates.
    Item(
        MASTODON,
        TOOT_OF_POST,
        f'<p>New post: Teaching with notebooks <a href="{BLOG_POST}" rel="nofollow noopener">'
        '<span class="invisible">http://</span>ada.example/2024/notebooks</a></p>',
        4,
    ),
    Item(
        BLUESKY,
        SKEET_OF_POST,
        f'<p>New post: Teaching with notebooks <a rel="syndication" href="{BLOG_POST}">'
        "ada.example/2024/notebo…</a></p>",
        2,
    ),
    # One note on both platforms, a few hours apart, the link written each platform's way.
    Item(
        MASTODON,
        TOOT_SAME_TEXT,
        f'<p>{SAME_WORDS} <a href="http://paper.example/rp">http://paper.example/rp</a></p>',
        10,
    ),
    Item(BLUESKY, SKEET_SAME_TEXT, f"<p>{SAME_WORDS.lower()} paper.example/rp</p>", 7),
    Item(MASTODON, TOOT_ALONE, "<p>Good morning from the conference hall!</p>", 20),
    Item(MASTODON, TOOT_LONG, f"<p>{LONG_WORDS}</p>", 30),
    # Another person, the same words and link within the hour: her own post.
    Item(BEA, BEA_NOTE, f'<p>{SAME_WORDS} <a href="http://paper.example/rp">paper</a></p>', 8),
]

# What the river shows, newest first: each post once, the blog's copy else the earliest.
SHOWN = [BLOG_POST, BEA_NOTE, TOOT_SAME_TEXT, TOOT_ALONE, TOOT_LONG]
NOTES = [BEA_NOTE, TOOT_SAME_TEXT, TOOT_ALONE]
# Each shown post's copies, oldest first, named by their feed's platform.
COPIES = {
    BLOG_POST: [("Mastodon", TOOT_OF_POST), ("Bluesky", SKEET_OF_POST)],
    TOOT_SAME_TEXT: [("Bluesky", SKEET_SAME_TEXT)],
}
HOSTS = ("ada.example", "social.example", "bsky.example", "bea.example")


def rss(title: str, site: str, items: list[Item]) -> str:
    entries = []
    for item in sorted(items, key=lambda item: item.hours_ago):
        own_title = f"<title>{escape(item.title)}</title>" if item.title else ""
        entries.append(
            f"<item>{own_title}<link>{item.link}</link><guid>{item.link}</guid>"
            f"<pubDate>{email.utils.format_datetime(item.date)}</pubDate>"
            f"<description>{escape(item.html)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{site}</link><description>d</description>"
        f"{''.join(entries)}</channel></rss>\n"
    )


def write_feeds(root: Path) -> None:
    """Each feed as a file under `root/<host>/<path>`."""
    feeds = {
        BLOG: ("Ada's notebook", "http://ada.example/"),
        MASTODON: ("Ada on Mastodon", "http://social.example/@ada"),
        BLUESKY: ("@ada on Bluesky", "http://bsky.example/profile/ada"),
        BEA: ("Bea writes", "http://bea.example/"),
    }
    for url, (title, site) in feeds.items():
        target = root / url.removeprefix("http://")
        target.parent.mkdir(parents=True, exist_ok=True)
        mine = [item for item in ITEMS if item.feed == url]
        target.write_text(rss(title, site, mine), encoding="utf-8")


def member(name: str, url: str, feeds: list[dict], profiles: list[dict]) -> str:
    data = {
        "name": name,
        "url": url,
        "why": "Writes well.",
        "since": "2020",
        "topics": ["Teaching"],
        "profiles": profiles,
        "feeds": feeds,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_content(content: Path) -> None:
    ada = member(
        "Ada Quill",
        "http://ada.example/",
        [
            {"url": BLOG},
            {"url": MASTODON, "platform": "Mastodon"},
            {"url": BLUESKY, "platform": "Bluesky"},
        ],
        [
            {"platform": "Mastodon", "url": "http://social.example/@ada"},
            {"platform": "Bluesky", "url": "http://bsky.example/profile/ada"},
        ],
    )
    bea = member("Bea Lund", "http://bea.example/", [{"url": BEA}], [])
    write_site(content, {"ada": ada, "bea": bea})
