"""Find a site's feeds: the ones its homepage declares, else the usual paths, each one fetched
and parsed with the reading feed's parser before it is believed."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from pln_site.discover.homepage import DeclaredFeed
from pln_site.discover.pages import FEED_ACCEPT, FetchResult, PageFetcher
from pln_site.entries import FeedParseError, ParsedFeed
from pln_site.feeds.parse.feed import parse_feed

log = logging.getLogger(__name__)

# Where blog engines put their feed when a page does not say (WordPress, Jekyll, Hugo, Ghost,
# Pelican, Eleventy, Micro.blog...), most common first.
COMMON_FEED_PATHS = (
    "feed",
    "feed.xml",
    "rss.xml",
    "atom.xml",
    "index.xml",
    "feed.json",
    "rss",
    "feeds/all.atom.xml",
    "index.rss",
    "blog/feed.xml",
)


@dataclass
class FoundFeed:
    url: str  # where it lives now (after permanent redirects)
    title: str | None
    html_url: str | None
    kind: str  # "rss", "atom", "json"...
    entry_count: int
    links: frozenset[str] = frozenset()


@dataclass
class FeedSearch:
    feeds: list[FoundFeed] = field(default_factory=list)
    declared: int = 0  # how many the page declared
    tried_common_paths: bool = False
    failures: list[str] = field(default_factory=list)  # "URL: why", for the report
    duplicates: list[str] = field(default_factory=list)  # feeds with the same posts as another


def find_feeds(home_url: str, declared: list[DeclaredFeed], fetcher: PageFetcher) -> FeedSearch:
    """Every working feed of the site at `home_url`; the common paths only when the page declares
    none that works."""
    search = FeedSearch(declared=len(declared))
    if declared:
        _verify(search, [feed.url for feed in declared], fetcher, report_failures=True)
    if not search.feeds:
        search.tried_common_paths = True
        _verify(search, common_feed_urls(home_url), fetcher, report_failures=False)
    return search


def verify_feeds(urls: list[str], fetcher: PageFetcher) -> FeedSearch:
    """Each of `urls` fetched and parsed: the ones that are feeds, and why the others are not."""
    search = FeedSearch(declared=len(urls))
    _verify(search, urls, fetcher, report_failures=True)
    return search


def common_feed_urls(home_url: str) -> list[str]:
    """The usual feed paths under the homepage's folder, then under the site's root."""
    parts = urlsplit(home_url)
    folder = home_url if parts.path.endswith("/") else urljoin(home_url, ".")
    root = f"{parts.scheme}://{parts.netloc}/"
    urls: list[str] = []
    for base in dict.fromkeys([folder, root]):
        for path in COMMON_FEED_PATHS:
            url = urljoin(base, path)
            if url not in urls:
                urls.append(url)
    return urls


def _verify(
    search: FeedSearch, urls: list[str], fetcher: PageFetcher, *, report_failures: bool
) -> None:
    for url, result in zip(urls, fetcher.get_all(urls, FEED_ACCEPT), strict=True):
        found, problem = _as_feed(url, result)
        if found is None:
            if report_failures:
                search.failures.append(f"{url}: {problem}")
            continue
        same = next((f for f in search.feeds if f.url == found.url or _same_posts(f, found)), None)
        if same is not None:
            search.duplicates.append(f"{url} (the same posts as {same.url})")
            continue
        search.feeds.append(found)


def _as_feed(url: str, result: FetchResult) -> tuple[FoundFeed | None, str]:
    if result.error or result.body is None:
        return None, result.error or f"HTTP {result.status}"
    try:
        parsed: ParsedFeed = parse_feed(
            result.body, url=result.final_url, content_type=result.content_type
        )
    except FeedParseError as error:
        return None, f"not a feed ({error})"
    links = frozenset(entry.link for entry in parsed.entries if entry.link)
    return (
        FoundFeed(
            url=result.moved_to or url,
            title=parsed.title or None,
            html_url=parsed.html_url,
            kind=feed_kind(parsed.format),
            entry_count=len(parsed.entries),
            links=links,
        ),
        "",
    )


def feed_kind(version: str) -> str:
    """feedparser's "atom10", "rss20", "json1.1"... as people say it."""
    for prefix, name in (("atom", "Atom"), ("rss", "RSS"), ("json", "JSON Feed")):
        if version.startswith(prefix):
            return name
    return version or "feed"


def _same_posts(a: FoundFeed, b: FoundFeed) -> bool:
    """RSS and Atom of one blog: the same post links (a feed with no links is never a copy)."""
    return bool(a.links) and a.links == b.links
