"""What every feed the site writes shares: the base of its links, its ids, its <updated>s.

A feed is read away from the site, by a program that needs whole URLs (RSS's <link> must be
one; a relative self link or entry link resolves against wherever the reader fetched the file).
So every feed the site writes (the blog's, the reading feeds, "new in my network") makes its
links absolute on the *feed base*: SITEURL when it is absolute (a publishing build), else
FEED_DOMAIN (a development build points it at `invoke serve`, as pelicanconf.py does), else
links stay relative, as a site with neither has no address to give.

Ids must be full URLs or tag URIs (RFC 4151) whose authority is a name the site owns, even in
a development build, whose SITEURL is empty. Where the site has no address of its own, the tag
authority is the site's name as a DNS label ("Robin's notebook" gives
``tag:robins-notebook,2024-01-01:/posts/hello/``): stable from build to build and never
`tag:None`. A publishing build's ids are Pelican's own (``tag:robin.example,...``), unchanged.

No two entries of a feed share an <updated> second (`distinct_updates`): readers that take an
entry's <updated> for its version cannot tell them apart, and the validator warns.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from pln_site.urls import site_absolute

_NOT_LABEL = re.compile(r"[^a-z0-9]+")
_IP_OR_LOCAL = re.compile(r"^(?:[0-9.]+|\[[0-9a-f:.]+\]|localhost)$")


def feed_base(settings: Mapping[str, Any]) -> str | None:
    """The absolute URL the feeds' links are made whole on (ending in "/"), or None."""
    for name in ("SITEURL", "FEED_DOMAIN"):
        base = site_absolute(settings.get(name), "")
        if base is not None:
            return base
    return None


def feed_absolute(settings: Mapping[str, Any], url: str) -> str | None:
    """`url` (site-relative, or already absolute) made whole on the feed base; None without
    a base."""
    base = feed_base(settings)
    return urljoin(base, url) if base is not None else None


def id_authority(settings: Mapping[str, Any]) -> str:
    """The authority of the site's tag: ids: its host (SITEURL, else FEED_DOMAIN when that is
    a name and not a loopback address), else its name as a DNS label, else "localhost"."""
    for name in ("SITEURL", "FEED_DOMAIN"):
        value = str(settings.get(name) or "")
        host = urlsplit(value).hostname if value.startswith(("http://", "https://")) else None
        if host and not _IP_OR_LOCAL.match(host):
            return host.lower()
    name = unicodedata.normalize("NFKD", str(settings.get("SITENAME") or ""))
    label = _NOT_LABEL.sub("-", name.encode("ascii", "ignore").decode().lower().replace("'", ""))
    return label.strip("-")[:63].strip("-") or "localhost"


def tag_uri(settings: Mapping[str, Any], date: str, path: str) -> str:
    """A tag URI of the site: ``tag:<authority>,<date>:<path>``; `date` is YYYY[-MM[-DD]]."""
    return f"tag:{id_authority(settings)},{date}:{path}"


def distinct_updates(moments: Sequence[dt.datetime]) -> list[dt.datetime]:
    """`moments` (in a feed's order, newest first) made distinct to the second, as feed
    readers tell entries' <updated> apart: where several fall in one second (entries without
    dates of their own are all first seen in the same second, dates without times all fall at
    midnight), the last listed keeps it and the others get the next free seconds after it.
    Only moments that collide move, each by as few seconds as there are collisions, and only
    later: an entry is never updated before it was published."""
    wholes = [moment.replace(microsecond=0) for moment in moments]
    reserved = set(wholes)  # a moment no other entry has stays where it is
    taken: set[dt.datetime] = set()
    result: list[dt.datetime] = []
    for whole in reversed(wholes):
        moment = whole
        if moment in taken:
            moment += dt.timedelta(seconds=1)
            while moment in taken or moment in reserved:
                moment += dt.timedelta(seconds=1)
        taken.add(moment)
        result.append(moment)
    return result[::-1]
