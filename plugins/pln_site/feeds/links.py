"""The links an entry cites: each outbound link of its cleaned HTML, with its anchor text and a
short quote of the text around it, for the reading's hot links (site/reading/hotlinks.py).

Read with the standard library's html.parser from HTML that already passed the sanitizer: no
tree is built, and the work grows with the length of the HTML alone.
"""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

from pln_site.entries import ParsedEntry
from pln_site.store.records import EntryLink, FeedChanged
from pln_site.text import plain_text
from pln_site.urls import absolute_http_url, cited_page_key, is_http_url

# Of what one entry cites, the first links kept: a feed of link dumps (or an attack) could
# otherwise write thousands of rows per entry.
MAX_LINKS_PER_ENTRY = 50
QUOTE_CHARS = 160
ANCHOR_CHARS = 200
# Elements after which the text reads on as another phrase, not the same word.
_BREAKS = frozenset(
    {"p", "br", "li", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th"}
    | {"dd", "dt", "pre", "figure", "figcaption", "section", "article", "hr", "ul", "ol"}
)
_HIDDEN = frozenset({"script", "style", "template"})


def with_links(update: FeedChanged) -> FeedChanged:
    """`update` with what each of its entries cites (FeedChanged.links), to store beside it."""
    links = {entry.key: tuple(entry_links(entry)) for entry in update.entries}
    return dataclasses.replace(update, links={key: found for key, found in links.items() if found})


def entry_links(entry: ParsedEntry) -> list[EntryLink]:
    """The http(s) links of the entry's HTML, in order, each page once (urls.cited_page_key),
    without links into the entry itself."""
    html = entry.content_html or entry.summary_html
    if not html or "<a" not in html.lower():
        return []
    reader = _LinkReader(entry.link)
    reader.feed(html)
    reader.close()
    text = "".join(reader.text)
    own = cited_page_key(entry.link) if entry.link else None
    seen: set[str] = set()
    found = []
    for url, start, end in reader.anchors:
        page = cited_page_key(url)
        if page == own or page in seen:
            continue
        seen.add(page)
        anchor = plain_text(text[start:end], ANCHOR_CHARS, is_html=False)
        found.append(EntryLink(url=url, text=anchor, quote=_quote(text, start, end)))
        if len(found) == MAX_LINKS_PER_ENTRY:
            break
    return found


def _quote(text: str, start: int, end: int) -> str:
    """About QUOTE_CHARS of plain text around text[start:end], cut at words, "…" where cut."""
    room = max(QUOTE_CHARS - (end - start), 0)
    left = max(start - room // 2, 0)
    right = min(end + (room - (start - left)), len(text))
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    quote = plain_text(text[left:right], QUOTE_CHARS + ANCHOR_CHARS, is_html=False)
    return f"{'…' if left > 0 else ''}{quote}{'…' if right < len(text) else ''}"


class _LinkReader(HTMLParser):
    """Collects the text of HTML and, for each <a href>, its URL and where its text lies."""

    def __init__(self, base: str | None):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.text: list[str] = []
        self.length = 0
        self.anchors: list[tuple[str, int, int]] = []  # (url, start, end) in the text
        self._open: tuple[str, int] | None = None
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BREAKS:
            self._add(" ")
        elif tag == "a":
            self._close_anchor()
            href = (dict(attrs).get("href") or "").strip()
            # The sanitizer made links whole: most need no resolving, only the check.
            url = href if is_http_url(href) else absolute_http_url(href, self.base)
            if url:
                self._open = (url, self.length)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self._add(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(self._hidden - 1, 0)
        elif tag == "a":
            self._close_anchor()
        elif tag in _BREAKS:
            self._add(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._add(data)

    def close(self) -> None:
        super().close()
        self._close_anchor()

    def _add(self, text: str) -> None:
        self.text.append(text)
        self.length += len(text)

    def _close_anchor(self) -> None:
        if self._open is not None:
            url, start = self._open
            self.anchors.append((url, start, self.length))
            self._open = None
