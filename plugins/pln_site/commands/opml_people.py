"""Who is who in a feed reader's export: which feeds are one person's, the homepage and name they
suggest, and topics in the network's spelling. Pure functions of the export and the roster."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from pln_site.members import memberfile
from pln_site.site.topics import topic_slug
from pln_site.text import plain_text

TOPIC_MAX = 60
# Folder names readers make up on their own; they say nothing about a person's work.
GENERIC_FOLDERS = {
    "all",
    "feeds",
    "subscriptions",
    "uncategorized",
    "uncategorised",
    "unfiled",
    "unsorted",
    "blogs",
    "default",
    "news feeds",
    "blogs & news feeds",  # Thunderbird's feed account
}
# Hosts where many people's sites and feeds live: the host alone does not mean "same site".
SHARED_HOSTS = {
    "medium.com",
    "feeds.feedburner.com",
    "feedproxy.google.com",
    "github.com",
    "gitlab.com",
    "youtube.com",
    "dev.to",
    "substack.com",
    "rss.app",
    "feeds.simplecast.com",
    "feeds.megaphone.fm",
    "anchor.fm",
    "reddit.com",
    "news.google.com",
}
# Hosts whose every subdomain is one person or project, with sites under the first path segment.
SHARED_HOST_SUFFIXES = (".github.io", ".gitlab.io")
# What a title says besides a name ("Ada Lovelace | Blog", "Hana Kim: notes"), and a title that
# names no one ("Uncategorised": a category's feed).
GENERIC_TITLE_WORDS = {
    *GENERIC_FOLDERS,
    "home",
    "homepage",
    "blog",
    "weblog",
    "posts",
    "all posts",
    "latest posts",
    "articles",
    "journal",
    "notes",
    "links",
    "news",
    "feed",
    "rss",
    "atom",
    "podcast",
    "comments",
    "newsletter",
}
# Separators after which a title names the site ("Jeremy Keith — Adactio"), and weaker ones
# that only end a name when a generic word follows ("Ada - Blog", but "Don't Panic - Zoë").
_STRONG_SEPARATOR = re.compile(r"\s+[—|·»]\s+|\s+::\s+")
_WEAK_SEPARATOR = re.compile(r"\s+[-–]\s+|:\s+")
_ON_PLATFORM = re.compile(
    r"\s+on\s+(?:Medium|Mastodon|Substack|GitHub|GitLab|YouTube|Tumblr|Bluesky|dev\.to)$",
    re.IGNORECASE,
)
_PERSON_SEGMENT = re.compile(r"[@~][\w.-]*?(?=\.(?:rss|atom|xml|json)$|$)")


@dataclass
class OpmlFeed:
    url: str
    title: str
    html_url: str | None
    topics: list[str]
    line: int | None


def topics_of(categories: list[list[str]]) -> list[str]:
    """Folder names and category paths ("Tech/Python") as topics, generic folders left out."""
    topics: list[str] = []
    seen: set[str] = set()
    for path in categories:
        for part in path:
            name = plain_text(part, TOPIC_MAX, is_html=False)
            key = name.casefold()
            if name and key not in seen and key not in GENERIC_FOLDERS:
                seen.add(key)
                topics.append(name)
    return topics


# --- grouping ---------------------------------------------------------------------------------

# Where a URL is: the account it belongs to (a host, or a person's part of a shared host) and the
# path segments below that.
Place = tuple[str, tuple[str, ...]]
_FEED_FILE = re.compile(r"\.(?:rss|atom|xml|json)$", re.IGNORECASE)
_INDEX_FILE = re.compile(r"index\.\w+$", re.IGNORECASE)
# Path segments that name a feed rather than a part of a site (/feed/, /feeds/posts/default...).
_FEED_SEGMENTS = {"feed", "feeds", "rss", "atom", "posts", "default", "index.xml", "all"}


def place(url: str) -> Place:
    """The account of `url` and the path below it. The account is the host ("www." aside), or
    a person's part of a host many people share: mastodon.social/@ada, medium.com/@ada (also
    as medium.com/feed/@ada), a university's /~ada/, github.com/ada, ada.github.io/project."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments and _INDEX_FILE.fullmatch(segments[-1]):
        segments.pop()
    for index, segment in enumerate(segments[:2]):
        if match := _PERSON_SEGMENT.match(segment):
            return f"{host}/{match.group().lower()}", tuple(segments[index + 1 :])
    if host in SHARED_HOSTS or host.endswith(SHARED_HOST_SUFFIXES):
        first = _FEED_FILE.sub("", segments[0]).lower() if segments else ""
        return f"{host}/{first}", tuple(segments[1:])
    return host, tuple(segments)


def site_key(url: str) -> str:
    """The account of `url` (see `place`): feeds of two accounts never make one member."""
    return place(url)[0]


def group_by_site(feeds: list[OpmlFeed]) -> list[list[OpmlFeed]]:
    """Feeds of one person together, people on one host apart. Two feeds join when they have
    the same site (htmlUrl), or when one's feed URL or site lies under the other's site, in
    the same account; a feed without a site joins the site its URL is under, else the feeds
    whose URL names the same folder. Groups keep the file's order."""
    parent = list(range(len(feeds)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        parent[root(i)] = root(j)

    sites: dict[Place, int] = {}
    for index, feed in enumerate(feeds):
        if feed.html_url:
            site = place(feed.html_url)
            join(index, sites.setdefault(site, index))
    guesses: dict[Place, int] = {}
    for index, feed in enumerate(feeds):
        places = [place(feed.url)] + ([place(feed.html_url)] if feed.html_url else [])
        for account, path in places:
            for end in range(len(path) + 1):  # each site above it: a dictionary look-up each
                owner = sites.get((account, path[:end]))
                if owner is not None:
                    join(index, owner)
        if not feed.html_url:
            guess = _folder_of_feed(places[0])
            join(index, guesses.setdefault(guess, index))
    groups: dict[int, list[OpmlFeed]] = {}
    for index, feed in enumerate(feeds):
        groups.setdefault(root(index), []).append(feed)
    # In the file's order already: each group is added at its first feed. (Sorting them by
    # `feeds.index(group[0])` searched the list once per group: 20,000 sites took 38 s.)
    return list(groups.values())


def _folder_of_feed(feed: Place) -> Place:
    """The part of a site a feed URL names, for a feed whose outline gives no site: its folder,
    without the segments that only name a feed (ada.example/blog/feed/ -> ada.example/blog)."""
    account, path = feed
    segments = list(path)
    if segments and "." in segments[-1]:
        segments.pop()
    while segments and segments[-1].lower() in _FEED_SEGMENTS:
        segments.pop()
    return account, tuple(segments)


# --- names and topics -------------------------------------------------------------------------


def name_from_title(title: str) -> str:
    """A person's name from a feed's title, without what names the site or the feed: "Jeremy
    Keith — Adactio" -> "Jeremy Keith", "Ada | Blog" -> "Ada", "Hana Kim: notes" -> "Hana Kim",
    "Linus on Medium" -> "Linus". Empty when the title names no one ("Uncategorised")."""
    for part in _STRONG_SEPARATOR.split(title):
        name = _ON_PLATFORM.sub("", _without_generic_ending(part.strip())).strip()
        if name and not _is_generic(name):
            return name
    return ""


def _without_generic_ending(text: str) -> str:
    """ "Ada - Blog" -> "Ada", "Hana Kim: notes" -> "Hana Kim"; "Don't Panic – Zoë" stays."""
    while ends := list(_WEAK_SEPARATOR.finditer(text)):
        if not _is_generic(text[ends[-1].end() :]):
            break
        text = text[: ends[-1].start()]
    return text


def _is_generic(text: str) -> bool:
    return text.strip().casefold() in GENERIC_TITLE_WORDS


def topic_spelling(name: str, known: dict[str, str]) -> str:
    """The spelling the network already uses for the topic (`known`: slug -> spelling), else
    the folder's name in lowercase, as member files write topics; acronyms and names with
    capitals inside ("AI", "IndieWeb") keep theirs. The slug is the one topic pages use."""
    slug = topic_slug(name)
    if slug not in known:
        known[slug] = " ".join(
            word.lower() if word[:1].isupper() and word[1:].islower() else word
            for word in name.split()
        )
    return known[slug]


def known_topics(roster: memberfile.Roster) -> dict[str, str]:
    """slug -> the spelling most members use, as the topic pages show it."""
    counts: dict[str, dict[str, int]] = {}
    for name in roster.topic_names:
        spellings = counts.setdefault(topic_slug(name), {})
        spellings[name] = spellings.get(name, 0) + 1
    return {
        slug: sorted(spellings.items(), key=lambda item: (-item[1], item[0]))[0][0]
        for slug, spellings in counts.items()
    }


def home_of_feed(url: str) -> str:
    """The homepage a feed URL suggests when its outline gives none: the person's part of a
    shared host (https://social.example/@ada for .../@ada.rss), else the feed's folder without
    the segments that name a feed (https://ada.example/blog/ for .../blog/feed/)."""
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    person = next((m.group() for s in segments[:2] if (m := _PERSON_SEGMENT.match(s))), None)
    if person:
        segments = [person]
    else:
        if segments and "." in segments[-1]:
            segments.pop()
        while segments and segments[-1].lower() in _FEED_SEGMENTS:
            segments.pop()
    path = "/".join(segments)
    folder = path and not (person or "").startswith("@")  # /~ada/ is a folder, /@ada a page
    return f"{parts.scheme}://{parts.netloc}/{path + '/' if folder else path}"
