"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) into a ParsedFeed."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from pln_site.entries import FeedParseError, ParsedEntry, ParsedFeed
from pln_site.feeds.parse.dates import parse_date
from pln_site.feeds.parse.language import language_tag
from pln_site.feeds.sanitize import clean_html, entry_key, text_to_html, unique_entries
from pln_site.text import plain_text
from pln_site.urls import absolute_http_url

log = logging.getLogger(__name__)

# Both versions, as https (the spec) or http (seen in the wild), with or without a trailing slash.
_VERSION = re.compile(r"^https?://jsonfeed\.org/version/(1(?:\.1)?)/?$")
# JSON may escape half a UTF-16 pair alone ("\ud800"); json.loads keeps it, and no text with
# one can be encoded (to store, to write a page): it becomes U+FFFD, as an undecodable byte does.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_feed_version(document: Any) -> str | None:
    """Version "1.0" or "1.1" if `document` (decoded JSON) is a JSON Feed, else None."""
    if not isinstance(document, dict) or not isinstance(document.get("version"), str):
        return None
    match = _VERSION.match(document["version"].strip())
    if not match:
        return None
    return "1.1" if match.group(1) == "1.1" else "1.0"


def parse_json_feed(body: bytes, *, url: str) -> ParsedFeed:
    """Read a JSON Feed; FeedParseError when `body` is not JSON or not a JSON Feed."""
    try:
        document = json.loads(body)  # bytes: json detects UTF-8/16/32 itself
    except (ValueError, RecursionError) as error:
        raise FeedParseError(f"not valid JSON: {error}") from None
    version = json_feed_version(document)
    if version is None:
        raise FeedParseError(
            "JSON but not a JSON Feed (no version https://jsonfeed.org/version/1 or /1.1)"
        )
    items = document.get("items")
    if items is None:
        items = []
    if not isinstance(items, list):
        raise FeedParseError("JSON Feed whose items is not a list")

    feed_author = _author_name(document)
    feed_language = language_tag(_text(document.get("language")))
    entries = [
        _entry(item, feed_url=url, feed_author=feed_author, feed_language=feed_language)
        for item in items
        if isinstance(item, dict)
    ]
    return ParsedFeed(
        format=f"json{version}",
        title=plain_text(_text(document.get("title"))) or None,
        html_url=absolute_http_url(_text(document.get("home_page_url")), url),
        entries=unique_entries(entries),
    )


def _entry(
    item: dict[str, Any], *, feed_url: str, feed_author: str | None, feed_language: str | None
) -> ParsedEntry:
    link = absolute_http_url(_text(item.get("url")), feed_url) or absolute_http_url(
        _text(item.get("external_url")), feed_url
    )
    # Relative URLs in an item's HTML are most likely relative to the item's own page.
    base = link or feed_url
    content_html = _text(item.get("content_html"))
    content_text = _text(item.get("content_text"))
    summary = _text(item.get("summary"))
    if content_html:
        content = clean_html(content_html, base, link)
    elif content_text:
        content = text_to_html(content_text)
    else:
        content = ""
    summary_html = text_to_html(summary) if summary else ""
    title = plain_text(_text(item.get("title")))
    raw_id = item.get("id")
    entry_id = (
        _text(raw_id) or str(raw_id)
        if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool)
        else None
    )
    return ParsedEntry(
        key=entry_key(entry_id, link, title, content or summary_html),
        link=link,
        title=title,
        author=_author_name(item) or feed_author,
        content_html=content or summary_html,
        summary_html=summary_html,
        published=parse_date(_text(item.get("date_published"))),
        updated=parse_date(_text(item.get("date_modified"))),
        categories=_tags(item.get("tags")),
        language=language_tag(_text(item.get("language"))) or feed_language,
    )


def _author_name(holder: dict[str, Any]) -> str | None:
    # 1.1 has `authors` (a list); 1.0 has `author` (one object). Many feeds carry both.
    authors = holder.get("authors")
    candidates = authors if isinstance(authors, list) else []
    candidates = [*candidates, holder.get("author")]
    for author in candidates:
        if isinstance(author, dict):
            name = plain_text(_text(author.get("name")))
            if name:
                return name
    return None


def _tags(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    # A dict keeps the order; a list's `in` made 40,000 distinct tags cost 10 s (their square).
    tags: dict[str, None] = {}
    for tag in value:
        text = plain_text(_text(tag), max_chars=100)
        if text:
            tags.setdefault(text)
    return list(tags)


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return _LONE_SURROGATE.sub("\ufffd", value)
