"""Small hand-made feed documents, and HTML inspection helpers, for the parsing tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

FEED_URL = "https://blog.example/feed.xml"


def rss(items: str = "", *, title: str = "A blog", channel_extra: str = "", head: str = "") -> str:
    """An RSS 2.0 document with `items` (already XML) in its channel."""
    declaration = head or '<?xml version="1.0" encoding="utf-8"?>'
    return (
        f"{declaration}\n"
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f"<channel><title>{title}</title><link>https://blog.example/</link>{channel_extra}\n"
        f"{items}</channel></rss>\n"
    )


def rss_item(
    *,
    title: str = "Post",
    link: str | None = "https://blog.example/post",
    guid: str | None = None,
    description: str | None = None,
    extra: str = "",
) -> str:
    parts = [f"<title>{title}</title>"]
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if description is not None:
        parts.append(f"<description>{description}</description>")
    return "<item>" + "".join(parts) + extra + "</item>\n"


def atom(entries: str = "", *, title: str = "An Atom blog", feed_extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>{title}</title><link rel="alternate" href="https://blog.example/"/>'
        f"<id>urn:feed</id><updated>2024-05-01T00:00:00Z</updated>{feed_extra}\n{entries}</feed>\n"
    )


def atom_entry(
    *,
    entry_id: str = "urn:entry:1",
    title: str = "Entry",
    link: str = "https://blog.example/entry",
    content: str | None = None,
    content_type: str = "html",
    extra: str = "",
    attrs: str = "",
) -> str:
    body = f'<content type="{content_type}">{content}</content>' if content is not None else ""
    return (
        f"<entry{attrs}><id>{entry_id}</id><title>{title}</title>"
        f'<link rel="alternate" href="{link}"/><updated>2024-05-01T10:00:00Z</updated>'
        f"{body}{extra}</entry>\n"
    )


def json_feed(
    items: list[dict], *, version: str = "https://jsonfeed.org/version/1.1", **top
) -> bytes:
    document = {"version": version, "title": "A JSON blog", **top, "items": items}
    return json.dumps(document).encode("utf-8")


def xml_text(value: str) -> str:
    """`value` escaped for XML character data."""
    return escape(value, quote=False)


# --- inspecting HTML output by parsing it ----------------------------------------------------


@dataclass
class ParsedHtml:
    elements: list[str] = field(default_factory=list)
    attributes: list[tuple[str, str, str | None]] = field(default_factory=list)
    text: str = ""
    comments: list[str] = field(default_factory=list)

    def urls(self) -> list[str]:
        return [value or "" for _, name, value in self.attributes if name in URL_ATTRIBUTES]


URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "data", "poster", "srcset"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.result = ParsedHtml()
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.result.elements.append(tag)
        self.result.attributes.extend((tag, name, value) for name, value in attrs)

    def handle_data(self, data):
        self._text.append(data)

    def handle_comment(self, data):
        self.result.comments.append(data)

    def unknown_decl(self, data):  # CDATA and the like
        self.result.comments.append(data)


def parse_html(value: str) -> ParsedHtml:
    collector = _Collector()
    collector.feed(value)
    collector.close()
    collector.result.text = "".join(collector._text)
    return collector.result


def balanced(value: str) -> bool:
    """True when every non-void element in `value` is closed, in order."""
    void = {"br", "hr", "img", "wbr", "col", "source", "track", "area", "input", "meta", "link"}
    stack: list[str] = []
    ok = True

    class Checker(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in void:
                stack.append(tag)

        def handle_endtag(self, tag):
            nonlocal ok
            if not stack or stack.pop() != tag:
                ok = False

    checker = Checker()
    checker.feed(value)
    checker.close()
    return ok and not stack
