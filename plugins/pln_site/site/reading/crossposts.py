"""Cross-posts: one post of a member in several of their feeds (their blog, Mastodon, Bluesky),
shown once.

Two entries of ONE member, from different feeds, are the same post when their links are the
same page (urls.same_url_key), when one marks the other's link as its copy (a `u-syndication`
or `rel="syndication"` link, which the sanitizer keeps as the class), or when they say the same
short text (links, case and spacing aside) within SAME_TEXT_WITHIN. The post shows once: the
original, from the member's own site (a feed with no platform), else the earliest, with links
to the copies. Two members who post the same link are two posts: people, not links, are who
the river is about.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from pln_site.entries import StoredEntry
from pln_site.feeds.sanitize import SYNDICATION_CLASS
from pln_site.site.reading.notes import note_text, title_is_text_start
from pln_site.urls import same_url_key

#: How far apart the same text may be posted to two feeds and still be one post: a member who
#: says "Good morning" on two days said it twice.
SAME_TEXT_WITHIN = dt.timedelta(hours=24)

EntryId = tuple[str, str]  # (feed URL, key): an entry, in the store and in a build

# Words that are links (written whole, or cut: "blog.example/2024/hel…"): each platform writes
# them its own way, so they are not compared.
_LINK_WORD = re.compile(r"\S*://\S*|(?:[\w-]+\.)+[a-z]{2,}/\S*|\S*…", re.IGNORECASE)


@dataclass(frozen=True)
class PostMarks:
    """What an entry's HTML tells of which post it is, kept when the build lets the HTML go."""

    text: bytes = b""  # a digest of its short text as compared (same_text_key); b"": none
    syndicated: frozenset[str] = frozenset()  # same_url_key of each link marked as its copy


@dataclass(frozen=True)
class AlsoOn:
    """One copy of a post: where else it is (a platform, a feed's name) and its link there."""

    label: str
    url: str


@dataclass(frozen=True)
class Collapsed:
    """Entries each post once, in the order given, and the copies each original stands for."""

    entries: list[StoredEntry]
    copies: dict[EntryId, list[StoredEntry]]


def entry_id(entry: StoredEntry) -> EntryId:
    return (entry.feed_url, entry.key)


def post_marks(
    entry: StoredEntry, note_text_of: Callable[[str], str | None] = note_text
) -> PostMarks:
    """The marks of `entry`, read from its sanitized HTML (`note_text_of`: note_text, or a
    cache of it)."""
    html = entry.content_html or entry.summary_html
    text = note_text_of(html)
    key = same_text_key(text) if text else ""
    own = entry.title.strip()
    if key and own and not title_is_text_start(own, text or ""):
        # A post with a title of its own is the same post only under the same title: two
        # photos captioned alike on one day are two posts.
        key = f"{same_text_key(own)}\n{key}"
    return PostMarks(
        text=hashlib.blake2b(key.encode(), digest_size=16).digest() if key else b"",
        syndicated=frozenset(same_url_key(url) for url in syndication_links(html)),
    )


def same_text_key(text: str) -> str:
    """`text` as two copies of one post are compared: without its links, case and width
    folded, one space for each run of white space."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_LINK_WORD.sub(" ", folded).split())


def syndication_links(html: str) -> list[str]:
    """The links of sanitized `html` marked as the post's copies elsewhere."""
    if SYNDICATION_CLASS not in html:
        return []
    reader = _SyndicationReader()
    reader.feed(html)
    reader.close()
    return reader.links


def collapse(
    entries: Sequence[StoredEntry],
    marks: Mapping[EntryId, PostMarks],
    is_home: Callable[[StoredEntry], bool],
) -> Collapsed:
    """Each post of `entries` once: `is_home` tells an entry of the member's own site."""
    by_member: dict[str, list[StoredEntry]] = {}
    for entry in entries:
        by_member.setdefault(entry.member_id, []).append(entry)
    copies: dict[EntryId, list[StoredEntry]] = {}
    for posts in by_member.values():
        for group in _same_posts(posts, marks):
            original = min(group, key=lambda entry: (not is_home(entry), *_age(entry)))
            copies[entry_id(original)] = sorted(
                (entry for entry in group if entry is not original), key=_age
            )
    hidden = {entry_id(copy) for found in copies.values() for copy in found}
    return Collapsed([entry for entry in entries if entry_id(entry) not in hidden], copies)


def also_on(
    original: StoredEntry, copies: Iterable[StoredEntry], label_of: Callable[[StoredEntry], str]
) -> tuple[AlsoOn, ...]:
    """Links to the copies of `original` that have a page of their own, each page once."""
    copies = list(copies)
    if not copies:  # most posts: no key of their link to make
        return ()
    seen = {same_url_key(original.link)} if original.link else set()
    found = []
    for copy in copies:
        if copy.link and same_url_key(copy.link) not in seen:
            seen.add(same_url_key(copy.link))
            found.append(AlsoOn(label_of(copy), copy.link))
    return tuple(found)


def feed_label(member: Any, feed_url: str) -> str:
    """What a member's feed is called beside a copy: its platform, else its title in the
    member file, else its host."""
    for ref in getattr(member, "feeds", ()):
        if ref.url == feed_url:
            if ref.platform or ref.title:
                return str(ref.platform or ref.title)
    return urlsplit(feed_url).hostname or feed_url


def _age(entry: StoredEntry) -> tuple:
    """Oldest first, and always in one order."""
    return (entry.date, entry.first_seen, entry.feed_url, entry.key)


def _same_posts(
    posts: Sequence[StoredEntry], marks: Mapping[EntryId, PostMarks]
) -> list[list[StoredEntry]]:
    """The groups (of two entries or more) of one member's entries that are one post."""
    groups = _Groups(len(posts))
    by_link: dict[str, list[int]] = {}
    by_text: dict[bytes, list[int]] = {}
    for index, entry in enumerate(posts):
        if entry.link:
            by_link.setdefault(same_url_key(entry.link), []).append(index)
        text = marks.get(entry_id(entry), PostMarks()).text
        if text:
            by_text.setdefault(text, []).append(index)
    for same in by_link.values():
        groups.join_all(same)
    for index, entry in enumerate(posts):
        for link in marks.get(entry_id(entry), PostMarks()).syndicated:
            groups.join_all([index, *by_link.get(link, ())])
    for same in by_text.values():
        _join_close_in_time(groups, posts, same)
    return [[posts[index] for index in group] for group in groups.groups() if len(group) > 1]


def _join_close_in_time(groups: _Groups, posts: Sequence[StoredEntry], same: list[int]) -> None:
    """Joins the entries of one text that are in different feeds and close enough in time."""
    ordered = sorted(same, key=lambda index: posts[index].date)
    for place, first in enumerate(ordered):
        for second in ordered[place + 1 :]:
            if posts[second].date - posts[first].date > SAME_TEXT_WITHIN:
                break
            if posts[second].feed_url != posts[first].feed_url:
                groups.join(first, second)


class _Groups:
    """Disjoint sets of indices (union-find), for "is the same post as" across several rules."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, index: int) -> int:
        while self.parent[index] != index:
            self.parent[index] = self.parent[self.parent[index]]
            index = self.parent[index]
        return index

    def join(self, one: int, other: int) -> None:
        first, second = sorted((self.find(one), self.find(other)))
        self.parent[second] = first

    def join_all(self, indices: Sequence[int]) -> None:
        for index in indices[1:]:
            self.join(indices[0], index)

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for index in range(len(self.parent)):
            found.setdefault(self.find(index), []).append(index)
        return list(found.values())


class _SyndicationReader(HTMLParser):
    """Collects the href of each <a> whose class names the syndication mark."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        values = dict(attrs)
        if SYNDICATION_CLASS in (values.get("class") or "").split() and values.get("href"):
            self.links.append(str(values["href"]))
