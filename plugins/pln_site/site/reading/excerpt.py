"""Short, balanced HTML excerpts of sanitized entry content for the river pages, and the
headings of an entry's HTML moved below the level of the entry's own title."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser

ELLIPSIS = "…"

#: Left out of excerpts with everything inside them: they make no sense cut short.
DROPPED = frozenset({"img", "figure", "table", "picture", "video", "audio", "iframe", "svg"})
_VOID = frozenset({"br", "hr", "wbr", "img", "col", "source", "track", "area", "input"})
_PRESERVES_SPACE = frozenset({"pre"})
_WHITESPACE = re.compile(r"\s+")
_EMPTY_BLOCK = re.compile(r"<(p|div|span|li|ul|ol|blockquote|figcaption|h[1-6])>\s*</\1>")
_CLOSING_TAGS = re.compile(r"(?:</[a-z0-9]+>\s*)+$")
HEADINGS = frozenset(f"h{level}" for level in range(1, 7))


def excerpt_html(value: str, max_chars: int) -> str:
    """At most about `max_chars` characters of text from `value`, as balanced HTML.

    Cuts at a word boundary and appends an ellipsis when text was left out; keeps text, links,
    emphasis and code; leaves out images, figures and tables. `value` must already be sanitized.
    """
    if not value:
        return ""
    builder = _ExcerptBuilder(max_chars)
    for text, tag in _tokens(value):
        if text:
            builder.handle_data(html.unescape(text))
        if builder.done:
            break
        if tag is not None:
            builder.handle_tag(tag)
    builder.close()
    result = builder.result()
    previous = None
    while previous != result:  # dropping an image can leave its paragraph empty
        previous, result = result, _EMPTY_BLOCK.sub("", result)
    return result.strip()


# A tag of sanitized HTML (the sanitizer writes every tag well formed, its attribute values
# quoted, where a ">" may stand), or a comment or declaration, which excerpts leave out.
_MARKUP = re.compile(
    r"""<(?P<end>/?)(?P<name>[a-zA-Z][^\t\n\r\f />\x00]*)"""
    r"""(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*?)(?P<closed>/?)>"""
    r"|<!--.*?-->|<![^>]*>|<\?[^>]*>",
    re.DOTALL,
)


def _tokens(value: str) -> Iterator[tuple[str, re.Match[str] | None]]:
    """(the text before a tag, the tag) through `value`, and last its text after the last tag
    (with None). One regular expression over the string: the standard library's HTMLParser
    took most of a first build's excerpts (20,000 of them at 500 members)."""
    position = 0
    for found in _MARKUP.finditer(value):
        yield value[position : found.start()], found if found["name"] else None
        position = found.end()
    yield value[position:], None


def is_cut(excerpt: str) -> bool:
    """Whether an excerpt made by `excerpt_html` left text out (it then ends in an ellipsis)."""
    return _CLOSING_TAGS.sub("", excerpt).endswith(ELLIPSIS)


def demote_headings(value: str, title_level: int) -> str:
    """`value` (sanitized HTML) with every heading moved `title_level` levels down (at most to
    h6), so that no heading of a post outranks the post's own title (an <h`title_level`>) on
    the page: under an h3 title, a post's h1 becomes an h4. Everything else is kept as it is."""
    if "<h" not in value or title_level < 1:
        return value
    shifter = _HeadingShifter(title_level)
    shifter.feed(value)
    shifter.close()
    return "".join(shifter.parts)


class _HeadingShifter(HTMLParser):
    """Passes HTML through unchanged but for the names of heading tags."""

    def __init__(self, shift: int) -> None:
        super().__init__(convert_charrefs=False)  # character references pass through as written
        self.shift = shift
        self.parts: list[str] = []

    def _name(self, tag: str) -> str:
        return f"h{min(int(tag[1]) + self.shift, 6)}" if tag in HEADINGS else tag

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        self.parts.append(f"<{self._name(tag)}{raw[1 + len(tag) :]}" if tag in HEADINGS else raw)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(f"</{self._name(tag)}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.parts.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.parts.append(f"&#{name};")


class _ExcerptBuilder:
    """Keeps the text, and the tags around it, until the budget of characters is spent."""

    def __init__(self, max_chars: int) -> None:
        self.budget = max(max_chars, 1)
        self.parts: list[str] = []
        self.open_tags: list[str] = []
        self.dropping: list[str] = []  # the dropped elements we are inside of
        self.text_so_far = 0
        self.done = False
        # Text between two tags may come in pieces (a comment between them); handled whole.
        self.pending_text: list[str] = []

    def close(self) -> None:
        self._flush_text()

    def handle_tag(self, found: re.Match[str]) -> None:
        tag = found["name"].lower()
        if found["end"]:
            self.handle_endtag(tag)
        elif found["closed"]:
            self.handle_startendtag(tag, found[0])
        else:
            self.handle_starttag(tag, found[0])

    def handle_starttag(self, tag: str, raw: str) -> None:
        self._flush_text()
        if self.done:
            return
        if self.dropping or tag in DROPPED:
            if tag not in _VOID:
                self.dropping.append(tag)
            return
        self.parts.append(raw)
        if tag not in _VOID:
            self.open_tags.append(tag)

    def handle_startendtag(self, tag: str, raw: str) -> None:
        self._flush_text()
        if not self.done and not self.dropping and tag not in DROPPED:
            self.parts.append(raw)

    def handle_endtag(self, tag: str) -> None:
        self._flush_text()
        if self.done:
            return
        if self.dropping:
            if tag in self.dropping:
                while self.dropping and self.dropping.pop() != tag:
                    pass
            return
        if tag in self.open_tags:
            while self.open_tags:
                open_tag = self.open_tags.pop()
                self.parts.append(f"</{open_tag}>")
                if open_tag == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.done and not self.dropping:
            self.pending_text.append(data)

    def _flush_text(self) -> None:
        if self.pending_text:
            data = "".join(self.pending_text)
            self.pending_text.clear()
            self._add_text(data)

    def _add_text(self, data: str) -> None:
        if self.done or self.dropping or not data:
            return
        if not any(tag in _PRESERVES_SPACE for tag in self.open_tags):
            data = _WHITESPACE.sub(" ", data)
            if self.text_so_far == 0:
                data = data.lstrip()
            if not data:
                return
        remaining = self.budget - self.text_so_far
        if len(data) <= remaining:
            self.parts.append(html.escape(data, quote=False))
            self.text_so_far += len(data)
            return
        self._cut(data, remaining)

    # -- helpers

    def _cut(self, data: str, remaining: int) -> None:
        head = data[: remaining + 1]
        space = head.rfind(" ")
        if space > 0:
            head = head[:space]
        elif self.text_so_far > 0 and data[:1] != " " and not self._ends_with_space():
            head = ""  # mid-word across elements: end at the last whole word already written
        else:
            head = head[:remaining]
        head = head.rstrip(" ,;:.!?-–—(")
        if not head:
            self._trim_trailing_space()
        self.parts.append(html.escape(head, quote=False) + ELLIPSIS)
        self.text_so_far += len(head)
        self.done = True

    def _ends_with_space(self) -> bool:
        for part in reversed(self.parts):
            if not part.startswith("<"):
                return part.endswith(" ")
        return True

    def _trim_trailing_space(self) -> None:
        for index in range(len(self.parts) - 1, -1, -1):
            if not self.parts[index].startswith("<"):
                self.parts[index] = self.parts[index].rstrip(" ,;:")
                return

    def result(self) -> str:
        closing = "".join(f"</{tag}>" for tag in reversed(self.open_tags))
        return "".join(self.parts) + closing
