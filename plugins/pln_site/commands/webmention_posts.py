"""The owner's published posts as a publishing build wrote them, and the members' pages each
one links to: what `invoke webmentions` notifies.

Read from the built output (OUTPUT_PATH), not from Pelican's articles: the output is exactly
what readers, and the receivers who check the source, see; its links are already absolute
(a publishing build, RELATIVE_URLS off), and reading it needs no second build. A post is a
page with the theme's `<article class="post h-entry">`; its address is its `u-url`, its links
are those of its `e-content`, and its "Draws on the work of" line (the `Mentions:` header)
links to the members' pages on this site, which name the members whose site is the target.
A draft's preview (marked by its notice) is never a post.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from pln_site.members.model import Member
from pln_site.store.records import Sites

MARKER = "h-entry"  # a cheap first test: a page without it holds no post


@dataclass(frozen=True)
class PostLinks:
    """One published post: its absolute URL, and the pages on members' sites it links to."""

    source: str
    targets: tuple[str, ...]
    file: Path


@dataclass
class _Page:
    url: str | None = None
    draft: bool = False
    content_links: list[str] | None = None
    mention_links: list[str] | None = None


def published_posts(
    output: Path, site_url: str, members: Iterable[Member], sites: Sites, member_url: str
) -> list[PostLinks]:
    """Every post under `output` whose URL is on `site_url`, with its targets, by URL."""
    listed = list(members)
    member_pages = {
        _page_key(urljoin(site_url + "/", member_url.format(id=m.id))): m for m in listed
    }
    site_host = urlsplit(site_url).netloc.lower()
    posts: dict[str, PostLinks] = {}
    for file in sorted(output.rglob("*.html")):
        page = _read_post(file)
        if page is None or page.draft or not page.url:
            continue
        source = page.url
        if not _on_site(source, site_url):
            continue
        targets: list[str] = []
        for href in page.content_links or []:
            target = _clean(urljoin(source, href))
            if target and urlsplit(target).netloc.lower() != site_host and sites.owners(target):
                targets.append(target)
        for href in page.mention_links or []:
            member = member_pages.get(_page_key(urljoin(source, href)))
            if member is not None:
                targets.append(member.url)
        posts.setdefault(source, PostLinks(source, tuple(dict.fromkeys(targets)), file))
    return sorted(posts.values(), key=lambda post: post.source)


def _read_post(file: Path) -> _Page | None:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if MARKER not in text:
        return None
    reader = _PostReader()
    reader.feed(text)
    reader.close()
    return reader.page if reader.page.content_links is not None else None


class _PostReader(HTMLParser):
    """Collects the post's u-url, its draft notice, and the hrefs of its e-content and its
    mentions line. The theme's own markup: a `div` in a `div` is balanced, a `p` holds no `p`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page()
        self.in_post = False
        self.content_depth = 0  # open divs inside the e-content, it included
        self.in_mentions = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        if tag == "article" and {"post", "h-entry"} <= classes:
            self.in_post = True
            return
        if not self.in_post:
            return
        if "draft-notice" in classes:
            self.page.draft = True
        if self.content_depth:
            if tag == "div":
                self.content_depth += 1
        elif tag == "div" and "e-content" in classes and self.page.content_links is None:
            self.content_depth = 1
            self.page.content_links = []
        elif tag == "p" and "post-mentions" in classes:
            self.in_mentions = True
            self.page.mention_links = []
        href = values.get("href")
        if tag != "a" or href is None:
            return
        if "u-url" in classes and self.page.url is None and not self.content_depth:
            self.page.url = href.strip()
        elif self.content_depth and self.page.content_links is not None:
            self.page.content_links.append(href.strip())
        elif self.in_mentions and self.page.mention_links is not None:
            self.page.mention_links.append(href.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_post = False
        elif tag == "div" and self.content_depth:
            self.content_depth -= 1
        elif tag == "p":
            self.in_mentions = False


def _clean(url: str) -> str | None:
    """An http(s) URL without its fragment (the same page), else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit(parts._replace(fragment=""))


def _on_site(url: str, site_url: str) -> bool:
    return (url + "/").startswith(site_url.rstrip("/") + "/")


def _page_key(url: str) -> str:
    return url.rstrip("/")


def iter_targets(posts: Iterable[PostLinks]) -> Iterator[tuple[str, str]]:
    """(source, target) for every post's every target, in order."""
    for post in posts:
        for target in post.targets:
            yield post.source, target
