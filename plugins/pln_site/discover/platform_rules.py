"""Where a profile on a platform keeps its public feed: one rule per platform, pure (no I/O).

A rule is chosen by the profile's `platform` name (the member file says it; add-member names it
from the host, discover.homepage.PLATFORMS), then the profile URL's path must have the rule's
shape. The feed URL is built on the profile's own scheme and host, never on a fixed one: so a
Mastodon rule fits every fediverse server, and tests can serve each platform from a made-up
host on 127.0.0.1. The fediverse's `/@user` is distinctive enough to be matched by its shape
alone, whatever the profile's platform name. Every candidate is only a guess until
discover.platform_feeds fetches and parses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

# The fediverse's profile path: Mastodon, GoToSocial, Pixelfed, Akkoma, Misskey forks (FEP-a5c5).
_AT_USER = re.compile(r"^/@(?P<name>[A-Za-z0-9_.-]+(?:@[A-Za-z0-9.-]+)?)/?$")


@dataclass(frozen=True)
class PlatformRule:
    """A platform's feed: `feeds` turns a profile path's match into feed paths (with query);
    `read_page`: also take the feeds the profile page itself declares."""

    names: frozenset[str]  # platform names, lowercase, that pick this rule
    path: re.Pattern[str]
    feeds: Callable[[re.Match[str]], list[str]]
    read_page: bool = False


RULES: tuple[PlatformRule, ...] = (
    PlatformRule(
        names=frozenset({"mastodon", "fediverse", "gotosocial", "pixelfed", "akkoma", "pleroma"}),
        path=_AT_USER,
        feeds=lambda m: [f"/@{m['name']}.rss"],
    ),
    PlatformRule(  # the page declares /profile/<did>/rss; the handle form answers too
        names=frozenset({"bluesky"}),
        path=re.compile(r"^/profile/(?P<handle>[A-Za-z0-9_.:-]+)/?$"),
        feeds=lambda m: [f"/profile/{m['handle']}/rss"],
        read_page=True,
    ),
    PlatformRule(
        names=frozenset({"youtube"}),
        path=re.compile(r"^/channel/(?P<id>[A-Za-z0-9_-]+)/?$"),
        feeds=lambda m: [f"/feeds/videos.xml?channel_id={quote(m['id'])}"],
    ),
    PlatformRule(  # /@handle, /c/name, /user/name: only the page knows the channel's id
        names=frozenset({"youtube"}),
        path=re.compile(r"^/(?:@[^/]+|c/[^/]+|user/[^/]+)/?$"),
        feeds=lambda m: [],
        read_page=True,
    ),
    PlatformRule(  # a user's public activity; an organisation has none at this path
        names=frozenset({"github"}),
        path=re.compile(r"^/(?P<user>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/?$"),
        feeds=lambda m: [f"/{m['user']}.atom"],
    ),
    PlatformRule(
        names=frozenset({"gitlab"}),
        path=re.compile(r"^/(?P<user>[A-Za-z0-9_.-]+)/?$"),
        feeds=lambda m: [f"/{m['user']}.atom"],
    ),
    PlatformRule(  # Forgejo and Gitea
        names=frozenset({"codeberg", "forgejo", "gitea"}),
        path=re.compile(r"^/(?P<user>[A-Za-z0-9_.-]+)/?$"),
        feeds=lambda m: [f"/{m['user']}.rss"],
    ),
)


@dataclass(frozen=True)
class Candidates:
    """What to try for one profile: feed URLs to verify, and whether to read its page."""

    urls: list[str]
    read_page: bool


def candidates(platform: str, url: str) -> Candidates:
    """The feeds a profile may have. A profile no rule knows (a podcast's page, a personal
    site) gets its page read for the feeds it declares."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    name = platform.strip().lower()
    for rule in RULES:
        if name not in rule.names:
            continue
        match = rule.path.match(parts.path)
        if match:
            return Candidates([origin + path for path in rule.feeds(match)], rule.read_page)
    match = _AT_USER.match(parts.path)
    if match and name != "youtube":  # a fediverse server by its shape
        return Candidates([f"{origin}/@{match['name']}.rss"], read_page=False)
    return Candidates([], read_page=True)
