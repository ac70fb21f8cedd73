"""The river as feeds others can subscribe to: Atom 1.0, RSS 2.0 and JSON Feed 1.1.

XML is built with xml.etree and written by pln_site.xmltext.xml_document, so escaping is the
writer's job, not ours (entry HTML goes in as escaped text, type="html"), and no character XML
cannot carry reaches the file, in a text or in an attribute. Every entry names its author (the
member) and the feed it came from (Atom <source>, RSS <source>), as an aggregator's feed should.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

from pln_site.xmltext import xml_document

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ET.register_namespace("atom", ATOM_NS)
ET.register_namespace("dc", DC_NS)


class _KnownByRepr:
    """Known to the build cache by its repr: every field in one string, which is cheaper than
    walking the fields one by one (a build digests some 1,500 feed items)."""

    def __build_digest__(self) -> str:
        return repr(self)


@dataclass(frozen=True)
class FeedOrigin(_KnownByRepr):
    """The feed an entry was fetched from."""

    url: str
    title: str
    html_url: str | None = None
    updated: dt.datetime | None = None  # its newest entry; Atom's <source> must say when


@dataclass(frozen=True)
class FeedItem(_KnownByRepr):
    """One entry of an output feed."""

    id: str  # an absolute IRI
    url: str | None  # the original post
    title: str  # plain text; may be a stand-in for a titleless post
    has_title: bool
    html: str  # sanitized HTML: the full content or an excerpt
    is_full: bool
    published: dt.datetime  # aware
    author_name: str
    author_url: str | None
    author_avatar: str | None = None
    categories: list[str] = field(default_factory=list)
    origin: FeedOrigin | None = None
    # When the entry last changed, as the feed says it: distinct from every other entry's
    # (feedlinks.distinct_updates); None: `published`.
    updated: dt.datetime | None = None
    language: str | None = None  # of the title and text (BCP 47), when known


@dataclass(frozen=True)
class FeedInfo(_KnownByRepr):
    """What the whole feed says about itself."""

    title: str
    description: str
    home_url: str  # the river page
    self_url: str  # this feed
    id: str  # an absolute IRI
    updated: dt.datetime  # aware
    language: str | None = None


def atom_feed(info: FeedInfo, items: Sequence[FeedItem]) -> str:
    """An Atom 1.0 document."""
    # Unprefixed names plus an xmlns attribute: ElementTree's default_namespace option refuses
    # unqualified attribute names (rel, href), which Atom uses everywhere.
    feed = ET.Element("feed", xmlns=ATOM_NS)
    _text(feed, "title", info.title)
    _text(feed, "subtitle", info.description)
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=info.home_url)
    ET.SubElement(feed, "link", rel="self", type="application/atom+xml", href=info.self_url)
    _text(feed, "id", info.id)
    _text(feed, "updated", _rfc3339(info.updated))
    _text(feed, "generator", "Pelican")
    for item in items:
        entry = ET.SubElement(feed, "entry")
        if item.language:  # a reader lays out an Arabic entry right to left, in its own font
            entry.set(XML_LANG, item.language)
        _text(entry, "title", item.title)
        if item.url:
            ET.SubElement(entry, "link", rel="alternate", type="text/html", href=item.url)
        _text(entry, "id", item.id)
        _text(entry, "published", _rfc3339(item.published))
        _text(entry, "updated", _rfc3339(item.updated or item.published))
        author = ET.SubElement(entry, "author")
        _text(author, "name", item.author_name)
        if item.author_url:
            _text(author, "uri", item.author_url)
        for term in item.categories:
            ET.SubElement(entry, "category", term=term)
        # Without a link to the original, Atom asks for the content itself; an empty summary
        # is left out rather than written empty.
        if not item.url and not item.html:
            _text(entry, "content", item.title, type="text")
        elif item.is_full or not item.url:
            _text(entry, "content", item.html, type="html")
        elif item.html:
            _text(entry, "summary", item.html, type="html")
        if item.origin:
            source = ET.SubElement(entry, "source")
            _text(source, "id", item.origin.url)
            _text(source, "title", item.origin.title)
            _text(source, "updated", _rfc3339(item.origin.updated or item.published))
            ET.SubElement(source, "link", rel="self", href=item.origin.url)
            if item.origin.html_url:
                ET.SubElement(
                    source, "link", rel="alternate", type="text/html", href=item.origin.html_url
                )
    return _serialize(feed)


def rss_feed(info: FeedInfo, items: Sequence[FeedItem]) -> str:
    """An RSS 2.0 document (authors as dc:creator: RSS's <author> wants an e-mail address)."""
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", info.title)
    _text(channel, "link", info.home_url)
    _text(channel, "description", info.description)
    ET.SubElement(
        channel, f"{{{ATOM_NS}}}link", rel="self", type="application/rss+xml", href=info.self_url
    )
    if info.language:
        _text(channel, "language", info.language)
    _text(channel, "lastBuildDate", email.utils.format_datetime(_utc(info.updated), usegmt=True))
    _text(channel, "generator", "Pelican")
    for item in items:
        element = ET.SubElement(channel, "item")
        # An item needs a title or a description: a titleless post with no text keeps its
        # stand-in title.
        if item.has_title or not item.html:
            _text(element, "title", item.title)
        if item.url:
            _text(element, "link", item.url)
        if item.html:
            _text(element, "description", item.html)
        _text(element, f"{{{DC_NS}}}creator", item.author_name)
        _text(element, "pubDate", email.utils.format_datetime(_utc(item.published), usegmt=True))
        _text(element, "guid", item.id, isPermaLink="true" if item.id == item.url else "false")
        for term in item.categories:
            _text(element, "category", term)
        if item.origin:
            _text(element, "source", item.origin.title, url=item.origin.url)
    return _serialize(rss)


def json_feed(info: FeedInfo, items: Sequence[FeedItem]) -> str:
    """A JSON Feed 1.1 document."""
    document: dict = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": info.home_url,
        "feed_url": info.self_url,
        "description": info.description,
    }
    if info.language:
        document["language"] = info.language
    document["items"] = [_json_item(item) for item in items]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _json_item(item: FeedItem) -> dict:
    author: dict = {"name": item.author_name}
    if item.author_url:
        author["url"] = item.author_url
    if item.author_avatar:
        author["avatar"] = item.author_avatar
    data: dict = {"id": item.id}
    if item.url:
        data["url"] = item.url
    if item.has_title:  # JSON Feed has titleless posts: no stand-in needed
        data["title"] = item.title
    if item.html:
        data["content_html"] = item.html
    else:  # JSON Feed asks for one of the two, with something in it
        data["content_text"] = item.title
    data["date_published"] = _rfc3339(item.published)
    if item.language:  # JSON Feed 1.1's per-item language
        data["language"] = item.language
    data["authors"] = [author]
    if item.categories:
        data["tags"] = list(item.categories)
    return data


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _rfc3339(moment: dt.datetime) -> str:
    return _utc(moment).isoformat(timespec="seconds").replace("+00:00", "Z")


def _serialize(root: ET.Element) -> str:
    return xml_document(root)
