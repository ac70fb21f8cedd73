"""The blogroll: every listed member's feeds as OPML 2.0, for feed readers to import. Written by
pln_site.xmltext.xml_document, like every XML file of the site.

Each feed is one `type="rss"` outline with the attributes OPML 2.0 names for it (text, title,
xmlUrl, htmlUrl, description, created, category), where `description` is the member's `why`
and `created` their `since` as RFC 822. The member's own words are kept too, as two plain
attributes, `why` and `since` ("2019-04" as written, which `created` cannot say): OPML 2.0
lets an outline carry any attribute, and plain ones reach every reader, where a namespace
would need one to be declared and known. The same document, titled as a list of
recommendations, is the well-known `recommendations.opml` that Micro.blog reads.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from email.utils import format_datetime

from pln_site.members.model import Member
from pln_site.xmltext import xml_document

SPEC_URL = "https://opml.org/spec2.opml"


def rfc822(moment: dt.datetime) -> str:
    return format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def since_as_datetime(since: str) -> dt.datetime:
    """The first day a partial date ("2019", "2019-04", "2019-04-12") can mean, in UTC."""
    parts = [int(part) for part in since.split("-")] + [1, 1]
    return dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.UTC)


def opml_category(topics: Sequence[str]) -> str:
    """OPML's category: comma-separated, and "/" means a hierarchy; topics are flat tags."""
    cleaned = (" ".join(t.replace(",", " ").replace("/", " ").split()) for t in topics)
    return ",".join(t for t in cleaned if t)


def blogroll_opml(
    members: Sequence[Member],
    title: str,
    owner_name: str | None,
    generated: dt.datetime,
    owner_id: str | None = None,
) -> str:
    """One `type="rss"` outline per feed (a member with two feeds has two outlines)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = rfc822(generated)
    if owner_name:
        ET.SubElement(head, "ownerName").text = owner_name
    if owner_id:
        ET.SubElement(head, "ownerId").text = owner_id
    ET.SubElement(head, "docs").text = SPEC_URL
    body = ET.SubElement(root, "body")
    for member in members:
        for feed in member.live_feeds:  # a gone feed would give a reader nothing to read
            name = feed.title or member.name
            attributes = {
                "type": "rss",
                "text": name,
                "title": name,
                "xmlUrl": feed.url,
                "htmlUrl": feed.html_url or member.url,
                "description": member.why,
                "created": rfc822(since_as_datetime(member.since)),
                "why": member.why,
                "since": member.since,
            }
            category = opml_category(member.topics)
            if category:
                attributes["category"] = category
            ET.SubElement(body, "outline", attributes)
    return xml_document(root)
