"""The blogrolls a member publishes, and the people in them.

A member's homepage may name people itself (an h-feed of h-cards, links with XFN rels such as
`rel="friend"`) and may point at blogroll files (`<link rel="blogroll">`, or `rel="alternate"`
with `type="text/x-opml"`); their site may also keep the well-known
`/.well-known/recommendations.opml` (Micro.blog) and `.json` (Ghost). Each is fetched through
the guarded client, conditionally when an earlier read left validators, and what it said is a
`BlogrollState` (pln_site.recommended) for the store. A read that fails keeps the people of the
last good copy. A well-known file that is not there (404, 410) is no failure: most sites have
none.

All of it is hostile text: names and descriptions come back as plain text, cut short; URLs only
when they are absolute http(s).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urljoin

import mf2py

from pln_site.discover.homepage import TEXT_MAX, representative_hcard, tidy_page
from pln_site.discover.microformats import Document, Item, Value, string_values
from pln_site.discover.opml import NotOpml, NotWellFormed, parse_opml
from pln_site.discover.pages import HTML_ACCEPT, Conditions, FetchResult, PageFetcher
from pln_site.feeds.parse.feed import decode_document
from pln_site.recommended import HOMEPAGE, JSON, OPML, BlogrollState, Recommendation
from pln_site.text import costly_markup, plain_text
from pln_site.urls import absolute_http_url, same_url_key

log = logging.getLogger(__name__)

WELL_KNOWN = (
    (OPML, "/.well-known/recommendations.opml"),
    (JSON, "/.well-known/recommendations.json"),
)
BLOGROLL_ACCEPT = "text/x-opml, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8"
# The XFN rels that say "a person I know" (rel="me" is the page's owner, never a recommendation).
XFN_PEOPLE = frozenset(
    "friend contact acquaintance met co-worker colleague co-resident neighbor child parent "
    "sibling spouse kin muse crush date sweetheart".split()
)
OPML_TYPES = frozenset({"text/x-opml", "application/x-opml", "text/x-opml+xml"})
MAX_PEOPLE = 500  # per blogroll: more is a directory, not the member's picks
DESCRIPTION_MAX = 1000
NOT_THERE = (404, 410)


class BlogrollUnreadable(Exception):
    """The body is not a blogroll in any form read here; the message says why."""


@dataclass(frozen=True)
class MemberSite:
    member_id: str
    url: str  # their homepage


@dataclass
class BlogrollReading:
    """What one run read: every blogroll's new state, and the failures in words."""

    states: list[BlogrollState]
    failures: list[tuple[str, str, str]]  # (member id, URL, why)


def read_blogrolls(
    sites: Sequence[MemberSite],
    fetcher: PageFetcher,
    known: Mapping[str, BlogrollState],
    now: dt.datetime,
) -> BlogrollReading:
    """Every blogroll of `sites`: first the homepages, then the files they declare and the
    well-known ones, each asked conditionally on what `known` (the store's states) holds."""
    pages = [(site.member_id, site.url, HOMEPAGE) for site in sites]
    homes = _fetch_all(pages, fetcher, known, now, HTML_ACCEPT)
    files: list[tuple[str, str, str]] = []
    for site, home in zip(sites, homes, strict=True):
        urls = [(url, "") for url in home.declares]
        urls += [(urljoin(site.url, path), form) for form, path in WELL_KNOWN]
        for url, form in dict(urls).items():  # a declared well-known file: read once
            files.append((site.member_id, url, form))
    states = homes + _fetch_all(files, fetcher, known, now, BLOGROLL_ACCEPT)
    failures = [
        (state.member_id, state.url, state.last_error)
        for state, (_id, _url, form) in zip(states, pages + files, strict=True)
        if state.last_error and not (form in (OPML, JSON) and state.status in NOT_THERE)
    ]
    return BlogrollReading(states, failures)


def _fetch_all(
    asked: list[tuple[str, str, str]],
    fetcher: PageFetcher,
    known: Mapping[str, BlogrollState],
    now: dt.datetime,
    accept: str,
) -> list[BlogrollState]:
    conditions = []
    for _member, url, _form in asked:
        before = known.get(url)
        ok = before is not None and before.last_error is None
        conditions.append(
            Conditions(before.etag, before.last_modified) if ok and before else Conditions()
        )
    answers = fetcher.get_all([url for _, url, _ in asked], accept, conditions)
    return [
        _state(member, url, form, answer, known.get(url), now)
        for (member, url, form), answer in zip(asked, answers, strict=True)
    ]


def _state(
    member_id: str,
    url: str,
    form: str,
    answer: FetchResult,
    before: BlogrollState | None,
    now: dt.datetime,
) -> BlogrollState:
    """The blogroll's state after `answer`: read anew, unchanged (304), or failed (the last
    good people kept)."""
    kept = before or BlogrollState(url, member_id, form or OPML, now)
    if answer.not_modified and before is not None:
        return replace(before, member_id=member_id, last_attempt=now, status=304)
    if answer.error is None and answer.body is not None:
        try:
            people, declares, read_form = _read(answer, form)
        except BlogrollUnreadable as problem:
            error = str(problem)
        else:
            return BlogrollState(
                url,
                member_id,
                read_form,
                now,
                etag=answer.etag,
                last_modified=answer.last_modified,
                last_success=now,
                status=answer.status,
                people=tuple(people[:MAX_PEOPLE]),
                declares=tuple(declares),
            )
    else:
        error = answer.error or f"HTTP {answer.status}"
    return replace(
        kept, member_id=member_id, last_attempt=now, last_error=error, status=answer.status
    )


def _read(answer: FetchResult, form: str) -> tuple[list[Recommendation], list[str], str]:
    assert answer.body is not None
    if form == HOMEPAGE:
        text = decode_document(answer.body, answer.content_type)
        people, declares = read_homepage_blogroll(text, answer.final_url)
        return people, declares, HOMEPAGE
    if form == JSON or (not form and answer.body.lstrip()[:1] in (b"[", b"{")):
        return read_recommendations_json(answer.body, answer.final_url), [], JSON
    return read_opml(answer.body, answer.final_url), [], OPML


# --- the forms ------------------------------------------------------------------------------


def read_homepage_blogroll(text: str, url: str) -> tuple[list[Recommendation], list[str]]:
    """The people a homepage names (h-cards in its h-feeds, XFN links) and the blogroll files
    it links to."""
    if problem := costly_markup(text):
        raise BlogrollUnreadable(f"HTML {problem}: the page is not read")
    document = tidy_page(text)
    try:
        # mf2py takes the tidy tree as it is (discover.homepage says why).
        parsed: Document = mf2py.parse(doc=document, url=url)
    except RecursionError:
        raise BlogrollUnreadable("elements nested too deep to read its microformats") from None
    own, _how = representative_hcard(parsed, url)
    own_urls = {same_url_key(url)} | {
        same_url_key(u) for u in string_values(_props(own).get("url"))
    }
    people = _people(_feed_cards(parsed.get("items", [])), url, own_urls)
    people += _xfn_links(parsed, url, own_urls, {same_url_key(p.url or "") for p in people})
    return people, _declared_blogrolls(parsed, url)


def _declared_blogrolls(parsed: Document, base: str) -> list[str]:
    found = []
    for link, info in parsed.get("rel-urls", {}).items():
        rels = info.get("rels", [])
        kind = (info.get("type") or "").split(";")[0].strip().lower()
        if "blogroll" in rels or ("alternate" in rels and kind in OPML_TYPES):
            if (absolute := absolute_http_url(link, base)) is not None:
                found.append(absolute)
    return list(dict.fromkeys(found))


def _feed_cards(items: Iterable[Item]) -> list[Item]:
    """The h-cards listed in h-feeds (a blogroll written as microformats)."""
    cards: list[Item] = []
    for item in items:
        children = item.get("children", [])
        if "h-feed" in item.get("type", []):
            cards += [child for child in children if "h-card" in child.get("type", [])]
        cards += _feed_cards(children)
    return cards


def _people(cards: list[Item], base: str, own: set[str]) -> list[Recommendation]:
    people = []
    for card in cards:
        props = _props(card)
        url = next((u for u in _urls(props.get("url"), base)), None)
        if url is None or same_url_key(url) in own:
            continue
        people.append(
            Recommendation(
                url=url,
                name=_text(props.get("name"), TEXT_MAX),
                description=_text(props.get("note"), DESCRIPTION_MAX),
                topics=tuple(t for t in (_text([v], 60) for v in props.get("category", [])) if t),
            )
        )
    return people


def _xfn_links(parsed: Document, base: str, own: set[str], seen: set[str]) -> list[Recommendation]:
    people = []
    for link, info in parsed.get("rel-urls", {}).items():
        rels = set(info.get("rels", []))
        url = absolute_http_url(link, base)
        if url is None or "me" in rels or not rels & XFN_PEOPLE:
            continue
        key = same_url_key(url)
        if key in own or key in seen:
            continue
        seen.add(key)
        name = plain_text(info.get("text") or info.get("title") or "", TEXT_MAX, is_html=False)
        people.append(Recommendation(url=url, name=name or None))
    return people


def read_opml(body: bytes, url: str) -> list[Recommendation]:
    """The people of an OPML blogroll: its feeds, with the htmlUrl and description of their
    outlines, and the outlines of sites without a feed. Only well-formed XML is read."""
    try:
        opml = parse_opml(decode_document(body))
    except NotWellFormed as error:
        raise BlogrollUnreadable(f"not well-formed OPML ({error})") from None
    except NotOpml:
        raise BlogrollUnreadable("not OPML") from None
    outlines = [outline.attributes for outline in opml.outlines]
    by_feed = {o["xmlurl"]: o for o in outlines if o.get("xmlurl")}
    people = []
    for feed in opml.feeds:
        feed_url = absolute_http_url(feed.get("url"), url)
        if feed_url is None:
            continue
        extra = by_feed.get(feed.get("url", ""), {})
        people.append(
            Recommendation(
                url=absolute_http_url(extra.get("htmlurl"), url),
                feed_url=feed_url,
                name=plain_text(feed.get("title") or "", TEXT_MAX, is_html=False) or None,
                description=_description(extra),
                topics=tuple(plain_text(t, 60, is_html=False) for t in feed.get("tags", [])),
            )
        )
    for outline in outlines:  # a site without a feed: htmlUrl, or a link outline's url
        link = outline.get("htmlurl") or (
            outline.get("url") if outline.get("type") == "link" else None
        )
        site = None if outline.get("xmlurl") else absolute_http_url(link, url)
        if site is not None and not site.lower().endswith(".opml"):  # not a nested list
            name = plain_text(
                outline.get("text") or outline.get("title") or "", TEXT_MAX, is_html=False
            )
            people.append(
                Recommendation(url=site, name=name or None, description=_description(outline))
            )
    return people


def _description(attributes: Mapping[str, str]) -> str | None:
    words = attributes.get("description") or attributes.get("why") or ""
    return plain_text(words, DESCRIPTION_MAX, is_html=False) or None


def read_recommendations_json(body: bytes, url: str) -> list[Recommendation]:
    """Ghost's recommendations: a list of {url, title, reason, ...} (or an object holding it
    under "recommendations")."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise BlogrollUnreadable(f"not JSON ({error})") from None
    if isinstance(data, dict):
        data = data.get("recommendations")
    if not isinstance(data, list):
        raise BlogrollUnreadable("not a list of recommendations")
    people = []
    for record in data:
        if not isinstance(record, dict):
            continue
        site = absolute_http_url(_string(record.get("url")), url)
        if site is None:
            continue
        people.append(
            Recommendation(
                url=site,
                name=plain_text(_string(record.get("title")), TEXT_MAX, is_html=False) or None,
                description=plain_text(
                    _string(record.get("reason") or record.get("description")),
                    DESCRIPTION_MAX,
                    is_html=False,
                )
                or None,
            )
        )
    return people


# --- microformats values --------------------------------------------------------------------


def _props(item: Item | None) -> dict[str, list[Value]]:
    return item.get("properties", {}) if item is not None else {}


def _urls(values: list[Value] | None, base: str) -> list[str]:
    return [u for u in (absolute_http_url(v, base) for v in string_values(values)) if u is not None]


def _text(values: list[Value] | None, limit: int) -> str | None:
    value = next(iter(string_values(values)), None)
    return plain_text(value, limit, is_html=False) or None if value else None


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""
