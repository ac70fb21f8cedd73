"""The public feeds of a member's profiles (Mastodon, Bluesky, YouTube, GitHub, a podcast...):
each profile's candidates from discover.platform_rules, plus the feeds its page declares when
the rule says so, every one fetched and parsed (discover.feeds) before it is offered."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pln_site.discover.feeds import FoundFeed, verify_feeds
from pln_site.discover.homepage import read_homepage
from pln_site.discover.pages import HTML_ACCEPT, PageFetcher
from pln_site.discover.platform_rules import candidates
from pln_site.feeds.parse.feed import decode_document
from pln_site.urls import same_url_key


@dataclass(frozen=True)
class ProfileRef:
    platform: str
    url: str


@dataclass
class PlatformFeed:
    platform: str  # the profile's platform name, as the member file writes it
    profile_url: str
    feed: FoundFeed


@dataclass
class PlatformSearch:
    found: list[PlatformFeed] = field(default_factory=list)
    known: list[str] = field(default_factory=list)  # verified, but the member has them already
    failures: list[str] = field(default_factory=list)  # "profile: URL: why", for the report
    no_feed: list[str] = field(default_factory=list)  # profiles with nothing to try


def find_platform_feeds(
    profiles: Sequence[ProfileRef], fetcher: PageFetcher, *, known_feeds: Iterable[str] = ()
) -> PlatformSearch:
    """The verified feeds of `profiles`, none of them in `known_feeds` nor twice."""
    search = PlatformSearch()
    seen = {same_url_key(url) for url in known_feeds}
    plans = [(profile, candidates(profile.platform, profile.url)) for profile in profiles]
    pages = [profile.url for profile, plan in plans if plan.read_page]
    answers = dict(zip(pages, fetcher.get_all(pages, HTML_ACCEPT), strict=True))
    for profile, plan in plans:
        urls = list(plan.urls)
        page_problem = ""
        if plan.read_page:
            answer = answers[profile.url]
            if answer.body is not None and not answer.error:
                page = read_homepage(
                    decode_document(answer.body, answer.content_type), answer.final_url
                )
                urls += [feed.url for feed in page.feeds]
            else:
                page_problem = f": {answer.error or f'HTTP {answer.status}'}"
        urls = list(dict.fromkeys(urls))
        if not urls:
            why = page_problem or ": no feed rule for it, and its page declares no feed"
            search.no_feed.append(f"{profile.platform} {profile.url}{why}")
            continue
        verified = verify_feeds(urls, fetcher)
        search.failures += [f"{profile.platform} {profile.url}: {why}" for why in verified.failures]
        for feed in verified.feeds:
            key = same_url_key(feed.url)
            if key in seen:
                search.known.append(feed.url)
                continue
            seen.add(key)
            search.found.append(PlatformFeed(profile.platform, profile.url, feed))
    return search
