"""What a homepage says about its owner: the h-card (mf2py), the declared feeds, rel="me" links.

Everything read here is hostile text: names and notes come back as plain text, cut to the
lengths a member file allows; URLs only when they are absolute http(s).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import mf2py
import nh3
from bs4 import BeautifulSoup

from pln_site.discover.microformats import Document, Item, Value, string_values
from pln_site.members.countries import country_code
from pln_site.text import costly_markup, plain_text, with_short_text_nodes
from pln_site.urls import absolute_http_url, same_url_key

log = logging.getLogger(__name__)

TEXT_MAX = 300  # PlainText in the member model
NOTE_MAX = 1000
FEED_TYPES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/feed+json": "JSON Feed",
    "application/json": "JSON Feed",
    "application/rdf+xml": "RSS",
}
# Well-known homes of profiles; any other rel="me" link is named after its host.
PLATFORMS = {
    "github.com": "GitHub",
    "gitlab.com": "GitLab",
    "codeberg.org": "Codeberg",
    "linkedin.com": "LinkedIn",
    "www.linkedin.com": "LinkedIn",
    "bsky.app": "Bluesky",
    "youtube.com": "YouTube",
    "www.youtube.com": "YouTube",
    "orcid.org": "ORCID",
    "scholar.google.com": "Google Scholar",
}
MAX_PROFILES = 8


@dataclass
class DeclaredFeed:
    url: str
    kind: str  # "RSS", "Atom", "JSON Feed"
    title: str | None


@dataclass
class HomePage:
    url: str
    title: str | None = None  # the page's <title>
    card_found: str | None = None  # how the h-card was chosen, None when there is none
    name: str | None = None
    photo: str | None = None
    note: str | None = None
    org: str | None = None
    job_title: str | None = None
    locality: str | None = None
    country: str | None = None  # ISO alpha-2
    country_text: str | None = None  # what the page said, when no code could be found for it
    feeds: list[DeclaredFeed] = field(default_factory=list)
    profiles: list[tuple[str, str]] = field(default_factory=list)  # (platform, url)


def read_homepage(text: str, url: str) -> HomePage:
    """Parse the page `text` fetched from `url` (relative links resolve against it).

    A page whose markup would take more than time in proportion to its length to parse (see
    pln_site.text.costly_markup), or that nests too deep to walk, gives nothing: no title,
    h-card, feeds or profiles.
    """
    if problem := costly_markup(text):
        log.warning("%s: HTML %s: the page is not read", url, problem)
        return HomePage(url=url)
    document = tidy_page(text)
    page = HomePage(url=url, title=_page_title(document))
    try:
        # mf2py takes the tidy tree as it is; given text, it would parse it with html5lib.
        parsed: Document = mf2py.parse(doc=document, url=url)
    except RecursionError:
        log.warning("%s: elements nested too deep to read its microformats", url)
        return page
    card, how = representative_hcard(parsed, url)
    if card is not None:
        page.card_found = how
        _fill_from_card(page, card.get("properties", {}), url)
    page.feeds = declared_feeds(parsed, url)
    page.profiles = me_profiles(parsed, url)
    return page


def representative_hcard(parsed: Document, page_url: str) -> tuple[Item | None, str | None]:
    """The h-card that stands for the page's owner, after microformats.org's "representative
    h-card parsing", with a last resort of the first top-level h-card."""
    cards = [item for item in parsed.get("items", []) if "h-card" in item.get("type", [])]
    cards += _nested_author_cards(parsed.get("items", []))
    if not cards:
        return None, None
    page = same_url_key(page_url)
    for card in cards:
        props = card.get("properties", {})
        uids = {same_url_key(v) for v in _urls(props.get("uid"))}
        urls = {same_url_key(v) for v in _urls(props.get("url"))}
        if page in uids and page in urls:
            return card, "url and uid are the page"
    me_links = {same_url_key(u) for u in parsed.get("rels", {}).get("me", [])}
    for card in cards:
        if me_links & {same_url_key(v) for v in _urls(card.get("properties", {}).get("url"))}:
            return card, "its url is a rel=me link"
    top = [item for item in parsed.get("items", []) if "h-card" in item.get("type", [])]
    if len(top) == 1:
        return top[0], "the only h-card on the page"
    return cards[0], "the first h-card on the page"


def _nested_author_cards(items: list[Item]) -> list[Item]:
    """h-cards that are the author of an h-entry or h-feed (a blog's front page)."""
    found: list[Item] = []
    for item in items:
        for author in item.get("properties", {}).get("author", []):
            if isinstance(author, dict) and "h-card" in author.get("type", []):
                found.append(author)
        found += _nested_author_cards(item.get("children", []))
    return found


def _fill_from_card(page: HomePage, props: dict[str, list[Value]], base: str) -> None:
    page.name = _text(props.get("name"), TEXT_MAX)
    photo = _first(props.get("photo"))
    if isinstance(photo, dict):
        photo = photo.get("value")
    page.photo = absolute_http_url(photo, base) if isinstance(photo, str) else None
    page.note = _text(props.get("note"), NOTE_MAX)
    page.org = _text(props.get("org"), TEXT_MAX)
    page.job_title = _text(props.get("job-title") or props.get("role"), TEXT_MAX)
    address = _first(props.get("adr"))
    address_props = address.get("properties", {}) if isinstance(address, dict) else {}
    page.locality = _text(props.get("locality") or address_props.get("locality"), TEXT_MAX)
    country = _text(props.get("country-name") or address_props.get("country-name"), TEXT_MAX)
    if country:
        page.country = country_code(country)
        if page.country is None:
            page.country_text = country


def declared_feeds(parsed: Document, base: str) -> list[DeclaredFeed]:
    """The page's <link rel="alternate"> feeds, in page order, comment feeds left out."""
    feeds = []
    for url, info in parsed.get("rel-urls", {}).items():
        if "alternate" not in info.get("rels", []):
            continue
        kind = FEED_TYPES.get((info.get("type") or "").split(";")[0].strip().lower())
        absolute = absolute_http_url(url, base)
        if kind is None or absolute is None:
            continue
        title = plain_text(info.get("title") or "", TEXT_MAX) or None
        if is_comments_feed(absolute, title):
            continue
        feeds.append(DeclaredFeed(absolute, kind, title))
    return feeds


def is_comments_feed(url: str, title: str | None) -> bool:
    """WordPress and friends declare a comments feed next to the posts feed."""
    path = urlsplit(url).path.lower()
    return "/comments/" in path or bool(title and "comments" in title.lower())


def me_profiles(parsed: Document, base: str) -> list[tuple[str, str]]:
    """rel="me" links as (platform, url): where else the owner says they are."""
    profiles: list[tuple[str, str]] = []
    own_host = urlsplit(base).hostname
    for link in parsed.get("rels", {}).get("me", []):
        url = absolute_http_url(link, base)
        if url is None or len(url) > 2000 or any(ch.isspace() for ch in url):
            continue
        host = (urlsplit(url).hostname or "").lower()
        if host == own_host or any(url == known for _, known in profiles):
            continue
        profiles.append((platform_name(url), url))
        if len(profiles) == MAX_PROFILES:
            break
    return profiles


def platform_name(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in PLATFORMS:
        return PLATFORMS[host]
    if parts.path.startswith("/@"):
        return "Mastodon"  # and other fediverse servers that use /@name
    return host.removeprefix("www.")[:40]


def _urls(values: list[Value] | None) -> list[str]:
    return string_values(values)


def _first(values: list[Value] | None) -> Value | None:
    return values[0] if values else None


def _text(values: list[Value] | None, limit: int) -> str | None:
    value = _first(values)
    if isinstance(value, dict):  # an embedded h-card or h-adr: its text value
        value = value.get("value") or _first(value.get("properties", {}).get("name"))
    if not isinstance(value, str):
        return None
    # mf2py gives text already; plain_text with is_html=False collapses space and cuts.
    return plain_text(value, limit, is_html=False) or None


# --- the page as a tidy tree ------------------------------------------------------------------

# Every element a page may hold: the tidy copy keeps them all (with the text of the others).
_PAGE_ELEMENTS = frozenset(
    """a abbr acronym address area article aside audio b base bdi bdo big blockquote body br
    button canvas caption center cite code col colgroup data datalist dd del details dfn dialog
    dir div dl dt em embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head
    header hgroup hr html i img input ins kbd label legend li link main map mark menu meta meter
    nav noscript object ol optgroup option output p picture pre progress q rp rt rtc ruby s samp
    search section select slot small source span strike strong sub summary sup table tbody td
    textarea tfoot th thead time title tr track tt u ul var video wbr""".split()
)
# The attributes microformats2 parsing reads (mf2py), and the language.
_PAGE_ATTRIBUTES = frozenset(
    """alt class content data datetime href hreflang id itemprop lang media name poster property
    rel rev src srcset title type value""".split()
)


def tidy_page(text: str) -> BeautifulSoup:
    """The page as a tree built the way HTML5 parsers build it, in time linear in its length.

    html5lib, which mf2py uses by default, and Beautiful Soup's tree builder for it grow with the
    square of some hostile pages (unclosed tags and comments, a tag of many attributes, text in
    many pieces: 100 KB took seconds, 1 MB over 30 s). html5ever (in nh3) builds the same tree
    in linear time; its serialization, without comments or scripts, is well-formed, so the
    standard library's parser reads it back without any of its own slow cases.
    """
    return BeautifulSoup(_page_cleaner().clean(with_short_text_nodes(text)), "html.parser")


@functools.cache
def _page_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(_PAGE_ELEMENTS),
        clean_content_tags={"script", "style", "template"},
        attributes={"*": set(_PAGE_ATTRIBUTES)},
        link_rel=None,  # rel is read, not set
        strip_comments=True,
        url_relative="pass_through",  # mf2py resolves them against the page and its <base>
        url_schemes={"http", "https", "mailto", "tel", "xmpp", "sms", "geo"},
    )


def _page_title(document: BeautifulSoup) -> str | None:
    title = document.find("title")
    if title is None:
        return None
    return plain_text(title.get_text(), TEXT_MAX, is_html=False) or None
