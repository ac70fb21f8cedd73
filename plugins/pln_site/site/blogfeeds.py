"""The blog's own feeds (Pelican's FEED_* Atom and RSS) made valid in every build.

Pelican builds its feeds' links and ids on SITEURL. A development build has none: its feeds
said `<id>/</id>`, gave entries `tag:None,2024-01-01:posts/hello/` and links relative to
nothing, and the W3C Feed Validator refused them. Just before Pelican writes a feed
(`feed_generated`), its links are made whole on the feed base and, where SITEURL gave Pelican
nothing to build ids on, the ids become the site's tag URIs (pln_site.site.feedlinks). RSS
guids that are tag URIs say they are no permalinks, as RSS asks of a guid that is no URL.

Each feed also names the blogroll, as `<source:blogroll>` of the `source` namespace
(http://source.scripting.com/): a reader that subscribes to the blog can find the people it
reads. The element sits in the RSS channel and, as foreign markup Atom allows, in the Atom feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from pln_site.site.base import link_from
from pln_site.site.feedlinks import feed_absolute, feed_base, tag_uri
from pln_site.urls import site_absolute


def fix_feed(settings: Mapping[str, Any], feed: Any) -> None:
    """Make `feed` (a feedgenerator SyndicationFeed, before it is written) valid: whole links,
    real ids."""
    base = feed_base(settings)
    if base is not None:
        feed.feed["link"] = urljoin(base, feed.feed.get("link") or "")
        if feed.feed.get("feed_url"):
            feed.feed["feed_url"] = urljoin(base, feed.feed["feed_url"])
        for item in feed.items:
            item["link"] = urljoin(base, item.get("link") or "")
    if site_absolute(settings.get("SITEURL"), "") is None:
        _own_ids(settings, feed)
    for item in feed.items:
        if str(item.get("unique_id") or "").startswith("tag:"):
            item["unique_id_is_permalink"] = False
    blogroll = blogroll_link(settings, str(feed.feed.get("feed_url") or ""))
    if blogroll is not None:
        name_blogroll(feed, blogroll)


SOURCE_NS = "http://source.scripting.com/"
#: The blogrolls a feed may name, the first one the site writes: setting names without _URL.
BLOGROLLS = ("NETWORK_OPML", "NETWORK_RECOMMENDATIONS_OPML")


def blogroll_link(settings: Mapping[str, Any], feed_url: str) -> str | None:
    """The blogroll's address as the feed at `feed_url` writes it: whole on the feed base, else
    relative to the feed's file; None when the site writes no blogroll (or has no directory)."""
    for name in BLOGROLLS:
        url, save_as = settings.get(f"{name}_URL"), settings.get(f"{name}_SAVE_AS")
        if url and save_as:
            feed_file = urlsplit(feed_url).path.lstrip("/")
            return feed_absolute(settings, url) or link_from(feed_file, url, None)
    return None


def name_blogroll(feed: Any, blogroll: str) -> None:
    """Add `<source:blogroll>` to `feed` (a feedgenerator feed): the namespace on the root
    element (RSS's <rss>, Atom's <feed>), the element after the feed's own."""
    attributes_method = "rss_attributes" if hasattr(feed, "rss_attributes") else "root_attributes"
    attributes: Callable[[], dict[str, str]] = getattr(feed, attributes_method)
    add_root_elements: Callable[[Any], None] = feed.add_root_elements

    def with_namespace() -> dict[str, str]:
        return {**attributes(), "xmlns:source": SOURCE_NS}

    def with_blogroll(handler: Any) -> None:
        add_root_elements(handler)
        handler.addQuickElement("source:blogroll", blogroll)

    setattr(feed, attributes_method, with_namespace)
    feed.add_root_elements = with_blogroll


def _own_ids(settings: Mapping[str, Any], feed: Any) -> None:
    """Ids for a feed whose SITEURL is not absolute: Pelican built them on nothing."""
    dates = [item["pubdate"] for item in feed.items if isinstance(item.get("pubdate"), dt.date)]
    for item in feed.items:
        path = urlsplit(item.get("link") or "").path or "/"
        day = item["pubdate"].strftime("%Y-%m-%d") if item.get("pubdate") else "2000"
        item["unique_id"] = tag_uri(settings, day, path if path.startswith("/") else f"/{path}")
    feed_url = str(feed.feed.get("feed_url") or "")
    if feed_url.startswith(("http://", "https://")):
        feed.feed["id"] = feed_url
    else:
        first = min(dates).strftime("%Y-%m-%d") if dates else "2000"
        feed.feed["id"] = tag_uri(settings, first, "/" + urlsplit(feed_url).path.lstrip("/"))
