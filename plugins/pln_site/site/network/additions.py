"""New in my network: the latest additions by `since`, for the directory and as an Atom feed.

A reader who follows the feed learns about each new member when the owner adds them. The feed's
XML is built with xml.etree and written by pln_site.xmltext.xml_document, so member text is
escaped by the writer and holds nothing XML cannot carry.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

from pln_site.members.model import Member
from pln_site.site.feedlinks import distinct_updates
from pln_site.site.network.opml import since_as_datetime
from pln_site.xmltext import xml_document, xml_text

ATOM_NS = "http://www.w3.org/2005/Atom"


def newest_members(members: Sequence[Member], count: int) -> list[Member]:
    """The `count` most recent additions, newest first (a fuller date wins a tie: 2024-05-02
    is later than plain 2024-05); then by name."""

    def key(member: Member) -> tuple[dt.datetime, int]:
        return since_as_datetime(member.since), len(member.since)

    ordered = sorted(members, key=lambda m: m.name.casefold())
    return sorted(ordered, key=key, reverse=True)[: max(count, 0)]


def additions_atom(
    members: Sequence[Member],
    *,
    title: str,
    feed_link: str,
    directory_link: str,
    member_link: Callable[[Member], str],
    generated: dt.datetime,
    author: str | None = None,
) -> str:
    """An Atom 1.0 feed with one entry per member, newest first.

    Links are as the site's feeds write them (whole on the feed base, SITEURL or else
    FEED_DOMAIN; relative to the feed's own URL only where the site has neither); ids are stable
    URNs, so that moving the site does not make every addition new again.
    """
    feed = ET.Element("feed", xmlns=ATOM_NS)
    _text(feed, "title", title)
    _text(feed, "id", _urn(f"network-additions:{title}"))
    ET.SubElement(feed, "link", rel="self", href=feed_link)
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=directory_link)
    # Members added in one month share its first day: their <updated>s are told apart.
    updates = distinct_updates([since_as_datetime(member.since) for member in members])
    _text(feed, "updated", max(updates, default=generated).isoformat())
    if author:
        _text(ET.SubElement(feed, "author"), "name", author)
    for member, updated in zip(members, updates, strict=True):
        entry = ET.SubElement(feed, "entry")
        _text(entry, "title", f"{member.name} joined my network")
        _text(entry, "id", _urn(f"network-member:{member.id}"))
        ET.SubElement(entry, "link", rel="alternate", href=member_link(member))
        _text(entry, "published", since_as_datetime(member.since).isoformat())
        _text(entry, "updated", updated.isoformat())
        summary = member.why.rstrip()
        if not summary.endswith((".", "!", "?")):
            summary += "."
        if member.topics:
            summary += " Topics: " + ", ".join(member.topics) + "."
        _text(entry, "summary", summary)
        for topic in member.topics:
            ET.SubElement(entry, "category", term=topic)
    return xml_document(feed)


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, name)
    element.text = value
    return element


def _urn(text: str) -> str:
    # xml_text: the same URN as ever for any text, and none that cannot be encoded.
    return uuid.uuid5(uuid.NAMESPACE_URL, xml_text(text)).urn
